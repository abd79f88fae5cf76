import Foundation

/// The `schedule:` section of a campaign file, as written (YAML or JSON, snake_case keys):
///
/// ```yaml
/// schedule:
///   time_zone: Europe/Lisbon            # IANA name; UTC when absent
///   valid_from: 2026-12-01T00:00:00Z    # an instant with an offset, a local "2026-12-01 08:00", or a date (its start)
///   valid_until: 2027-06-30             # the same forms; a bare date means the end of that local day
///   daily: { days: [mon, tue], at: ["09:00", "18:30"] }
/// ```
///
/// At most one recurrence key — `once`, `daily`, `intraday`, `weekly`, `monthly`, `cron` — and none
/// means "as soon as possible": the campaign starts by hand and `schedule()` is nil. Values stay as
/// written until `schedule()` checks them, so that a definition can be read, shown and stored even
/// when one of them is wrong, and every message can name the field at fault.
public struct ScheduleSpec: Sendable, Hashable, Codable {
    public var timeZone: String?
    public var validFrom: String?
    public var validUntil: String?
    /// Nil for "as soon as possible".
    public var recurrence: Recurrence?

    public enum Recurrence: Sendable, Hashable {
        /// A local date-time, "2026-12-24 09:00".
        case once(String)
        case daily(Daily)
        case intraday(Intraday)
        case weekly(Weekly)
        case monthly(Monthly)
        /// Five fields, read by `CronExpression`.
        case cron(String)

        /// Its key in the file.
        public var key: String {
            switch self {
            case .once: "once"
            case .daily: "daily"
            case .intraday: "intraday"
            case .weekly: "weekly"
            case .monthly: "monthly"
            case .cron: "cron"
            }
        }
    }

    /// `days` are weekday names (`mon`, `tuesday`) or `weekdays`, `weekend`, `everyday`; a single
    /// name may be written without a list. Absent means every day.
    public struct Daily: Sendable, Hashable, Codable {
        public var days: [String]?
        /// "HH:MM" times; a single time may be written without a list.
        public var at: [String]

        public init(days: [String]? = nil, at: [String]) {
            self.days = days
            self.at = at
        }
    }

    /// Either `every` (with `from`/`until`) or `hours` (with `minute`), on `days`.
    public struct Intraday: Sendable, Hashable, Codable {
        public var days: [String]?
        /// "30m", "2h": from 1m to 24h.
        public var every: String?
        /// "HH:MM", 00:00 when absent.
        public var from: String?
        /// "HH:MM", inclusive, 23:59 when absent.
        public var until: String?
        /// Chosen hours (0–23), each at `minute`.
        public var hours: [Int]?
        public var minute: Int?

        public init(days: [String]? = nil, every: String? = nil, from: String? = nil, until: String? = nil, hours: [Int]? = nil, minute: Int? = nil) {
            self.days = days
            self.every = every
            self.from = from
            self.until = until
            self.hours = hours
            self.minute = minute
        }
    }

    public struct Weekly: Sendable, Hashable, Codable {
        /// Every how many weeks, 1 when absent.
        public var every: Int?
        /// The weekday of `starting` when absent.
        public var days: [String]?
        public var at: [String]
        /// A date in the first week that runs (weeks start on Monday); `valid_from`'s local date, or
        /// 1970-01-05, when absent.
        public var starting: String?

        public init(every: Int? = nil, days: [String]? = nil, at: [String], starting: String? = nil) {
            self.every = every
            self.days = days
            self.at = at
            self.starting = starting
        }
    }

    public struct Monthly: Sendable, Hashable, Codable {
        public var days: [MonthDay]
        public var at: [String]

        public init(days: [MonthDay], at: [String]) {
            self.days = days
            self.at = at
        }
    }

    /// A day of the month as written: a number (1–31) or text (`last`, `2nd tue`, `last fri`).
    public enum MonthDay: Sendable, Hashable, Codable, ExpressibleByIntegerLiteral, ExpressibleByStringLiteral {
        case day(Int)
        case named(String)

        public init(integerLiteral value: Int) { self = .day(value) }
        public init(stringLiteral value: String) { self = .named(value) }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Int.self) {
                self = .day(number)
            } else {
                self = .named(try container.decode(String.self))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .day(let number): try container.encode(number)
            case .named(let text): try container.encode(text)
            }
        }
    }

    public init(timeZone: String? = nil, validFrom: String? = nil, validUntil: String? = nil, recurrence: Recurrence? = nil) {
        self.timeZone = timeZone
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.recurrence = recurrence
    }

    // MARK: Keys

    static let recurrenceKeys = ["once", "daily", "intraday", "weekly", "monthly", "cron"]
    static let keys = ["time_zone", "valid_from", "valid_until"] + recurrenceKeys
    static let dayGroups = ["weekdays", "weekend", "weekends", "everyday"]
}

// MARK: - Turning it into a LaunchSchedule

extension ScheduleSpec {
    /// The launch schedule, or nil for "as soon as possible" (manual start only).
    public func schedule() throws(CrescendoError) -> LaunchSchedule? {
        let zone = try resolvedTimeZone()
        var from: Int64?
        if let validFrom {
            from = try Self.instant(validFrom, field: "valid_from", zone: zone, endOfDay: false)
        }
        var until: Int64?
        if let validUntil {
            until = try Self.instant(validUntil, field: "valid_until", zone: zone, endOfDay: true)
        }
        if let from, let until, until < from {
            throw Self.fail("valid_until", "\"\(validUntil ?? "")\" is before valid_from \"\(validFrom ?? "")\"")
        }
        guard let recurrence else { return nil }
        let resolved: LaunchSchedule.Recurrence
        switch recurrence {
        case .once(let text):
            resolved = try Self.once(text, zone: zone)
        case .daily(let daily):
            resolved = .daily(
                days: Self.everyDayAsEmpty(try Self.weekdays(daily.days, field: "daily.days") ?? []),
                times: try Self.times(daily.at, field: "daily.at"))
        case .intraday(let intraday):
            resolved = try Self.intraday(intraday)
        case .weekly(let weekly):
            resolved = try Self.weekly(weekly, validFrom: from, zone: zone)
        case .monthly(let monthly):
            resolved = .monthly(days: try Self.monthDays(monthly.days), times: try Self.times(monthly.at, field: "monthly.at"))
        case .cron(let text):
            do {
                resolved = .cron(try CronExpression(text))
            } catch {
                throw Self.fail("cron", error.message)
            }
        }
        return LaunchSchedule(resolved, timeZone: zone, validFrom: from, validUntil: until)
    }

    func resolvedTimeZone() throws(CrescendoError) -> TimeZone {
        let name = timeZone ?? "UTC"
        guard !name.isEmpty, let zone = TimeZone(identifier: name) else {
            throw Self.fail("time_zone", "unknown time zone \"\(name)\"" + Spelling.hint(name, among: TimeZone.knownTimeZoneIdentifiers))
        }
        return zone
    }

    static func fail(_ field: String, _ message: String) -> CrescendoError {
        CrescendoError(.invalidArgument, "schedule.\(field): \(message)")
    }

    /// Wall-clock seconds since the epoch of a date-time written without an offset, or the instant
    /// of one written with an offset (`zoned`); nil when the text is neither.
    static func dateTime(_ text: String) -> (seconds: Int64, zoned: Bool)? {
        // Read in two different zones: only text that carries its own offset gives the same instant.
        guard let utc = ValueParser.utc.parseTimestamp(text),
            let other = ValueParser(timeZone: TimeZone(secondsFromGMT: 3_600)!).parseTimestamp(text)
        else { return nil }
        let seconds = utc >= 0 ? utc / 1_000_000 : (utc - 999_999) / 1_000_000
        return (seconds, utc == other)
    }

    static func instant(_ text: String, field: String, zone: TimeZone, endOfDay: Bool) throws(CrescendoError) -> Int64 {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let day = ValueParser.parseDate(trimmed.utf8) {
            return endOfDay
                ? LocalClock.instant(ofLocal: Int64(day + 1) * 86_400, in: zone) - 1
                : LocalClock.instant(ofLocal: Int64(day) * 86_400, in: zone)
        }
        guard let parsed = dateTime(trimmed) else {
            throw fail(field, "\"\(text)\" is not a date (YYYY-MM-DD), a local date-time (YYYY-MM-DD HH:MM) or an ISO 8601 instant (2026-12-01T08:00:00Z)")
        }
        return parsed.zoned ? parsed.seconds : LocalClock.instant(ofLocal: parsed.seconds, in: zone)
    }

    static func once(_ text: String, zone: TimeZone) throws(CrescendoError) -> LaunchSchedule.Recurrence {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard ValueParser.parseDate(trimmed.utf8) == nil, let parsed = dateTime(trimmed) else {
            throw fail("once", "\"\(text)\" is not a local date-time (YYYY-MM-DD HH:MM)")
        }
        guard !parsed.zoned else {
            throw fail("once", "\"\(text)\" has a UTC offset; write the local date-time in time_zone (YYYY-MM-DD HH:MM)")
        }
        let day = parsed.seconds >= 0 ? parsed.seconds / 86_400 : (parsed.seconds - 86_399) / 86_400
        let minutes = Int(parsed.seconds - day * 86_400) / 60
        return .once(day: Int(day), at: LocalTime(hour: minutes / 60, minute: minutes % 60))
    }

    static func time(_ text: String, field: String) throws(CrescendoError) -> LocalTime {
        guard let time = LocalTime(text.trimmingCharacters(in: .whitespaces)) else {
            throw fail(field, "\"\(text)\" is not a time (HH:MM)")
        }
        return time
    }

    static func times(_ list: [String], field: String) throws(CrescendoError) -> [LocalTime] {
        guard !list.isEmpty else { throw fail(field, "needs at least one time (HH:MM)") }
        var result: [LocalTime] = []
        for (index, text) in list.enumerated() {
            result.append(try time(text, field: "\(field)[\(index)]"))
        }
        return result
    }

    /// The named days; nil when `list` is absent.
    static func weekdays(_ list: [String]?, field: String) throws(CrescendoError) -> Set<Weekday>? {
        guard let list else { return nil }
        guard !list.isEmpty else { throw fail(field, "names no day (leave it out for every day)") }
        var result: Set<Weekday> = []
        for (index, name) in list.enumerated() {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            switch trimmed.lowercased() {
            case "weekdays": result.formUnion(Weekday.weekdays)
            case "weekend", "weekends": result.formUnion([.saturday, .sunday])
            case "everyday": result.formUnion(Weekday.allCases)
            default:
                guard let day = Weekday(name: trimmed) else {
                    let names = Weekday.allCases.flatMap { ["\($0)", String("\($0)".prefix(3))] } + dayGroups
                    throw fail("\(field)[\(index)]", "\"\(name)\" is not a day of the week (mon … sun, weekdays, weekend, everyday)" + Spelling.hint(trimmed, among: names))
                }
                result.insert(day)
            }
        }
        return result
    }

    /// `LaunchSchedule` reads an empty set as every day.
    static func everyDayAsEmpty(_ days: Set<Weekday>) -> Set<Weekday> {
        days.count == Weekday.allCases.count ? [] : days
    }

    static func intraday(_ spec: Intraday) throws(CrescendoError) -> LaunchSchedule.Recurrence {
        let days = everyDayAsEmpty(try weekdays(spec.days, field: "intraday.days") ?? [])
        let byInterval = spec.every != nil || spec.from != nil || spec.until != nil
        let byHours = spec.hours != nil || spec.minute != nil
        if byInterval && byHours {
            throw fail("intraday", "give either every (with from/until) or hours (with minute), not both")
        }
        if byHours {
            guard let hours = spec.hours, !hours.isEmpty else { throw fail("intraday.hours", "needs at least one hour (0-23)") }
            let minute = spec.minute ?? 0
            guard (0...59).contains(minute) else { throw fail("intraday.minute", "\(minute) is not a minute (0-59)") }
            var times: [LocalTime] = []
            for (index, hour) in hours.enumerated() {
                guard (0...23).contains(hour) else { throw fail("intraday.hours[\(index)]", "\(hour) is not an hour (0-23)") }
                times.append(LocalTime(hour: hour, minute: minute))
            }
            return .daily(days: days, times: times)
        }
        guard let every = spec.every else { throw fail("intraday", "needs every (\"30m\", \"2h\") or hours ([9, 12, 15])") }
        let minutes = try duration(every, field: "intraday.every")
        let from = try spec.from.map { (text) throws(CrescendoError) in try time(text, field: "intraday.from") } ?? LocalTime(hour: 0)
        let until = try spec.until.map { (text) throws(CrescendoError) in try time(text, field: "intraday.until") } ?? LocalTime(hour: 23, minute: 59)
        guard from <= until else { throw fail("intraday.until", "\"\(until)\" is before from \"\(from)\"") }
        return .intraday(days: days, everyMinutes: minutes, from: from, until: until)
    }

    /// Minutes in "30m" or "2h".
    static func duration(_ text: String, field: String) throws(CrescendoError) -> Int {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let unit = trimmed.last, unit == "m" || unit == "h", let number = Int(trimmed.dropLast()) else {
            throw fail(field, "\"\(text)\" is not a duration (Nm or Nh, e.g. 30m)")
        }
        guard number > 0 else { throw fail(field, "\"\(text)\" must be at least 1m") }
        let minutes = unit == "h" ? number.multipliedReportingOverflow(by: 60).partialValue : number
        guard minutes <= 1_440, number <= 1_440 else { throw fail(field, "\"\(text)\" must be at most 24h") }
        return minutes
    }

    static func weekly(_ spec: Weekly, validFrom: Int64?, zone: TimeZone) throws(CrescendoError) -> LaunchSchedule.Recurrence {
        let every = spec.every ?? 1
        guard every > 0 else { throw fail("weekly.every", "\(every) must be at least 1") }
        var anchor = validFrom.map { LocalClock.day(ofInstant: $0, in: zone) } ?? 4  // 1970-01-05, a Monday
        if let starting = spec.starting {
            guard let day = ValueParser.parseDate(starting.trimmingCharacters(in: .whitespaces).utf8) else {
                throw fail("weekly.starting", "\"\(starting)\" is not a date (YYYY-MM-DD)")
            }
            anchor = day
        }
        let days = try weekdays(spec.days, field: "weekly.days") ?? [Weekday(day: anchor)]
        return .weekly(interval: every, days: days, times: try times(spec.at, field: "weekly.at"), anchorDay: anchor)
    }

    static let ordinals = ["1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5]

    static func monthDays(_ list: [MonthDay]) throws(CrescendoError) -> [LaunchSchedule.DayOfMonth] {
        guard !list.isEmpty else { throw fail("monthly.days", "needs at least one day (1-31, last, \"2nd tue\", \"last fri\")") }
        var result: [LaunchSchedule.DayOfMonth] = []
        for (index, item) in list.enumerated() {
            guard let day = monthDay(item) else {
                let shown = switch item {
                case .day(let number): "\(number)"
                case .named(let text): "\"\(text)\""
                }
                throw fail("monthly.days[\(index)]", "\(shown) is not a day of the month (1-31, last, \"2nd tue\" with 1st-5th, \"last fri\")")
            }
            result.append(day)
        }
        return result
    }

    static func monthDay(_ item: MonthDay) -> LaunchSchedule.DayOfMonth? {
        switch item {
        case .day(let number):
            return (1...31).contains(number) ? .day(number) : nil
        case .named(let text):
            let words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            if words.count == 1 {
                if words[0] == "last" { return .last }
                return Int(words[0]).flatMap { monthDay(.day($0)) }
            }
            guard words.count == 2, let weekday = Weekday(name: words[1]) else { return nil }
            if words[0] == "last" { return .lastWeekday(weekday) }
            return ordinals[words[0]].map { .nth($0, weekday) }
        }
    }
}

// MARK: - Summary

extension ScheduleSpec {
    /// One line for people: "daily at 09:00, 18:30 on Mon, Tue (Europe/Lisbon)".
    public var summary: String {
        guard let recurrence else { return "as soon as possible (manual start)" }
        var text: String
        switch recurrence {
        case .once(let when):
            text = "once at \(when)"
        case .daily(let daily):
            text = "daily at \(Self.describe(times: daily.at))\(Self.describe(days: daily.days))"
        case .intraday(let intraday):
            if let hours = intraday.hours {
                let minute = intraday.minute ?? 0
                let times = hours.sorted().map { (0...23).contains($0) && (0...59).contains(minute) ? "\(LocalTime(hour: $0, minute: minute))" : "\($0):\(minute)" }
                text = "daily at \(times.joined(separator: ", "))"
            } else {
                text = "every \(intraday.every ?? "?") from \(Self.describe(time: intraday.from ?? "00:00")) to \(Self.describe(time: intraday.until ?? "23:59"))"
            }
            text += Self.describe(days: intraday.days)
        case .weekly(let weekly):
            let every = weekly.every ?? 1
            text = every == 1 ? "weekly" : "every \(every) weeks"
            if weekly.days == nil, case .weekly(_, let days, _, _)? = (try? schedule())?.recurrence {
                // The weekday of the anchor.
                text += Self.describe(days: days.map { "\($0)" }, everyDay: " every day")
            } else {
                text += Self.describe(days: weekly.days, everyDay: " every day")
            }
            text += " at \(Self.describe(times: weekly.at))"
            if let starting = weekly.starting { text += ", starting the week of \(starting)" }
        case .monthly(let monthly):
            text = "monthly on the \(monthly.days.map(Self.describe(monthDay:)).joined(separator: ", ")) at \(Self.describe(times: monthly.at))"
        case .cron(let expression):
            text = "cron \(expression)"
        }
        text += " (\(timeZone ?? "UTC"))"
        if let validFrom { text += ", from \(validFrom)" }
        if let validUntil { text += ", until \(validUntil)" }
        return text
    }

    static func describe(time text: String) -> String {
        LocalTime(text.trimmingCharacters(in: .whitespaces)).map(\.description) ?? text
    }

    static func describe(times list: [String]) -> String {
        let parsed = list.compactMap { LocalTime($0.trimmingCharacters(in: .whitespaces)) }
        let shown = parsed.count == list.count ? parsed.sorted().map(\.description) : list
        return shown.isEmpty ? "?" : shown.joined(separator: ", ")
    }

    /// "" for every day, else " on Mon, Tue", " on weekdays", " on weekends".
    static func describe(days list: [String]?, everyDay: String = "") -> String {
        guard let list else { return "" }
        guard let days = try? weekdays(list, field: "") else { return " on \(list.joined(separator: ", "))" }
        switch days {
        case Set(Weekday.allCases): return everyDay
        case Weekday.weekdays: return " on weekdays"
        case [.saturday, .sunday]: return " on weekends"
        default: return " on " + days.sorted().map { String("\($0)".prefix(3)).capitalized }.joined(separator: ", ")
        }
    }

    static func describe(monthDay item: MonthDay) -> String {
        switch monthDay(item) {
        case .day(let n)?:
            let suffix = (11...13).contains(n % 100) ? "th" : [1: "st", 2: "nd", 3: "rd"][n % 10] ?? "th"
            return "\(n)\(suffix)"
        case .last?: return "last day"
        case .nth(let n, let weekday)?:
            let ordinal = [1: "1st", 2: "2nd", 3: "3rd"][n] ?? "\(n)th"
            return "\(ordinal) \(String("\(weekday)".prefix(3)).capitalized)"
        case .lastWeekday(let weekday)?: return "last \(String("\(weekday)".prefix(3)).capitalized)"
        case nil:
            switch item {
            case .day(let number): return "\(number)"
            case .named(let text): return text
            }
        }
    }
}

// MARK: - Codable

/// Any key, so that unknown ones can be found and named.
private struct ScheduleKey: CodingKey, Hashable {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { stringValue = String(intValue) }
}

/// Text that may have been written as a number (`at: [9]` in JSON), kept as text for `schedule()`
/// to judge.
private struct LenientText: Decodable {
    let text: String
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self.text = text
        } else if let number = try? container.decode(Int.self) {
            text = String(number)
        } else if let number = try? container.decode(Double.self) {
            text = String(number)
        } else {
            text = try container.decode(String.self)
        }
    }
}

fileprivate extension KeyedDecodingContainer where Key == ScheduleKey {
    /// The container of `decoder`, after checking that it has only `known` keys.
    static func checked(_ decoder: any Decoder, path: String, known: [String]) throws -> Self {
        let container = try decoder.container(keyedBy: ScheduleKey.self)
        let unknown = container.allKeys.map(\.stringValue).filter { !known.contains($0) }.sorted()
        guard unknown.isEmpty else {
            let problems = unknown.map { "unknown key \"\($0)\"" + Spelling.hint($0, among: known) }
            throw CrescendoError(.invalidArgument, "\(path): \(problems.joined(separator: "; ")) (expected \(known.joined(separator: ", ")))")
        }
        return container
    }

    func present(_ name: String) throws -> Bool {
        let key = ScheduleKey(name)
        return try contains(key) && !decodeNil(forKey: key)
    }

    func text(_ name: String) throws -> String? {
        try present(name) ? try decode(LenientText.self, forKey: ScheduleKey(name)).text : nil
    }

    /// A list, or a single value standing for a list of one.
    func texts(_ name: String) throws -> [String]? {
        guard try present(name) else { return nil }
        let key = ScheduleKey(name)
        if let list = try? decode([LenientText].self, forKey: key) { return list.map(\.text) }
        return [try decode(LenientText.self, forKey: key).text]
    }

    func value<T: Decodable>(_ type: T.Type, _ name: String) throws -> T? {
        try present(name) ? try decode(type, forKey: ScheduleKey(name)) : nil
    }
}

fileprivate extension KeyedEncodingContainer where Key == ScheduleKey {
    mutating func put(_ value: (some Encodable)?, _ name: String) throws {
        try encodeIfPresent(value, forKey: ScheduleKey(name))
    }
}

extension ScheduleSpec {
    public init(from decoder: any Decoder) throws {
        let container = try KeyedDecodingContainer<ScheduleKey>.checked(decoder, path: "schedule", known: Self.keys)
        timeZone = try container.text("time_zone")
        validFrom = try container.text("valid_from")
        validUntil = try container.text("valid_until")
        let given = Self.recurrenceKeys.filter { container.contains(ScheduleKey($0)) }
        guard given.count <= 1 else {
            throw CrescendoError(
                .invalidArgument, "schedule: give one of \(Self.recurrenceKeys.joined(separator: ", ")), not several (found \(given.joined(separator: " and ")))")
        }
        guard let key = given.first else { return }
        guard try container.present(key) else { throw CrescendoError(.invalidArgument, "schedule.\(key): has no value") }
        switch key {
        case "once": recurrence = .once(try container.text(key) ?? "")
        case "daily": recurrence = .daily(try container.decode(Daily.self, forKey: ScheduleKey(key)))
        case "intraday": recurrence = .intraday(try container.decode(Intraday.self, forKey: ScheduleKey(key)))
        case "weekly": recurrence = .weekly(try container.decode(Weekly.self, forKey: ScheduleKey(key)))
        case "monthly": recurrence = .monthly(try container.decode(Monthly.self, forKey: ScheduleKey(key)))
        default: recurrence = .cron(try container.text(key) ?? "")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ScheduleKey.self)
        try container.put(timeZone, "time_zone")
        try container.put(validFrom, "valid_from")
        try container.put(validUntil, "valid_until")
        switch recurrence {
        case nil: break
        case .once(let text)?: try container.put(text, "once")
        case .daily(let daily)?: try container.put(daily, "daily")
        case .intraday(let intraday)?: try container.put(intraday, "intraday")
        case .weekly(let weekly)?: try container.put(weekly, "weekly")
        case .monthly(let monthly)?: try container.put(monthly, "monthly")
        case .cron(let text)?: try container.put(text, "cron")
        }
    }
}

extension ScheduleSpec.Daily {
    public init(from decoder: any Decoder) throws {
        let container = try KeyedDecodingContainer<ScheduleKey>.checked(decoder, path: "schedule.daily", known: ["days", "at"])
        days = try container.texts("days")
        at = try container.texts("at") ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ScheduleKey.self)
        try container.put(days, "days")
        try container.put(at, "at")
    }
}

extension ScheduleSpec.Intraday {
    public init(from decoder: any Decoder) throws {
        let container = try KeyedDecodingContainer<ScheduleKey>.checked(
            decoder, path: "schedule.intraday", known: ["days", "every", "from", "until", "hours", "minute"])
        days = try container.texts("days")
        every = try container.text("every")
        from = try container.text("from")
        until = try container.text("until")
        hours = try container.value([Int].self, "hours")
        minute = try container.value(Int.self, "minute")
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ScheduleKey.self)
        try container.put(days, "days")
        try container.put(every, "every")
        try container.put(from, "from")
        try container.put(until, "until")
        try container.put(hours, "hours")
        try container.put(minute, "minute")
    }
}

extension ScheduleSpec.Weekly {
    public init(from decoder: any Decoder) throws {
        let container = try KeyedDecodingContainer<ScheduleKey>.checked(decoder, path: "schedule.weekly", known: ["every", "days", "at", "starting"])
        every = try container.value(Int.self, "every")
        days = try container.texts("days")
        at = try container.texts("at") ?? []
        starting = try container.text("starting")
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ScheduleKey.self)
        try container.put(every, "every")
        try container.put(days, "days")
        try container.put(at, "at")
        try container.put(starting, "starting")
    }
}

extension ScheduleSpec.Monthly {
    public init(from decoder: any Decoder) throws {
        let container = try KeyedDecodingContainer<ScheduleKey>.checked(decoder, path: "schedule.monthly", known: ["days", "at"])
        let key = ScheduleKey("days")
        if try !container.present("days") {
            days = []
        } else if let list = try? container.decode([ScheduleSpec.MonthDay].self, forKey: key) {
            days = list
        } else {
            days = [try container.decode(ScheduleSpec.MonthDay.self, forKey: key)]
        }
        at = try container.texts("at") ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ScheduleKey.self)
        try container.put(days, "days")
        try container.put(at, "at")
    }
}
