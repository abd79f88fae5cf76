/// Content-Transfer-Encoding decoders for text parts.
///
/// Some MTAs (notably Exchange and several mailbox providers) base64- or
/// quoted-printable-encode the machine-readable `delivery-status` or
/// `feedback-report` part, so the fields are unreadable until decoded. Both
/// decoders are lenient: malformed input yields best-effort bytes, never a
/// failure, because a partly readable report is better than none.
enum TransferEncoding {
    /// Decodes according to a `Content-Transfer-Encoding` value;
    /// 7bit/8bit/binary/unknown pass through unchanged.
    static func decode(_ bytes: [UInt8], encoding: String?) -> [UInt8] {
        switch encoding?.trimmingWhitespace().lowercased() {
        case "base64": return base64(bytes)
        case "quoted-printable": return quotedPrintable(bytes)
        default: return bytes
        }
    }

    /// Base64 decoding that skips line breaks and any non-alphabet byte and
    /// stops at padding, so missing padding or trailing junk are tolerated.
    static func base64(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 3 / 4)
        var acc: UInt32 = 0
        var bits = 0
        for b in bytes {
            let v: UInt32
            switch b {
            case 0x41...0x5A: v = UInt32(b - 0x41)
            case 0x61...0x7A: v = UInt32(b - 0x61 + 26)
            case 0x30...0x39: v = UInt32(b - 0x30 + 52)
            case 0x2B, 0x2D: v = 62 // '+' (and URL-safe '-')
            case 0x2F, 0x5F: v = 63 // '/' (and URL-safe '_')
            case 0x3D: return out    // '=' padding ends the data
            default: continue
            }
            acc = (acc << 6) | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((acc >> UInt32(bits)) & 0xFF))
                acc &= (1 << UInt32(bits)) - 1
            }
        }
        return out
    }

    /// Quoted-printable (RFC 2045 §6.7): `=XX` escapes and `=` soft line
    /// breaks; an invalid escape is kept literally.
    static func quotedPrintable(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            guard b == 0x3D else { out.append(b); i += 1; continue }
            // Soft line break: '=' followed by optional whitespace then CRLF/LF.
            var j = i + 1
            while j < n, bytes[j] == 0x20 || bytes[j] == 0x09 { j += 1 }
            if j < n, bytes[j] == 0x0D, j + 1 < n, bytes[j + 1] == 0x0A { i = j + 2; continue }
            if j < n, bytes[j] == 0x0A { i = j + 1; continue }
            if j == n { i = n; continue }
            if i + 2 < n, let hi = hex(bytes[i + 1]), let lo = hex(bytes[i + 2]) {
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(b)
                i += 1
            }
        }
        return out
    }

    private static func hex(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x41...0x46: return b - 0x41 + 10
        case 0x61...0x66: return b - 0x61 + 10
        default: return nil
        }
    }
}
