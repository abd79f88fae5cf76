/// A small JSON scanner for one JSON Lines row, written by hand so that number literals keep
/// their exact text (no round trip through `Double`) and nested values come out as compact JSON.
///
/// It accepts exactly RFC 8259 JSON: strings with all escapes (surrogate pairs combined, lone
/// surrogates rejected), numbers per the JSON grammar, `true`/`false`/`null`, objects and arrays
/// nested up to ``maxDepth``. The top level must be an object.
struct JSONLineParser {
    /// Why a line was rejected; `offset` is the 0-based byte offset in the line.
    struct Failure: Error, CustomStringConvertible {
        var reason: String
        var offset: Int
        var description: String { "\(reason) at column \(offset + 1)" }
    }

    static let maxDepth = 256

    /// Where a member's key sits in the line. Keys are not decoded while parsing, so a reader
    /// that has seen the same raw key bytes before can map them to a column without building a
    /// `String` or hashing.
    struct KeyRef {
        /// Offset of the opening quote.
        var quote: Int
        /// Offset and length of the raw bytes between the quotes.
        var start: Int
        var count: Int
        /// Whether the raw bytes contain escapes (then only ``keyText(_:)`` gives the key).
        var escaped: Bool
    }

    /// The members of the last parsed object, in order (keys may repeat; the caller decides).
    /// Only the first ``memberCount`` entries of each are meaningful.
    private(set) var keys: [KeyRef] = []
    private(set) var values: [String?] = []
    private(set) var memberCount = 0
    private var bytes: [UInt8] = []

    private var p: UnsafePointer<UInt8> = UnsafePointer(bitPattern: 1)!
    private var n = 0
    private var i = 0

    /// Parses `line` (without its line break), which must hold one JSON object, into `keys`/`values`:
    /// strings as their text, numbers verbatim, booleans as "true"/"false", null as nil,
    /// objects and arrays as compact JSON text. The line must stay valid while keys are inspected.
    mutating func parseObject(_ line: UnsafeBufferPointer<UInt8>) throws(Failure) {
        keys.removeAll(keepingCapacity: true)
        memberCount = 0
        guard let start = line.baseAddress, line.count > 0 else {
            throw Failure(reason: "expected a JSON object, found an empty line", offset: 0)
        }
        p = start
        n = line.count
        i = 0
        skipWhitespace()
        guard i < n, p[i] == Byte.openBrace else {
            throw Failure(reason: "expected a JSON object, found \(found())", offset: i)
        }
        i += 1
        skipWhitespace()
        if i < n && p[i] == Byte.closeBrace {
            i += 1
        } else {
            while true {
                skipWhitespace()
                guard i < n, p[i] == Byte.quote else {
                    throw Failure(reason: "expected a string key, found \(found())", offset: i)
                }
                let quote = i
                let escaped = try skipString()
                keys.append(KeyRef(quote: quote, start: quote + 1, count: i - quote - 2, escaped: escaped))
                skipWhitespace()
                try expect(Byte.colon, "':' after the key")
                skipWhitespace()
                let value = try parseMemberValue()
                if memberCount < values.count {
                    values[memberCount] = value
                } else {
                    values.append(value)
                }
                memberCount += 1
                skipWhitespace()
                guard i < n else { throw Failure(reason: "unterminated object, expected ',' or '}'", offset: i) }
                if p[i] == Byte.comma {
                    i += 1
                    continue
                }
                if p[i] == Byte.closeBrace {
                    i += 1
                    break
                }
                throw Failure(reason: "expected ',' or '}', found \(found())", offset: i)
            }
        }
        skipWhitespace()
        if i < n { throw Failure(reason: "unexpected \(found()) after the object", offset: i) }
    }

    /// The raw bytes of key `j` of the last parsed line.
    func rawKey(_ j: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: p + keys[j].start, count: keys[j].count)
    }

    /// The decoded text of key `j` of the last parsed line.
    mutating func keyText(_ j: Int) throws(Failure) -> String {
        i = keys[j].quote
        return try parseString()
    }

    // MARK: - Top-level member values

    private mutating func parseMemberValue() throws(Failure) -> String? {
        guard i < n else { throw Failure(reason: "expected a value, found end of line", offset: i) }
        switch p[i] {
        case Byte.quote:
            return try parseString()
        case Byte.openBrace, Byte.openBracket:
            bytes.removeAll(keepingCapacity: true)
            let start = i
            try copyCompact(depth: 1)
            guard let text = UTF8Text.string(bytes) else {
                throw Failure(reason: "invalid UTF-8 in nested value", offset: start)
            }
            return text
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return "true"
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return "false"
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return nil
        case Byte.minus, Byte.zero...Byte.nine:
            let start = i
            try scanNumber()
            return String(decoding: UnsafeBufferPointer(start: p + start, count: i - start), as: UTF8.self)
        default:
            throw Failure(reason: "expected a value, found \(found())", offset: i)
        }
    }

    /// Decodes the string at `i` (which is a quote) to its text.
    private mutating func parseString() throws(Failure) -> String {
        let open = i
        i += 1
        let contentStart = i
        // Fast path: no escapes.
        var seen: UInt8 = 0
        while i < n {
            let c = p[i]
            if c == Byte.quote {
                let raw = UnsafeBufferPointer(start: p + contentStart, count: i - contentStart)
                let text = seen < 0x80 ? UTF8Text.asciiString(raw) : UTF8Text.string(raw)
                i += 1
                guard let text else { throw Failure(reason: "invalid UTF-8 in string", offset: open) }
                return text
            }
            if c == Byte.backslash { break }
            if c < 0x20 { throw Failure(reason: "unescaped control character in string", offset: i) }
            seen |= c
            i += 1
        }
        bytes.removeAll(keepingCapacity: true)
        bytes.append(contentsOf: UnsafeBufferPointer(start: p + contentStart, count: i - contentStart))
        while i < n {
            let c = p[i]
            if c == Byte.quote {
                i += 1
                guard let text = UTF8Text.string(bytes) else {
                    throw Failure(reason: "invalid UTF-8 in string", offset: open)
                }
                return text
            }
            if c < 0x20 { throw Failure(reason: "unescaped control character in string", offset: i) }
            if c != Byte.backslash {
                bytes.append(c)
                i += 1
                continue
            }
            let escapeStart = i
            i += 1
            guard i < n else { break }
            let e = p[i]
            i += 1
            switch e {
            case Byte.quote, Byte.backslash, Byte.slash: bytes.append(e)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    guard i + 1 < n, p[i] == Byte.backslash, p[i + 1] == UInt8(ascii: "u") else {
                        throw Failure(reason: "unpaired surrogate in \\u escape", offset: escapeStart)
                    }
                    i += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw Failure(reason: "unpaired surrogate in \\u escape", offset: escapeStart)
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw Failure(reason: "unpaired surrogate in \\u escape", offset: escapeStart)
                }
                appendUTF8(scalar)
            default:
                throw Failure(reason: "invalid escape '\\\(Self.describe(e))' in string", offset: escapeStart)
            }
        }
        throw Failure(reason: "unterminated string", offset: open)
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard i + 4 <= n else { throw Failure(reason: "incomplete \\u escape", offset: i) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = p[i]
            let digit: UInt8
            switch c {
            case Byte.zero...Byte.nine: digit = c - Byte.zero
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
            default: throw Failure(reason: "invalid hex digit in \\u escape", offset: i)
            }
            value = value << 4 | UInt32(digit)
            i += 1
        }
        return value
    }

    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case ..<0x80:
            bytes.append(UInt8(scalar))
        case ..<0x800:
            bytes.append(UInt8(0xC0 | scalar >> 6))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        case ..<0x10000:
            bytes.append(UInt8(0xE0 | scalar >> 12))
            bytes.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        default:
            bytes.append(UInt8(0xF0 | scalar >> 18))
            bytes.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            bytes.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// Validates a number per the JSON grammar, leaving `i` just past it.
    private mutating func scanNumber() throws(Failure) {
        let start = i
        if p[i] == Byte.minus { i += 1 }
        guard i < n, (Byte.zero...Byte.nine).contains(p[i]) else {
            throw Failure(reason: "invalid number (expected a digit)", offset: start)
        }
        if p[i] == Byte.zero {
            i += 1
            if i < n, (Byte.zero...Byte.nine).contains(p[i]) {
                throw Failure(reason: "invalid number (leading zero)", offset: start)
            }
        } else {
            while i < n, (Byte.zero...Byte.nine).contains(p[i]) { i += 1 }
        }
        if i < n, p[i] == UInt8(ascii: ".") {
            i += 1
            guard i < n, (Byte.zero...Byte.nine).contains(p[i]) else {
                throw Failure(reason: "invalid number (expected a digit after '.')", offset: start)
            }
            while i < n, (Byte.zero...Byte.nine).contains(p[i]) { i += 1 }
        }
        if i < n, p[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < n, p[i] == UInt8(ascii: "+") || p[i] == Byte.minus { i += 1 }
            guard i < n, (Byte.zero...Byte.nine).contains(p[i]) else {
                throw Failure(reason: "invalid number (expected a digit in the exponent)", offset: start)
            }
            while i < n, (Byte.zero...Byte.nine).contains(p[i]) { i += 1 }
        }
    }

    // MARK: - Nested values, copied as compact JSON

    /// Validates the value at `i` and appends it to `bytes` without insignificant whitespace;
    /// strings are copied as written (escapes kept).
    private mutating func copyCompact(depth: Int) throws(Failure) {
        guard i < n else { throw Failure(reason: "expected a value, found end of line", offset: i) }
        let c = p[i]
        switch c {
        case Byte.openBrace, Byte.openBracket:
            guard depth <= Self.maxDepth else {
                throw Failure(reason: "nesting deeper than \(Self.maxDepth) levels", offset: i)
            }
            let isObject = c == Byte.openBrace
            let close = isObject ? Byte.closeBrace : Byte.closeBracket
            bytes.append(c)
            i += 1
            skipWhitespace()
            if i < n && p[i] == close {
                bytes.append(close)
                i += 1
                return
            }
            while true {
                skipWhitespace()
                if isObject {
                    guard i < n, p[i] == Byte.quote else {
                        throw Failure(reason: "expected a string key, found \(found())", offset: i)
                    }
                    try copyString()
                    skipWhitespace()
                    try expect(Byte.colon, "':' after the key")
                    bytes.append(Byte.colon)
                    skipWhitespace()
                }
                try copyCompact(depth: depth + 1)
                skipWhitespace()
                guard i < n else {
                    throw Failure(reason: "unterminated \(isObject ? "object" : "array")", offset: i)
                }
                if p[i] == Byte.comma {
                    bytes.append(Byte.comma)
                    i += 1
                    continue
                }
                if p[i] == close {
                    bytes.append(close)
                    i += 1
                    return
                }
                throw Failure(reason: "expected ',' or '\(Self.describe(close))', found \(found())", offset: i)
            }
        case Byte.quote:
            try copyString()
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            bytes.append(contentsOf: "true".utf8)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            bytes.append(contentsOf: "false".utf8)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            bytes.append(contentsOf: "null".utf8)
        case Byte.minus, Byte.zero...Byte.nine:
            let start = i
            try scanNumber()
            bytes.append(contentsOf: UnsafeBufferPointer(start: p + start, count: i - start))
        default:
            throw Failure(reason: "expected a value, found \(found())", offset: i)
        }
    }

    /// Validates the string at `i` and appends its raw text, quotes and escapes included.
    private mutating func copyString() throws(Failure) {
        let open = i
        _ = try skipString()
        bytes.append(contentsOf: UnsafeBufferPointer(start: p + open, count: i - open))
    }

    /// Validates the syntax of the string at `i` (escapes, no raw control characters) and moves
    /// past it; returns whether it contains escapes. UTF-8 validity is checked when decoding.
    private mutating func skipString() throws(Failure) -> Bool {
        let open = i
        var escaped = false
        i += 1
        while i < n {
            let c = p[i]
            if c == Byte.quote {
                i += 1
                return escaped
            }
            if c < 0x20 { throw Failure(reason: "unescaped control character in string", offset: i) }
            if c == Byte.backslash {
                escaped = true
                let escapeStart = i
                i += 1
                guard i < n else { break }
                switch p[i] {
                case Byte.quote, Byte.backslash, Byte.slash, UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i += 1
                case UInt8(ascii: "u"):
                    i += 1
                    _ = try hex4()
                default:
                    throw Failure(reason: "invalid escape '\\\(Self.describe(p[i]))' in string", offset: escapeStart)
                }
                continue
            }
            i += 1
        }
        throw Failure(reason: "unterminated string", offset: open)
    }

    // MARK: - Helpers

    @inline(__always)
    private mutating func skipWhitespace() {
        while i < n {
            let c = p[i]
            guard c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D else { return }
            i += 1
        }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(Failure) {
        guard i < n, p[i] == byte else { throw Failure(reason: "expected \(what), found \(found())", offset: i) }
        i += 1
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(Failure) {
        let count = literal.utf8CodeUnitCount
        let matches = i + count <= n && literal.withUTF8Buffer { expected in
            (0..<count).allSatisfy { p[i + $0] == expected[$0] }
        }
        guard matches else { throw Failure(reason: "invalid literal, expected '\(literal)'", offset: i) }
        i += count
    }

    /// What sits at `i`, for messages.
    private func found() -> String {
        i < n ? "'\(Self.describe(p[i]))'" : "end of line"
    }

    private static func describe(_ byte: UInt8) -> String {
        (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16, uppercase: true)
    }

    private enum Byte {
        static let quote = UInt8(ascii: "\"")
        static let backslash = UInt8(ascii: "\\")
        static let slash = UInt8(ascii: "/")
        static let colon = UInt8(ascii: ":")
        static let comma = UInt8(ascii: ",")
        static let minus = UInt8(ascii: "-")
        static let zero = UInt8(ascii: "0")
        static let nine = UInt8(ascii: "9")
        static let openBrace = UInt8(ascii: "{")
        static let closeBrace = UInt8(ascii: "}")
        static let openBracket = UInt8(ascii: "[")
        static let closeBracket = UInt8(ascii: "]")
    }
}
