import AsyncHTTPClient
import CrescendoCore
import Foundation
import NIOCore
import NIOHTTP1

/// SMS through Twilio's Messages API (or any service that speaks it): a form POST with basic
/// auth, the outbox id as Twilio's idempotency token, and its JSON error codes sorted into
/// temporary and permanent failures.
public struct TwilioSMSTransport: MessageTransport {
    public let baseURL: String
    public let accountSID: String
    public let authToken: String
    public let from: String
    public let client: HTTPClient
    public let timeout: TimeAmount

    public init(baseURL: String = "https://api.twilio.com", accountSID: String, authToken: String, from: String, client: HTTPClient = .shared, timeout: TimeAmount = .seconds(30)) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.accountSID = accountSID
        self.authToken = authToken
        self.from = from
        self.client = client
        self.timeout = timeout
    }

    /// Error codes that are about the number itself: final, and the number is suppressed.
    /// 21211 invalid To, 21614 not a mobile number, 21610 the recipient replied STOP,
    /// 21612 unreachable carrier route, 30006 landline or unreachable carrier.
    static let addressCodes: Set<Int> = [21211, 21614, 21610, 21612, 30006]
    /// Codes that will not change by retrying, but say nothing against the number.
    static let permanentCodes: Set<Int> = [21408, 21606, 21602, 21617, 30007]

    public func send(_ message: RenderedMessage) async throws -> String? {
        var request = HTTPClientRequest(url: "\(baseURL)/2010-04-01/Accounts/\(accountSID)/Messages.json")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Authorization", value: "Basic " + Data("\(accountSID):\(authToken)".utf8).base64EncodedString())
        request.headers.add(name: "I-Twilio-Idempotency-Token", value: message.id)
        request.body = .bytes(ByteBuffer(string: PercentEncoding.form([("To", message.address), ("From", from), ("Body", message.parts["text"] ?? "")])))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: timeout)
        } catch {
            throw TransportFailure(permanent: false, message: "SMS provider unreachable: \(error)")
        }
        let body = try? await response.body.collect(upTo: 1 << 20)
        let json = body.flatMap { try? JSONSerialization.jsonObject(with: Data($0.readableBytesView)) as? [String: Any] }
        let status = Int(response.status.code)
        if (200..<300).contains(status) { return json?["sid"] as? String }
        let code = json?["code"] as? Int
        let text = "HTTP \(status)\(code.map { " error \($0)" } ?? ""): \(json?["message"] as? String ?? "")"
        if status == 429 || status >= 500 || code == 20429 { throw TransportFailure(permanent: false, message: text) }
        if let code, Self.addressCodes.contains(code) { throw TransportFailure(permanent: true, addressRejected: true, message: text) }
        if let code, Self.permanentCodes.contains(code) { throw TransportFailure(permanent: true, message: text) }
        // Authentication and unknown client errors: a configuration to fix, not a number to drop.
        throw TransportFailure(permanent: status == 400, message: text)
    }

    public func shutdown() async {}
}
