/// Where a message stands in the outbox, which is also the communication history: one row per
/// message from the moment a channel activity targets someone until the provider's last word.
///
/// The history is the profile's source of truth, so every row that is never sent says why
/// (`excluded`, `expired`, `failed` carry a reason); nothing leaves the table silently.
public enum MessageStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Waiting in the outbox for its due time (or for a retry, or after quiet hours).
    case pending
    /// Accepted by the provider: the checkpoint moves here, never on fetch.
    case sent
    /// Confirmed delivered by the provider or the receiving server (feedback).
    case delivered
    /// Bounced after it was sent (feedback).
    case bounced
    /// A permanent failure, or temporary failures until the retries ran out.
    case failed
    /// Its send window closed before it could go.
    case expired
    /// A policy or the population kept it from being sent.
    case excluded

    /// States a message never leaves by dispatch.
    public var isFinal: Bool { self != .pending }
    /// States that count towards frequency caps: the person did receive (or may have received) it.
    public static let counted: [MessageStatus] = [.sent, .delivered]
}

/// Why a message was not sent. The names are stable: reports, exports and scripts read them.
public enum ExclusionReason {
    public static let noProfile = "no_profile"
    public static let noAddress = "no_address"
    public static let duplicateAddress = "duplicate_address"
    public static let invalidAddress = "invalid_address"
    /// A postal address missing a part the print vendor needs, or with one that cannot be right.
    public static let incompleteAddress = "incomplete_address"
    public static let suppressed = "suppressed"
    public static let noConsent = "no_consent"
    public static let optedOut = "opted_out"
    public static let frequencyCap = "frequency_cap"
    public static let quietHours = "quiet_hours"
    public static let expired = "window_closed"
    public static let retriesExhausted = "retries_exhausted"
    public static let rendering = "rendering_failed"
    public static let rejected = "rejected"
    public static let noProvider = "no_provider"
}
