/// A message claimed from the outbox by a dispatcher, with what it needs to decide and render.
public struct OutboxMessage: Sendable, Hashable {
    /// Deterministic: execution, activity, channel and target key. A re-run of the activity
    /// writes the same ids, so the outbox never holds a message twice.
    public var id: String
    public var campaign: String
    public var execution: Int64
    public var activity: String
    public var channel: Channel
    public var category: MessageCategory
    public var address: String?
    /// The profile's key in canonical text (parts joined by U+001F), nil without a profile.
    public var profileKey: String?
    public var profileValues: [Value]
    /// The number the next send would have: 1 the first time.
    public var attempt: Int
    /// The previous send was cut short (its worker died between starting it and recording it).
    public var interrupted: Bool
    /// Seconds since the epoch.
    public var expiresAt: Int64?
    /// The activity's template fields for this message, as JSON text (an object by field path).
    public var payload: String

    public init(id: String, campaign: String, execution: Int64, activity: String, channel: Channel, category: MessageCategory, address: String?, profileKey: String?, profileValues: [Value], attempt: Int, expiresAt: Int64?, payload: String, interrupted: Bool = false) {
        self.interrupted = interrupted
        self.id = id
        self.campaign = campaign
        self.execution = execution
        self.activity = activity
        self.channel = channel
        self.category = category
        self.address = address
        self.profileKey = profileKey
        self.profileValues = profileValues
        self.attempt = attempt
        self.expiresAt = expiresAt
        self.payload = payload
    }

    /// The canonical text of a composite key, as the outbox and consent tables store it.
    public static func canonicalKey(_ values: [Value]) -> String {
        values.map { $0.text ?? "" }.joined(separator: "\u{1F}")
    }
}

/// How a dispatched message ended, as the dispatcher writes it.
public struct DispatchRecord: Sendable, Hashable {
    public var id: String
    public var action: DispatchMachine.Action
    public var provider: String?
    /// SMS segments the provider will bill for (GSM-7 or UCS-2), when known.
    public var segments: Int?
    /// A letter's row for its activity's extract (direct mail), kept with the record.
    public var extractRow: ExtractRow?
    public var extract: ExtractKey?

    public init(id: String, action: DispatchMachine.Action, provider: String?) {
        self.id = id
        self.action = action
        self.provider = provider
    }
}
