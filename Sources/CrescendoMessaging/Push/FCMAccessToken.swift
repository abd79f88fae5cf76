import AsyncHTTPClient
import CrescendoCore
import Foundation
import JWTKit
import NIOCore

/// OAuth access tokens for FCM, from a service account: a JWT signed with the account's RSA key
/// (RS256) is exchanged at the token endpoint, and the token is kept until shortly before it
/// expires. Concurrent sends share one exchange; a token the service stops accepting is dropped
/// and the next send fetches a fresh one.
public actor FCMAccessToken {
    public static let scope = "https://www.googleapis.com/auth/firebase.messaging"

    let account: FCMServiceAccount
    let client: HTTPClient
    let keys: JWTKeyCollection
    /// Tokens are renewed this many seconds before Google says they expire.
    let margin: Int64
    private var current: (token: String, expires: Int64)?
    private var fetching: Task<(token: String, expires: Int64), any Error>?
    /// How many exchanges this instance made (a test reads it to see the cache work).
    public private(set) var exchanges = 0

    public init(account: FCMServiceAccount, client: HTTPClient, margin: Int64 = 60) async throws {
        self.account = account
        self.client = client
        self.margin = margin
        let key: Insecure.RSA.PrivateKey
        do {
            key = try Insecure.RSA.PrivateKey(pem: account.privateKey)
        } catch {
            throw PushError(.configuration, "the service account's private_key is not an RSA key in PEM form", cause: error)
        }
        keys = JWTKeyCollection()
        await keys.add(rsa: key, digestAlgorithm: .sha256, kid: account.privateKeyID.map { JWKIdentifier(string: $0) })
    }

    /// A valid access token, fetching one when there is none or it is about to expire.
    public func token(now: Int64 = Int64(Date().timeIntervalSince1970)) async throws -> String {
        if let current, current.expires - margin > now { return current.token }
        if let fetching { return try await fetching.value.token }
        let task = Task { try await self.exchange(now: now) }
        fetching = task
        defer { fetching = nil }
        let fresh = try await task.value
        current = fresh
        return fresh.token
    }

    /// Forgets a token the service answered 401 to, unless a newer one replaced it already.
    public func reject(_ token: String) {
        if current?.token == token { current = nil }
    }

    struct Assertion: JWTPayload {
        var iss: String
        var scope: String
        var aud: String
        var iat: Int64
        var exp: Int64
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    private func exchange(now: Int64) async throws -> (token: String, expires: Int64) {
        exchanges += 1
        let assertion = try await keys.sign(Assertion(iss: account.clientEmail, scope: Self.scope, aud: account.tokenURI, iat: now, exp: now + 3600))
        var request = HTTPClientRequest(url: account.tokenURI)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: PercentEncoding.form([("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", assertion)])))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .seconds(30))
        } catch {
            throw TransportFailure(permanent: false, message: "the OAuth token endpoint \(account.tokenURI) is unreachable: \(error)")
        }
        let body = try? await response.body.collect(upTo: 1 << 20)
        let json = body.flatMap { try? JSONSerialization.jsonObject(with: Data($0.readableBytesView)) as? [String: Any] }
        guard response.status == .ok, let token = json?["access_token"] as? String else {
            let reason = [json?["error"] as? String, json?["error_description"] as? String].compactMap { $0 }.joined(separator: ": ")
            let text = "the OAuth token endpoint refused the service account \(account.clientEmail): HTTP \(response.status.code)\(reason.isEmpty ? "" : " \(reason)")"
            // A refused grant is a key to fix; a server error may pass.
            throw TransportFailure(permanent: false, message: text)
        }
        let lifetime = (json?["expires_in"] as? NSNumber)?.int64Value ?? 3600
        return (token, now + lifetime)
    }
}
