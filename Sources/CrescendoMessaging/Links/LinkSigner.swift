import Crypto
import Foundation

/// Signs the links that act on a person's behalf (unsubscribe, later click tracking), so that a
/// link cannot be forged for someone else or changed to point elsewhere: the token is an
/// HMAC-SHA256 over the action and the message id, keyed by a secret only the workspace holds.
public struct LinkSigner: Sendable {
    private let secret: Data
    private var key: SymmetricKey { SymmetricKey(data: secret) }
    public let baseURL: String

    public init(secret: String, baseURL: String) {
        self.secret = Data(secret.utf8)
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
    }

    /// The token for `action` on the message `id`: base64url, no padding.
    public func token(action: String, id: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(action)\u{1F}\(id)".utf8), using: key)
        return Data(mac).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Whether a token was made by this key for exactly this action and message (constant time).
    public func verify(token: String, action: String, id: String) -> Bool {
        var text = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(data, authenticating: Data("\(action)\u{1F}\(id)".utf8), using: key)
    }

    /// `BASE/ACTION?m=ID&t=TOKEN`, with the id percent-encoded.
    public func url(action: String, id: String) -> String {
        "\(baseURL)/\(action)?m=\(PercentEncoding.encode(id))&t=\(token(action: action, id: id))"
    }

    /// The RFC 2369 mailto fallback of List-Unsubscribe, for mail clients without one-click:
    /// `mailto:MAILBOX?subject=unsubscribe%20ID%20TOKEN`. The reply is read back by
    /// `verify(unsubscribeSubject:)` when the mailbox's messages are imported.
    public func mailto(unsubscribe id: String, mailbox: String) -> String {
        // Encoded twice: the subject's words are decoded by the mail client, the id by us.
        "mailto:\(mailbox)?subject=unsubscribe%20\(PercentEncoding.encode(PercentEncoding.encode(id)))%20\(token(action: "unsubscribe", id: id))"
    }

    /// The message id an unsubscribe mail's subject names, when its token is valid. Mail clients
    /// may prefix `Re:` or fold the line; the words are found wherever they are.
    public func verify(unsubscribeSubject subject: String) -> String? {
        let words = subject.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        guard let start = words.firstIndex(where: { $0.lowercased() == "unsubscribe" }), start + 2 < words.count else { return nil }
        guard let id = words[start + 1].removingPercentEncoding, verify(token: words[start + 2], action: "unsubscribe", id: id) else { return nil }
        return id
    }

    /// Reads a signed URL back: the message id when the token is valid for the action, else nil.
    public func verify(url: String, action: String) -> String? {
        guard let components = URLComponents(string: url), components.path.hasSuffix("/\(action)"),
            let id = components.queryItems?.first(where: { $0.name == "m" })?.value,
            let token = components.queryItems?.first(where: { $0.name == "t" })?.value,
            verify(token: token, action: action, id: id)
        else { return nil }
        return id
    }
}
