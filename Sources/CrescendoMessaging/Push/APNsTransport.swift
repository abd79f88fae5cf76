import AsyncHTTPClient
import CrescendoCore
import Crypto
import Foundation
import NIOCore
import NIOSSL

/// Push to Apple devices through APNs: HTTP/2 over TLS (async-http-client negotiates it with
/// ALPN), `POST /3/device/{token}` with the provider token, the app's bundle id as `apns-topic`
/// and the push type. The `apns-id` is derived from the outbox id, so a repeat after a crash is
/// recognisably the same notification. Unregistered, BadDeviceToken and DeviceTokenNotForTopic
/// are final and suppress the token; ExpiredProviderToken signs a new token and tries again;
/// TooManyRequests and server errors are retried; credential and topic errors leave the
/// messages waiting for the configuration to be fixed.
public struct APNsTransport: MessageTransport {
    public enum Environment: String, Sendable {
        case production, sandbox
        var url: String { self == .production ? "https://api.push.apple.com" : "https://api.sandbox.push.apple.com" }
    }

    public let baseURL: String
    public let topic: String
    public let tokens: APNsProviderToken
    public let client: HTTPClient
    /// Whether `shutdown` closes the client (it does when the transport made it).
    let ownsClient: Bool
    public let timeout: TimeAmount
    /// How long APNs keeps trying a device that is offline.
    public let timeToLive: Int64

    public init(baseURL: String, topic: String, tokens: APNsProviderToken, client: HTTPClient, ownsClient: Bool = false, timeout: TimeAmount = .seconds(30), timeToLive: Int64 = 86_400) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.topic = topic
        self.tokens = tokens
        self.client = client
        self.ownsClient = ownsClient
        self.timeout = timeout
        self.timeToLive = timeToLive
    }

    /// A transport with its own HTTP/2-capable client; `insecureSkipVerify` is for a test server
    /// on loopback only.
    public static func make(environment: Environment, baseURL: String?, topic: String, tokens: APNsProviderToken, insecureSkipVerify: Bool = false) -> APNsTransport {
        var configuration = HTTPClient.Configuration()
        configuration.httpVersion = .automatic
        var tls = TLSConfiguration.makeClientConfiguration()
        if insecureSkipVerify { tls.certificateVerification = .none }
        configuration.tlsConfiguration = tls
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        return APNsTransport(baseURL: baseURL ?? environment.url, topic: topic, tokens: tokens, client: client, ownsClient: true)
    }

    /// A UUID made from the outbox id, the form APNs wants for `apns-id`.
    public static func notificationID(_ id: String) -> String {
        var bytes = Array(SHA256.hash(data: Data(id.utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50   // name-based
        bytes[8] = (bytes[8] & 0x3F) | 0x80   // RFC 4122 variant
        let hex = bytes.map { String(format: "%02X", $0) }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }

    /// The JSON payload: the alert in `aps`, data keys beside it; with neither title nor body,
    /// a silent background notification.
    public static func payload(_ push: PushNotification) throws -> (body: Data, background: Bool) {
        var aps: [String: Any] = [:]
        var alert: [String: String] = [:]
        if let title = push.title { alert["title"] = title }
        if let body = push.body { alert["body"] = body }
        if alert.isEmpty {
            aps["content-available"] = 1
        } else {
            aps["alert"] = alert
            aps["sound"] = "default"
        }
        var root: [String: Any] = push.data.filter { $0.key != "aps" }
        root["aps"] = aps
        return (try JSONSerialization.data(withJSONObject: root, options: [.sortedKeys]), alert.isEmpty)
    }

    public func addressProblem(_ address: String) -> String? { PushToken.problem(address, platform: .apns) }

    public func send(_ message: RenderedMessage) async throws -> String? {
        let (payload, background) = try Self.payload(PushNotification(message))
        guard payload.count <= 4096 else {
            throw TransportFailure(permanent: true, message: "APNs payload of \(payload.count) bytes is over the 4096-byte limit")
        }
        let id = Self.notificationID(message.id)
        var refreshed = false
        while true {
            let token = try await tokens.token()
            var request = HTTPClientRequest(url: "\(baseURL)/3/device/\(message.address)")
            request.method = .POST
            request.headers.add(name: "authorization", value: "bearer \(token)")
            request.headers.add(name: "apns-topic", value: topic)
            request.headers.add(name: "apns-push-type", value: background ? "background" : "alert")
            request.headers.add(name: "apns-priority", value: background ? "5" : "10")
            request.headers.add(name: "apns-id", value: id)
            request.headers.add(name: "apns-expiration", value: String(message.date + timeToLive))
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: payload))
            let response: HTTPClientResponse
            do {
                response = try await client.execute(request, timeout: timeout)
            } catch {
                throw TransportFailure(permanent: false, message: "APNs unreachable: \(error)")
            }
            let body = try? await response.body.collect(upTo: 1 << 16)
            let status = Int(response.status.code)
            if status == 200 { return response.headers.first(name: "apns-id") ?? id }
            let json = body.flatMap { try? JSONSerialization.jsonObject(with: Data($0.readableBytesView)) as? [String: Any] }
            let reason = json?["reason"] as? String ?? "HTTP \(status)"
            if reason == "ExpiredProviderToken" && !refreshed {
                await tokens.expire(token)
                refreshed = true
                continue
            }
            throw Self.failure(status: status, reason: reason)
        }
    }

    /// Sorts an APNs error answer (Apple's "Handling notification responses from APNs").
    static func failure(status: Int, reason: String) -> TransportFailure {
        let text = "APNs \(status) \(reason)"
        switch reason {
        case "BadDeviceToken", "DeviceTokenNotForTopic", "Unregistered", "ExpiredToken":
            return TransportFailure(permanent: true, addressRejected: true, message: text)
        case "PayloadEmpty", "PayloadTooLarge", "BadCollapseId", "BadExpirationDate", "BadPriority", "BadMessageId", "DuplicateHeaders", "InvalidPushType":
            return TransportFailure(permanent: true, message: text)
        default:
            // Rate limits, server trouble, and credentials or topics to fix: the message waits.
            return TransportFailure(permanent: false, message: text)
        }
    }

    public func shutdown() async {
        if ownsClient { try? await client.shutdown() }
    }
}
