import Foundation

/// Small string helpers shared by the readers.
///
/// Kept in one place so that every part of the parser makes the same choice
/// about undecodable bytes: replace them, never fail, because a report with a
/// stray Latin-1 byte in a diagnostic is still a report.
enum Text {
    /// Decodes bytes as UTF-8, replacing invalid sequences.
    static func decode(_ bytes: some Sequence<UInt8>) -> String {
        String(decoding: Array(bytes), as: UTF8.self)
    }

    /// Decodes bytes using a MIME charset name, falling back to lossy UTF-8.
    static func decode(_ bytes: [UInt8], charset: String?) -> String {
        switch charset?.lowercased() {
        case "iso-8859-1", "latin1", "iso_8859-1", "l1":
            return String(bytes: bytes, encoding: .isoLatin1) ?? decode(bytes)
        case "windows-1252", "cp1252":
            return String(bytes: bytes, encoding: .windowsCP1252) ?? decode(bytes)
        default:
            return decode(bytes)
        }
    }

    /// Collapses runs of whitespace to one space (what unfolding leaves behind).
    static func collapseWhitespace(_ s: String) -> String {
        s.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" })
            .joined(separator: " ")
    }

    /// Removes a `type;` prefix such as `rfc822;` or `smtp;` (RFC 3464 §2.1.2).
    static func stripTypePrefix(_ s: String) -> String {
        guard let semi = s.firstIndex(of: ";") else { return s.trimmingWhitespace() }
        let type = s[..<semi]
        // Only treat it as a type when it looks like an atom, so an address
        // or text that merely contains ';' survives unchanged.
        guard !type.isEmpty, !type.contains(where: { $0 == " " || $0 == "<" || $0 == "@" }) else {
            return s.trimmingWhitespace()
        }
        return String(s[s.index(after: semi)...]).trimmingWhitespace()
    }

    /// Returns the address between `<` and `>` if present, else the trimmed text.
    static func bareAddress(_ s: String) -> String {
        let t = s.trimmingWhitespace()
        if let open = t.lastIndex(of: "<"), let close = t[open...].firstIndex(of: ">") {
            let inner = t[t.index(after: open)..<close]
            if !inner.isEmpty { return String(inner).trimmingWhitespace() }
        }
        return t
    }
}

extension String {
    /// Trims spaces, tabs, CR and LF.
    func trimmingWhitespace() -> String {
        trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
