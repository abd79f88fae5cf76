import CrescendoCore
import CrescendoEmail
import CrescendoMessaging
import Foundation
import Testing

@Suite struct EmailComposerTests {
    static func composer(signer: DKIMSigner? = nil) throws -> EmailComposer {
        EmailComposer(
            from: try EmailAddress(parsing: "Crescendo Hotels <stays@hotels.example>"), replyTo: try EmailAddress(parsing: "help@hotels.example"),
            domain: "hotels.example", signer: signer)
    }

    static func message(id: String = "12-3-email-ana@example.com", address: String = "Ana Lopez <ana@example.com>") -> RenderedMessage {
        RenderedMessage(
            id: id, channel: .email, address: address,
            parts: ["subject": "Votre séjour à Paris ✓", "text": "Bonjour Ana,\nà bientôt.", "html": "<p>Bonjour <b>Ana</b></p>"],
            headers: [.init("List-Unsubscribe", "<https://hotels.example/c/unsubscribe?m=x&t=y>"), .init("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")],
            date: 1_774_000_000)
    }

    /// The Message-ID as documented, computed by Python: SHA-256 of "crescendo", U+001F, the id; 32 hex digits.
    static func expectedMessageID(_ id: String, domain: String) throws -> String {
        let script = """
            import sys, hashlib
            print("<%s@%s>" % (hashlib.sha256(("crescendo\\x1f" + sys.argv[1]).encode("utf-8")).hexdigest()[:32], sys.argv[2]))
            """
        return String(decoding: try Python.run(script, arguments: [id, domain]), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func header(_ name: String, in bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        let head = text.components(separatedBy: "\r\n\r\n")[0]
        return head.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
            .map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces) }
    }

    @Test func messageIDIsDerivedFromTheOutboxID() throws {
        let composer = try Self.composer()
        let first = try composer.compose(Self.message(id: "12-3-email-ana@example.com"))
        let again = try composer.compose(Self.message(id: "12-3-email-ana@example.com", address: "other@example.com"))
        let other = try composer.compose(Self.message(id: "12-3-email-bob@example.com"))

        #expect(first.messageID == again.messageID)
        #expect(first.messageID != other.messageID)
        #expect(first.messageID == (try Self.expectedMessageID("12-3-email-ana@example.com", domain: "hotels.example")))
        #expect(composer.messageID(for: "12-3-email-ana@example.com") == first.messageID)
        #expect(Self.header("Message-ID", in: first.bytes) == first.messageID)
        #expect(Self.header("Message-ID", in: other.bytes) == other.messageID)
    }

    @Test func composingTheSameMessageTwiceGivesIdenticalBytes() throws {
        let composer = try Self.composer()
        let message = Self.message()
        let first = try composer.compose(message)
        let second = try composer.compose(message)

        #expect(first.bytes == second.bytes)
        #expect(first.messageID == second.messageID)
        var later = message
        later.date += 60
        #expect(try composer.compose(later).bytes != first.bytes)
    }

    @Test func composingTheSameMessageTwiceWithDKIMGivesIdenticalBytes() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let keyFile = folder + "/dkim.pem"
        _ = try Python.runProcess("/usr/bin/env", ["openssl", "genrsa", "-out", keyFile, "2048"], folder: folder)
        let composer = try Self.composer(signer: DKIMSigner(keyFile: keyFile, domain: "hotels.example", selector: "s2026"))
        let first = try composer.compose(Self.message())
        let second = try composer.compose(Self.message())

        #expect(String(decoding: first.bytes.prefix(16), as: UTF8.self) == "DKIM-Signature: ")
        #expect(first.bytes == second.bytes)
    }

    @Test(arguments: ["", "ana", "ana@", "@example.com", "ana lopez@example.com", "Ana <ana@example.com", "ana@exa\nmple.com"])
    func badRecipientIsAPermanentAddressRejection(address: String) throws {
        let composer = try Self.composer()
        do {
            _ = try composer.compose(Self.message(address: address))
            Issue.record("\(address.debugDescription) was accepted")
        } catch let failure as TransportFailure {
            #expect(failure.permanent)
            #expect(failure.addressRejected)
        }
    }

    @Test func emlFolderHoldsOneFilePerMessageID() async throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let outbox = folder + "/outbox"
        let composer = try Self.composer()
        let transport = EMLFolderTransport(folder: EMLFolder(path: outbox), composer: composer)
        let message = Self.message()

        let firstID = try await transport.send(message)
        let secondID = try await transport.send(message)
        #expect(firstID == composer.messageID(for: message.id))
        #expect(secondID == firstID)
        var files = try FileManager.default.contentsOfDirectory(atPath: outbox)
        #expect(files.count == 1, "\(files)")
        #expect(files.allSatisfy { $0.hasSuffix(".eml") })

        let otherID = try await transport.send(Self.message(id: "12-3-email-bob@example.com", address: "bob@example.com"))
        #expect(otherID != firstID)
        files = try FileManager.default.contentsOfDirectory(atPath: outbox).sorted()
        #expect(files.count == 2, "\(files)")

        let anaFile = outbox + "/" + EMLFolder.fileName(forMessageID: try #require(firstID))
        let stored = try [UInt8](Data(contentsOf: URL(fileURLWithPath: anaFile)))
        #expect(stored == (try composer.compose(message).bytes))

        let parsed = try ParsedEmail.parse(file: anaFile)
        #expect(parsed.subject == "Votre séjour à Paris ✓")
        #expect(parsed.fromName == "Crescendo Hotels")
        #expect(parsed.fromAddress == "stays@hotels.example")
        #expect(parsed.toAddress == "ana@example.com")
        #expect(parsed.messageID == firstID)
        #expect(parsed.text?.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .newlines) == "Bonjour Ana,\nà bientôt.")
        #expect(parsed.headers["list-unsubscribe"] == "<https://hotels.example/c/unsubscribe?m=x&t=y>")
        #expect(parsed.headers["list-unsubscribe-post"] == "List-Unsubscribe=One-Click")
    }

    @Test func configuredOutboxSendsWhatTheRendererMade() async throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "demo-link-secret\n".write(toFile: folder + "/link.secret", atomically: true, encoding: .utf8)
        let configuration = try MessagingConfiguration.parse(
            MessagingConfiguration.demo(outbox: "mail", secretFile: "link.secret"), path: folder + "/messaging.yaml", environment: [:])
        #expect(configuration.providers["outbox"]?.kind == .emlFolder(path: folder + "/mail"))

        let transport = try #require(try await MessagingSetup.transports(configuration)["outbox"])
        let renderer = MessagingSetup.renderer(configuration)
        let outbox = OutboxMessage(
            id: "3-1-email-zoe@example.com", campaign: "spring", execution: 3, activity: "news", channel: .email, category: .marketing,
            address: "zoe@example.com", profileKey: "7", profileValues: [.integer(7)], attempt: 1, expiresAt: nil,
            payload: #"{"customer.first_name": "Zoë", "checkin": "2026-03-29"}"#)
        let rendered = try renderer.render(
            outbox,
            content: ["subject": "{{customer.first_name}}, le {{date_long(checkin)}}", "text": "Bonjour {{customer.first_name}}\nDésabonnement : {{unsubscribe_url}}", "html": "<p>{{customer.first_name}} &amp; co</p>"],
            context: MessageContext(profile: [:], variables: [:], locale: "fr_FR", timeZone: "Europe/Paris", now: 1_774_000_000))
        let messageID = try #require(try await transport.send(rendered))

        let files = try FileManager.default.contentsOfDirectory(atPath: folder + "/mail")
        #expect(files.count == 1, "\(files)")
        let parsed = try ParsedEmail.parse(file: folder + "/mail/" + (try #require(files.first)))
        let signer = LinkSigner(secret: "demo-link-secret", baseURL: "https://hotels.example/c")
        let unsubscribe = signer.url(action: "unsubscribe", id: outbox.id)
        #expect(parsed.subject == "Zoë, le 29 mars 2026")
        #expect(parsed.fromName == "Crescendo Hotels")
        #expect(parsed.fromAddress == "stays@hotels.example")
        #expect(parsed.toAddress == "zoe@example.com")
        #expect(parsed.messageID == messageID)
        #expect(messageID.hasSuffix("@hotels.example>"))
        // The composer folds this long header right after the colon; Python keeps that fold's space.
        #expect(parsed.headers["list-unsubscribe"]?.trimmingCharacters(in: .whitespaces) == "<\(unsubscribe)>")
        #expect(parsed.headers["list-unsubscribe-post"] == "List-Unsubscribe=One-Click")
        #expect(parsed.text?.contains("Désabonnement : \(unsubscribe)") == true)
        #expect(parsed.html?.contains("<p>Zoë &amp; co</p>") == true)
    }
}
