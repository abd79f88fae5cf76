/// The workspace's data model: its entities, which one stands for a person, and the time zone
/// relative dates are evaluated in.
///
/// Build one with `ModelLoader`, which validates it; a `DataModel` that exists has passed validation.
public struct DataModel: Sendable, Hashable, Codable {
    /// The profile dimension: the entity whose rows are people.
    public var profileEntity: String?
    /// IANA name of the workspace time zone.
    public var timeZone: String
    public var entities: [Entity]
    public var guardrails: Guardrails

    public init(profileEntity: String?, timeZone: String = "UTC", entities: [Entity], guardrails: Guardrails = .defaults) {
        self.profileEntity = profileEntity
        self.timeZone = timeZone
        self.entities = entities
        self.guardrails = guardrails
    }

    public func entity(named name: String) -> Entity? { entities.first { $0.name == name } }

    /// The only names that reach SQL as identifiers: lowercase letters, digits and `_`, starting
    /// with a letter, at most 63 bytes (PostgreSQL's limit). Engines still quote them.
    public static func isSafeIdentifier(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, first >= 97, first <= 122, bytes.count <= 63 else { return false }
        return bytes.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
    }

    /// Looks an entity up for a command, with an error that lists the entities the model does have.
    public func requireEntity(_ name: String) throws(CrescendoError) -> Entity {
        if let entity = entity(named: name) { return entity }
        let names = entities.map(\.name)
        var message = "unknown entity \"\(name)\""
        message += Spelling.hint(name, among: names)
        message += " (the model has: \(names.joined(separator: ", ")))"
        throw CrescendoError(.unknownName, message)
    }

    /// Links that point at `entity`, seen from its side (the reverse navigation).
    public func reverseLinks(of entity: String) -> [ReverseLink] {
        entities.flatMap { source in
            source.links.compactMap { link in
                guard link.target == entity, let reverse = link.reverse else { return nil }
                return ReverseLink(name: reverse, source: source.name, link: link)
            }
        }
    }
}
