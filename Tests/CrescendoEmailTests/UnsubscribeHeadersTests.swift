import CrescendoEmail
import Testing

@Suite("RFC 8058 unsubscribe headers")
struct UnsubscribeHeadersTests {
    @Test func rendersBothHeaders() throws {
        let h = try UnsubscribeHeaders(oneClickURL: "https://u.example.com/u?t=1", mailto: "unsub@example.com")
        #expect(h.listUnsubscribe.name == "List-Unsubscribe")
        #expect(h.listUnsubscribe.value == "<https://u.example.com/u?t=1>, <mailto:unsub@example.com>")
        #expect(h.listUnsubscribePost.name == "List-Unsubscribe-Post")
        #expect(h.listUnsubscribePost.value == "List-Unsubscribe=One-Click")
        let only = try UnsubscribeHeaders(oneClickURL: "https://u.example.com/u")
        #expect(only.listUnsubscribe.value == "<https://u.example.com/u>")
        #expect(try UnsubscribeHeaders(oneClickURL: "https://x.example/", mailto: "mailto:a@b.c?subject=stop").mailto == "mailto:a@b.c?subject=stop")
    }

    @Test(arguments: ["http://u.example.com/u", "https://", "https://u.example.com/a b", "https://u.example.com/<x>", "https://ü.example.com/", "mailto:a@b.c"])
    func rejectsUnusableURLs(_ url: String) {
        #expect(throws: EmailError.self) { try UnsubscribeHeaders(oneClickURL: url) }
    }

    @Test func pythonSeesTheHeadersInAMessage() throws {
        let message = try withUnsubscribe(messageCases[2])
        let parsed = try PythonChecker.check(ParsedMessage.self, script: ParsedMessage.script, data: message.render())
        #expect(parsed.headers["list-unsubscribe"] == "<https://u.example.com/unsub?t=abc123&c=7>, <mailto:unsub+abc@example.com>")
        #expect(parsed.headers["list-unsubscribe-post"] == "List-Unsubscribe=One-Click")
    }
}
