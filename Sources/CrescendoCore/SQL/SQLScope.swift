/// The rows of one entity inside a query (the main query, or an EXISTS or aggregate subquery), with
/// the to-one joins that the conditions in it asked for, each path joined once.
final class SQLScope {
    let entity: Entity
    let alias: String
    private(set) var joins: [String] = []
    private var joinAliases: [[LinkStep]: String] = [:]
    var conditions: [String] = []
    /// A campaign work table the entity's rows are reached from (`W AS w JOIN entity AS t ON …`),
    /// so rules and expressions run over a population instead of the whole entity.
    var leading: (table: String, alias: String, on: String)?
    /// Columns of the entity's row that the leading work table holds a copy of (the key as `k0…`,
    /// carried fields as `crescendo_c…`), by field name.
    var copies: [String: String] = [:]
    /// Whether something read the entity's own row: without that, a scope with a leading work
    /// table reads the work table alone and the entity is not joined.
    private(set) var usesRow = false

    init(entity: Entity, alias: String) {
        self.entity = entity
        self.alias = alias
    }

    func joinAlias(for path: [LinkStep]) -> String? { joinAliases[path] }

    func addJoin(_ text: String, alias: String, for path: [LinkStep]) {
        joins.append(text)
        joinAliases[path] = alias
    }

    /// Extra joins that are not link paths (grouped aggregates).
    func addJoin(_ text: String) { joins.append(text) }

    /// The entity's row is needed whatever the compiled expressions read.
    func requireRow() { usesRow = true }

    /// `name` of the scope's own row: the work table's copy when it holds one, else the entity's
    /// column (and the entity is joined).
    func rowColumn(_ name: String, _ dialect: SQLDialect) -> String {
        if let leading, let copy = copies[name] { return leading.alias + "." + dialect.quote(copy) }
        usesRow = true
        return column(name, dialect)
    }

    func from(_ dialect: SQLDialect) -> String {
        if let leading, !usesRow { return ([dialect.quote(leading.table) + " AS " + leading.alias] + joins).joined(separator: " ") }
        let base = dialect.quote(entity.name) + " AS " + alias
        let head = leading.map { "\(dialect.quote($0.table)) AS \($0.alias) JOIN \(base) ON \($0.on)" } ?? base
        return ([head] + joins).joined(separator: " ")
    }

    var whereClause: String { conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ") }

    func column(_ name: String, _ dialect: SQLDialect) -> String { alias + "." + dialect.quote(name) }
}
