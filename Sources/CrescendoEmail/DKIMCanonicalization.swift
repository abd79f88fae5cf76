/// The relaxed canonicalization algorithms of RFC 6376 section 3.4, kept separate from
/// the signer so they can be tested against the RFC's rules on their own.
enum DKIMCanonicalization {
    struct Header {
        /// Lower-cased field name.
        let name: String
        /// The field as it appears, continuation lines included, without the final CRLF.
        let raw: [UInt8]
    }

    /// Splits a CRLF message into header fields and body.
    static func split(_ message: [UInt8]) throws -> (headers: [Header], body: ArraySlice<UInt8>) {
        for (i, b) in message.enumerated() where b == 0x0A && (i == 0 || message[i - 1] != 0x0D) {
            throw EmailError(.invalidMessage, "message has a bare LF at byte \(i); DKIM signs CRLF messages only")
        }
        var headers: [Header] = []
        var i = 0
        var fieldStart = 0
        var body: ArraySlice<UInt8> = []
        var bodyFound = false
        while i + 1 < message.count {
            guard message[i] == 0x0D, message[i + 1] == 0x0A else { i += 1; continue }
            let lineEnd = i
            let next = i + 2
            if lineEnd == fieldStart {
                // Empty line: end of header section.
                body = message[next...]
                bodyFound = true
                break
            }
            let continues = next < message.count && (message[next] == 0x20 || message[next] == 0x09)
            if !continues {
                headers.append(try makeHeader(message[fieldStart..<lineEnd]))
                fieldStart = next
            }
            i = next
        }
        if !bodyFound && fieldStart < message.count {
            headers.append(try makeHeader(message[fieldStart...]))
        }
        return (headers, body)
    }

    private static func makeHeader(_ raw: ArraySlice<UInt8>) throws -> Header {
        guard let colon = raw.firstIndex(of: UInt8(ascii: ":")) else {
            throw EmailError(.invalidMessage, "header line without a colon: \(String(decoding: raw.prefix(60), as: UTF8.self).debugDescription)")
        }
        let name = String(decoding: raw[..<colon], as: UTF8.self)
            .trimmingASCIIWhitespace().lowercased()
        return Header(name: name, raw: Array(raw))
    }

    /// Relaxed header canonicalization of one field without its final CRLF: lower-case
    /// name, unfold, collapse whitespace runs, trim whitespace around the colon and at the end.
    static func relaxedHeader(_ raw: [UInt8]) -> [UInt8] {
        guard let colon = raw.firstIndex(of: UInt8(ascii: ":")) else { return raw }
        var out: [UInt8] = []
        for b in raw[..<colon] where b != 0x20 && b != 0x09 {
            out.append((0x41...0x5A).contains(b) ? b | 0x20 : b)
        }
        out.append(UInt8(ascii: ":"))
        var value: [UInt8] = []
        var pendingSpace = false
        for b in raw[(colon + 1)...] {
            switch b {
            case 0x0D, 0x0A: continue
            case 0x20, 0x09: pendingSpace = true
            default:
                if pendingSpace && !value.isEmpty { value.append(0x20) }
                pendingSpace = false
                value.append(b)
            }
        }
        return out + value
    }

    /// Relaxed body canonicalization: whitespace runs become one space, trailing
    /// whitespace on each line and trailing empty lines go, and a non-empty body ends in CRLF.
    static func relaxedBody(_ body: ArraySlice<UInt8>) -> [UInt8] {
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        var pendingSpace = false
        var i = body.startIndex
        var endedWithCRLF = false
        while i < body.endIndex {
            let b = body[i]
            if b == 0x0D, i + 1 < body.endIndex, body[i + 1] == 0x0A {
                lines.append(current)
                current = []
                pendingSpace = false
                i += 2
                endedWithCRLF = true
                continue
            }
            endedWithCRLF = false
            if b == 0x20 || b == 0x09 {
                pendingSpace = true
            } else {
                if pendingSpace { current.append(0x20) }
                pendingSpace = false
                current.append(b)
            }
            i += 1
        }
        if !endedWithCRLF {
            lines.append(current)   // an empty or whitespace-only tail is dropped below
        }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        var out: [UInt8] = []
        for line in lines {
            out += line
            out += [0x0D, 0x0A]
        }
        return out
    }
}
