/// A value as seen by a message template.
///
/// Truthiness in sections (`{{#x}}…{{/x}}` / `{{^x}}…{{/x}}`): `null`, missing keys, `false`,
/// the empty string, the empty list and the empty object are falsy; everything else
/// (including `0` and `0.0`) is truthy, as in Mustache.
///
/// Plain rendering (`{{x}}`) is deterministic and locale independent:
/// - `integer`: decimal digits (`-1234`)
/// - `decimal`: shortest round-trip digits in plain notation (`100.5`, `0.00001`, `3` for `3.0`)
/// - `boolean`: `true` / `false`
/// - `date`: `YYYY-MM-DD`
/// - `timestamp`: ISO 8601 in UTC (`2026-03-29T01:30:00Z`, `…:00.123456Z` with microseconds)
/// - `list`: the elements' renderings joined with `", "`; `object` and `null`: empty.
/// Use the helpers (see `MessageTemplate`) for locale-aware output.
public enum TemplateValue: Sendable, Hashable {
    case null
    case string(String)
    case integer(Int64)
    /// A decimal number. Rendered with the shortest digits that round-trip (`100.5` → "100.5").
    case decimal(Double)
    case boolean(Bool)
    /// A civil (calendar) date with no time zone.
    case date(CivilDate)
    /// Microseconds since 1970-01-01T00:00:00Z.
    case timestamp(Int64)
    case list([TemplateValue])
    case object([String: TemplateValue])

    /// The value at `key` when this is an object, otherwise `nil`.
    public subscript(key: String) -> TemplateValue? {
        if case .object(let dict) = self { return dict[key] }
        return nil
    }

    /// Whether the value is falsy in a section: null, false, "", [] or [:].
    public var isEmptyOrFalse: Bool {
        switch self {
        case .null: true
        case .boolean(let b): !b
        case .string(let s): s.isEmpty
        case .list(let l): l.isEmpty
        case .object(let o): o.isEmpty
        case .integer, .decimal, .date, .timestamp: false
        }
    }
}

extension TemplateValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .decimal(value) }
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
    public init(arrayLiteral elements: TemplateValue...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, TemplateValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
}

/// A calendar date (year, month, day) with no time zone, e.g. a check-in date.
public struct CivilDate: Sendable, Hashable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Returns `nil` when the month or day is out of range.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD` (exactly 4-2-2 digits).
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// For literals in code and tests; traps on an invalid date.
    public init(stringLiteral value: String) {
        guard let date = CivilDate(iso: value) else { preconditionFailure("invalid civil date literal \(value)") }
        self = date
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(abs(v))
            return (v < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Days since 1970-01-01 (proleptic Gregorian).
    var daysSinceEpoch: Int64 { CivilCalendar.daysFromCivil(Int64(year), month, day) }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// Proleptic Gregorian day arithmetic (H. Hinnant's algorithms), used for deterministic rendering.
enum CivilCalendar {
    static func daysFromCivil(_ y0: Int64, _ m: Int, _ d: Int) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64(m > 2 ? m - 3 : m + 9)
        let doy = (153 * mp + 2) / 5 + Int64(d) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ z0: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, Int(m), Int(d))
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// ISO 8601 UTC rendering of microseconds since the epoch.
    static func isoTimestamp(micros: Int64) -> String {
        let secs = floorDiv(micros, 1_000_000)
        let frac = micros - secs * 1_000_000
        let days = floorDiv(secs, 86_400)
        let sod = secs - days * 86_400
        let (y, m, d) = civilFromDays(days)
        let date = CivilDate(year: Int(y), month: m, day: d)?.description ?? "\(y)-\(m)-\(d)"
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var out = "\(date)T\(two(sod / 3600)):\(two(sod % 3600 / 60)):\(two(sod % 60))"
        if frac != 0 {
            let s = String(frac)
            out += "." + String(repeating: "0", count: 6 - s.count) + s
        }
        return out + "Z"
    }
}
