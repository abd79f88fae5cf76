import CrescendoMessaging
import Foundation
import Testing

@Suite struct LinkSignerTests {
    let signer = LinkSigner(secret: "workspace-secret-1", baseURL: "https://hotels.example/c")

    @Test func tokenVerifiesForTheSameActionAndIdOnly() {
        let token = signer.token(action: "unsubscribe", id: "7-2-email-ana@example.com")

        #expect(token.count == 43)  // 32 bytes in base64 without padding
        #expect(token.unicodeScalars.allSatisfy { CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_").contains($0) })
        #expect(signer.verify(token: token, action: "unsubscribe", id: "7-2-email-ana@example.com"))
        #expect(!signer.verify(token: token, action: "unsubscribe", id: "7-2-email-bob@example.com"))
        #expect(!signer.verify(token: token, action: "unsubscribe", id: "7-2-email-ana@example.co"))
        #expect(!signer.verify(token: token, action: "click", id: "7-2-email-ana@example.com"))
        #expect(!signer.verify(token: "", action: "unsubscribe", id: "7-2-email-ana@example.com"))
        #expect(!signer.verify(token: String(token.dropLast()), action: "unsubscribe", id: "7-2-email-ana@example.com"))
        #expect(signer.token(action: "unsubscribe", id: "a") != signer.token(action: "unsubscribe", id: "b"))
    }

    @Test func tokenFromAnotherSecretIsRefused() {
        let other = LinkSigner(secret: "workspace-secret-2", baseURL: "https://hotels.example/c")
        let forged = other.token(action: "unsubscribe", id: "7-2-email-ana@example.com")

        #expect(!signer.verify(token: forged, action: "unsubscribe", id: "7-2-email-ana@example.com"))
        #expect(signer.verify(url: other.url(action: "unsubscribe", id: "7-2-email-ana@example.com"), action: "unsubscribe") == nil)
    }

    @Test(arguments: [
        "7-2-email-ana@example.com",
        "12:0:email:ana",
        "row/2026/03/29",
        "id with  spaces ",
        "a+b&c=d?e#f%20g",
        "café-Zoë-ü",
        "東京-予約-1",
        "emoji-🎉\u{1F}sep",
    ])
    func signedURLRoundTrips(id: String) throws {
        let url = signer.url(action: "unsubscribe", id: id)

        #expect(url.hasPrefix("https://hotels.example/c/unsubscribe?"))
        #expect(signer.verify(url: url, action: "unsubscribe") == id)
        #expect(signer.verify(url: url, action: "click") == nil)
        // A URL is ASCII (RFC 3986); it goes into a List-Unsubscribe header and HTML links as written.
        #expect(url.unicodeScalars.allSatisfy { $0.isASCII }, "\(url)")
        let parsed = try #require(URLComponents(string: url), "\(url)")
        #expect(parsed.queryItems?.first { $0.name == "m" }?.value == id)
    }

    @Test func tamperedQueryIsRefused() throws {
        let id = "7-2-email-ana@example.com"
        let url = signer.url(action: "unsubscribe", id: id)
        let token = signer.token(action: "unsubscribe", id: id)
        #expect(url == "https://hotels.example/c/unsubscribe?m=7-2-email-ana%40example.com&t=\(token)")

        let otherID = url.replacingOccurrences(of: "m=7-2-email-ana", with: "m=7-2-email-bob")
        #expect(otherID != url)
        #expect(signer.verify(url: otherID, action: "unsubscribe") == nil)
        var flipped = Array(token)
        flipped[5] = flipped[5] == "A" ? "B" : "A"
        #expect(signer.verify(url: url.replacingOccurrences(of: token, with: String(flipped)), action: "unsubscribe") == nil)
        #expect(signer.verify(url: url.replacingOccurrences(of: "&t=\(token)", with: ""), action: "unsubscribe") == nil)
        #expect(signer.verify(url: url.replacingOccurrences(of: "/unsubscribe?", with: "/click?"), action: "unsubscribe") == nil)
        #expect(signer.verify(url: "https://hotels.example/c/unsubscribe?m=7-2-email-bob%40example.com&t=\(token)", action: "unsubscribe") == nil)
    }

    @Test func trailingSlashOfTheBaseURLIsNotDoubled() {
        let slashed = LinkSigner(secret: "workspace-secret-1", baseURL: "https://hotels.example/c/")
        let url = slashed.url(action: "unsubscribe", id: "x")

        #expect(url.hasPrefix("https://hotels.example/c/unsubscribe?m=x&t="))
        #expect(url == signer.url(action: "unsubscribe", id: "x"))
    }
}
