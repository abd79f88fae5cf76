import Foundation

/// What the profile side says about one recipient at the moment of sending. The dispatcher reads
/// it fresh for every batch, so a consent revoked after the campaign was published is honoured.
public struct RecipientState: Sendable, Hashable {
    /// The explicit consent record for the message's channel and purpose, if any.
    public var consent: ConsentStatus?
    /// The profile's consent field for the channel (`email_opt_in`), when the rule set names one.
    public var consentField: Bool?
    /// The suppression entry for the address, if any.
    public var suppression: SuppressionEntry?
    /// Instants (seconds) of the messages this profile already received, per channel, recent
    /// enough to matter for the longest cap.
    public var received: [Channel: [Int64]]
    public var timeZone: TimeZone

    public init(consent: ConsentStatus? = nil, consentField: Bool? = nil, suppression: SuppressionEntry? = nil, received: [Channel: [Int64]] = [:], timeZone: TimeZone = TimeZone(identifier: "UTC")!) {
        self.consent = consent
        self.consentField = consentField
        self.suppression = suppression
        self.received = received
        self.timeZone = timeZone
    }
}

public enum ConsentStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case optedIn = "opted_in"
    case optedOut = "opted_out"
}

/// An address that must not be sent to on a channel, and why.
public struct SuppressionEntry: Sendable, Hashable, Codable {
    public var channel: Channel
    public var address: String
    /// hard_bounce, soft_bounces, complaint, unsubscribed, manual
    public var reason: String
    public var detail: String?
    /// Seconds since the epoch.
    public var createdAt: Int64

    public init(channel: Channel, address: String, reason: String, detail: String? = nil, createdAt: Int64) {
        self.channel = channel
        self.address = address
        self.reason = reason
        self.detail = detail
        self.createdAt = createdAt
    }

    public static let reasons = ["hard_bounce", "soft_bounces", "complaint", "unsubscribed", "invalid_token", "manual"]

    /// The form addresses are compared in: emails ignore case, phones and tokens are exact.
    public static func normalized(_ address: String, channel: Channel) -> String {
        let trimmed = address.trimmingCharacters(in: .whitespaces)
        return channel == .email ? trimmed.lowercased() : trimmed
    }
}

/// The message as the policies see it.
public struct PolicyMessage: Sendable, Hashable {
    public var channel: Channel
    public var category: MessageCategory
    public var address: String?
    /// Seconds since the epoch after which the message must not go (its send window closed).
    public var expiresAt: Int64?
    /// Daily hours (recipient's time zone) the activity may send in.
    public var window: (from: LocalTime, until: LocalTime)?

    public init(channel: Channel, category: MessageCategory, address: String?, expiresAt: Int64? = nil, window: (from: LocalTime, until: LocalTime)? = nil) {
        self.channel = channel
        self.category = category
        self.address = address
        self.expiresAt = expiresAt
        self.window = window
    }

    public static func == (a: PolicyMessage, b: PolicyMessage) -> Bool {
        a.channel == b.channel && a.category == b.category && a.address == b.address && a.expiresAt == b.expiresAt && a.window?.from == b.window?.from && a.window?.until == b.window?.until
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(channel)
        hasher.combine(address)
        hasher.combine(expiresAt)
    }
}

public enum PolicyDecision: Sendable, Hashable {
    case send
    /// Recorded as excluded with the reason; never sent.
    case exclude(reason: String, detail: String?)
    /// Held until the instant (seconds), with the reason noted on the message.
    case delay(until: Int64, reason: String)
    /// The window closed first.
    case expire
}

/// The business rules applied to one message at send time, as a pure function so that every
/// rule and its order can be tested without a store or a provider.
///
/// Order: expiry first (an expired message is reported as expired whatever else holds), then
/// what makes an address unusable (validity, suppression), the activity's daily send window, then
/// consent, caps and quiet hours, which transactional messages skip.
public enum SendPolicy {
    public static func decide(_ message: PolicyMessage, recipient: RecipientState, rules: PolicyRuleSet, now: Int64) -> PolicyDecision {
        if let expiresAt = message.expiresAt, now >= expiresAt { return .expire }
        guard let address = message.address, !address.isEmpty else { return .exclude(reason: ExclusionReason.noAddress, detail: nil) }
        if !isValid(address, channel: message.channel) {
            return .exclude(reason: ExclusionReason.invalidAddress, detail: "\"\(address)\" is not a valid \(message.channel.rawValue) address")
        }
        if let suppression = recipient.suppression {
            return .exclude(reason: ExclusionReason.suppressed, detail: suppression.reason)
        }
        // The send window is the activity's own setting, so it holds for every category.
        if let window = message.window {
            let outside = QuietHours(from: window.until, until: window.from, action: .delay)
            if let opens = outside.end(after: now, in: recipient.timeZone) { return hold(until: opens, message, reason: "send_window") }
        }
        guard message.category == .marketing else { return .send }

        switch recipient.consent {
        case .optedOut?: return .exclude(reason: ExclusionReason.optedOut, detail: nil)
        case .optedIn?: break
        case nil:
            if let field = recipient.consentField {
                if !field { return .exclude(reason: ExclusionReason.noConsent, detail: rules.consentFields[message.channel].map { "\($0) is false" }) }
            } else if rules.consentDefault(for: message.channel) == .optIn {
                return .exclude(reason: ExclusionReason.noConsent, detail: "no opt-in on record")
            }
        }

        for cap in rules.caps where cap.channel == nil || cap.channel == message.channel {
            let start = cap.period.start(of: now, in: recipient.timeZone)
            let channels = cap.channel.map { [$0] } ?? Channel.allCases
            let count = channels.reduce(0) { total, channel in total + (recipient.received[channel] ?? []).filter { $0 >= start && $0 <= now }.count }
            if count >= cap.limit {
                return .exclude(reason: ExclusionReason.frequencyCap, detail: "\(cap.limit) per \(cap.period.rawValue)\(cap.channel.map { " on \($0.rawValue)" } ?? "")")
            }
        }

        if let quiet = rules.quietHours, let end = quiet.end(after: now, in: recipient.timeZone) {
            switch quiet.action {
            case .drop: return .exclude(reason: ExclusionReason.quietHours, detail: "\(quiet.from)–\(quiet.until) \(recipient.timeZone.identifier)")
            case .delay: return hold(until: end, message, reason: ExclusionReason.quietHours)
            }
        }
        return .send
    }

    static func hold(until: Int64, _ message: PolicyMessage, reason: String) -> PolicyDecision {
        if let expiresAt = message.expiresAt, until >= expiresAt { return .expire }
        return .delay(until: until, reason: reason)
    }

    /// Whether an address can be sent to on the channel at all.
    public static func isValid(_ address: String, channel: Channel) -> Bool {
        switch channel {
        case .email: ValueParser.isEmail(address)
        case .sms: ValueParser.normalizePhone(address) != nil || address.hasPrefix("+")
        case .push: !address.contains(where: \.isWhitespace)
        case .directMail: true
        }
    }
}
