import Foundation

/// What a rule is evaluated against besides the data: the clock, the time zone that `today()` means,
/// the campaign's variables and the saved audiences it may name.
///
/// Relative times are folded to constants once, when the rule is checked, so one evaluation sees one
/// "now" from its first row to its last.
public struct RuleEnvironment: Sendable {
    /// Microseconds since the Unix epoch.
    public var now: Int64
    public var timeZone: TimeZone
    /// Values of `$name` variables. Text values (from a command line) are read like a quoted string
    /// in the rule: as the type of whatever they are compared with.
    public var variables: [String: Value]
    /// Saved audiences by name, resolved by the caller (the portal lives in the store).
    public var audiences: [String: AudienceReference]
    /// Every audience name in the portal, for "did you mean" when a rule names one that is missing.
    public var audienceNames: [String] = []
    /// Columns a campaign population carries beyond its entity's fields (enrichment aliases), by
    /// name, usable in rules on rows of `attributeEntity` that run over that population.
    public var attributes: [String: FieldType] = [:]
    public var attributeEntity: String?

    public init(now: Int64, timeZone: TimeZone, variables: [String: Value] = [:], audiences: [String: AudienceReference] = [:]) {
        self.now = now
        self.timeZone = timeZone
        self.variables = variables
        self.audiences = audiences
    }

    /// The current time in the model's time zone.
    public static func current(for model: DataModel, variables: [String: Value] = [:]) -> RuleEnvironment {
        let micros = Int64((Date().timeIntervalSince1970 * 1_000_000).rounded())
        return RuleEnvironment(now: micros, timeZone: TimeZone(identifier: model.timeZone) ?? TimeZone(identifier: "UTC")!, variables: variables)
    }
}

/// Calendar arithmetic for relative times, in a given zone.
enum RuleTime {
    static func calendar(_ zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    static func date(_ micros: Int64) -> Date { Date(timeIntervalSince1970: Double(micros) / 1_000_000) }
    static func micros(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) }

    /// The local calendar day (days since 1970-01-01) of an instant.
    static func localDay(of micros: Int64, in zone: TimeZone) -> Int {
        let offset = Int64(zone.secondsFromGMT(for: date(micros))) * 1_000_000
        let local = micros + offset
        return Int(local >= 0 ? local / 86_400_000_000 : (local - 86_399_999_999) / 86_400_000_000)
    }

    /// The instant a local day starts (the first valid local time of that day, across DST gaps).
    static func startOfDay(_ day: Int, in zone: TimeZone) -> Int64 {
        let (y, m, d) = CivilTime.civilFromDays(day)
        let components = DateComponents(year: y, month: m, day: d, hour: 0, minute: 0, second: 0)
        let cal = calendar(zone)
        guard let start = cal.date(from: components) else { return Int64(day) * 86_400_000_000 }
        return micros(cal.startOfDay(for: start))
    }

    static func dayText(_ day: Int) -> String {
        let (y, m, d) = CivilTime.civilFromDays(day)
        func pad(_ n: Int, _ w: Int) -> String { String(repeating: "0", count: max(0, w - String(n).count)) + String(n) }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// A calendar day moved by whole units; months and years keep the day of month where it exists
    /// (January 31 + 1 month is the last day of February).
    static func add(_ amount: Int, _ unit: IntervalUnit, toDay day: Int) -> Int? {
        switch unit {
        case .days: return day + amount
        case .weeks: return day + 7 * amount
        case .months, .years:
            let (y, m, d) = CivilTime.civilFromDays(day)
            let months = (unit == .years ? 12 * amount : amount) + (y * 12 + m - 1)
            let year = months >= 0 ? months / 12 : (months - 11) / 12
            let month = months - year * 12 + 1
            guard year >= 1, year <= 9999 else { return nil }
            return CivilTime.daysFromCivil(year: year, month: month, day: min(d, CivilTime.daysInMonth(year: year, month: month)))
        case .hours, .minutes: return nil
        }
    }

    /// An instant moved by an interval: hours and minutes exactly, days and longer on the local calendar.
    static func add(_ amount: Int, _ unit: IntervalUnit, toInstant micros: Int64, in zone: TimeZone) -> Int64? {
        switch unit {
        case .minutes: return micros + Int64(amount) * 60_000_000
        case .hours: return micros + Int64(amount) * 3_600_000_000
        case .days, .weeks, .months, .years:
            let component: Calendar.Component = unit == .days ? .day : unit == .weeks ? .weekOfYear : unit == .months ? .month : .year
            guard let moved = calendar(zone).date(byAdding: component, value: amount, to: date(micros)) else { return nil }
            return Self.micros(moved)
        }
    }
}
