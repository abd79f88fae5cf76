import CrescendoEmail
import Foundation
import Testing

@Suite("EmailAddress parsing, validation and rendering")
struct EmailAddressTests {
    @Test(arguments: [
        ("a@example.com", nil, "a@example.com"),
        ("  a@example.com  ", nil, "a@example.com"),
        ("<a@example.com>", nil, "a@example.com"),
        ("Jane Doe <jane@example.com>", "Jane Doe", "jane@example.com"),
        ("\"Doe, Jane\" <jane@example.com>", "Doe, Jane", "jane@example.com"),
        ("\"Say \\\"hi\\\"\" <x@example.com>", "Say \"hi\"", "x@example.com"),
        ("Zoë <zoë@exämple.com>", "Zoë", "zoë@exämple.com"),
        ("用户@例子.广告", nil, "用户@例子.广告"),
        ("first.last+tag@sub.example.co.uk", nil, "first.last+tag@sub.example.co.uk"),
    ] as [(String, String?, String)])
    func parses(_ input: String, _ name: String?, _ addr: String) throws {
        let parsed = try EmailAddress(parsing: input)
        #expect(parsed.displayName == name)
        #expect(parsed.address == addr)
    }

    @Test(arguments: [
        "", "plain", "@example.com", "a@", "a b@example.com", "a@exa mple.com", "a\t@example.com",
        "a\u{0}@example.com", "a@example.com\r\nBcc: x@y.z", "a@@example.com", "a..b@example.com",
        ".a@example.com", "a.@example.com", "a@example..com", "a@-example.com", "a<b@example.com",
        "Name <a@>", "\"unterminated <a@example.com>", "a\u{85}@example.com", "a\u{2003}b@example.com",
    ])
    func rejects(_ input: String) {
        #expect(throws: EmailError.self) { try EmailAddress(parsing: input) }
    }

    @Test func rejectsControlCharactersInDisplayName() {
        #expect(throws: EmailError.self) { try EmailAddress("a@example.com", displayName: "Evil\r\nBcc: x@y.z") }
    }

    @Test func rendering() throws {
        #expect(try EmailAddress("a@example.com").rendered == "a@example.com")
        #expect(try EmailAddress("a@example.com", displayName: "Jane Doe").rendered == "Jane Doe <a@example.com>")
        #expect(try EmailAddress("a@example.com", displayName: "J. Doe").rendered == "\"J. Doe\" <a@example.com>")
        #expect(try EmailAddress("a@example.com", displayName: "Say \"hi\"").rendered == "\"Say \\\"hi\\\"\" <a@example.com>")
        #expect(try EmailAddress("a@example.com", displayName: "Zoë").rendered == "=?utf-8?q?Zo=C3=AB?= <a@example.com>")
        #expect(try EmailAddress("a@example.com", displayName: "  ").displayName == nil)
    }

    @Test func partsAndSMTPUTF8() throws {
        let ascii = try EmailAddress("user@example.com")
        #expect(ascii.localPart == "user")
        #expect(ascii.domain == "example.com")
        #expect(!ascii.requiresSMTPUTF8)
        #expect(try EmailAddress("jörg@example.com").requiresSMTPUTF8)
        #expect(try EmailAddress("joe@exämple.com").requiresSMTPUTF8)
    }

    @Test func errorsNameTheInput() throws {
        do {
            _ = try EmailAddress(parsing: "no-at-sign")
            Issue.record("expected an error")
        } catch let error as EmailError {
            #expect(error.code == .invalidAddress)
            #expect(error.description.contains("no-at-sign"))
        }
    }
}

@Suite("Display names decoded by Python's RFC 2047 decoder")
struct DisplayNameDecodingTests {
    struct Decoded: Decodable { let names: [String] }

    /// Names long enough to need several adjacent encoded-words. Python's modern address
    /// parser wrongly puts a space between adjacent encoded-words in a phrase, so these
    /// are checked with `email.header.decode_header`, which follows RFC 2047 section 6.2.
    @Test func longNonASCIINamesRoundTrip() throws {
        let names = [
            "株式会社東京ニュースキャンペーン事務局マーケティング本部デジタルコミュニケーション部",
            "Zoë Ångström-Müller José Ñúñez Ærøskøbing Þórsdóttir Łódź Ünïversität Düsseldorf",
            "😀👍🏽👨‍👩‍👧‍👦 emoji — café ☕ (sales) \"quoted\" a.b, c",
            "Plain ASCII name with café in the middle and several more plain words after it",
        ]
        var rendered: [String] = []
        for name in names {
            let address = try EmailAddress("x@example.com", displayName: name)
            let message = try EmailMessage(from: address, to: address, subject: "s", textBody: "b",
                                           date: Date(timeIntervalSince1970: 0), messageID: "<m@example.com>")
            let bytes = message.render()
            let fromLines = lines(bytes).drop { !$0.starts(with: Array("From:".utf8)) }
            let header = fromLines.prefix { $0.starts(with: Array("From:".utf8)) || $0.first == 0x20 }
            for line in header {
                #expect(line.count <= 78)
            }
            let unfolded = header.map { String(decoding: $0, as: UTF8.self) }.joined()
            let value = unfolded.dropFirst("From: ".count)
            rendered.append(String(value[..<value.range(of: " <x@example.com>")!.lowerBound]))
        }
        let payload = try JSONEncoder().encode(rendered)
        let decoded = try PythonChecker.check(Decoded.self, script: """
            email = require("email", "email")
            from email.header import decode_header, make_header
            items = json.load(open(sys.argv[1]))
            print(json.dumps({"names": [str(make_header(decode_header(x))) for x in items]}))
            """, data: Array(payload))
        #expect(decoded.names == names)
    }
}
