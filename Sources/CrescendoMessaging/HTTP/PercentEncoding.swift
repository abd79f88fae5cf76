import Foundation

/// RFC 3986 percent-encoding for what we put in URLs and form bodies ourselves: every byte but
/// the unreserved `A-Z a-z 0-9 - . _ ~` is encoded, so an id or a message body can never change
/// the meaning of the URL or form around it.
enum PercentEncoding {
    static let unreserved: CharacterSet = {
        var allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        allowed.insert(charactersIn: "-._~")
        return allowed
    }()

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    /// `application/x-www-form-urlencoded`, fields in order.
    static func form(_ fields: [(String, String)]) -> String {
        fields.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }
}
