/// One extra header field (List-Unsubscribe, X-Campaign-ID, …) to be added to a message.
///
/// Validated when built so that rendering cannot fail and no caller-supplied value can
/// inject further headers or a body: names must be printable ASCII without a colon, and
/// values may not contain line breaks or other control characters. Non-ASCII values are
/// RFC 2047-encoded at render time, which suits free-text headers.
public struct EmailHeader: Sendable, Hashable {
    public let name: String
    public let value: String

    public init(_ name: String, _ value: String) throws {
        guard !name.isEmpty, name.utf8.count <= 76,
              name.utf8.allSatisfy({ (0x21...0x7E).contains($0) && $0 != UInt8(ascii: ":") })
        else {
            throw EmailError(.invalidHeader, "invalid header name \(name.debugDescription)")
        }
        for scalar in value.unicodeScalars where scalar.value < 0x20 && scalar != "\t" || scalar.value == 0x7F {
            throw EmailError(.invalidHeader, "header \(name) contains a line break or control character (U+\(String(scalar.value, radix: 16, uppercase: true)))")
        }
        // A run without spaces cannot be folded; keep it short enough that the line
        // stays under the 998-octet limit (non-ASCII values are encoded, so always foldable).
        if value.utf8.allSatisfy({ $0 < 0x80 }) {
            let longestRun = value.utf8.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 }).map(\.count).max() ?? 0
            guard name.utf8.count + 2 + longestRun <= HeaderEncoding.hardLimit else {
                throw EmailError(.invalidHeader, "header \(name) has an unbreakable run of \(longestRun) octets, over the 998-octet line limit")
            }
        }
        self.name = name
        self.value = value
    }

    /// The header as folded CRLF-terminated bytes.
    func rendered() -> [UInt8] {
        let encoded = HeaderEncoding.unstructuredOrVerbatim(value, offset: name.utf8.count + 2)
        return HeaderEncoding.fold(name: name, value: encoded)
    }
}

extension HeaderEncoding {
    /// ASCII values of extra headers are structured more often than not (URLs in angle
    /// brackets, `List-Unsubscribe=One-Click`), so they are written verbatim and only
    /// folded; non-ASCII values can only be free text and are encoded.
    static func unstructuredOrVerbatim(_ value: String, offset: Int) -> String {
        if value.utf8.allSatisfy({ $0 < 0x80 }) { return value }
        return encodedWords(value, firstMax: min(encodedWordLimit, softLimit - offset))
    }
}
