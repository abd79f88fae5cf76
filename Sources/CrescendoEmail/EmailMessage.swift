import Crypto
import Foundation

/// A complete, single-recipient campaign message that renders to RFC 5322 / MIME bytes.
///
/// Every input that varies per send — the date and the Message-ID included — is given by
/// the caller, and rendering involves no clock, randomness or locale. The same inputs
/// therefore give the same bytes, so a send that is retried after a crash produces the
/// identical message (same Message-ID, same DKIM body hash) rather than a near-duplicate.
/// Inputs are validated in `init`, which is why `render()` cannot fail.
public struct EmailMessage: Sendable, Hashable {
    public let from: EmailAddress
    public let to: EmailAddress
    public let replyTo: EmailAddress?
    public let subject: String
    public let textBody: String?
    public let htmlBody: String?
    /// Extra headers in the order they are written, after the builder's own headers.
    public let headers: [EmailHeader]
    public let date: Date
    /// The Message-ID including angle brackets, e.g. `<0123abcd@example.com>`.
    public let messageID: String

    /// Headers the builder writes itself; giving them again as extra headers would
    /// produce a message with two of them, which DKIM and readers treat unpredictably.
    public static let reservedHeaderNames: Set<String> = [
        "from", "to", "reply-to", "subject", "date", "message-id", "mime-version",
        "content-type", "content-transfer-encoding", "cc", "bcc", "sender", "dkim-signature",
    ]

    public init(
        from: EmailAddress,
        to: EmailAddress,
        replyTo: EmailAddress? = nil,
        subject: String,
        textBody: String? = nil,
        htmlBody: String? = nil,
        headers: [EmailHeader] = [],
        date: Date,
        messageID: String
    ) throws {
        guard textBody != nil || htmlBody != nil else {
            throw EmailError(.invalidMessage, "a message needs a text body, an HTML body or both")
        }
        for scalar in subject.unicodeScalars where scalar.value < 0x20 || scalar.value == 0x7F {
            throw EmailError(.invalidHeader, "subject contains a line break or control character (U+\(String(scalar.value, radix: 16, uppercase: true)))")
        }
        guard subject.utf8.count <= 2000 else {
            throw EmailError(.invalidHeader, "subject is longer than 2000 bytes")
        }
        for header in headers where Self.reservedHeaderNames.contains(header.name.lowercased()) {
            throw EmailError(.duplicateHeader, "header \(header.name) is written by the message builder and cannot be given as an extra header")
        }
        self.from = from
        self.to = to
        self.replyTo = replyTo
        self.subject = subject
        self.textBody = textBody
        self.htmlBody = htmlBody
        self.headers = headers
        self.date = date
        self.messageID = try Self.normalizedMessageID(messageID)
    }

    /// A Message-ID derived from stable facts about the send (campaign, recipient, step…),
    /// so a retried send reuses the same ID and receivers can de-duplicate it. The parts
    /// are joined with U+001F so that `["ab","c"]` and `["a","bc"]` differ.
    public static func messageID(parts: [String], domain: String) -> String {
        let digest = SHA256.hash(data: Array(parts.joined(separator: "\u{1F}").utf8))
        return "<\(hexLower(digest).prefix(32))@\(domain)>"
    }

    static func normalizedMessageID(_ id: String) throws -> String {
        var core = id
        if core.hasPrefix("<") && core.hasSuffix(">") && core.count >= 2 {
            core = String(core.dropFirst().dropLast())
        }
        let bytes = Array(core.utf8)
        guard let at = bytes.firstIndex(of: UInt8(ascii: "@")), at > 0, at < bytes.count - 1,
              bytes.allSatisfy({ (0x21...0x7E).contains($0) && !"<>\"\\()[],;:".utf8.contains($0) || $0 == UInt8(ascii: "@") }),
              bytes.filter({ $0 == UInt8(ascii: "@") }).count == 1,
              bytes.count <= 250
        else {
            throw EmailError(.invalidMessageID, "Message-ID \(id.debugDescription) is not of the form <left@right> with printable ASCII")
        }
        return "<\(core)>"
    }

    /// True when an address in the headers is non-ASCII, so the SMTP transaction needs
    /// the SMTPUTF8 extension (RFC 6531) even though the bodies are 7-bit encoded.
    public var requiresSMTPUTF8: Bool {
        from.requiresSMTPUTF8 || to.requiresSMTPUTF8 || (replyTo?.requiresSMTPUTF8 ?? false)
    }

    // MARK: - Rendering

    /// The message as bytes with CRLF line endings, ready for SMTP DATA (before dot-stuffing)
    /// or for DKIM signing.
    public func render() -> [UInt8] {
        var out: [UInt8] = []
        func header(_ name: String, _ value: String) {
            out += HeaderEncoding.fold(name: name, value: value)
        }
        header("Date", Self.rfc5322Date(date))
        header("From", from.rendered(offset: "From: ".utf8.count))
        if let replyTo {
            header("Reply-To", replyTo.rendered(offset: "Reply-To: ".utf8.count))
        }
        header("To", to.rendered(offset: "To: ".utf8.count))
        header("Subject", HeaderEncoding.unstructured(subject, offset: "Subject: ".utf8.count))
        header("Message-ID", messageID)
        header("MIME-Version", "1.0")
        for extra in headers {
            out += extra.rendered()
        }

        let parts: [(type: String, body: String)] =
            [textBody.map { ("text/plain", $0) }, htmlBody.map { ("text/html", $0) }].compactMap { $0 }

        if parts.count == 1 {
            let (encoding, body) = BodyEncoding.encode(canonical: BodyEncoding.canonicalLineEndings(parts[0].body), terminated: true)
            header("Content-Type", "\(parts[0].type); charset=utf-8")
            header("Content-Transfer-Encoding", encoding.rawValue)
            out += [0x0D, 0x0A]
            out += body
            return out
        }

        let encoded = parts.map { part in
            (part.type, BodyEncoding.encode(canonical: BodyEncoding.canonicalLineEndings(part.body)))
        }
        let boundary = Self.boundary(messageID: messageID, avoiding: encoded.map { $0.1.1 })
        header("Content-Type", "multipart/alternative; boundary=\"\(boundary)\"")
        out += [0x0D, 0x0A]
        let delimiter = Array("--\(boundary)".utf8)
        for (type, (encoding, body)) in encoded {
            out += delimiter + [0x0D, 0x0A]
            header("Content-Type", "\(type); charset=utf-8")
            header("Content-Transfer-Encoding", encoding.rawValue)
            out += [0x0D, 0x0A]
            out += body
            out += [0x0D, 0x0A]
        }
        out += delimiter + Array("--".utf8) + [0x0D, 0x0A]
        return out
    }

    /// A boundary derived from the Message-ID, so output is deterministic. It starts with
    /// `=_`, which quoted-printable (where `=` is always followed by hex digits or a line
    /// break) and base64 (which has no `_`) can never produce; the search below is a
    /// second guard that costs one scan.
    static func boundary(messageID: String, avoiding bodies: [[UInt8]]) -> String {
        var counter = 0
        while true {
            let digest = SHA256.hash(data: Array("crescendo-boundary\u{1F}\(messageID)\u{1F}\(counter)".utf8))
            let candidate = "=_" + hexLower(digest).prefix(32)
            let needle = Array(candidate.utf8)
            if !bodies.contains(where: { $0.containsSubsequence(needle) }) {
                return candidate
            }
            counter += 1
        }
    }

    /// RFC 5322 date-time in UTC, computed by hand so no locale or time zone database can
    /// change the bytes. Fractional seconds are dropped.
    public static func rfc5322Date(_ date: Date) -> String {
        let seconds = Int64((date.timeIntervalSince1970).rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        // Howard Hinnant's days-to-civil algorithm.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        let weekday = Int(((days % 7) + 7 + 4) % 7)   // 1970-01-01 was a Thursday
        let names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let h = secondOfDay / 3600, m = (secondOfDay % 3600) / 60, s = secondOfDay % 60
        return "\(names[weekday]), \(two(day)) \(months[Int(month) - 1]) \(year) \(two(h)):\(two(m)):\(two(s)) +0000"
    }
}

extension EmailAddress {
    func rendered(offset: Int) -> String {
        guard let displayName else { return address }
        return "\(HeaderEncoding.phrase(displayName, offset: offset)) <\(address)>"
    }
}

extension Array where Element == UInt8 {
    func containsSubsequence(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return needle.isEmpty }
        let first = needle[0]
        var i = 0
        while i <= count - needle.count {
            if self[i] == first && self[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}
