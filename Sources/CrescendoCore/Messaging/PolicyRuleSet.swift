import Foundation

/// The business rules a channel activity sends under, named in the messaging configuration
/// (`rule_sets:`) and chosen per activity (`rules:`), so that a marketing team changes caps or
/// quiet hours in one place for every campaign.
public struct PolicyRuleSet: Sendable, Hashable {
    public var name: String
    /// What counts as consent when the profile has no explicit record for a channel and purpose.
    public var consentDefault: ConsentDefault
    /// Channels whose default differs: marketing letters are commonly sent until the person
    /// objects, while email and SMS need an opt-in.
    public var channelConsentDefaults: [Channel: ConsentDefault] = [:]
    /// A boolean profile field per channel that holds consent when no explicit record exists
    /// (`email: email_opt_in`): many companies keep opt-ins on the customer row.
    public var consentFields: [Channel: String]
    public var caps: [FrequencyCap]
    public var quietHours: QuietHours?

    public init(name: String, consentDefault: ConsentDefault = .optIn, consentFields: [Channel: String] = [:], caps: [FrequencyCap] = [], quietHours: QuietHours? = nil) {
        self.name = name
        self.consentDefault = consentDefault
        self.consentFields = consentFields
        self.caps = caps
        self.quietHours = quietHours
    }

    public func consentDefault(for channel: Channel) -> ConsentDefault {
        channelConsentDefaults[channel] ?? consentDefault
    }

    /// Marketing needs an explicit opt-in; nothing else is assumed.
    public static let standard = PolicyRuleSet(name: "default")
}

public enum ConsentDefault: String, Sendable, Hashable, Codable, CaseIterable {
    /// No record means no consent (GDPR-style opt-in).
    case optIn = "opt_in"
    /// No record means consent until the person opts out.
    case optOut = "opt_out"
}

/// At most `limit` messages per calendar `period` on `channel` (every channel when nil), counted
/// across campaigns.
public struct FrequencyCap: Sendable, Hashable {
    public var channel: Channel?
    public var limit: Int
    public var period: CalendarPeriod

    public init(channel: Channel?, limit: Int, period: CalendarPeriod) {
        self.channel = channel
        self.limit = limit
        self.period = period
    }
}

/// Hours in the recipient's time zone when nothing is sent, such as 21:00–08:00.
public struct QuietHours: Sendable, Hashable {
    public enum Action: String, Sendable, Hashable, Codable, CaseIterable {
        /// Hold the message until the quiet hours end (it may still expire).
        case delay
        /// Do not send it; it is recorded as excluded.
        case drop
    }

    public var from: LocalTime
    public var until: LocalTime
    public var action: Action

    public init(from: LocalTime, until: LocalTime, action: Action) {
        self.from = from
        self.until = until
        self.action = action
    }

    /// Whether the local time of day (minutes since midnight) falls in the quiet span; a span that
    /// crosses midnight (21:00–08:00) wraps.
    public func contains(minutes: Int) -> Bool {
        if from.minutes == until.minutes { return false }
        if from.minutes < until.minutes { return minutes >= from.minutes && minutes < until.minutes }
        return minutes >= from.minutes || minutes < until.minutes
    }

    /// The first instant at or after `instant` that is outside the quiet hours in `zone`, or nil
    /// when `instant` is not quiet.
    public func end(after instant: Int64, in zone: TimeZone) -> Int64? {
        let local = LocalClock.local(ofInstant: instant, in: zone)
        let minutes = Int(((local % 86_400) + 86_400) % 86_400 / 60)
        guard contains(minutes: minutes) else { return nil }
        let day = Int64(LocalClock.day(ofInstant: instant, in: zone))
        // The quiet span ends today at `until` when we are before it, otherwise tomorrow.
        let endDay = minutes < until.minutes ? day : day + 1
        let endLocal = endDay * 86_400 + Int64(until.minutes) * 60
        let end = LocalClock.instant(ofLocal: endLocal, in: zone)
        // In the repeated hour of an autumn change the first occurrence may already be past:
        // the end is the occurrence at the offset in force now.
        if end <= instant { return max(instant, endLocal - Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant))))) }
        // An end inside the spring gap: the wall clock jumps over it, so quiet hours end at the jump.
        if LocalClock.local(ofInstant: end, in: zone) != endLocal,
            let jump = zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: Double(end - 3 * 3600))), Int64(jump.timeIntervalSince1970) <= end {
            return max(instant, Int64(jump.timeIntervalSince1970))
        }
        return end
    }
}
