import Foundation
import JWTKit

/// The APNs provider token: a JWT signed with the team's ES256 key (the `.p8` file), carrying the
/// team id and the key id. Apple accepts a token for an hour and refuses one renewed more often
/// than every twenty minutes, so it is reused and renewed after fifty minutes, or at once when
/// APNs answers ExpiredProviderToken.
public actor APNsProviderToken {
    let teamID: String
    let keyID: String
    let keys: JWTKeyCollection
    /// Seconds a token is used before a new one is signed.
    let lifetime: Int64
    private var current: (token: String, issuedAt: Int64)?
    private var signing: Task<String, any Error>?
    public private(set) var signed = 0

    public init(teamID: String, keyID: String, privateKeyPEM: String, lifetime: Int64 = 50 * 60) async throws {
        self.teamID = teamID
        self.keyID = keyID
        self.lifetime = lifetime
        let key: ES256PrivateKey
        do {
            key = try ES256PrivateKey(pem: privateKeyPEM)
        } catch {
            throw PushError(.configuration, "the APNs key is not a P-256 private key in PEM form (the .p8 file)", cause: error)
        }
        keys = JWTKeyCollection()
        await keys.add(ecdsa: key, kid: JWKIdentifier(string: keyID))
    }

    struct Claims: JWTPayload {
        var iss: String
        var iat: Int64
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    public func token(now: Int64 = Int64(Date().timeIntervalSince1970)) async throws -> String {
        if let current, now - current.issuedAt < lifetime { return current.token }
        // Signing suspends the actor: concurrent sends wait for the one token being signed
        // instead of each signing their own (APNs answers TooManyProviderTokenUpdates to that).
        if let signing { return try await signing.value }
        let task = Task { try await self.keys.sign(Claims(iss: self.teamID, iat: now), kid: JWKIdentifier(string: self.keyID)) }
        signing = task
        defer { signing = nil }
        let token = try await task.value
        signed += 1
        current = (token, now)
        return token
    }

    /// Drops the token APNs called expired, unless a newer one replaced it already.
    public func expire(_ token: String) {
        if current?.token == token { current = nil }
    }
}
