import CrescendoCore
import Foundation

/// What a push provider sends, read from a rendered message: `title`, `body`, and `data.KEY`
/// parts, each a template of its own, so a value can never break the JSON around it.
public struct PushNotification: Sendable, Hashable {
    public var title: String?
    public var body: String?
    /// Key-value pairs the app reads (a screen to open, a reservation id); strings only, as
    /// both FCM and APNs apps expect them.
    public var data: [String: String]

    public init(title: String? = nil, body: String? = nil, data: [String: String] = [:]) {
        self.title = title
        self.body = body
        self.data = data
    }

    public init(_ message: RenderedMessage) {
        title = message.parts["title"].flatMap { $0.isEmpty ? nil : $0 }
        body = message.parts["body"].flatMap { $0.isEmpty ? nil : $0 }
        var data: [String: String] = [:]
        for (part, value) in message.parts where part.hasPrefix("data.") {
            data[String(part.dropFirst(5))] = value
        }
        self.data = data
    }
}

/// Device tokens as the services hand them out: APNs tokens are hexadecimal (32 bytes today,
/// longer allowed), FCM registration tokens are long URL-safe strings. A token that cannot be
/// one is excluded before any request is made.
public enum PushToken {
    public static func problem(_ token: String, platform: PushPlatform) -> String? {
        switch platform {
        case .apns:
            guard token.count >= 64, token.count % 2 == 0, token.allSatisfy(\.isHexDigit) else {
                return "\"\(token.prefix(80))\" is not an APNs device token (an even number of hexadecimal digits, at least 64)"
            }
        case .fcm:
            let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_:.")
            guard token.count >= 20, token.count <= 4096, token.unicodeScalars.allSatisfy(allowed.contains) else {
                return "\"\(token.prefix(80))\" is not an FCM registration token"
            }
        }
        return nil
    }
}

public enum PushPlatform: String, Sendable, Hashable {
    case apns, fcm
}
