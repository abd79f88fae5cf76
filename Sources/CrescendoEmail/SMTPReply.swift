/// An RFC 3463 enhanced status code such as `5.1.1`.
public struct SMTPEnhancedStatusCode: Sendable, Hashable, CustomStringConvertible {
    /// 2 (success), 4 (persistent transient failure) or 5 (permanent failure).
    public var statusClass: Int
    public var subject: Int
    public var detail: Int

    public init(statusClass: Int, subject: Int, detail: Int) {
        self.statusClass = statusClass
        self.subject = subject
        self.detail = detail
    }

    /// Parses `"5.1.1"`; returns `nil` for anything else.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
            parts[0].count == 1, (1...3).contains(parts[1].count), (1...3).contains(parts[2].count),
            parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
            let c = Int(parts[0]), [2, 4, 5].contains(c),
            let s = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        self.init(statusClass: c, subject: s, detail: d)
    }

    public var description: String { "\(statusClass).\(subject).\(detail)" }
}

/// One complete (possibly multi-line) SMTP reply.
///
/// `lines` holds the text of each line without the three-digit code, the `-`/space separator and,
/// when present, the enhanced status code.
public struct SMTPReply: Sendable, Hashable, CustomStringConvertible {
    public var code: Int
    public var enhanced: SMTPEnhancedStatusCode?
    public var lines: [String]

    public init(code: Int, enhanced: SMTPEnhancedStatusCode? = nil, lines: [String]) {
        self.code = code
        self.enhanced = enhanced
        self.lines = lines
    }

    /// 2xx.
    public var isPositiveCompletion: Bool { (200..<300).contains(code) }
    /// 3xx, e.g. `354` after DATA or `334` during AUTH.
    public var isPositiveIntermediate: Bool { (300..<400).contains(code) }
    /// 4xx: the same command may succeed later.
    public var isTransientFailure: Bool { (400..<500).contains(code) }
    /// 5xx: retrying the same command will fail again.
    public var isPermanentFailure: Bool { code >= 500 }

    /// The reply's text, lines joined by a space.
    public var text: String { lines.joined(separator: " ") }

    /// `550 5.1.1 No such user` (multi-line replies are joined with spaces).
    public var description: String {
        var result = String(code)
        if let enhanced { result += " \(enhanced)" }
        if !text.isEmpty { result += " \(text)" }
        return result
    }
}

/// The service extensions a server announced in its EHLO reply (RFC 5321 §4.1.1.1).
public struct SMTPExtensions: Sendable, Hashable {
    /// Upper-cased keyword → parameters, e.g. `"AUTH": ["PLAIN", "LOGIN"]`.
    public var keywords: [String: [String]]

    public init(keywords: [String: [String]] = [:]) {
        self.keywords = keywords
    }

    /// Parses the lines after the first one of an EHLO reply.
    init(ehloReply: SMTPReply) {
        var keywords: [String: [String]] = [:]
        for line in ehloReply.lines.dropFirst() {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let keyword = words.first, !keyword.isEmpty else { continue }
            keywords[keyword.uppercased()] = Array(words.dropFirst())
        }
        self.keywords = keywords
    }

    public func contains(_ keyword: String) -> Bool { keywords[keyword.uppercased()] != nil }

    public var supportsPipelining: Bool { contains("PIPELINING") }
    public var supports8BitMIME: Bool { contains("8BITMIME") }
    public var supportsSMTPUTF8: Bool { contains("SMTPUTF8") }
    public var supportsStartTLS: Bool { contains("STARTTLS") }

    /// The SIZE limit in octets; `nil` when not announced or announced without (or with a zero) limit.
    public var maximumMessageSize: Int? {
        guard let value = keywords["SIZE"]?.first, let size = Int(value), size > 0 else { return nil }
        return size
    }

    /// Upper-cased AUTH mechanisms, e.g. `["LOGIN", "PLAIN"]`.
    public var authMechanisms: [String] { (keywords["AUTH"] ?? []).map { $0.uppercased() } }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
