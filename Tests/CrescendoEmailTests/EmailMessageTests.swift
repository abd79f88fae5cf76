import CrescendoEmail
import Foundation
import Testing

/// One rendering scenario, decoded by Python's `email` package as the independent reader.
struct MessageCase: CustomTestStringConvertible, Sendable {
    let name: String
    let fromName: String?
    let fromAddr: String
    let toName: String?
    let toAddr: String
    let subject: String
    let text: String?
    let html: String?
    var headers: [EmailHeader] = []

    var testDescription: String { name }

    func message() throws -> EmailMessage {
        try EmailMessage(
            from: EmailAddress(fromAddr, displayName: fromName),
            to: EmailAddress(toAddr, displayName: toName),
            replyTo: EmailAddress(parsing: "Support Desk <support@example.com>"),
            subject: subject,
            textBody: text,
            htmlBody: html,
            headers: headers,
            date: Date(timeIntervalSince1970: 1_709_647_389),
            messageID: EmailMessage.messageID(parts: ["campaign-7", name, toAddr], domain: "mail.example.com")
        )
    }
}

let longASCII = String(repeating: "The quick brown fox jumps over the lazy dog. ", count: 9)
let unbrokenRun = String(repeating: "x", count: 300)

let messageCases: [MessageCase] = [
    MessageCase(
        name: "both parts, UTF-8 everywhere",
        fromName: "Zoë Ångström-Müller", fromAddr: "news@example.com",
        toName: "José Ñúñez", toAddr: "jose@example.org",
        subject: "Votre commande № 42 — café ☕ et crème brûlée, livrée demain matin avant midi sans faute !",
        text: """
            Bonjour José,

            \(longASCII)
            .a line starting with a dot
            .
            From the desk of the editor
            trailing spaces   
            trailing tab\t
            =equals= and ==3D== signs, soft=
            crème brûlée ☕ \(String(repeating: "é", count: 120))
            end without newline
            """,
        html: "<html><body><p>Bonjour José ☕</p>\n<p>\(longASCII)</p>\n.dot\nFrom x\n</body></html>\n"
    ),
    MessageCase(
        name: "text only, ASCII, long subject",
        fromName: nil, fromAddr: "a@example.com",
        toName: nil, toAddr: "b@example.com",
        subject: "A long ASCII subject that goes on and on well past the seventy-eight character limit so it has to fold somewhere",
        text: "Hello\n\nLine with trailing space \n\(unbrokenRun)\n.\n..\nFrom \nFrom: not a header\n",
        html: nil
    ),
    MessageCase(
        name: "html only, mostly CJK (base64)",
        fromName: "東京ニュース", fromAddr: "info@example.jp",
        toName: "山田 太郎", toAddr: "taro@example.jp",
        subject: "お知らせ：新しいキャンペーンが始まりました。詳細は本文をご覧ください。よろしくお願いいたします。",
        text: nil,
        html: "<p>" + String(repeating: "こんにちは世界。今日は良い天気ですね。", count: 20) + "</p>"
    ),
    MessageCase(
        name: "specials, encoded-word look-alikes, whitespace edges",
        fromName: "Doe, John \"JD\" (Sales)", fromAddr: "john.doe+tag@example.com",
        toName: "O'Brien", toAddr: "ob@example.com",
        subject: " leading space =?utf-8?q?not_encoded?= and  double  spaces ",
        text: "CRLF already\r\nlone CR\rmixed\n\r\n",
        html: ""
    ),
    MessageCase(
        name: "UTF-8 local part and IDN domain",
        fromName: "Ünïcode", fromAddr: "jörg@exämple.com",
        toName: nil, toAddr: "用户@例子.广告",
        subject: "Emoji 😀👍🏽 family 👨‍👩‍👧‍👦 subject",
        text: "Emoji body 😀👍🏽👨‍👩‍👧‍👦\n",
        html: "<b>😀</b>",
        headers: [
            try! EmailHeader("X-Campaign", "Été 2024 — soldes"),
            try! EmailHeader("X-Campaign-ID", "cmp_000123"),
            try! EmailHeader("X-Spacing", "a  b\tc"),
        ]
    ),
    MessageCase(
        name: "long names, unbroken runs",
        fromName: "Université de Montréal — Service des communications et du marketing numérique", fromAddr: "comms@example.ca",
        toName: "Very Long Name, With A Comma And More Words Than Would Fit On One Header Line", toAddr: "long@example.com",
        subject: "Unbroken " + unbrokenRun + " run",
        text: String(repeating: "0123456789", count: 200) + "\n" + String(repeating: "ü", count: 500),
        html: String(repeating: "<td>&nbsp;</td>", count: 150)
    ),
]

@Suite("EmailMessage rendering, checked by Python's email package")
struct EmailMessageTests {
    @Test(arguments: messageCases)
    func pythonDecodesWhatWasGiven(_ c: MessageCase) throws {
        let bytes = try c.message().render()
        let parsed = try PythonChecker.check(ParsedMessage.self, script: ParsedMessage.script, data: bytes)

        #expect(parsed.defects.isEmpty, "defects: \(parsed.defects)")
        #expect(parsed.subject == c.subject)
        #expect(parsed.fromName == (c.fromName ?? ""))
        #expect(parsed.fromAddr == c.fromAddr)
        #expect(parsed.toName == (c.toName ?? ""))
        #expect(parsed.toAddr == c.toAddr)
        #expect(parsed.replyTo == "Support Desk <support@example.com>")
        #expect(parsed.text == c.text.map(crlf))
        #expect(parsed.html == c.html.map(crlf))
        let expectedType = c.text != nil && c.html != nil ? "multipart/alternative" : (c.text != nil ? "text/plain" : "text/html")
        #expect(parsed.contentType == expectedType)
        #expect(parsed.headers["mime-version"] == "1.0")
        #expect(parsed.headers["date"] == "Tue, 05 Mar 2024 14:03:09 +0000")
        #expect(try c.message().requiresSMTPUTF8 == (c.fromAddr + c.toAddr).utf8.contains { $0 >= 0x80 })
        for header in c.headers {
            #expect(parsed.headers[header.name.lowercased()] == header.value)
        }
    }

    @Test(arguments: messageCases)
    func lineLengthsAndLineEndings(_ c: MessageCase) throws {
        let bytes = try c.message().render()
        // Every LF is part of a CRLF, and the message ends with one.
        for (i, b) in bytes.enumerated() where b == 0x0A {
            #expect(i > 0 && bytes[i - 1] == 0x0D)
        }
        #expect(bytes.suffix(2) == [0x0D, 0x0A])
        let all = lines(bytes)
        let headerEnd = all.firstIndex(where: { $0.isEmpty })!
        for line in all {
            #expect(line.count <= 998)
        }
        for line in all[..<headerEnd] {
            #expect(line.count <= 78, "header line too long: \(String(decoding: line, as: UTF8.self))")
            // Encoded-words stay within RFC 2047's 75 characters.
            for token in String(decoding: line, as: UTF8.self).split(separator: " ") where token.hasPrefix("=?") {
                #expect(token.count <= 75)
            }
        }
        for line in all[(headerEnd + 1)...] {
            #expect(line.count <= 78, "body line too long: \(String(decoding: line, as: UTF8.self))")
            #expect(!line.starts(with: Array(".".utf8)), "body line starts with a dot")
            #expect(!line.starts(with: Array("From ".utf8)), "body line starts with From")
            #expect(line.allSatisfy { $0 < 0x80 }, "body is not 7-bit")
        }
    }

    @Test func sameInputsGiveIdenticalBytes() throws {
        for c in messageCases {
            let first = try c.message().render()
            let second = try c.message().render()
            #expect(first == second)
        }
    }

    @Test func headerLayout() throws {
        let message = try EmailMessage(
            from: EmailAddress(parsing: "Crescendo <news@example.com>"),
            to: EmailAddress("reader@example.org"),
            subject: "Hi",
            textBody: "Hello",
            headers: UnsubscribeHeaders(oneClickURL: "https://u.example.com/1").headers,
            date: Date(timeIntervalSince1970: 0),
            messageID: "abc@example.com"
        )
        let text = String(decoding: message.render(), as: UTF8.self)
        #expect(text == """
            Date: Thu, 01 Jan 1970 00:00:00 +0000\r
            From: Crescendo <news@example.com>\r
            To: reader@example.org\r
            Subject: Hi\r
            Message-ID: <abc@example.com>\r
            MIME-Version: 1.0\r
            List-Unsubscribe: <https://u.example.com/1>\r
            List-Unsubscribe-Post: List-Unsubscribe=One-Click\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Transfer-Encoding: quoted-printable\r
            \r
            Hello=\r

            """)
    }

    @Test func multipartBoundaryIsDerivedFromMessageIDAndQuoted() throws {
        let c = messageCases[0]
        let text = String(decoding: try c.message().render(), as: UTF8.self)
        let match = text.firstRange(of: "boundary=\"=_")
        #expect(match != nil)
        // Text part before HTML part (RFC 2046: least preferred first).
        let plain = try #require(text.firstRange(of: "Content-Type: text/plain"))
        let html = try #require(text.firstRange(of: "Content-Type: text/html"))
        #expect(plain.lowerBound < html.lowerBound)
    }

    @Test func messageIDIsHashOfParts() throws {
        let id = EmailMessage.messageID(parts: ["a", "b"], domain: "example.com")
        // sha256("a\u{1F}b"), first 32 hex digits, computed independently by Python.
        let out = try PythonChecker.run(
            "import hashlib\nprint(hashlib.sha256('a\\x1fb'.encode()).hexdigest()[:32])",
            arguments: [])
        let expected = String(decoding: out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(id == "<\(expected)@example.com>")
        #expect(EmailMessage.messageID(parts: ["ab", "c"], domain: "x") != EmailMessage.messageID(parts: ["a", "bc"], domain: "x"))
    }

    @Test func dates() {
        #expect(EmailMessage.rfc5322Date(Date(timeIntervalSince1970: 951_782_400)) == "Tue, 29 Feb 2000 00:00:00 +0000")
        #expect(EmailMessage.rfc5322Date(Date(timeIntervalSince1970: -1)) == "Wed, 31 Dec 1969 23:59:59 +0000")
        #expect(EmailMessage.rfc5322Date(Date(timeIntervalSince1970: 4_102_444_799.9)) == "Thu, 31 Dec 2099 23:59:59 +0000")
    }

    @Test func rejectsBadInput() throws {
        let from = try EmailAddress("a@example.com")
        let date = Date(timeIntervalSince1970: 0)
        #expect(throws: EmailError.self) {
            try EmailMessage(from: from, to: from, subject: "x", date: date, messageID: "a@b")
        }
        #expect(throws: EmailError.self) {
            try EmailMessage(from: from, to: from, subject: "x\r\nBcc: evil@example.com", textBody: "x", date: date, messageID: "a@b")
        }
        #expect(throws: EmailError.self) {
            try EmailMessage(from: from, to: from, subject: "x", textBody: "x", date: date, messageID: "no at sign")
        }
        #expect(throws: EmailError.self) {
            try EmailMessage(from: from, to: from, subject: "x", textBody: "x",
                             headers: [EmailHeader("Subject", "again")], date: date, messageID: "a@b")
        }
        #expect(throws: EmailError.self) { try EmailHeader("X-Bad", "a\nb") }
        #expect(throws: EmailError.self) { try EmailHeader("Bad Name", "a") }
        #expect(throws: EmailError.self) { try EmailHeader("X-Long", String(repeating: "a", count: 1000)) }
    }
}
