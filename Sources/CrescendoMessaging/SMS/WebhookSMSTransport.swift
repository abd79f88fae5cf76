import AsyncHTTPClient
import CrescendoCore
import Foundation
import NIOCore

/// SMS through a generic JSON webhook (an in-house gateway): `{"id", "to", "text"}` with an
/// `Idempotency-Key` header and an optional bearer token. 2xx is accepted, 429 and 5xx are
/// retried, 410 and 422 reject the number, other 4xx are final.
public struct WebhookSMSTransport: MessageTransport {
    public let url: String
    public let token: String?
    public let client: HTTPClient
    public let timeout: TimeAmount

    public init(url: String, token: String?, client: HTTPClient = .shared, timeout: TimeAmount = .seconds(30)) {
        self.url = url
        self.token = token
        self.client = client
        self.timeout = timeout
    }

    public func send(_ message: RenderedMessage) async throws -> String? {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Idempotency-Key", value: message.id)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let payload = try JSONSerialization.data(withJSONObject: ["id": message.id, "to": message.address, "text": message.parts["text"] ?? ""], options: [.sortedKeys])
        request.body = .bytes(ByteBuffer(bytes: payload))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: timeout)
        } catch {
            throw TransportFailure(permanent: false, message: "SMS webhook unreachable: \(error)")
        }
        let body = try? await response.body.collect(upTo: 1 << 20)
        let text = body.map { String(buffer: $0) } ?? ""
        let status = Int(response.status.code)
        if (200..<300).contains(status) {
            return (body.flatMap { try? JSONSerialization.jsonObject(with: Data($0.readableBytesView)) as? [String: Any] })?["id"] as? String
        }
        let detail = "HTTP \(status): \(text.prefix(300))"
        if status == 429 || status >= 500 { throw TransportFailure(permanent: false, message: detail) }
        throw TransportFailure(permanent: true, addressRejected: status == 410 || status == 422, message: detail)
    }

    public func shutdown() async {}
}
