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
    /// The population's own columns are enough: no join to the entity.
    var workOnly = false

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

    func from(_ dialect: SQLDialect) -> String {
        if let leading, workOnly { return ([dialect.quote(leading.table) + " AS " + leading.alias] + joins).joined(separator: " ") }
        let base = dialect.quote(entity.name) + " AS " + alias
        let head = leading.map { "\(dialect.quote($0.table)) AS \($0.alias) JOIN \(base) ON \($0.on)" } ?? base
        return ([head] + joins).joined(separator: " ")
    }

    var whereClause: String { conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ") }

    func column(_ name: String, _ dialect: SQLDialect) -> String { alias + "." + dialect.quote(name) }
}
