extension RuleSQLCompiler {
    /// The child scope of a relation's last step, with its filter compiled in.
    private mutating func childScope(_ relation: BoundRelation) -> SQLScope {
        let child = scope(entity(relation.last.to))
        if let filter = relation.filter { child.conditions.append(condition(filter, in: child)) }
        return child
    }

    /// `exists list(filter)` as `parent IN (SELECT link FROM child WHERE filter)`.
    mutating func semiJoin(_ relation: BoundRelation, in scope: SQLScope) -> String {
        let anchor = join(relation.prefix, in: scope)
        let last = relation.last
        let child = childScope(relation)
        let linkColumns = last.toColumns.map { child.column($0, dialect) }
        // Nullable link columns: a null never matches, and NOT IN must not see it.
        let nullable = zip(last.toColumns, linkColumns).filter { entity(last.to).field(named: $0.0)?.nullable == true }
        child.conditions += nullable.map { "\($0.1) IS NOT NULL" }
        let parent = last.fromColumns.map { "\(anchor).\(q($0))" }
        return "\(tuple(parent)) IN (SELECT \(linkColumns.joined(separator: ", ")) FROM \(child.from(dialect))\(child.whereClause))"
    }

    /// The aggregate function over the child scope's rows.
    private mutating func aggregateExpression(_ aggregate: BoundAggregate, in child: SQLScope) -> String {
        let argument = aggregate.argument.map { "\(join($0.steps, in: child)).\(q($0.field.name))" }
        switch aggregate.function {
        case .count: return argument.map { "count(\($0))" } ?? "count(*)"
        case .countDistinct: return "count(DISTINCT \(argument!))"
        case .sum, .avg, .min, .max: return "\(aggregate.function.rawValue)(\(argument!))"
        }
    }

    /// An aggregate as a value: a LEFT JOIN to the child rows grouped once by their link.
    mutating func joinedAggregate(_ aggregate: BoundAggregate, in scope: SQLScope) -> String {
        let anchor = join(aggregate.relation.prefix, in: scope)
        let last = aggregate.relation.last
        let child = childScope(aggregate.relation)
        let function = aggregateExpression(aggregate, in: child)
        let groupAlias = alias("g")
        let keys = last.toColumns.map { child.column($0, dialect) }
        let keyNames = keys.indices.map { "k\($0)" }
        let select = zip(keys, keyNames).map { "\($0) AS \($1)" }.joined(separator: ", ")
        let on = zip(keyNames, last.fromColumns).map { "\(groupAlias).\($0) = \(anchor).\(q($1))" }.joined(separator: " AND ")
        scope.addJoin("LEFT JOIN (SELECT \(select), \(function) AS v FROM \(child.from(dialect))\(child.whereClause) GROUP BY \(keys.joined(separator: ", "))) AS \(groupAlias) ON \(on)")
        switch aggregate.function {
        case .count, .countDistinct, .sum: return "coalesce(\(groupAlias).v, 0)"
        case .avg, .min, .max: return "\(groupAlias).v"
        }
    }

    /// `count(list where …) >= 3` as a grouped semi-join; nil when the condition has another shape.
    mutating func groupedComparison(_ expression: BoundExpression, in scope: SQLScope) -> String? {
        let aggregate: BoundAggregate
        let test: (String) -> String
        let holdsForNoRows: Bool
        switch expression {
        case .compare(let op, .aggregate(let a), .constant(let value, let kind), false):
            aggregate = a
            let bound = sql.bind(value, kind)
            test = { "\($0) \(op == .notEqual ? "<>" : op.rawValue) \(bound)" }
            holdsForNoRows = Self.holds(op, a.valueOverNoRows, value)
        case .compare(let op, .constant(let value, let kind), .aggregate(let a), false):
            aggregate = a
            let bound = sql.bind(value, kind)
            test = { "\(bound) \(op == .notEqual ? "<>" : op.rawValue) \($0)" }
            holdsForNoRows = Self.holds(op.mirrored, a.valueOverNoRows, value)
        case .between(.aggregate(let a), .constant(let low, let lowKind), .constant(let high, let highKind), let negated):
            aggregate = a
            let lowBound = sql.bind(low, lowKind), highBound = sql.bind(high, highKind)
            test = { "\($0) \(negated ? "NOT " : "")BETWEEN \(lowBound) AND \(highBound)" }
            let inside = Self.holds(.greaterOrEqual, a.valueOverNoRows, low) && Self.holds(.lessOrEqual, a.valueOverNoRows, high)
            holdsForNoRows = a.valueOverNoRows.isNull ? false : inside != negated
        default:
            return nil
        }
        let anchor = join(aggregate.relation.prefix, in: scope)
        let last = aggregate.relation.last
        let child = childScope(aggregate.relation)
        var function = aggregateExpression(aggregate, in: child)
        if aggregate.function == .sum { function = "coalesce(\(function), 0)" }
        let keys = last.toColumns.map { child.column($0, dialect) }
        let nullable = zip(last.toColumns, keys).filter { entity(last.to).field(named: $0.0)?.nullable == true }
        child.conditions += nullable.map { "\($0.1) IS NOT NULL" }
        let parent = tuple(last.fromColumns.map { "\(anchor).\(q($0))" })
        let having = holdsForNoRows ? "NOT (\(test(function)))" : test(function)
        let subquery = "SELECT \(keys.joined(separator: ", ")) FROM \(child.from(dialect))\(child.whereClause) GROUP BY \(keys.joined(separator: ", ")) HAVING \(having)"
        // Parents without rows qualify exactly when the test holds for the empty value (0 for count and
        // sum): then the groups that fail it are the ones to leave out.
        return holdsForNoRows ? "\(parent) NOT IN (\(subquery))" : "\(parent) IN (\(subquery))"
    }

    /// Evaluates `a op b` for the no-rows value of an aggregate against a bound constant.
    static func holds(_ op: ComparisonOperator, _ a: Value, _ b: Value) -> Bool {
        func number(_ v: Value) -> Double? {
            switch v {
            case .integer(let n): Double(n)
            case .decimal(let text): Double(text)
            default: nil
            }
        }
        guard let x = number(a), let y = number(b) else { return false }
        switch op {
        case .equal: return x == y
        case .notEqual: return x != y
        case .less: return x < y
        case .lessOrEqual: return x <= y
        case .greater: return x > y
        case .greaterOrEqual: return x >= y
        }
    }

    // MARK: To-one navigation

    /// A comparison whose every field lies along the same first to-one step, compiled as a semi-join
    /// on that link; nil for any other comparison. Only conditions that are false when the linked
    /// row is missing qualify (they all are, except `is null`).
    mutating func navigationSemiJoin(_ expression: BoundExpression, in scope: SQLScope) -> String? {
        guard let step = Self.sharedFirstStep(expression) else { return nil }
        let inner = self.scope(entity(step.to))
        inner.conditions.append(condition(Self.droppingFirstStep(expression), in: inner))
        let linked = step.toColumns.map { inner.column($0, dialect) }
        let nullable = zip(step.toColumns, linked).filter { inner.entity.field(named: $0.0)?.nullable == true }
        inner.conditions += nullable.map { "\($0.1) IS NOT NULL" }
        let local = tuple(step.fromColumns.map { scope.column($0, dialect) })
        return "\(local) IN (SELECT \(linked.joined(separator: ", ")) FROM \(inner.from(dialect))\(inner.whereClause))"
    }

    /// The first step shared by every field of a comparison, when there is one and no aggregate.
    static func sharedFirstStep(_ expression: BoundExpression) -> LinkStep? {
        var first: LinkStep?
        var usable = true
        func visit(_ e: BoundExpression) {
            switch e {
            case .column(let reference):
                guard let step = reference.steps.first, !step.isToMany, first == nil || first == step else {
                    usable = false
                    return
                }
                first = step
            case .constant: break
            case .arithmetic(_, let a, let b, _): visit(a); visit(b)
            case .compare(_, let a, let b, _): visit(a); visit(b)
            case .between(let a, let b, let c, _): visit(a); visit(b); visit(c)
            case .inList(let a, let list, _, _): visit(a); list.forEach(visit)
            case .isNull(let a, _), .match(_, let a, _, _, _): visit(a)
            default: usable = false
            }
        }
        visit(expression)
        return usable ? first : nil
    }

    static func droppingFirstStep(_ expression: BoundExpression) -> BoundExpression {
        switch expression {
        case .column(var reference):
            reference.steps.removeFirst()
            return .column(reference)
        case .arithmetic(let op, let a, let b, let kind): return .arithmetic(op, droppingFirstStep(a), droppingFirstStep(b), kind)
        case .compare(let op, let a, let b, let ignoreCase): return .compare(op, droppingFirstStep(a), droppingFirstStep(b), ignoreCase: ignoreCase)
        case .between(let a, let b, let c, let negated): return .between(droppingFirstStep(a), droppingFirstStep(b), droppingFirstStep(c), negated: negated)
        case .inList(let a, let list, let negated, let ignoreCase):
            return .inList(droppingFirstStep(a), list.map(droppingFirstStep), negated: negated, ignoreCase: ignoreCase)
        case .isNull(let a, let negated): return .isNull(droppingFirstStep(a), negated: negated)
        case .match(let kind, let a, let pattern, let negated, let ignoreCase):
            return .match(kind, droppingFirstStep(a), pattern, negated: negated, ignoreCase: ignoreCase)
        default: return expression
        }
    }

    // MARK: Populations

    /// A scope over the population's rows: the rule on its own entity, then each dimension step as a
    /// semi-join, so every target row appears once however many source rows lead to it.
    mutating func populationScope(_ population: BoundPopulation) -> SQLScope {
        var current = scope(population.entity)
        if let rule = population.rule { current.conditions.append(condition(rule, in: current)) }
        for step in population.dimension {
            let outer = scope(entity(step.to))
            let sourceColumns = step.fromColumns.map { current.column($0, dialect) }
            let nullable = zip(step.fromColumns, sourceColumns).filter { current.entity.field(named: $0.0)?.nullable == true }
            current.conditions += nullable.map { "\($0.1) IS NOT NULL" }
            let targetColumns = step.toColumns.map { outer.column($0, dialect) }
            outer.conditions.append("\(tuple(targetColumns)) IN (SELECT \(sourceColumns.joined(separator: ", ")) FROM \(current.from(dialect))\(current.whereClause))")
            current = outer
        }
        return current
    }
}

extension ComparisonOperator {
    /// The operator with its sides swapped: `3 < x` is `x > 3`.
    var mirrored: ComparisonOperator {
        switch self {
        case .less: .greater
        case .lessOrEqual: .greaterOrEqual
        case .greater: .less
        case .greaterOrEqual: .lessOrEqual
        case .equal, .notEqual: self
        }
    }
}
