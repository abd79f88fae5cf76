/// One MIME entity: headers, raw body, and (for multiparts) its children.
///
/// This is deliberately a reader for reports, not a general MIME library:
/// it splits multiparts recursively, decodes transfer encodings on demand
/// and can re-parse an embedded `message/rfc822` or `text/rfc822-headers`
/// body, which is everything DSN and ARF extraction needs. Nesting depth is
/// capped so hostile input cannot recurse without bound.
public struct MIMEPart: Sendable, Equatable {
    /// The entity's header fields.
    public var headers: MIMEHeaders
    /// The parsed `Content-Type`, or `text/plain` when absent or invalid.
    public var contentType: ContentType
    /// The body bytes exactly as they appear (still transfer-encoded).
    public var rawBody: [UInt8]
    /// Child entities when this is a `multipart/*` with a usable boundary.
    public var parts: [MIMEPart]

    /// Nesting cap: reports are at most three or four levels deep in practice.
    static let maxDepth = 12

    /// Parses a whole message or entity.
    public init(bytes: [UInt8]) {
        self.init(bytes: bytes, range: 0..<bytes.count, depth: 0)
    }

    init(bytes: [UInt8], range: Range<Int>, depth: Int) {
        let (headers, bodyStart) = MIMEHeaders.parse(bytes, in: range)
        self.headers = headers
        self.contentType = headers["Content-Type"].flatMap(ContentType.init(parsing:)) ?? .defaultText
        let start = min(max(bodyStart, range.lowerBound), range.upperBound)
        self.rawBody = Array(bytes[start..<range.upperBound])
        self.parts = []
        if contentType.type == "multipart", depth < MIMEPart.maxDepth,
           let boundary = contentType.parameter("boundary"), !boundary.isEmpty {
            self.parts = MIMEPart.splitMultipart(bytes, range: start..<range.upperBound, boundary: boundary)
                .map { MIMEPart(bytes: bytes, range: $0, depth: depth + 1) }
        }
    }

    /// The body with its Content-Transfer-Encoding removed.
    public var decodedBody: [UInt8] {
        TransferEncoding.decode(rawBody, encoding: headers["Content-Transfer-Encoding"])
    }

    /// The decoded body as text, honouring the `charset` parameter.
    public var text: String {
        Text.decode(decodedBody, charset: contentType.parameter("charset"))
    }

    /// For `message/rfc822` (and `message/global`), the embedded message.
    public var embeddedMessage: MIMEPart? {
        guard contentType.type == "message",
              ["rfc822", "global"].contains(contentType.subtype) else { return nil }
        return MIMEPart(bytes: decodedBody)
    }

    /// Headers of a returned original: those of an embedded `message/rfc822`,
    /// or the body of a `text/rfc822-headers` part (RFC 6522 §4).
    public var returnedHeaders: MIMEHeaders? {
        if let msg = embeddedMessage { return msg.headers }
        guard contentType.subtype == "rfc822-headers" || contentType.subtype == "global-headers" else {
            return nil
        }
        let body = decodedBody
        return MIMEHeaders.parse(body, in: 0..<body.count).0
    }

    /// Depth-first traversal including `self`.
    public func allParts() -> [MIMEPart] {
        [self] + parts.flatMap { $0.allParts() }
    }

    /// Returns byte ranges of each body part between `--boundary` lines.
    ///
    /// The line break before a delimiter belongs to the delimiter (RFC 2046
    /// §5.1.1). A missing close delimiter (truncated bounce) ends the last
    /// part at end of input instead of discarding it.
    static func splitMultipart(_ bytes: [UInt8], range: Range<Int>, boundary: String) -> [Range<Int>] {
        let delim = Array(("--" + boundary).utf8)
        var ranges: [Range<Int>] = []
        var partStart: Int?
        for line in ByteLines.split(bytes, in: range) {
            let len = line.contentEnd - line.start
            guard len >= delim.count, bytes[line.start..<(line.start + delim.count)].elementsEqual(delim) else {
                continue
            }
            var k = line.start + delim.count
            let isClose = k + 2 <= line.contentEnd && bytes[k] == 0x2D && bytes[k + 1] == 0x2D
            if isClose { k += 2 }
            // Only transport padding may follow the boundary.
            var onlyPadding = true
            while k < line.contentEnd {
                if bytes[k] != 0x20 && bytes[k] != 0x09 { onlyPadding = false; break }
                k += 1
            }
            guard onlyPadding else { continue }
            if let s = partStart {
                ranges.append(s..<max(s, trimTrailingBreak(bytes, from: s, to: line.start)))
            }
            if isClose { return ranges }
            partStart = line.next
        }
        if let s = partStart, s < range.upperBound {
            ranges.append(s..<range.upperBound)
        }
        return ranges
    }

    private static func trimTrailingBreak(_ bytes: [UInt8], from s: Int, to e: Int) -> Int {
        var end = e
        if end > s, bytes[end - 1] == 0x0A { end -= 1 }
        if end > s, bytes[end - 1] == 0x0D { end -= 1 }
        return end
    }
}
