/// An ordered list of header fields with case-insensitive lookup.
///
/// Report parsing needs only a few fields, but the same structure is reused
/// for message headers, part headers, the field blocks of a
/// `message/delivery-status` or `message/feedback-report` body, and the
/// headers of a returned original, because all of them share the RFC 5322
/// "name: value" syntax with folded continuation lines.
public struct MIMEHeaders: Sendable, Equatable {
    /// A single unfolded header field.
    public struct Field: Sendable, Equatable {
        /// The field name as written.
        public var name: String
        /// The unfolded value with surrounding whitespace trimmed.
        public var value: String
    }

    /// Fields in the order they appeared.
    public private(set) var fields: [Field]

    public init(fields: [Field] = []) {
        self.fields = fields
    }

    /// The first value of `name`, compared case-insensitively (RFC 5322 §1.2.2).
    public subscript(_ name: String) -> String? {
        value(for: name)
    }

    /// The first value of `name`, compared case-insensitively.
    public func value(for name: String) -> String? {
        let key = name.lowercased()
        return fields.first { $0.name.lowercased() == key }?.value
    }

    /// Every value of `name`, in order (e.g. repeated `Received`).
    public func values(for name: String) -> [String] {
        let key = name.lowercased()
        return fields.filter { $0.name.lowercased() == key }.map(\.value)
    }

    /// Parses header lines from `bytes[range]` up to the first blank line.
    ///
    /// Continuation lines (starting with space or tab) are unfolded by
    /// removing the line break only, as RFC 5322 §2.2.3 prescribes. Lines
    /// that are neither a field nor a continuation (an mbox `From ` line,
    /// garbage) are skipped rather than aborting, since bounces are often
    /// produced by lax software.
    /// - Returns: the headers and the index where the body begins.
    static func parse(_ bytes: [UInt8], in range: Range<Int>) -> (MIMEHeaders, bodyStart: Int) {
        var fields: [Field] = []
        var rawName: String?
        var rawValue = ""
        var bodyStart = range.upperBound

        func flush() {
            if let name = rawName {
                fields.append(Field(name: name, value: rawValue.trimmingWhitespace()))
            }
            rawName = nil
            rawValue = ""
        }

        for line in ByteLines.split(bytes, in: range) {
            if ByteLines.isBlank(bytes, line) {
                bodyStart = line.next
                flush()
                return (MIMEHeaders(fields: fields), bodyStart)
            }
            let text = Text.decode(bytes[line.start..<line.contentEnd])
            if let first = text.unicodeScalars.first, first == " " || first == "\t" {
                if rawName != nil { rawValue += text }
                continue
            }
            flush()
            guard let colon = text.firstIndex(of: ":") else { continue }
            let name = String(text[..<colon]).trimmingWhitespace()
            guard !name.isEmpty, !name.contains(" ") else { continue }
            rawName = name
            rawValue = String(text[text.index(after: colon)...])
        }
        flush()
        return (MIMEHeaders(fields: fields), bodyStart)
    }
}
