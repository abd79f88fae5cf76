import Foundation
import Mustache

/// Wraps a non-list `TemplateValue` for the Mustache engine: children, text, truthiness and helpers.
struct ValueBox: MustacheParent, MustacheCustomRenderable, MustacheTransformable {
    let value: TemplateValue
    let env: RenderEnvironment

    func child(named name: String) -> Any? {
        if case .object(let dict) = value, let child = dict[name] { return env.box(child) }
        return nil
    }

    var renderText: String { TemplateHelpers.plainText(value) ?? "" }
    var isNull: Bool { value.isEmptyOrFalse }
    func transform(_ name: String) -> Any? { TemplateHelpers.apply(name, to: value, env: env) }
}

/// Wraps a list so that sections iterate over it (and `first()`/`last()`/`index()` work).
struct ListBox: MustacheSequence, MustacheParent, MustacheCustomRenderable, MustacheTransformable {
    let items: [TemplateValue]
    let env: RenderEnvironment

    func makeIterator() -> IndexingIterator<[Any]> { items.map { env.box($0) }.makeIterator() }
    func child(named name: String) -> Any? { nil }
    var renderText: String { TemplateHelpers.plainText(.list(items)) ?? "" }
    var isNull: Bool { items.isEmpty }
    func transform(_ name: String) -> Any? { TemplateHelpers.apply(name, to: .list(items), env: env) }
}

extension RenderEnvironment {
    func box(_ value: TemplateValue) -> Any {
        if case .list(let items) = value { return ListBox(items: items, env: self) }
        return ValueBox(value: value, env: self)
    }
}

/// The helpers available as Mustache transforms: `{{helper(path)}}`, chainable `{{upper(date_long(d))}}`.
enum TemplateHelpers {
    static let caseHelpers: Set<String> = ["upper", "lower", "capitalized", "uppercased", "lowercased"]
    static let dateHelpers: [String: (date: DateFormatter.Style, time: DateFormatter.Style)] = [
        "date": (.medium, .none), "date_short": (.short, .none), "date_medium": (.medium, .none),
        "date_long": (.long, .none), "date_full": (.full, .none),
        "time": (.none, .short), "time_medium": (.none, .medium),
        "datetime": (.medium, .short), "datetime_short": (.short, .short),
        "datetime_medium": (.medium, .short), "datetime_long": (.long, .short),
    ]
    static let collectionHelpers: Set<String> = ["empty", "count", "first", "last", "reversed"]
    static let integerHelpers: Set<String> = ["plusone", "minusone", "even", "odd", "equalzero"]
    /// Position helpers for rows of a list section, written with no argument: `{{^last()}}, {{/last()}}`.
    static let sequenceHelpers: Set<String> = ["first", "last", "index", "even", "odd"]
    static let otherHelpers: Set<String> = ["url", "number", "currency"]

    static func isKnown(_ name: String, sequenceContext: Bool) -> Bool {
        if sequenceContext && sequenceHelpers.contains(name) { return true }
        if caseHelpers.contains(name) || dateHelpers[name] != nil || collectionHelpers.contains(name)
            || integerHelpers.contains(name) || otherHelpers.contains(name)
        {
            return true
        }
        if let digits = fixedDigits(name) { return digits <= 6 }
        if name.hasPrefix("currency_") { return explicitCurrency(name) != nil }
        return false
    }

    static func fixedDigits(_ name: String) -> Int? {
        guard name.hasPrefix("number_") else { return nil }
        let rest = name.dropFirst("number_".count)
        guard rest.count == 1, let d = Int(rest) else { return nil }
        return d
    }

    static func explicitCurrency(_ name: String) -> String? {
        let code = name.dropFirst("currency_".count)
        guard code.count == 3, code == code.uppercased() else { return nil }
        return RenderEnvironment.normalizedCurrencyCode(String(code))
    }

    /// Locale-independent text of a value; nil for null and objects.
    static func plainText(_ value: TemplateValue) -> String? {
        switch value {
        case .null, .object: nil
        case .string(let s): s
        case .integer(let i): String(i)
        case .decimal(let d): PlainNumber.string(d)
        case .boolean(let b): b ? "true" : "false"
        case .date(let d): d.description
        case .timestamp(let us): CivilCalendar.isoTimestamp(micros: us)
        case .list(let items): items.compactMap(plainText).joined(separator: ", ")
        }
    }

    private static let urlAllowed = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func numeric(_ value: TemplateValue) -> NSNumber? {
        switch value {
        case .integer(let i): NSNumber(value: i)
        case .decimal(let d): d.isFinite ? NSNumber(value: d) : nil
        default: nil
        }
    }

    static func currency(_ value: TemplateValue, code explicit: String?, env: RenderEnvironment) -> Any? {
        var amount = value
        var code = explicit
        if case .object(let dict) = value {
            amount = dict["amount"] ?? .null
            if code == nil, case .string(let c)? = dict["currency"] { code = c }
        }
        guard let number = numeric(amount),
            let resolved = (code ?? env.recipient.defaultCurrencyCode).flatMap(RenderEnvironment.normalizedCurrencyCode),
            let text = env.formatCurrency(number, code: resolved)
        else { return nil }
        return env.box(.string(text))
    }

    static func apply(_ name: String, to value: TemplateValue, env: RenderEnvironment) -> Any? {
        func string(_ s: String?) -> Any? { s.map { env.box(.string($0)) } }
        switch name {
        case "upper", "uppercased": return string(plainText(value).map(env.uppercase))
        case "lower", "lowercased": return string(plainText(value).map(env.lowercase))
        case "capitalized": return string(plainText(value).map(env.capitalize))
        case "url": return string(plainText(value)?.addingPercentEncoding(withAllowedCharacters: urlAllowed))
        case "number": return string(numeric(value).flatMap { env.formatNumber($0, fractionDigits: nil) })
        case "currency": return currency(value, code: nil, env: env)
        case "empty": return value.isEmptyOrFalse
        default: break
        }
        if let styles = dateHelpers[name] {
            let date: Date
            let civil: Bool
            switch value {
            case .date(let d):
                (date, civil) = (Date(timeIntervalSince1970: Double(d.daysSinceEpoch) * 86_400), true)
            case .string(let s):
                guard let d = CivilDate(iso: s) else { return nil }
                (date, civil) = (Date(timeIntervalSince1970: Double(d.daysSinceEpoch) * 86_400), true)
            case .timestamp(let us):
                (date, civil) = (Date(timeIntervalSince1970: Double(us) / 1_000_000), false)
            default:
                return nil
            }
            if civil && styles.time != .none { return nil }
            return string(env.formatDate(date, dateStyle: styles.date, timeStyle: styles.time, civil: civil))
        }
        if let digits = fixedDigits(name) {
            return string(numeric(value).flatMap { env.formatNumber($0, fractionDigits: digits) })
        }
        if name.hasPrefix("currency_"), let code = explicitCurrency(name) {
            return currency(value, code: code, env: env)
        }
        switch (name, value) {
        case ("count", .list(let l)): return env.box(.integer(Int64(l.count)))
        case ("count", .object(let o)): return env.box(.integer(Int64(o.count)))
        case ("count", .string(let s)): return env.box(.integer(Int64(s.count)))
        case ("first", .list(let l)): return l.first.map(env.box)
        case ("last", .list(let l)): return l.last.map(env.box)
        case ("reversed", .list(let l)): return env.box(.list(l.reversed()))
        case ("reversed", .string(let s)): return env.box(.string(String(s.reversed())))
        case ("plusone", .integer(let i)): return env.box(.integer(i &+ 1))
        case ("minusone", .integer(let i)): return env.box(.integer(i &- 1))
        case ("even", .integer(let i)): return i % 2 == 0
        case ("odd", .integer(let i)): return i % 2 != 0
        case ("equalzero", .integer(let i)): return i == 0
        default: return nil
        }
    }
}
