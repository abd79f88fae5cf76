@testable import CrescendoEmail
import Foundation
import Testing
import _CryptoExtras

/// One 2048-bit key for the whole run: generation is the slow part of these tests.
let testKey: _RSA.Signing.PrivateKey = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
let signingDate = Date(timeIntervalSince1970: 1_709_647_389)

struct DKIMResult: Decodable {
    let ok: Bool
    let queried: [String]
}

/// Verifies with dkimpy, answering the DNS query for the selector with `txt`.
func dkimpyVerify(_ message: [UInt8], txt: String) throws -> DKIMResult {
    try PythonChecker.check(DKIMResult.self, script: """
        dkim = require("dkim", "dkimpy")
        import logging
        logging.basicConfig(stream=sys.stderr, level=logging.DEBUG)
        data = open(sys.argv[1], "rb").read()
        txt = sys.argv[2].encode()
        queried = []
        def dnsfunc(name, timeout=5):
            n = name.decode() if isinstance(name, bytes) else name
            queried.append(n)
            return txt if n.rstrip(".") == "s2024._domainkey.example.com" else None
        ok = dkim.verify(data, logger=logging.getLogger("dkim"), dnsfunc=dnsfunc)
        print(json.dumps({"ok": bool(ok), "queried": queried}))
        """, data: message, extra: [txt])
}

func signer(pem: String? = nil, headers: [String] = DKIMSigner.defaultSignedHeaders) throws -> DKIMSigner {
    try DKIMSigner(privateKeyPEM: pem ?? testKey.pkcs8PEMRepresentation, domain: "example.com", selector: "s2024", signedHeaders: headers)
}

/// The TXT record computed by the test from the key, not by the signer.
let txtRecord = "v=DKIM1; k=rsa; p=" + testKey.publicKey.derRepresentation.base64EncodedString()

func withUnsubscribe(_ c: MessageCase) throws -> EmailMessage {
    let m = try c.message()
    return try EmailMessage(
        from: m.from, to: m.to, replyTo: m.replyTo, subject: m.subject, textBody: m.textBody, htmlBody: m.htmlBody,
        headers: m.headers + UnsubscribeHeaders(oneClickURL: "https://u.example.com/unsub?t=abc123&c=7", mailto: "unsub+abc@example.com").headers,
        date: m.date, messageID: m.messageID)
}

@Suite("DKIM signing, verified by dkimpy")
struct DKIMSignerTests {
    @Test(arguments: messageCases)
    func dkimpyVerifiesSignedMessages(_ c: MessageCase) throws {
        let message = try withUnsubscribe(c).render()
        let signed = try signer().sign(message, timestamp: signingDate)
        let result = try dkimpyVerify(signed, txt: txtRecord)
        #expect(result.ok, "dkimpy rejected:\n\(String(decoding: signed.prefix(1500), as: UTF8.self))")
        #expect(result.queried.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ".")) } == ["s2024._domainkey.example.com"])
        #expect(Array(signed.suffix(message.count)) == message, "the original message follows the signature unchanged")
    }

    @Test func pkcs1KeyWorksToo() throws {
        let pem = testKey.pemRepresentation
        #expect(pem.contains("BEGIN RSA PRIVATE KEY"))
        let signed = try signer(pem: pem).sign(try messageCases[1].message().render())
        #expect(try dkimpyVerify(signed, txt: txtRecord).ok)
    }

    @Test func tamperingWithTheBodyFailsVerification() throws {
        let signed = try signer().sign(try withUnsubscribe(messageCases[1]).render(), timestamp: signingDate)
        var tampered = signed
        let hello = Array("Hello".utf8)
        let start = try #require(signed.indices.first { signed[$0...].starts(with: hello) })
        tampered[start] = UInt8(ascii: "J")
        #expect(try dkimpyVerify(signed, txt: txtRecord).ok)
        #expect(try !dkimpyVerify(tampered, txt: txtRecord).ok)
    }

    @Test func tamperingWithSignedHeadersFailsVerification() throws {
        let signed = try signer().sign(try withUnsubscribe(messageCases[1]).render(), timestamp: signingDate)
        let text = String(decoding: signed, as: UTF8.self)
        for (from, to) in [("u.example.com/unsub", "u.evil.com/unsub"), ("Subject: A long", "Subject: A wrong")] {
            let tampered = Array(text.replacingOccurrences(of: from, with: to).utf8)
            #expect(tampered != signed)
            #expect(try !dkimpyVerify(tampered, txt: txtRecord).ok, "tampering \(from) went unnoticed")
        }
    }

    @Test func relaxedCanonicalizationToleratesWhitespaceChanges() throws {
        let signed = try signer().sign(try messageCases[1].message().render(), timestamp: signingDate)
        // What relays do: refold a header, pad line ends, add trailing blank lines.
        var text = String(decoding: signed, as: UTF8.self)
        text = text.replacingOccurrences(of: "Subject: A long", with: "Subject:   A\r\n\tlong")
        text = text.replacingOccurrences(of: "Hello\r\n", with: "Hello  \t\r\n") + "\r\n\r\n"
        #expect(try dkimpyVerify(Array(text.utf8), txt: txtRecord).ok)
    }

    @Test func signatureHeaderShape() throws {
        let signed = try signer().sign(try withUnsubscribe(messageCases[0]).render(), timestamp: signingDate)
        let all = lines(signed)
        let headerLines = all.prefix { !$0.isEmpty }
        for line in headerLines { #expect(line.count <= 78) }
        let first = String(decoding: all[0], as: UTF8.self)
        #expect(first.hasPrefix("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com;"))
        let sigHeader = all.prefix { $0 == all[0] || $0.first == 0x20 }.map { String(decoding: $0, as: UTF8.self) }.joined()
        #expect(sigHeader.contains("t=1709647389;"))
        let unfolded = sigHeader.replacingOccurrences(of: " ", with: "")
        #expect(unfolded.contains("h=from:to:subject:date:message-id:mime-version:content-type:list-unsubscribe:list-unsubscribe-post;"))
    }

    @Test func absentHeadersAreNotListed() throws {
        let signed = try signer().sign(try messageCases[1].message().render())
        let text = String(decoding: signed, as: UTF8.self).replacingOccurrences(of: "\r\n ", with: "")
        let signature = try #require(text.split(separator: "\r\n").first)
        #expect(signature.contains("h=from:to:subject:date:message-id:mime-version:content-type;"))
        #expect(!signature.contains(" t="))
    }

    @Test func sameInputsGiveIdenticalSignedBytes() throws {
        for c in messageCases {
            let a = try signer().sign(try withUnsubscribe(c).render(), timestamp: signingDate)
            let b = try signer().sign(try withUnsubscribe(c).render(), timestamp: signingDate)
            #expect(a == b)
        }
    }

    @Test func dnsRecordMatchesKey() throws {
        #expect(try signer().dnsTXTRecord == txtRecord)
    }

    @Test func badKeysGiveClearErrors() throws {
        #expect {
            try DKIMSigner(privateKeyPEM: "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n", domain: "example.com", selector: "s")
        } throws: { ($0 as? EmailError)?.code == .invalidKey }

        let dir = try PythonChecker.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("missing.pem").path
        let garbage = dir.appendingPathComponent("garbage.pem").path
        try Data("not a key".utf8).write(to: URL(fileURLWithPath: garbage))
        for path in [missing, garbage] {
            do {
                _ = try DKIMSigner(keyFile: path, domain: "example.com", selector: "s")
                Issue.record("expected an error for \(path)")
            } catch let error as EmailError {
                #expect(error.code == .invalidKey)
                #expect(error.message.contains(path))
            }
        }
        let good = dir.appendingPathComponent("good.pem").path
        try Data(testKey.pemRepresentation.utf8).write(to: URL(fileURLWithPath: good))
        let fromFile = try DKIMSigner(keyFile: good, domain: "example.com", selector: "s2024")
        #expect(try dkimpyVerify(fromFile.sign(messageCases[1].message().render()), txt: txtRecord).ok)
    }

    @Test func rejectsLFOnlyMessages() throws {
        #expect(throws: EmailError.self) { try signer().sign(Array("From: a@b.c\nSubject: x\n\nbody\n".utf8)) }
    }

    /// The examples of RFC 6376 section 3.4.5.
    @Test func relaxedCanonicalizationMatchesRFCExample() throws {
        let (headers, body) = try DKIMCanonicalization.split(Array("A: X\r\nB : Y\t\r\n\tZ  \r\n\r\n C \r\nD \t E\r\n\r\n\r\n".utf8))
        #expect(headers.map { DKIMCanonicalization.relaxedHeader($0.raw) } == [Array("a:X".utf8), Array("b:Y Z".utf8)])
        #expect(DKIMCanonicalization.relaxedBody(body) == Array(" C\r\nD E\r\n".utf8))
        #expect(DKIMCanonicalization.relaxedBody([]) == [])
        #expect(DKIMCanonicalization.relaxedBody(ArraySlice("x".utf8)) == Array("x\r\n".utf8))
        #expect(DKIMCanonicalization.relaxedBody(ArraySlice("\r\n\r\n".utf8)) == [])
    }
}
