/// The communication history as an entity of the data model, so that rules can use it like any
/// other data: `count(messages where channel = 'email' and sent_at > daysAgo(7)) < 3`.
///
/// Its table is the outbox itself (`crescendo_message`), written by channel activities and the
/// dispatcher, never by ingestion; the entity is added to the model a workspace evaluates rules
/// against, not to the model it migrates.
public enum MessageHistory {
    public static let entityName = "crescendo_message"
    /// The reverse link's name on the profile entity.
    public static let reverseLinkName = "messages"

    /// Columns holding the profile's key, named after the profile's key fields.
    public static func profileColumns(_ profile: Entity) -> [String] {
        profile.key.map { "profile_\($0)" }
    }

    public static func entity(for profile: Entity) -> Entity {
        var fields = [Field(name: "id", type: .string)]
        for (column, key) in zip(profileColumns(profile), profile.key) {
            fields.append(Field(name: column, type: profile.field(named: key)!.type == .enumeration ? .string : profile.field(named: key)!.type, nullable: true))
        }
        fields += [
            Field(name: "campaign", type: .string),
            Field(name: "execution", type: .integer),
            Field(name: "activity", type: .string),
            Field(name: "channel", type: .string),
            Field(name: "category", type: .string),
            Field(name: "address", type: .string, nullable: true),
            Field(name: "status", type: .string),
            Field(name: "reason", type: .string, nullable: true),
            Field(name: "provider", type: .string, nullable: true),
            // The provider's own id (the SMTP Message-ID, Twilio's sid), what its callbacks name.
            Field(name: "provider_id", type: .string, nullable: true),
            Field(name: "created_at", type: .timestamp),
            Field(name: "sent_at", type: .timestamp, nullable: true),
            Field(name: "updated_at", type: .timestamp),
        ]
        return Entity(
            name: entityName, key: ["id"], version: "updated_at", fields: fields,
            links: [Link(name: "profile", target: profile.name, fields: profileColumns(profile), reverse: reverseLinkName)])
    }
}

extension DataModel {
    /// The model with the communication history linked to the profile (`messages`), for rules.
    /// Unchanged when the model names no profile entity or already has the history.
    public func withMessageHistory() -> DataModel {
        guard let profileName = profileEntity, let profile = entity(named: profileName), entity(named: MessageHistory.entityName) == nil else { return self }
        var model = self
        model.entities.append(MessageHistory.entity(for: profile))
        return model
    }
}
