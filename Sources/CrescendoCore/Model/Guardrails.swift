/// Limits that protect the store and the people using it; every one can be raised per workspace in
/// the model file (`guardrails:`), and exceeding one is an error that names the limit.
public struct Guardrails: Sendable, Hashable, Codable {
    public var maxEntities: Int
    public var maxFieldsPerEntity: Int

    public static let defaults = Guardrails(maxEntities: 200, maxFieldsPerEntity: 500)

    public init(maxEntities: Int, maxFieldsPerEntity: Int) {
        self.maxEntities = maxEntities
        self.maxFieldsPerEntity = maxFieldsPerEntity
    }
}
