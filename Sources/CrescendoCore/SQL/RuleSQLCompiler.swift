/// Compiles checked rules into SQL for one engine.
///
/// Shapes, chosen by measuring `crescendo-bench audience` on both engines:
/// - a condition on fields along one to-one path (`customer.home_hotel.country = 'PT'`) is a
///   semi-join per link, `profile_id IN (SELECT id FROM profile WHERE home_hotel_id IN (SELECT id
///   FROM hotel WHERE country = ?))`: the engine starts from the selective end and walks the link
///   indexes (a LEFT JOIN chain would pin SQLite's join order to the outer table); any other use of
///   a to-one path (several paths in one comparison, `is null`, preview fields) is a LEFT JOIN, one
///   per distinct path;
/// - `exists` over a list is a semi-join, `key IN (SELECT link FROM child WHERE filter)`: the engine
///   reads the filtered child rows once instead of probing them per parent row;
/// - an aggregate compared with a constant is grouped once, `key IN (SELECT link … GROUP BY link HAVING
///   count(*) >= ?)` (or `NOT IN … HAVING NOT …` when parents without rows also qualify, as for
///   `count(…) < 3`); any other aggregate is a LEFT JOIN to the grouped child rows;
/// - values are bound parameters, identifiers come from the model only, always quoted.
struct RuleSQLCompiler {
    let dialect: SQLDialect
    let model: DataModel
    var sql = SQLText()
    private var aliasCount = 0

    init(dialect: SQLDialect, model: DataModel) {
        self.dialect = dialect
        self.model = model
    }

    mutating func alias(_ prefix: String) -> String {
        aliasCount += 1
        return "\(prefix)\(aliasCount)"
    }

    func q(_ identifier: String) -> String { dialect.quote(identifier) }

    func entity(_ name: String) -> Entity { model.entity(named: name)! }

    /// `(a, b)` for several columns, `a` for one.
    func tuple(_ columns: [String]) -> String { columns.count == 1 ? columns[0] : "(" + columns.joined(separator: ", ") + ")" }

    // MARK: Scopes and joins

    mutating func scope(_ entity: Entity) -> SQLScope { SQLScope(entity: entity, alias: alias("t")) }

    /// The alias of the row reached along to-one `steps` from the scope's row, joining what is missing.
    mutating func join(_ steps: [LinkStep], in scope: SQLScope) -> String {
        var current = scope.alias
        for end in steps.indices {
            let path = Array(steps[...end])
            if let existing = scope.joinAlias(for: path) {
                current = existing
                continue
            }
            let step = steps[end]
            let next = alias("j")
            let on = zip(step.toColumns, step.fromColumns).map { "\(next).\(q($0)) = \(current).\(q($1))" }.joined(separator: " AND ")
            scope.addJoin("LEFT JOIN \(q(step.to)) AS \(next) ON \(on)", alias: next, for: path)
            current = next
        }
        return current
    }

    // MARK: Conditions

    mutating func condition(_ expression: BoundExpression, in scope: SQLScope) -> String {
        switch expression {
        case .and(let parts):
            return parts.count == 1 ? condition(parts[0], in: scope) : "(" + parts.map { condition($0, in: scope) }.joined(separator: " AND ") + ")"
        case .or(let parts):
            return parts.count == 1 ? condition(parts[0], in: scope) : "(" + parts.map { condition($0, in: scope) }.joined(separator: " OR ") + ")"
        case .not(let inner):
            // `not` is the exact complement: a condition that is unknown (null) for a row is false, so its
            // negation is true.
            let text = condition(inner, in: scope)
            return Self.neverNull(inner) ? "NOT \(text)" : "(\(text)) IS NOT TRUE"
        case .truth(let flag):
            return flag ? "TRUE" : "FALSE"
        case .compare(let op, let left, let right, let ignoreCase):
            if let grouped = groupedComparison(expression, in: scope) { return grouped }
            if let navigated = navigationSemiJoin(expression, in: scope) { return navigated }
            var l = value(left, in: scope), r = value(right, in: scope)
            if ignoreCase {
                l = dialect.fold(l)
                r = dialect.fold(r)
            }
            return "\(l) \(op == .notEqual ? "<>" : op.rawValue) \(r)"
        case .between(let subject, let low, let high, let negated):
            if let grouped = groupedComparison(expression, in: scope) { return grouped }
            if let navigated = navigationSemiJoin(expression, in: scope) { return navigated }
            return "\(value(subject, in: scope)) \(negated ? "NOT " : "")BETWEEN \(value(low, in: scope)) AND \(value(high, in: scope))"
        case .inList(let subject, let list, let negated, let ignoreCase):
            if let navigated = navigationSemiJoin(expression, in: scope) { return navigated }
            var v = value(subject, in: scope)
            var items = list.map { value($0, in: scope) }
            if ignoreCase {
                v = dialect.fold(v)
                items = items.map(dialect.fold)
            }
            return "\(v) \(negated ? "NOT " : "")IN (\(items.joined(separator: ", ")))"
        case .isNull(let subject, let negated):
            // `hotel.city is null` also holds when there is no hotel: only the negated form can move
            // into a semi-join.
            if negated, let navigated = navigationSemiJoin(expression, in: scope) { return navigated }
            return "\(value(subject, in: scope)) IS \(negated ? "NOT " : "")NULL"
        case .match(let kind, let subject, let pattern, let negated, let ignoreCase):
            if let navigated = navigationSemiJoin(expression, in: scope) { return navigated }
            let text = match(kind, value(subject, in: scope), pattern, ignoreCase: ignoreCase)
            return negated ? "NOT (\(text))" : text
        case .exists(let relation):
            return semiJoin(relation, in: scope)
        case .inAudience(let steps, let audience):
            let anchor = join(steps, in: scope)
            let keys = entity(audience.entity).key.map { "\(anchor).\(q($0))" }
            switch audience.members {
            case .snapshot(let table):
                let columns = keys.indices.map { q("k\($0)") }
                return "\(tuple(keys)) IN (SELECT \(columns.joined(separator: ", ")) FROM \(q(table)))"
            case .population(let population):
                let members = populationScope(population)
                let columns = members.entity.key.map { members.column($0, dialect) }
                return "\(tuple(keys)) IN (SELECT \(columns.joined(separator: ", ")) FROM \(members.from(dialect))\(members.whereClause))"
            }
        case .column, .constant, .arithmetic, .aggregate:
            // The checker only lets booleans through as conditions, already as `= true`.
            return "\(value(expression, in: scope)) = \(sql.bind(.boolean(true), .boolean))"
        }
    }

    /// Whether a condition is always true or false, never null, so that plain NOT complements it.
    static func neverNull(_ expression: BoundExpression) -> Bool {
        switch expression {
        case .exists, .inAudience, .isNull, .truth: true
        case .and(let parts), .or(let parts): parts.allSatisfy(neverNull)
        case .not(let inner): neverNull(inner)
        default: false
        }
    }

    private mutating func match(_ kind: TextMatch, _ subject: String, _ pattern: String, ignoreCase: Bool) -> String {
        switch (kind, ignoreCase) {
        case (.like, false):
            let bound = dialect == .sqlite ? SQLDialect.globPattern(fromLike: pattern) : pattern
            return dialect.like(subject, sql.bind(.text(bound), .text))
        case (.like, true):
            return "\(dialect.fold(subject)) LIKE \(dialect.fold(sql.bind(.text(pattern), .text)))"
        case (.startsWith, false):
            if dialect == .sqlite {
                // A range on the text keeps an index on the field usable.
                return "(\(subject) >= \(sql.bind(.text(pattern), .text)) AND \(subject) < \(sql.bind(.text(pattern + "\u{10FFFF}"), .text)))"
            }
            return "starts_with(\(subject), \(sql.bind(.text(pattern), .text)))"
        case (.startsWith, true):
            return "\(dialect.fold(subject)) LIKE \(dialect.fold(sql.bind(.text(Self.escapeLike(pattern) + "%"), .text))) ESCAPE '\\'"
        case (.contains, false):
            return dialect.contains(subject, sql.bind(.text(pattern), .text))
        case (.contains, true):
            return dialect.contains(dialect.fold(subject), dialect.fold(sql.bind(.text(pattern), .text)))
        }
    }

    static func escapeLike(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    // MARK: Values

    mutating func value(_ expression: BoundExpression, in scope: SQLScope) -> String {
        switch expression {
        case .column(let reference):
            return "\(join(reference.steps, in: scope)).\(q(reference.field.name))"
        case .constant(let constant, let kind):
            return sql.bind(constant, kind)
        case .arithmetic(let op, let left, let right, _):
            return "(\(value(left, in: scope)) \(op.rawValue) \(value(right, in: scope)))"
        case .aggregate(let aggregate):
            return joinedAggregate(aggregate, in: scope)
        default:
            return "(CASE WHEN \(condition(expression, in: scope)) THEN 1 ELSE 0 END)"
        }
    }
}
