import NIOCore

/// Prepares a message for the DATA phase (RFC 5321 §4.5.2).
enum SMTPDataEncoding {
    /// Normalizes every line ending (CRLF, bare LF, bare CR) to CRLF, doubles a leading `.` on every
    /// line, makes sure the message ends with CRLF and appends the terminating `.` CRLF.
    static func encode(_ data: [UInt8]) -> ByteBuffer {
        let cr = UInt8(ascii: "\r")
        let lf = UInt8(ascii: "\n")
        let dot = UInt8(ascii: ".")
        var out: [UInt8] = []
        out.reserveCapacity(data.count + data.count / 32 + 8)
        var atLineStart = true
        var index = 0
        let count = data.count
        while index < count {
            let byte = data[index]
            if byte == cr || byte == lf {
                out.append(cr)
                out.append(lf)
                if byte == cr, index + 1 < count, data[index + 1] == lf { index += 1 }
                atLineStart = true
            } else {
                if atLineStart, byte == dot { out.append(dot) }
                out.append(byte)
                atLineStart = false
            }
            index += 1
        }
        if !atLineStart {
            out.append(cr)
            out.append(lf)
        }
        out.append(contentsOf: [dot, cr, lf])
        return ByteBuffer(bytes: out)
    }

    static func hasEightBitBytes(_ data: [UInt8]) -> Bool {
        data.contains { $0 >= 0x80 }
    }
}
