/// Compiles checked rules into SQL for one engine.
///
/// Shapes, chosen by measuring `crescendo-bench audience` on both engines (the numbers are in the
/// README):
/// - A condition that stands alone (the whole rule, a branch of an `or`) is a *membership* test,
///   `key IN (SELECT link FROM child WHERE filter)`: the engine reads the qualifying child rows once
///   and starts from the selective side. An aggregate compared with a constant is grouped once the
///   same way, `key IN (SELECT link … GROUP BY link HAVING count(*) >= ?)` (`NOT IN … HAVING NOT …`
///   when parents without rows qualify too, as for `count(…) < 3`).
/// - On SQLite, a relation that is one of several `and`ed conditions is *correlated* instead, `EXISTS
///   (SELECT 1 FROM child WHERE link = parent.key AND …)` and `(SELECT count(*) …) >= ?`, and placed
///   after the plain conditions: it is then evaluated only for the rows they leave, through the link
///   index, rather than materialized for the whole child table.
/// - PostgreSQL plans `EXISTS` and `IN` as the same hash semi-join, but a negated `IN` only as a
///   per-row subplan: it always gets `EXISTS` / `NOT EXISTS` (anti-joins), and the grouped form with
///   `NOT IN` becomes a LEFT JOIN to the grouped child rows.
/// - To-one navigation (`customer.home_hotel.country = 'PT'`) is a LEFT JOIN per distinct path,
///   which PostgreSQL reduces to inner joins it can reorder. On SQLite, a condition on fields along
///   one path is a semi-join per link instead, so the engine can start from the selective end and
///   walk the link indexes (a LEFT JOIN chain pins SQLite's join order to the outer table).
/// - Values are bound parameters; identifiers come from the model only, always quoted.
struct RuleSQLCompiler {
    let dialect: SQLDialect
    let model: DataModel
    var sql = SQLText()
    private var aliasCount = 0
    /// The alias of the work table whose columns `ColumnReference.isAttribute` references name.
    var attributeAlias: String?

    init(dialect: SQLDialect, model: DataModel) {
        self.dialect = dialect
        self.model = model
    }

    /// A compiled condition, and whether it can be unknown (SQL null) for a row: `not` complements
    /// a never-null condition with plain NOT, and any other with `IS NOT TRUE`.
    struct Condition {
        var sql: String
        var neverNull: Bool
    }

    /// How a relation (exists, membership, aggregate) is tested.
    enum Shape {
        /// Uncorrelated `IN (SELECT …)`, evaluated once.
        case membership
        /// `EXISTS (… WHERE link = parent.key)`, evaluated per remaining row.
        case correlated
    }

    mutating func alias(_ prefix: String) -> String {
        aliasCount += 1
        return "\(prefix)\(aliasCount)"
    }

    func q(_ identifier: String) -> String { dialect.quote(identifier) }

    func entity(_ name: String) -> Entity { model.entity(named: name)! }

    /// `(a, b)` for several columns, `a` for one.
    func tuple(_ columns: [String]) -> String { columns.count == 1 ? columns[0] : "(" + columns.joined(separator: ", ") + ")" }

    /// PostgreSQL always correlates (its planner turns EXISTS into semi- and anti-joins).
    func shape(_ context: Shape) -> Shape { dialect == .postgres ? .correlated : context }

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
            let on = zip(step.toColumns, step.fromColumns).map { "\(next).\(q($0)) = \(anchored(current, $1, in: scope))" }.joined(separator: " AND ")
            scope.addJoin("LEFT JOIN \(q(step.to)) AS \(next) ON \(on)", alias: next, for: path)
            current = next
        }
        return current
    }

    /// `column` of the row at `anchor` (an alias `join` returned): the work table's copy when
    /// `anchor` is the scope's own row and the population carries that column.
    func anchored(_ anchor: String, _ column: String, in scope: SQLScope) -> String {
        anchor == scope.alias ? scope.rowColumn(column, dialect) : "\(anchor).\(q(column))"
    }

    // MARK: Conditions

    /// Compiles a condition; `context` is the shape relations take here (see the type's comment).
    mutating func condition(_ expression: BoundExpression, in scope: SQLScope, context: Shape = .membership) -> Condition {
        switch expression {
        case .and(let parts):
            if parts.count == 1 { return condition(parts[0], in: scope, context: context) }
            // Plain conditions first; relations after them, correlated when something else narrows the rows.
            let plain = parts.filter { !Self.isRelation($0) }, relations = parts.filter(Self.isRelation)
            let relationContext: Shape = plain.isEmpty ? context : .correlated
            let compiled = plain.map { condition($0, in: scope, context: context) } + relations.map { condition($0, in: scope, context: relationContext) }
            return Condition(sql: "(" + compiled.map(\.sql).joined(separator: " AND ") + ")", neverNull: compiled.allSatisfy(\.neverNull))
        case .or(let parts):
            if parts.count == 1 { return condition(parts[0], in: scope, context: context) }
            let compiled = parts.map { condition($0, in: scope, context: context) }
            return Condition(sql: "(" + compiled.map(\.sql).joined(separator: " OR ") + ")", neverNull: compiled.allSatisfy(\.neverNull))
        case .not(let inner):
            // `not` is the exact complement: a condition unknown for a row counts as false, so its
            // negation holds.
            let compiled = condition(inner, in: scope, context: context)
            return Condition(sql: compiled.neverNull ? "NOT \(compiled.sql)" : "(\(compiled.sql)) IS NOT TRUE", neverNull: true)
        case .truth(let flag):
            return Condition(sql: flag ? "TRUE" : "FALSE", neverNull: true)
        case .compare(let op, let left, let right, let ignoreCase):
            if let grouped = groupedComparison(expression, in: scope, context: context) { return grouped }
            if let navigated = navigationSemiJoin(expression, in: scope, context: context) { return navigated }
            var l = value(left, in: scope, context: context), r = value(right, in: scope, context: context)
            if ignoreCase {
                l = dialect.fold(l)
                r = dialect.fold(r)
            }
            return Condition(sql: "\(l) \(op.sql) \(r)", neverNull: false)
        case .between(let subject, let low, let high, let negated):
            if let grouped = groupedComparison(expression, in: scope, context: context) { return grouped }
            if let navigated = navigationSemiJoin(expression, in: scope, context: context) { return navigated }
            let text = "\(value(subject, in: scope, context: context)) \(negated ? "NOT " : "")BETWEEN \(value(low, in: scope, context: context)) AND \(value(high, in: scope, context: context))"
            return Condition(sql: text, neverNull: false)
        case .inList(let subject, let list, let negated, let ignoreCase):
            if let navigated = navigationSemiJoin(expression, in: scope, context: context) { return navigated }
            var v = value(subject, in: scope, context: context)
            var items = list.map { value($0, in: scope, context: context) }
            if ignoreCase {
                v = dialect.fold(v)
                items = items.map(dialect.fold)
            }
            return Condition(sql: "\(v) \(negated ? "NOT " : "")IN (\(items.joined(separator: ", ")))", neverNull: false)
        case .isNull(let subject, let negated):
            // `hotel.city is null` also holds when there is no hotel: only the negated form can move
            // into a semi-join.
            if negated, let navigated = navigationSemiJoin(expression, in: scope, context: context) { return navigated }
            return Condition(sql: "\(value(subject, in: scope, context: context)) IS \(negated ? "NOT " : "")NULL", neverNull: true)
        case .match(let kind, let subject, let pattern, let negated, let ignoreCase):
            if let navigated = navigationSemiJoin(expression, in: scope, context: context) { return navigated }
            let text = match(kind, value(subject, in: scope, context: context), pattern, ignoreCase: ignoreCase)
            return Condition(sql: negated ? "NOT (\(text))" : text, neverNull: false)
        case .exists(let relation):
            return semiJoin(relation, in: scope, context: context)
        case .inAudience(let steps, let audience):
            return audienceMembership(steps, audience, in: scope, context: context)
        case .column, .constant, .arithmetic, .aggregate:
            // The checker only lets booleans through as conditions, already as `= true`.
            return Condition(sql: "\(value(expression, in: scope, context: context)) = \(sql.bind(.boolean(true), .boolean))", neverNull: false)
        }
    }

    /// Whether a condition tests related rows (and so has a membership or a correlated shape).
    static func isRelation(_ expression: BoundExpression) -> Bool {
        switch expression {
        case .exists, .inAudience: true
        case .not(let inner): isRelation(inner)
        case .compare(_, .aggregate, _, _), .compare(_, _, .aggregate, _), .between(.aggregate, _, _, _): true
        default: false
        }
    }

    private mutating func match(_ kind: TextMatch, _ subject: String, _ pattern: String, ignoreCase: Bool) -> String {
        switch (kind, ignoreCase) {
        case (.like, false):
            let bound = dialect == .sqlite ? SQLDialect.globPattern(fromLike: pattern) : pattern
            return dialect.like(subject, sql.bind(.text(bound), .text))
        case (.like, true):
            return "\(dialect.fold(subject)) LIKE \(dialect.fold(sql.bind(.text(pattern), .text)))\(dialect.noLikeEscape)"
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

    mutating func value(_ expression: BoundExpression, in scope: SQLScope, context: Shape = .membership) -> String {
        switch expression {
        case .column(let reference) where reference.isAttribute:
            return "\(attributeAlias ?? scope.alias).\(q(reference.field.name))"
        case .column(let reference):
            return anchored(join(reference.steps, in: scope), reference.field.name, in: scope)
        case .constant(let constant, let kind):
            return sql.bind(constant, kind)
        case .arithmetic(.divide, let left, let right, _):
            // A zero divisor makes the value unknown for that row (PostgreSQL would abort the query).
            return "(\(value(left, in: scope, context: context)) / NULLIF(\(value(right, in: scope, context: context)), 0))"
        case .arithmetic(let op, let left, let right, _):
            return "(\(value(left, in: scope, context: context)) \(op.rawValue) \(value(right, in: scope, context: context)))"
        case .aggregate(let aggregate):
            // Over a population, the linked rows are grouped once, only those of its rows: a
            // correlated subquery per row would read a busy parent's children once per row
            // leading to it.
            if scope.leading != nil { return joinedAggregate(aggregate, in: scope) }
            return shape(context) == .correlated && dialect == .sqlite
                ? correlatedAggregate(aggregate, in: scope)
                : joinedAggregate(aggregate, in: scope)
        default:
            return "(CASE WHEN \(condition(expression, in: scope, context: context).sql) THEN 1 ELSE 0 END)"
        }
    }
}
