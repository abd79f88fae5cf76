/// What the repositories that keep Crescendo's own tables (campaigns, the outbox) share: statements
/// written with `?` placeholders and bound values, numbered for the store's dialect, and units of
/// work that must land.
protocol StoreStatements {
    var store: any WorkspaceStore { get }
}

extension StoreStatements {
    var dialect: SQLDialect { store.dialect }

    /// A statement written with `?` placeholders (never inside literals), bound in order.
    func query(_ text: String, _ values: [(Value, ValueKind)] = [], columns: [ValueKind] = []) -> SQLQuery {
        var output = ""
        var number = 0
        for character in text {
            if character == "?" {
                number += 1
                output += dialect.placeholder(number, values[number - 1].1)
            } else {
                output.append(character)
            }
        }
        return SQLQuery(text: output, binds: values.map { SQLBind($0.0, $0.1) }, columns: columns)
    }

    static func int(_ value: Int64?) -> (Value, ValueKind) { (value.map(Value.integer) ?? .null, .integer) }
    static func text(_ value: String?) -> (Value, ValueKind) { (value.map(Value.text) ?? .null, .text) }
    /// Seconds since the epoch, bound as a timestamp (what rules compare `sent_at` with).
    static func timestamp(_ seconds: Int64?) -> (Value, ValueKind) { (seconds.map { Value.timestamp($0 * 1_000_000) } ?? .null, .timestamp) }

    func run(_ steps: [SQLStep]) async throws -> [[[Value]]]? { try await store.perform(steps) }

    /// A unit of work that must land; a declined one is an error naming `what`.
    func must(_ steps: [SQLStep], _ what: String) async throws -> [[[Value]]] {
        guard let results = try await store.perform(steps) else { throw CrescendoError(.storeFailure, "cannot \(what): the store declined the change") }
        return results
    }
}
