import Foundation

/// Click and open tracking: a click link carries its target, signed together with the message id,
/// so a changed target is refused and the redirect can never be an open redirect; an open pixel
/// carries the message id only.
extension LinkSigner {
    static func base64URL(_ text: String) -> String {
        Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func fromBase64URL(_ text: String) -> String? {
        var padded = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while padded.count % 4 != 0 { padded += "=" }
        return Data(base64Encoded: padded).flatMap { String(data: $0, encoding: .utf8) }
    }

    /// `BASE/click?m=ID&u=TARGET&t=TOKEN`: the target in base64url, signed with the id.
    public func clickURL(id: String, target: String) -> String {
        let encodedTarget = Self.base64URL(target)
        let signedID = "\(id)\u{1F}\(target)"
        return "\(baseURL)/click?m=\(PercentEncoding.encode(id))&u=\(encodedTarget)&t=\(token(action: "click", id: signedID))"
    }

    /// The message id and the target of a click link, when its signature holds.
    public func verifyClick(url: String) -> (id: String, target: String)? {
        guard let components = URLComponents(string: url), components.path.hasSuffix("/click"),
            let id = components.queryItems?.first(where: { $0.name == "m" })?.value,
            let encoded = components.queryItems?.first(where: { $0.name == "u" })?.value, let target = Self.fromBase64URL(encoded),
            let token = components.queryItems?.first(where: { $0.name == "t" })?.value,
            verify(token: token, action: "click", id: "\(id)\u{1F}\(target)"),
            target.hasPrefix("https://") || target.hasPrefix("http://")
        else { return nil }
        return (id, target)
    }

    /// Rewrites every http(s) link of an HTML body (except the unsubscribe link) to its signed
    /// click link, and adds an open pixel before `</body>` (or at the end).
    public func track(html: String, id: String, unsubscribe: String?, clicks: Bool, opens: Bool) -> String {
        var output = html
        if clicks {
            for quote in ["\"", "'"] { output = rewrite(output, quote: Character(quote), id: id, unsubscribe: unsubscribe) }
        }
        if opens {
            let pixel = "<img src=\"\(url(action: "open", id: id).replacingOccurrences(of: "&", with: "&amp;"))\" width=\"1\" height=\"1\" alt=\"\" style=\"display:none\">"
            if let body = output.range(of: "</body>", options: [.caseInsensitive, .backwards]) {
                output.insert(contentsOf: pixel, at: body.lowerBound)
            } else {
                output += pixel
            }
        }
        return output
    }

    /// Rewrites the http(s) targets of `href=` attributes quoted with `quote`.
    func rewrite(_ html: String, quote: Character, id: String, unsubscribe: String?) -> String {
        var result = ""
        var rest = Substring(html)
        while let range = rest.range(of: "href=\(quote)", options: .caseInsensitive) {
            result += rest[..<range.upperBound]
            rest = rest[range.upperBound...]
            guard let close = rest.firstIndex(of: quote) else { break }
            let target = String(rest[..<close]).replacingOccurrences(of: "&amp;", with: "&")
            if (target.hasPrefix("https://") || target.hasPrefix("http://")) && target != unsubscribe && !target.hasPrefix(baseURL + "/") {
                result += clickURL(id: id, target: target).replacingOccurrences(of: "&", with: "&amp;")
            } else {
                result += rest[..<close]
            }
            rest = rest[close...]
        }
        return result + rest
    }
}
