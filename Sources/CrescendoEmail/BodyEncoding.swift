/// Content-Transfer-Encodings for text bodies. Bodies are first put in MIME canonical
/// form (every line break CRLF, RFC 2045 section 6.5), then encoded as quoted-printable
/// or base64, whichever is shorter, so mostly-ASCII text stays readable in the raw
/// message and mostly-non-Latin text does not triple in size.
public enum BodyEncoding: String, Sendable, Hashable {
    case quotedPrintable = "quoted-printable"
    case base64 = "base64"

    /// The longest encoded line, excluding CRLF (RFC 2045 sections 6.7 and 6.8).
    public static let maxLineLength = 76

    /// Replaces bare LF and bare CR by CRLF, because MIME text is defined with CRLF
    /// breaks and transports rewrite lone ones unpredictably.
    public static func canonicalLineEndings(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 32)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x0D {
                out += [0x0D, 0x0A]
                if i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1 }
            } else if b == 0x0A {
                out += [0x0D, 0x0A]
            } else {
                out.append(b)
            }
            i += 1
        }
        return out
    }

    /// Picks the encoding and encodes. The result has CRLF line breaks and, like the
    /// input, ends with CRLF only if the input did.
    /// `terminated` asks for output that ends with CRLF without changing the decoded
    /// content (a final soft line break for quoted-printable), as a single-part message
    /// must end with a line break while its text may not.
    static func encode(canonical bytes: [UInt8], terminated: Bool = false) -> (BodyEncoding, [UInt8]) {
        let qp = quotedPrintable(bytes, softBreakAtEnd: terminated)
        let b64Length = (bytes.count + 2) / 3 * 4 + 2 * ((bytes.count + 56) / 57)
        if qp.count <= b64Length {
            return (.quotedPrintable, qp)
        }
        var b64 = base64Lines(bytes)
        if terminated && !b64.isEmpty { b64 += [0x0D, 0x0A] }
        return (.base64, b64)
    }

    /// Base64 in lines of 76 characters separated by CRLF, without a final CRLF.
    static func base64Lines(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var start = 0
        while start < bytes.count {
            let end = min(start + 57, bytes.count)
            if start > 0 { out += [0x0D, 0x0A] }
            out += Array(base64Encode(bytes[start..<end]).utf8)
            start = end
        }
        return out
    }

    /// Quoted-printable per RFC 2045 section 6.7. Beyond the rules it also encodes a `.`
    /// or the `F` of `From ` at the start of an encoded line, so neither SMTP dot
    /// handling nor mbox `>From` quoting can alter the body.
    static func quotedPrintable(_ bytes: [UInt8], softBreakAtEnd: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        let lines = splitCRLF(bytes)
        for (n, line) in lines.enumerated() {
            if n > 0 { out += [0x0D, 0x0A] }
            var column = 0
            let finalSoftBreak = softBreakAtEnd && n == lines.count - 1 && !line.isEmpty
            var i = line.startIndex
            while i < line.endIndex {
                let b = line[i]
                let isLast = i == line.index(before: line.endIndex)
                var literal: Bool
                switch b {
                case 0x21...0x7E: literal = b != UInt8(ascii: "=")
                case 0x20, 0x09: literal = !isLast
                default: literal = false
                }
                if column == 0 && literal {
                    if b == UInt8(ascii: ".") { literal = false }
                    if b == UInt8(ascii: "F"), line[i...].starts(with: Array("From ".utf8)) { literal = false }
                }
                let width = literal ? 1 : 3
                // A token may end the line at column 76; otherwise one column stays free
                // for the soft break `=`.
                let limit = isLast && !finalSoftBreak ? maxLineLength : maxLineLength - 1
                if column + width > limit {
                    out += [UInt8(ascii: "="), 0x0D, 0x0A]
                    column = 0
                    continue   // re-evaluate at column 0 (dot and From rules)
                }
                if literal {
                    out.append(b)
                } else {
                    out.append(UInt8(ascii: "="))
                    out += Array(HeaderEncoding.hexUpper(b).utf8)
                }
                column += width
                i += 1
            }
            if finalSoftBreak { out += [UInt8(ascii: "="), 0x0D, 0x0A] }
        }
        return out
    }

    private static func splitCRLF(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var i = 0
        while i + 1 < bytes.count {
            if bytes[i] == 0x0D && bytes[i + 1] == 0x0A {
                lines.append(bytes[start..<i])
                start = i + 2
                i += 2
            } else {
                i += 1
            }
        }
        lines.append(bytes[start..<bytes.count])
        return lines
    }
}
