/// The RFC 8058 one-click unsubscribe pair, which large mailbox providers require of bulk
/// senders: `List-Unsubscribe` with an https URL (plus an optional mailto fallback for
/// older clients, RFC 2369) and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`.
/// Both must be covered by the DKIM signature, which `DKIMSigner` does by default.
public struct UnsubscribeHeaders: Sendable, Hashable {
    public let oneClickURL: String
    public let mailto: String?

    /// - Parameters:
    ///   - oneClickURL: an `https://` URL that unsubscribes on POST without further steps.
    ///   - mailto: a `mailto:` URI or a bare address, which is given the `mailto:` scheme.
    public init(oneClickURL: String, mailto: String? = nil) throws {
        guard oneClickURL.lowercased().hasPrefix("https://"), oneClickURL.utf8.count > "https://".utf8.count else {
            throw EmailError(.invalidURL, "one-click unsubscribe URL \(oneClickURL.debugDescription) must be an https URL (RFC 8058)")
        }
        try Self.validateURI(oneClickURL)
        self.oneClickURL = oneClickURL
        if let mailto {
            let uri = mailto.lowercased().hasPrefix("mailto:") ? mailto : "mailto:" + mailto
            guard uri.utf8.count > "mailto:".utf8.count else {
                throw EmailError(.invalidURL, "unsubscribe mailto \(mailto.debugDescription) is empty")
            }
            try Self.validateURI(uri)
            self.mailto = uri
        } else {
            self.mailto = nil
        }
    }

    /// Angle brackets delimit the URIs and the header must stay ASCII, so URIs with
    /// whitespace, brackets, controls or raw non-ASCII (percent-encode instead) are refused.
    private static func validateURI(_ uri: String) throws {
        guard uri.utf8.count <= 900,
              uri.utf8.allSatisfy({ (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") })
        else {
            throw EmailError(.invalidURL, "unsubscribe URI \(uri.debugDescription) must be printable ASCII without spaces or angle brackets, at most 900 bytes")
        }
    }

    public var listUnsubscribe: EmailHeader {
        var value = "<\(oneClickURL)>"
        if let mailto { value += ", <\(mailto)>" }
        // Validated above: ASCII, no controls, runs shorter than the line limit.
        return try! EmailHeader("List-Unsubscribe", value)
    }

    public var listUnsubscribePost: EmailHeader {
        try! EmailHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
    }

    /// Both headers, in the order they are conventionally written.
    public var headers: [EmailHeader] { [listUnsubscribe, listUnsubscribePost] }
}
