import Foundation

/// Checks input text against a field's type and turns it into the canonical `Value`.
///
/// It runs once per field of every ingested row, so it reads UTF-8 bytes directly instead of going
/// through Foundation's formatters; a failure returns the reason a person needs to fix the row,
/// including the format that was expected.
public struct ValueParser: Sendable {
    /// The zone of timestamps written without one, and of dates read as timestamps.
    public let timeZone: TimeZone

    public init(timeZone: TimeZone = TimeZone(identifier: "UTC")!) {
        self.timeZone = timeZone
    }

    /// For reading back what the engines stored, where timestamps always carry their zone.
    public static let utc = ValueParser()

    /// Parses `text` for `field`; nil (or empty text) means null, an error where the field is not nullable.
    public func parse(_ text: String?, for field: Field) -> Result<Value, ValueProblem> {
        guard let text, !text.isEmpty else {
            if field.nullable { return .success(.null) }
            return .failure(ValueProblem("is required (empty)"))
        }
        if text.utf8.contains(0) {
            return .failure(ValueProblem("contains a NUL character (U+0000), which databases cannot store in text"))
        }
        switch field.type {
        case .string:
            return .success(.text(text))
        case .integer:
            if let number = Int64(text) { return .success(.integer(number)) }
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if let number = Int64(trimmed) { return .success(.integer(number)) }
            return .failure(ValueProblem("\(quoted(text)) is not an integer"))
        case .decimal:
            if let canonical = Self.canonicalDecimal(text) { return .success(.decimal(canonical)) }
            return .failure(ValueProblem("\(quoted(text)) is not a decimal number (expected e.g. 1234.56)"))
        case .boolean:
            switch text.lowercased() {
            case "true", "t", "1", "yes", "y": return .success(.boolean(true))
            case "false", "f", "0", "no", "n": return .success(.boolean(false))
            default: return .failure(ValueProblem("\(quoted(text)) is not a boolean (expected true or false)"))
            }
        case .date:
            // Canonical input ("YYYY-MM-DD", checked to be a real day) is kept as it is.
            if Self.parseDate(text.utf8) != nil { return .success(.text(text)) }
            return .failure(ValueProblem("\(quoted(text)) is not a date (expected YYYY-MM-DD)"))
        case .timestamp:
            if let micros = parseTimestamp(text) { return .success(.timestamp(micros)) }
            return .failure(ValueProblem("\(quoted(text)) is not a timestamp (expected ISO 8601, e.g. 2026-11-30T08:15:00Z)"))
        case .enumeration:
            if field.values.contains(text) { return .success(.text(text)) }
            if let match = field.values.first(where: { $0.caseInsensitiveCompare(text) == .orderedSame }) {
                return .success(.text(match))
            }
            return .failure(ValueProblem("\(quoted(text)) is not one of \(field.values.joined(separator: ", "))"))
        case .email:
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if Self.isEmail(trimmed) { return .success(.text(trimmed)) }
            return .failure(ValueProblem("\(quoted(text)) is not an email address"))
        case .phone:
            if let normalized = Self.normalizePhone(text) { return .success(.text(normalized)) }
            return .failure(ValueProblem("\(quoted(text)) is not a phone number (expected 6 to 15 digits, e.g. +351912345678)"))
        case .json:
            guard !text.contains("\\u0000"), let data = text.data(using: .utf8),
                (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil
            else { return .failure(ValueProblem("\(quoted(text)) is not valid JSON")) }
            return .success(.text(text))
        }
    }

    private func quoted(_ text: String) -> String {
        let shown = text.count > 60 ? String(text.prefix(57)) + "..." : text
        return "\"\(shown)\""
    }

    // MARK: Formats

    /// Days since the epoch for "YYYY-MM-DD", checking that the day exists.
    static func parseDate(_ utf8: some Collection<UInt8>) -> Int? {
        var iterator = utf8.makeIterator()
        guard let year = digits(&iterator, 4), iterator.next() == UInt8(ascii: "-"),
            let month = digits(&iterator, 2), iterator.next() == UInt8(ascii: "-"),
            let day = digits(&iterator, 2), iterator.next() == nil,
            year >= 1, (1...12).contains(month), day >= 1, day <= CivilTime.daysInMonth(year: year, month: month)
        else { return nil }
        return CivilTime.daysFromCivil(year: year, month: month, day: day)
    }

    private static func digits(_ iterator: inout some IteratorProtocol<UInt8>, _ count: Int) -> Int? {
        var value = 0
        for _ in 0..<count {
            guard let byte = iterator.next(), byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        return value
    }

    /// ISO 8601: a date, then `T` or a space and HH:MM[:SS[.fraction]], then `Z` or ±HH[:MM]; without
    /// a zone the workspace zone applies. A date alone is midnight in the workspace zone.
    /// Microseconds since the epoch, or nil when the text is not a timestamp or its UTC instant
    /// falls outside years 1 to 9999 (what every engine can store).
    public func parseTimestamp(_ text: String) -> Int64? {
        var text = text
        guard let micros = text.withUTF8({ parseTimestamp(bytes: $0) }), Self.timestampRange.contains(micros) else { return nil }
        return micros
    }

    static let timestampRange: ClosedRange<Int64> =
        Int64(CivilTime.daysFromCivil(year: 1, month: 1, day: 1)) * 86_400_000_000
        ... Int64(CivilTime.daysFromCivil(year: 10_000, month: 1, day: 1)) * 86_400_000_000 - 1

    private func parseTimestamp(bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard bytes.count >= 10, let days = Self.parseDate(UnsafeBufferPointer(rebasing: bytes[0..<10])) else { return nil }
        var index = 10
        var seconds = 0
        var micros = 0
        func two() -> Int? {
            guard index + 2 <= bytes.count else { return nil }
            let a = bytes[index], b = bytes[index + 1]
            guard a >= 48, a <= 57, b >= 48, b <= 57 else { return nil }
            index += 2
            return Int(a - 48) * 10 + Int(b - 48)
        }
        func skip(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        if index < bytes.count {
            guard skip(UInt8(ascii: "T")) || skip(UInt8(ascii: " ")) || skip(UInt8(ascii: "t")) else { return nil }
            guard let hour = two(), hour < 24, skip(UInt8(ascii: ":")), let minute = two(), minute < 60 else { return nil }
            var second = 0
            if skip(UInt8(ascii: ":")) {
                guard let parsed = two(), parsed < 61 else { return nil }
                second = min(parsed, 59)
                if skip(UInt8(ascii: ".")) || skip(UInt8(ascii: ",")) {
                    var scale = 100_000
                    let start = index
                    while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                        micros += Int(bytes[index] - 48) * scale
                        scale /= 10
                        index += 1
                    }
                    guard index > start else { return nil }
                }
            }
            seconds = hour * 3600 + minute * 60 + second
        }
        let local = Int64(days) * 86_400_000_000 + Int64(seconds) * 1_000_000 + Int64(micros)
        if index == bytes.count {
            let date = Date(timeIntervalSince1970: Double(local) / 1_000_000)
            // The offset at the local wall time; one query refines it across a DST change.
            var offset = timeZone.secondsFromGMT(for: date)
            offset = timeZone.secondsFromGMT(for: date.addingTimeInterval(-Double(offset)))
            return local - Int64(offset) * 1_000_000
        }
        _ = skip(UInt8(ascii: " "))
        guard index < bytes.count else { return nil }
        if skip(UInt8(ascii: "Z")) || skip(UInt8(ascii: "z")) {
            return index == bytes.count ? local : nil
        }
        guard bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") else { return nil }
        let sign = bytes[index] == UInt8(ascii: "+") ? 1 : -1
        index += 1
        guard let hours = two(), hours <= 18 else { return nil }
        var minutes = 0
        if index < bytes.count {
            _ = skip(UInt8(ascii: ":"))
            guard let parsed = two(), parsed < 60 else { return nil }
            minutes = parsed
        }
        guard index == bytes.count else { return nil }
        return local - Int64(sign * (hours * 3600 + minutes * 60)) * 1_000_000
    }

    /// Decimal text with an optional sign, digits and at most one point; returned without
    /// surrounding spaces and a leading "+", so equal numbers written alike compare equal.
    static func canonicalDecimal(_ text: String) -> String? {
        var bytes = Substring(text).utf8[...]
        while bytes.first == 32 { bytes = bytes.dropFirst() }
        while bytes.last == 32 { bytes = bytes.dropLast() }
        if bytes.first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        var digits = 0
        var points = 0
        for (offset, byte) in bytes.enumerated() {
            if byte >= 48, byte <= 57 { digits += 1 }
            else if byte == UInt8(ascii: "."), points == 0 { points += 1 }
            else if byte == UInt8(ascii: "-"), offset == 0 {}
            else { return nil }
        }
        guard digits > 0, digits <= 38 else { return nil }
        return String(Substring(bytes))
    }

    static func isEmail(_ text: String) -> Bool {
        guard text.utf8.count <= 254 else { return false }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let local = parts.first, let domain = parts.last,
            !local.isEmpty, local.utf8.count <= 64, !domain.isEmpty
        else { return false }
        if text.contains(where: { $0.isWhitespace || $0 == "," || $0 == ";" || $0 == "<" || $0 == ">" }) { return false }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && labels.allSatisfy { !$0.isEmpty && !$0.hasPrefix("-") && !$0.hasSuffix("-") }
    }

    /// Keeps a leading "+" and the digits, dropping the separators people write.
    static func normalizePhone(_ text: String) -> String? {
        var result = ""
        var digits = 0
        for (offset, character) in text.enumerated() {
            switch character {
            case "0"..."9":
                result.append(character)
                digits += 1
            case "+" where offset == 0 || result.isEmpty:
                result.append(character)
            case " ", "-", ".", "(", ")", "/":
                continue
            default:
                return nil
            }
        }
        return (6...15).contains(digits) ? result : nil
    }
}

/// Why a value was refused; the ingestion pipeline adds the file, line and field.
public struct ValueProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
