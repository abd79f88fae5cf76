extension RuleSQLCompiler {
    /// The child scope of a relation's last step, with its filter compiled in.
    private mutating func childScope(_ relation: BoundRelation) -> SQLScope {
        let child = scope(entity(relation.last.to))
        if let filter = relation.filter { child.conditions.append(condition(filter, in: child).sql) }
        return child
    }

    /// Keeps the scope's rows whose nullable link `columns` hold a value: a null link matches
    /// nothing, and in a set that `NOT IN` reads it would make every test unknown.
    private func excludeNullLinks(_ columns: [String], of scope: SQLScope) {
        scope.conditions += columns.filter { scope.entity.field(named: $0)?.nullable == true }.map { "\(scope.column($0, dialect)) IS NOT NULL" }
    }

    /// Whether `columns` of the row at `anchor` can be null: a nullable field, or a row reached
    /// through a LEFT JOIN that may find nothing.
    private func mayBeNull(_ columns: [String], of entityName: String, throughJoins: Bool) -> Bool {
        throughJoins || columns.contains { entity(entityName).field(named: $0)?.nullable == true }
    }

    /// Rows related along `step` from the row at `anchor`, in the given shape: `inner`
    /// is the related rows' scope with its conditions.
    private mutating func related(
        _ step: LinkStep, anchor: String, of outer: SQLScope, throughJoins: Bool, inner: SQLScope, context: Shape
    ) -> Condition {
        let linked = step.toColumns.map { inner.column($0, dialect) }
        let parent = step.fromColumns.map { anchored(anchor, $0, in: outer) }
        switch shape(context) {
        case .correlated:
            inner.conditions.insert(contentsOf: zip(linked, parent).map { "\($0) = \($1)" }, at: 0)
            return Condition(sql: "EXISTS (SELECT 1 FROM \(inner.from(dialect))\(inner.whereClause))", neverNull: true)
        case .membership:
            // A null link never matches, and `NOT IN` must not see one.
            excludeNullLinks(step.toColumns, of: inner)
            let text = "\(tuple(parent)) IN (SELECT \(linked.joined(separator: ", ")) FROM \(inner.from(dialect))\(inner.whereClause))"
            return Condition(sql: text, neverNull: !mayBeNull(step.fromColumns, of: step.from, throughJoins: throughJoins))
        }
    }

    /// `exists list(filter)`.
    mutating func semiJoin(_ relation: BoundRelation, in scope: SQLScope, context: Shape) -> Condition {
        let anchor = join(relation.prefix, in: scope)
        let child = childScope(relation)
        return related(relation.last, anchor: anchor, of: scope, throughJoins: !relation.prefix.isEmpty, inner: child, context: context)
    }

    /// `in audience 'name'`: a snapshot's member table, or a dynamic audience's population.
    mutating func audienceMembership(_ steps: [LinkStep], _ audience: AudienceReference, in scope: SQLScope, context: Shape) -> Condition {
        let anchor = join(steps, in: scope)
        let target = entity(audience.entity)
        let keys = target.key.map { anchored(anchor, $0, in: scope) }
        let members: SQLScope
        let memberColumns: [String]
        switch audience.members {
        case .snapshot(let table):
            members = SQLScope(entity: Entity(name: table, key: [], version: "", fields: []), alias: alias("m"))
            memberColumns = keys.indices.map { members.column("k\($0)", dialect) }
        case .population(let population):
            members = populationScope(population)
            memberColumns = members.entity.key.map { members.column($0, dialect) }
        }
        switch shape(context) {
        case .correlated:
            members.conditions.insert(contentsOf: zip(memberColumns, keys).map { "\($0) = \($1)" }, at: 0)
            return Condition(sql: "EXISTS (SELECT 1 FROM \(members.from(dialect))\(members.whereClause))", neverNull: true)
        case .membership:
            let text = "\(tuple(keys)) IN (SELECT \(memberColumns.joined(separator: ", ")) FROM \(members.from(dialect))\(members.whereClause))"
            return Condition(sql: text, neverNull: steps.isEmpty)
        }
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
        let restricted = restrictToPopulation(child, link: last.toColumns, prefix: aggregate.relation.prefix, parentColumns: last.fromColumns, of: scope)
        let groupAlias = alias("g")
        let keys = last.toColumns.map { child.column($0, dialect) }
        let keyNames = keys.indices.map { "k\($0)" }
        let select = zip(keys, keyNames).map { "\($0) AS \($1)" }.joined(separator: ", ")
        let on = zip(keyNames, last.fromColumns).map { "\(groupAlias).\($0) = \(anchored(anchor, $1, in: scope))" }.joined(separator: " AND ")
        scope.addJoin("LEFT JOIN (SELECT \(select), \(function) AS v FROM \(child.from(dialect))\(child.whereClause) GROUP BY \(groupKeys(keys, of: child, restricted: restricted))) AS \(groupAlias) ON \(on)")
        return Self.overNoRows(aggregate, "\(groupAlias).v")
    }

    /// When `scope` runs over a population (a work table leads it), keeps the child rows whose
    /// `link` columns match `parentColumns` of a row the population reaches along `prefix`:
    /// grouping then reads only the population's children, not the whole child table.
    @discardableResult
    private mutating func restrictToPopulation(_ child: SQLScope, link: [String], prefix: [LinkStep], parentColumns: [String], of scope: SQLScope) -> Bool {
        guard let leading = scope.leading else { return false }
        let entity = scope.entity
        let work = alias("w")
        let positions = parentColumns.compactMap { entity.key.firstIndex(of: $0) }
        let values: [String]
        let from: String
        if prefix.isEmpty && positions.count == parentColumns.count {
            // The parent's key is the population's key.
            values = positions.map { "\(work).\(q("k\($0)"))" }
            from = "\(q(leading.table)) AS \(work)"
        } else {
            let inner = self.scope(entity)
            let on = entity.key.enumerated().map { "\(inner.alias).\(q($1)) = \(work).\(q("k\($0)"))" }.joined(separator: " AND ")
            inner.leading = (leading.table, work, on)
            inner.copies = scope.copies
            // A set of parents that holds every one the population reaches is enough: when the
            // last step lands on the parent columns, its link values are taken on the row before,
            // without joining the parent (a dangling link adds a group nothing joins to).
            var path = prefix
            var columns = parentColumns
            if let last = path.last {
                let landed = columns.compactMap { last.toColumns.firstIndex(of: $0) }
                if landed.count == columns.count {
                    columns = landed.map { last.fromColumns[$0] }
                    path.removeLast()
                }
            }
            let anchor = join(path, in: inner)
            values = columns.map { anchored(anchor, $0, in: inner) }
            from = inner.from(dialect)
        }
        let linked = link.map { child.column($0, dialect) }
        child.conditions.append("\(tuple(linked)) IN (SELECT \(values.joined(separator: ", ")) FROM \(from))")
        return true
    }

    /// The GROUP BY terms of a child table grouped by its link `keys`. SQLite would rather read a
    /// filtered child table in link index order than sort it, fetching every row at random to test
    /// the filter: `+key` (the same value, no longer an indexed column) makes it scan the table
    /// and sort the rows the filter keeps. Not when the rows come from link lookups for a
    /// population (they arrive in key order already) or when there is no filter (the index alone
    /// may cover the grouping).
    private func groupKeys(_ keys: [String], of child: SQLScope, restricted: Bool) -> String {
        guard dialect == .sqlite, !restricted, !child.conditions.isEmpty else { return keys.joined(separator: ", ") }
        return keys.map { "+" + $0 }.joined(separator: ", ")
    }

    /// An aggregate as a value computed per row through the link index: for the rows other
    /// conditions leave.
    mutating func correlatedAggregate(_ aggregate: BoundAggregate, in scope: SQLScope) -> String {
        let anchor = join(aggregate.relation.prefix, in: scope)
        let last = aggregate.relation.last
        let child = childScope(aggregate.relation)
        let function = aggregateExpression(aggregate, in: child)
        let correlation = zip(last.toColumns, last.fromColumns).map { "\(child.column($0, dialect)) = \(anchored(anchor, $1, in: scope))" }
        child.conditions.insert(contentsOf: correlation, at: 0)
        return Self.overNoRows(aggregate, "(SELECT \(function) FROM \(child.from(dialect))\(child.whereClause))")
    }

    /// Count and sum over no rows are 0, not null.
    static func overNoRows(_ aggregate: BoundAggregate, _ value: String) -> String {
        switch aggregate.function {
        case .count, .countDistinct, .sum: "coalesce(\(value), 0)"
        case .avg, .min, .max: value
        }
    }

    /// `count(list where …) >= 3` as a grouped semi-join; nil when the condition has another shape,
    /// or when a correlated form (SQLite) or a LEFT JOIN (PostgreSQL, for parents without rows) fits
    /// better.
    mutating func groupedComparison(_ expression: BoundExpression, in scope: SQLScope, context: Shape) -> Condition? {
        if dialect == .sqlite && context == .correlated { return nil }
        let aggregate: BoundAggregate
        let holdsForNoRows: Bool
        switch expression {
        case .compare(let op, .aggregate(let a), .constant(let value, _), false):
            aggregate = a
            holdsForNoRows = Self.holds(op, a.valueOverNoRows, value)
        case .compare(let op, .constant(let value, _), .aggregate(let a), false):
            aggregate = a
            holdsForNoRows = Self.holds(op.mirrored, a.valueOverNoRows, value)
        case .between(.aggregate(let a), .constant(let low, _), .constant(let high, _), let negated):
            aggregate = a
            let inside = Self.holds(.greaterOrEqual, a.valueOverNoRows, low) && Self.holds(.lessOrEqual, a.valueOverNoRows, high)
            holdsForNoRows = a.valueOverNoRows.isNull ? false : inside != negated
        default:
            return nil
        }
        // PostgreSQL runs NOT IN (subquery) as a per-row subplan: the LEFT JOIN form hashes instead.
        if dialect == .postgres && holdsForNoRows { return nil }
        let anchor = join(aggregate.relation.prefix, in: scope)
        let last = aggregate.relation.last
        let child = childScope(aggregate.relation)
        let restricted = restrictToPopulation(child, link: last.toColumns, prefix: aggregate.relation.prefix, parentColumns: last.fromColumns, of: scope)
        // Groups exist only for parents with rows; the no-rows value matters only for NOT IN.
        let plain = aggregateExpression(aggregate, in: child)
        let function = holdsForNoRows ? Self.overNoRows(aggregate, plain) : plain
        let test: String
        switch expression {
        case .compare(let op, .aggregate, let constant, _):
            test = "\(function) \(op.sql) \(value(constant, in: scope))"
        case .compare(let op, let constant, .aggregate, _):
            test = "\(value(constant, in: scope)) \(op.sql) \(function)"
        case .between(.aggregate, let low, let high, let negated):
            test = "\(function) \(negated ? "NOT " : "")BETWEEN \(value(low, in: scope)) AND \(value(high, in: scope))"
        default:
            return nil
        }
        let keys = last.toColumns.map { child.column($0, dialect) }
        let grouping = groupKeys(keys, of: child, restricted: restricted)
        excludeNullLinks(last.toColumns, of: child)
        let parent = tuple(last.fromColumns.map { anchored(anchor, $0, in: scope) })
        let having = holdsForNoRows ? "NOT (\(test))" : test
        let subquery = "SELECT \(keys.joined(separator: ", ")) FROM \(child.from(dialect))\(child.whereClause) GROUP BY \(grouping) HAVING \(having)"
        // Parents without rows qualify exactly when the test holds for the empty value (0 for count and
        // sum): then the groups that fail it are the ones to leave out.
        let mayBeMissing = mayBeNull(last.fromColumns, of: last.from, throughJoins: !aggregate.relation.prefix.isEmpty)
        guard holdsForNoRows else { return Condition(sql: "\(parent) IN (\(subquery))", neverNull: !mayBeMissing) }
        // A parent reached through a link that finds no row has no children either: it qualifies, and
        // `NULL NOT IN (…)` would drop it.
        let missing = mayBeMissing ? "\(anchored(anchor, last.fromColumns[0], in: scope)) IS NULL OR " : ""
        return Condition(sql: "(\(missing)\(parent) NOT IN (\(subquery)))", neverNull: true)
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
    mutating func navigationSemiJoin(_ expression: BoundExpression, in scope: SQLScope, context: Shape) -> Condition? {
        // PostgreSQL turns LEFT JOINs under strict conditions into inner joins it can reorder and run
        // in parallel; its semi-join plan for the same rule had to de-duplicate first (1.9x slower).
        // The reverse of a 1-1 link is joined to fields nothing keeps unique, so it stays a semi-join
        // there too: a second row would count its parent twice.
        guard let step = Self.sharedFirstStep(expression) else { return nil }
        if dialect == .postgres && step.toColumns == entity(step.to).key { return nil }
        let inner = self.scope(entity(step.to))
        inner.conditions.append(condition(Self.droppingFirstStep(expression), in: inner).sql)
        return related(step, anchor: scope.alias, of: scope, throughJoins: false, inner: inner, context: context)
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
        if let rule = population.rule { current.conditions.append(condition(rule, in: current).sql) }
        for step in population.dimension {
            let outer = scope(entity(step.to))
            let sourceColumns = step.fromColumns.map { current.column($0, dialect) }
            excludeNullLinks(step.fromColumns, of: current)
            let targetColumns = step.toColumns.map { outer.column($0, dialect) }
            outer.conditions.append("\(tuple(targetColumns)) IN (SELECT \(sourceColumns.joined(separator: ", ")) FROM \(current.from(dialect))\(current.whereClause))")
            current = outer
        }
        return current
    }
}

extension ComparisonOperator {
    /// The operator as SQL writes it.
    var sql: String { self == .notEqual ? "<>" : rawValue }

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
