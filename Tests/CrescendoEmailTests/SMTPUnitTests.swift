import Foundation
import NIOCore
import Testing

@testable import CrescendoEmail

@Suite("SMTP wire format")
struct SMTPUnitTests {
    private func decode(_ lines: [String]) throws -> [SMTPReply] {
        var decoder = SMTPReplyDecoder()
        return try lines.compactMap { try decoder.consume(line: Array($0.utf8)) }
    }

    @Test func multiLineReplyWithExtensions() throws {
        let replies = try decode([
            "250-mail.example.com Hello", "250-PIPELINING", "250-SIZE 35882577", "250-8BITMIME",
            "250-AUTH LOGIN PLAIN", "250 SMTPUTF8",
        ])
        try #require(replies.count == 1)
        #expect(replies[0].code == 250)
        #expect(replies[0].enhanced == nil)
        #expect(replies[0].lines.count == 6)
        let extensions = SMTPExtensions(ehloReply: replies[0])
        #expect(extensions.supportsPipelining)
        #expect(extensions.maximumMessageSize == 35_882_577)
        #expect(extensions.supports8BitMIME)
        #expect(extensions.supportsSMTPUTF8)
        #expect(!extensions.supportsStartTLS)
        #expect(extensions.authMechanisms == ["LOGIN", "PLAIN"])
    }

    @Test func enhancedStatusCodes() throws {
        let replies = try decode(["550-5.1.1 The email account does not exist.", "550 5.1.1 Please check the address", "354 End data with <CR><LF>.<CR><LF>", "250"])
        try #require(replies.count == 3)
        #expect(replies[0].enhanced?.description == "5.1.1")
        #expect(replies[0].lines == ["The email account does not exist.", "Please check the address"])
        #expect(replies[0].description == "550 5.1.1 The email account does not exist. Please check the address")
        #expect(replies[0].isPermanentFailure)
        #expect(replies[1].enhanced == nil)
        #expect(replies[2].lines == [""])
        // A status whose class does not match the reply code is left in the text.
        #expect(try decode(["250 5.1.1 odd"])[0].enhanced == nil)
    }

    @Test(arguments: ["hello", "25", "2500 x", "abc def", "250x"])
    func malformedReplyLinesAreProtocolViolations(line: String) {
        #expect(throws: SMTPError.self) { _ = try decode([line]) }
    }

    @Test func changingCodeInMultiLineReplyIsAProtocolViolation() {
        #expect(throws: SMTPError.self) { _ = try decode(["250-a", "251 b"]) }
    }

    @Test func dotStuffingAndLineEndings() {
        func encode(_ text: String) -> String {
            String(buffer: SMTPDataEncoding.encode(Array(text.utf8)))
        }
        #expect(encode("") == ".\r\n")
        #expect(encode("a") == "a\r\n.\r\n")
        #expect(encode(".") == "..\r\n.\r\n")
        #expect(encode("a\r\n.\r\nb") == "a\r\n..\r\nb\r\n.\r\n")
        #expect(encode("a\n.b\n..c\r\n") == "a\r\n..b\r\n...c\r\n.\r\n")
        #expect(encode("a\rb\r\rc.d\r\n") == "a\r\nb\r\n\r\nc.d\r\n.\r\n")
    }

    @Test func errorPermanence() {
        let reply4 = SMTPReply(code: 421, lines: ["busy"])
        let reply5 = SMTPReply(code: 554, lines: ["no"])
        #expect(SMTPError(.rejected, "x", reply: reply4).isPermanent == false)
        #expect(SMTPError(.rejected, "x", reply: reply5).isPermanent == true)
        #expect(SMTPError(.rejected, "refused", reply: reply5).message == "refused: 554 no")
        #expect(SMTPError(.timeout, "x").isPermanent == false)
        #expect(SMTPError(.connectionFailed, "x").isPermanent == false)
        #expect(SMTPError(.authenticationFailed, "x").isPermanent == true)
        #expect(SMTPError(SMTPError.Code("custom"), "x").code == SMTPError.Code("custom"))
    }

    @Test func credentialsAreRedacted() {
        let credentials = SMTPConfiguration.Credentials(username: "u", password: "hunter2")
        var dumped = ""
        dump(credentials, to: &dumped)
        #expect(!"\(credentials)".contains("hunter2"))
        #expect(!String(reflecting: credentials).contains("hunter2"))
        #expect(!dumped.contains("hunter2"))
        let config = SMTPConfiguration(host: "h", credentials: credentials)
        #expect(!String(reflecting: config).contains("hunter2"))
        #expect(config.port == 587)
        #expect(SMTPConfiguration(host: "h", security: .tls).port == 465)
        #expect(SMTPConfiguration(host: "127.0.0.1").effectiveTLSServerName == nil)
        #expect(SMTPConfiguration(host: "smtp.example.com").effectiveTLSServerName == "smtp.example.com")
    }
}
