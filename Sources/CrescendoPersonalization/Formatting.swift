import Foundation

/// Deterministic, locale-independent rendering of numbers.
enum PlainNumber {
    /// Shortest round-trip digits in plain (non-exponent) notation; integral values drop ".0".
    static func string(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value < 0 ? "-Infinity" : "Infinity") }
        if value == 0 { return "0" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        let text = value.description
        guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return text }
        let exponent = Int(text[text.index(after: e)...]) ?? 0
        var mantissa = text[..<e]
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa = mantissa.dropFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = String(parts[0])
        var fracPart = parts.count > 1 ? String(parts[1]) : ""
        if fracPart == "0" { fracPart = "" }
        let digits = intPart + fracPart
        let point = intPart.count + exponent  // position of the decimal point within digits
        var out: String
        if point <= 0 {
            out = "0." + String(repeating: "0", count: -point) + digits
        } else if point >= digits.count {
            out = digits + String(repeating: "0", count: point - digits.count)
        } else {
            let i = digits.index(digits.startIndex, offsetBy: point)
            out = digits[..<i] + "." + digits[i...]
        }
        if out.contains(".") {
            while out.hasSuffix("0") { out.removeLast() }
            if out.hasSuffix(".") { out.removeLast() }
        }
        return (negative ? "-" : "") + out
    }
}

/// Per-render, recipient-specific formatting state (formatters are cached for one render only).
final class RenderEnvironment {
    let recipient: RecipientContext
    let locale: Locale
    let timeZone: TimeZone
    private let utc = TimeZone(identifier: "UTC")!
    private var dateFormatters: [String: DateFormatter] = [:]
    private var numberFormatters: [String: NumberFormatter] = [:]

    init(recipient: RecipientContext) {
        self.recipient = recipient
        self.locale = Locale(identifier: recipient.localeIdentifier)
        self.timeZone = TimeZone(identifier: recipient.timeZoneIdentifier) ?? TimeZone(identifier: "UTC")!
    }

    func formatDate(_ date: Date, dateStyle: DateFormatter.Style, timeStyle: DateFormatter.Style, civil: Bool) -> String {
        let key = "\(dateStyle.rawValue)|\(timeStyle.rawValue)|\(civil)"
        let formatter: DateFormatter
        if let cached = dateFormatters[key] {
            formatter = cached
        } else {
            formatter = DateFormatter()
            formatter.locale = locale
            // A civil date has no zone: it is placed at midnight UTC and formatted in UTC.
            formatter.timeZone = civil ? utc : timeZone
            formatter.dateStyle = dateStyle
            formatter.timeStyle = timeStyle
            dateFormatters[key] = formatter
        }
        return formatter.string(from: date)
    }

    /// Grouped number; `fractionDigits` nil means 0…6 digits as needed.
    func formatNumber(_ number: NSNumber, fractionDigits: Int?) -> String? {
        numberFormatter("n|\(fractionDigits.map(String.init) ?? "auto")") { formatter in
            formatter.numberStyle = .decimal
            formatter.usesGroupingSeparator = true
            formatter.minimumFractionDigits = fractionDigits ?? 0
            formatter.maximumFractionDigits = fractionDigits ?? 6
        }.string(from: number)
    }

    func formatCurrency(_ number: NSNumber, code: String) -> String? {
        numberFormatter("c|\(code)") { formatter in
            formatter.numberStyle = .currency
            formatter.currencyCode = code
        }.string(from: number)
    }

    /// The recipient's formatter for `key`, made by `configure` on first use in this render.
    private func numberFormatter(_ key: String, _ configure: (NumberFormatter) -> Void) -> NumberFormatter {
        if let cached = numberFormatters[key] { return cached }
        let formatter = NumberFormatter()
        formatter.locale = locale
        formatter.roundingMode = .halfUp
        configure(formatter)
        numberFormatters[key] = formatter
        return formatter
    }

    func uppercase(_ s: String) -> String { s.uppercased(with: locale) }
    func lowercase(_ s: String) -> String { s.lowercased(with: locale) }
    func capitalize(_ s: String) -> String { s.capitalized(with: locale) }

    static func normalizedCurrencyCode(_ raw: String) -> String? {
        let code = raw.uppercased()
        guard code.count == 3, code.unicodeScalars.allSatisfy({ $0.value >= 65 && $0.value <= 90 }) else { return nil }
        return code
    }
}
