import AsyncHTTPClient
import CrescendoCore
import Foundation
import NIOCore

/// Push to Android (and iOS through Firebase) with FCM's HTTP v1 API: one POST per message to
/// `projects/{project}/messages:send` with an OAuth bearer token from the service account.
/// Errors are sorted as FCM documents them: UNREGISTERED, an invalid registration token and
/// SENDER_ID_MISMATCH are final and suppress the token; QUOTA_EXCEEDED, UNAVAILABLE and
/// INTERNAL are retried; a 401 fetches a new access token and tries once more.
public struct FCMTransport: MessageTransport {
    public let baseURL: String
    public let projectID: String
    public let tokens: FCMAccessToken
    public let client: HTTPClient
    public let timeout: TimeAmount
    /// How long FCM keeps trying a device that is offline; the message's own expiry when shorter.
    public let timeToLive: Int64

    public init(baseURL: String = "https://fcm.googleapis.com", projectID: String, tokens: FCMAccessToken, client: HTTPClient = .shared, timeout: TimeAmount = .seconds(30), timeToLive: Int64 = 86_400) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.projectID = projectID
        self.tokens = tokens
        self.client = client
        self.timeout = timeout
        self.timeToLive = timeToLive
    }

    public static func make(account: FCMServiceAccount, baseURL: String?, client: HTTPClient = .shared) async throws -> FCMTransport {
        FCMTransport(baseURL: baseURL ?? "https://fcm.googleapis.com", projectID: account.projectID, tokens: try await FCMAccessToken(account: account, client: client), client: client)
    }

    /// The v1 message body.
    public func body(_ message: RenderedMessage) throws -> Data {
        let push = PushNotification(message)
        var notification: [String: String] = [:]
        if let title = push.title { notification["title"] = title }
        if let body = push.body { notification["body"] = body }
        var content: [String: Any] = ["token": message.address]
        if !notification.isEmpty { content["notification"] = notification }
        if !push.data.isEmpty { content["data"] = push.data }
        // The outbox id lets the app drop a repeat after a crash between send and record.
        content["fcm_options"] = ["analytics_label": String(message.id.filter { $0.isLetter || $0.isNumber || "-_.~%".contains($0) }.prefix(50))]
        content["android"] = ["ttl": "\(timeToLive)s", "collapse_key": String(message.id.prefix(64))]
        return try JSONSerialization.data(withJSONObject: ["message": content], options: [.sortedKeys])
    }

    public func addressProblem(_ address: String) -> String? { PushToken.problem(address, platform: .fcm) }

    public func send(_ message: RenderedMessage) async throws -> String? {
        let payload = try body(message)
        var retriedAuthentication = false
        while true {
            let token = try await tokens.token()
            var request = HTTPClientRequest(url: "\(baseURL)/v1/projects/\(projectID)/messages:send")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json; charset=UTF-8")
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.body = .bytes(ByteBuffer(bytes: payload))
            let response: HTTPClientResponse
            do {
                response = try await client.execute(request, timeout: timeout)
            } catch {
                throw TransportFailure(permanent: false, message: "FCM unreachable: \(error)")
            }
            let body = try? await response.body.collect(upTo: 1 << 20)
            let json = body.flatMap { try? JSONSerialization.jsonObject(with: Data($0.readableBytesView)) as? [String: Any] }
            let status = Int(response.status.code)
            if (200..<300).contains(status) { return json?["name"] as? String }
            if status == 401 && !retriedAuthentication {
                // The token expired early or was revoked: one fresh token, one more try.
                await tokens.reject(token)
                retriedAuthentication = true
                continue
            }
            throw Self.failure(status: status, json: json, retryAfter: response.headers.first(name: "Retry-After"))
        }
    }

    /// Sorts an FCM error answer (https://firebase.google.com/docs/reference/fcm/rest/v1/ErrorCode).
    static func failure(status: Int, json: [String: Any]?, retryAfter: String?) -> TransportFailure {
        let error = json?["error"] as? [String: Any]
        let details = error?["details"] as? [[String: Any]] ?? []
        let code = details.lazy.compactMap { $0["errorCode"] as? String }.first ?? (error?["status"] as? String) ?? "HTTP \(status)"
        let message = error?["message"] as? String ?? ""
        let text = "FCM \(status) \(code): \(message)\(retryAfter.map { " (retry after \($0) s)" } ?? "")"
        switch code {
        case "UNREGISTERED", "SENDER_ID_MISMATCH":
            return TransportFailure(permanent: true, addressRejected: true, message: text)
        case "INVALID_ARGUMENT":
            // The same code covers a bad token and a bad message; only the first is the address's fault.
            return TransportFailure(permanent: true, addressRejected: message.lowercased().contains("registration token"), message: text)
        case "QUOTA_EXCEEDED", "UNAVAILABLE", "INTERNAL", "RESOURCE_EXHAUSTED":
            return TransportFailure(permanent: false, message: text)
        case "THIRD_PARTY_AUTH_ERROR", "UNAUTHENTICATED", "PERMISSION_DENIED":
            // Credentials to fix: the messages wait and are retried rather than dropped.
            return TransportFailure(permanent: false, message: text)
        default:
            return TransportFailure(permanent: !(status == 429 || status >= 500), message: text)
        }
    }

    public func shutdown() async {}
}
