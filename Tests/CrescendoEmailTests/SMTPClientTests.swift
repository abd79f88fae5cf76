import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Testing

@testable import CrescendoEmail

private func configuration(
    _ server: TestSMTPServer,
    security: SMTPConfiguration.Security = .plain,
    commandTimeout: Duration = .seconds(10)
) -> SMTPConfiguration {
    SMTPConfiguration(
        host: "127.0.0.1",
        port: server.port,
        security: security,
        heloName: "client.crescendo.test",
        timeouts: .init(connect: .seconds(5), command: commandTimeout, data: .seconds(10))
    )
}

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Expects `body` to throw an `SMTPError` and returns it.
private func smtpError(_ body: () async throws -> Void) async -> SMTPError? {
    do {
        try await body()
        return nil
    } catch let error as SMTPError {
        return error
    } catch {
        Issue.record("expected an SMTPError, got \(error)")
        return nil
    }
}

@Suite("SMTP client against aiosmtpd", .serialized)
struct SMTPClientTests {
    @Test func plainSendOfSeveralMessagesOverOneConnection() async throws {
        try await TestSMTPServer.with { server in
            let connection = try await SMTPConnection.connect(configuration: configuration(server))
            #expect(connection.configuration.port == server.port)
            #expect(await connection.extensions.supports8BitMIME)
            #expect(await connection.isEncrypted == false)

            let messages: [(input: String, expected: String)] = [
                (
                    "Subject: one\r\n\r\nHello\r\n.\r\n..two dots\r\n.leading dot\r\nend",
                    "Subject: one\r\n\r\nHello\r\n.\r\n..two dots\r\n.leading dot\r\nend\r\n"
                ),
                (
                    "Subject: two\n\n.\n\nbare LF lines\n\r\nand a bare CR\rhere\n.",
                    "Subject: two\r\n\r\n.\r\n\r\nbare LF lines\r\n\r\nand a bare CR\r\nhere\r\n.\r\n"
                ),
                (
                    "Subject: three\r\n\r\n" + String(repeating: "line of text that is long enough\r\n", count: 500),
                    "Subject: three\r\n\r\n" + String(repeating: "line of text that is long enough\r\n", count: 500)
                ),
            ]
            for (index, message) in messages.enumerated() {
                let reply = try await connection.send(
                    from: "sender@example.com", to: ["rcpt\(index)@example.com"], data: bytes(message.input))
                #expect(reply.code == 250)
                #expect(reply.enhanced == SMTPEnhancedStatusCode(statusClass: 2, subject: 0, detail: 0))
                #expect(reply.text.hasPrefix("OK queued"))
            }
            #expect(await connection.messagesSent == 3)
            await connection.close()
            #expect(await connection.isUsable == false)

            let received = try server.received()
            try #require(received.count == 3)
            #expect(Set(received.map(\.session)).count == 1, "all messages over one session")
            for (index, record) in received.enumerated() {
                #expect(record.mail_from == "sender@example.com")
                #expect(record.rcpt_tos == ["rcpt\(index)@example.com"])
                #expect(record.bytes == bytes(messages[index].expected))
                #expect(record.ehlo == "client.crescendo.test")
                #expect(record.esmtp)
                #expect(record.tls == false)
                #expect(record.mail_options.contains { $0.hasPrefix("SIZE=") })
            }
        }
    }

    @Test func pipelinedTransactions() async throws {
        var options = TestSMTPServer.Options()
        options.pipelining = true
        try await TestSMTPServer.with(options) { server in
            let connection = try await SMTPConnection.connect(configuration: configuration(server))
            #expect(await connection.extensions.supportsPipelining)

            for index in 0..<3 {
                _ = try await connection.send(
                    from: "p@example.com", to: ["a\(index)@example.com", "b\(index)@example.com"],
                    data: bytes("Subject: p\(index)\r\n\r\n.dot\r\n"))
            }
            // The only recipient refused: DATA is refused too, the session is reset and stays usable.
            let temporary = await smtpError {
                _ = try await connection.send(from: "p@example.com", to: ["tempfail@example.com"], data: bytes("x\r\n"))
            }
            #expect(temporary?.code == .rejected)
            #expect(temporary?.isPermanent == false)
            #expect(temporary?.reply?.code == 450)
            #expect(await connection.isUsable)
            _ = try await connection.send(from: "p@example.com", to: ["c@example.com"], data: bytes("Subject: p3\r\n\r\nok\r\n"))

            // Partly refused after DATA got 354: the transaction is abandoned by dropping the connection.
            let partial = await smtpError {
                _ = try await connection.send(
                    from: "p@example.com", to: ["d@example.com", "reject@example.com"], data: bytes("Subject: never\r\n\r\nx\r\n"))
            }
            #expect(partial?.code == .rejected)
            #expect(partial?.isPermanent == true)
            #expect(partial?.message.contains("reject@example.com") == true)
            #expect(await connection.isUsable == false)
            await connection.close()

            try await Task.sleep(for: .milliseconds(200))
            let received = try server.received()
            #expect(received.count == 4)
            #expect(received.first?.rcpt_tos == ["a0@example.com", "b0@example.com"])
            #expect(received.first?.bytes == bytes("Subject: p0\r\n\r\n.dot\r\n"))
            #expect(!received.contains { String(decoding: $0.bytes, as: UTF8.self).contains("never") })
        }
    }

    @Test func poolSendsFiftyMessagesOverThreeConnections() async throws {
        try await TestSMTPServer.with { server in
            var config = configuration(server)
            config.maxConnections = 3
            config.maxMessagesPerConnection = 20
            let pool = SMTPConnectionPool(configuration: config)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        let reply = try await pool.send(
                            from: "pool@example.com", to: ["user\(index)@example.com"],
                            data: bytes("Subject: message \(index)\r\n\r\nbody \(index)\r\n"))
                        #expect(reply.code == 250)
                    }
                }
                try await group.waitForAll()
            }
            #expect(await pool.openConnectionCount <= 3)
            await pool.close()
            #expect(await pool.openConnectionCount == 0)
            let closed = await smtpError {
                _ = try await pool.send(from: "pool@example.com", to: ["late@example.com"], data: bytes("x\r\n"))
            }
            #expect(closed?.code == .poolClosed)

            let received = try server.received()
            #expect(received.count == 50)
            let recipients = received.flatMap(\.rcpt_tos)
            #expect(Set(recipients) == Set((0..<50).map { "user\($0)@example.com" }))
            #expect(recipients.count == 50)
            for record in received {
                let index = record.rcpt_tos[0].dropFirst(4).prefix { $0 != "@" }
                #expect(record.bytes == bytes("Subject: message \(index)\r\n\r\nbody \(index)\r\n"))
            }
            let perSession = Dictionary(grouping: received, by: \.session).mapValues(\.count)
            #expect(perSession.values.allSatisfy { $0 <= 20 }, "connections are recycled after 20 messages")
            #expect(perSession.count >= 3)
        }
    }

    @Test func startTLSWithTrustedSelfSignedCertificateAndAuthPlain() async throws {
        let directory = try TestSMTPServer.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (cert, key) = try await TestSMTPServer.makeSelfSignedCertificate(in: directory)
        var options = TestSMTPServer.Options()
        options.cert = cert
        options.key = key
        options.user = "alice"
        options.password = "s3cret-pw"
        try await TestSMTPServer.with(options) { server in
            var config = configuration(server, security: .startTLS(required: true))
            config.tlsConfiguration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(cert))
            config.tlsServerName = "localhost"
            config.credentials = .init(username: "alice", password: "s3cret-pw")
            config.authMethods = [.plain, .login]
            let connection = try await SMTPConnection.connect(configuration: config)
            #expect(await connection.isEncrypted)
            #expect(await connection.authenticatedMethod == .plain)
            #expect(await connection.extensions.supportsStartTLS == false, "EHLO was repeated after STARTTLS")
            _ = try await connection.send(from: "alice@example.com", to: ["bob@example.com"], data: bytes("Subject: tls\r\n\r\nsecret\r\n"))
            await connection.close()

            let received = try server.received()
            try #require(received.count == 1)
            #expect(received[0].tls)
            #expect(received[0].auth_login == "alice")
            #expect(received[0].auth_mechanism == "PLAIN")
            #expect(received[0].bytes == bytes("Subject: tls\r\n\r\nsecret\r\n"))
        }
    }

    @Test func startTLSWithoutVerificationAndAuthLogin() async throws {
        let directory = try TestSMTPServer.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (cert, key) = try await TestSMTPServer.makeSelfSignedCertificate(in: directory)
        var options = TestSMTPServer.Options()
        options.cert = cert
        options.key = key
        options.user = "alice"
        options.password = "s3cret-pw"
        try await TestSMTPServer.with(options) { server in
            var config = configuration(server, security: .startTLS(required: true))
            config.tlsConfiguration.certificateVerification = .none
            config.credentials = .init(username: "alice", password: "s3cret-pw")
            config.authMethods = [.login]
            let connection = try await SMTPConnection.connect(configuration: config)
            #expect(await connection.authenticatedMethod == .login)
            _ = try await connection.send(from: "alice@example.com", to: ["bob@example.com"], data: bytes("Subject: login\r\n\r\nhi\r\n"))
            await connection.close()

            // An untrusted self-signed certificate fails the handshake when verification is on.
            var strict = configuration(server, security: .startTLS(required: true))
            strict.tlsServerName = "localhost"
            let tls = await smtpError { _ = try await SMTPConnection.connect(configuration: strict) }
            #expect(tls?.code == .tlsFailed)

            let received = try server.received()
            try #require(received.count == 1)
            #expect(received[0].tls)
            #expect(received[0].auth_login == "alice")
            #expect(received[0].auth_mechanism == "LOGIN")
        }
    }

    @Test(arguments: [SMTPAuthMethod.plain, .login])
    func wrongPasswordIsAPermanentAuthenticationFailure(method: SMTPAuthMethod) async throws {
        let directory = try TestSMTPServer.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (cert, key) = try await TestSMTPServer.makeSelfSignedCertificate(in: directory)
        var options = TestSMTPServer.Options()
        options.cert = cert
        options.key = key
        options.user = "alice"
        options.password = "s3cret-pw"
        try await TestSMTPServer.with(options) { server in
            var config = configuration(server, security: .startTLS(required: true))
            config.tlsConfiguration.certificateVerification = .none
            let wrongPassword = "Wr0ng-Passw0rd!"
            config.credentials = .init(username: "alice", password: wrongPassword)
            config.authMethods = [method]
            let error = await smtpError { _ = try await SMTPConnection.connect(configuration: config) }
            #expect(error?.code == .authenticationFailed)
            #expect(error?.isPermanent == true)
            #expect(error?.reply?.code == 535)
            let text = "\(error.map { "\($0)" } ?? "") \(String(reflecting: error)) \(String(reflecting: config))"
            #expect(text.contains("535"))
            #expect(!text.contains(wrongPassword))
            #expect(!text.contains(Data(wrongPassword.utf8).base64EncodedString()))
            #expect(!text.contains(Data("\0alice\0\(wrongPassword)".utf8).base64EncodedString()))
        }
    }

    @Test func implicitTLS() async throws {
        let directory = try TestSMTPServer.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (cert, key) = try await TestSMTPServer.makeSelfSignedCertificate(in: directory)
        var options = TestSMTPServer.Options()
        options.cert = cert
        options.key = key
        options.implicitTLS = true
        try await TestSMTPServer.with(options) { server in
            var config = configuration(server, security: .tls)
            config.tlsConfiguration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(cert))
            config.tlsServerName = "localhost"
            let connection = try await SMTPConnection.connect(configuration: config)
            #expect(await connection.isEncrypted)
            _ = try await connection.send(from: "a@example.com", to: ["b@example.com"], data: bytes("Subject: implicit\r\n\r\nx\r\n"))
            await connection.close()
            let received = try server.received()
            #expect(received.count == 1)
            #expect(received.first?.tls == true)
        }
    }

    @Test func requiredStartTLSAndCredentialsInTheClearAreRefused() async throws {
        try await TestSMTPServer.with { server in
            let noTLS = await smtpError {
                _ = try await SMTPConnection.connect(configuration: configuration(server, security: .startTLS(required: true)))
            }
            #expect(noTLS?.code == .tlsFailed)

            // Optional STARTTLS against a server without it continues in the clear.
            let optional = try await SMTPConnection.connect(configuration: configuration(server, security: .startTLS(required: false)))
            #expect(await optional.isEncrypted == false)
            await optional.close()

            var config = configuration(server)
            config.credentials = .init(username: "alice", password: "pw-in-the-clear")
            let clear = await smtpError { _ = try await SMTPConnection.connect(configuration: config) }
            #expect(clear?.code == .authenticationFailed)
            #expect(clear?.message.contains("pw-in-the-clear") == false)
        }
    }

    @Test func refusedRecipientsAreTemporaryOrPermanentAndTheSessionIsReset() async throws {
        try await TestSMTPServer.with { server in
            let connection = try await SMTPConnection.connect(configuration: configuration(server))

            let temporary = await smtpError {
                _ = try await connection.send(from: "s@example.com", to: ["tempfail@example.com"], data: bytes("x\r\n"))
            }
            #expect(temporary?.code == .rejected)
            #expect(temporary?.isPermanent == false)
            #expect(temporary?.reply?.code == 450)
            #expect(temporary?.reply?.enhanced?.description == "4.2.1")
            #expect(temporary?.message.contains("Mailbox temporarily unavailable, try later") == true)
            #expect(temporary?.message.contains("tempfail@example.com") == true)

            let permanent = await smtpError {
                _ = try await connection.send(
                    from: "s@example.com", to: ["ok@example.com", "reject@example.com"], data: bytes("x\r\n"))
            }
            #expect(permanent?.code == .rejected)
            #expect(permanent?.isPermanent == true)
            #expect(permanent?.reply?.code == 550)
            #expect(permanent?.reply?.enhanced == SMTPEnhancedStatusCode(statusClass: 5, subject: 1, detail: 1))
            #expect(permanent?.message.contains("No such user here") == true)

            #expect(await connection.isUsable)
            _ = try await connection.send(from: "s@example.com", to: ["ok@example.com"], data: bytes("Subject: after\r\n\r\nx\r\n"))
            await connection.close()

            let received = try server.received()
            #expect(received.count == 1)
            #expect(received.first?.rcpt_tos == ["ok@example.com"])
        }
    }

    @Test func silentServerTimesOut() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let listener = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in channel.eventLoop.makeSucceededVoidFuture() }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(listener.localAddress?.port)
        var config = SMTPConfiguration(host: "127.0.0.1", port: port, security: .plain)
        config.timeouts = .init(connect: .seconds(2), command: .milliseconds(500), data: .seconds(1))
        let start = ContinuousClock.now
        let error = await smtpError { _ = try await SMTPConnection.connect(configuration: config) }
        let elapsed = ContinuousClock.now - start
        try await listener.close()
        #expect(error?.code == .timeout)
        #expect(error?.isPermanent == false)
        #expect(error?.message.contains("greeting") == true)
        #expect(elapsed >= .milliseconds(450))
        // Generous: the whole suite runs side by side with others on a small CI machine.
        #expect(elapsed < .seconds(15))
    }

    @Test func connectionRefusedIsATemporaryConnectionFailure() async throws {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(listener.localAddress?.port)
        try await listener.close()
        let error = await smtpError {
            _ = try await SMTPConnection.connect(configuration: SMTPConfiguration(host: "127.0.0.1", port: port, security: .plain))
        }
        #expect(error?.code == .connectionFailed)
        #expect(error?.isPermanent == false)
    }

    @Test func utf8MessageAndAddressesArriveIntact() async throws {
        try await TestSMTPServer.with { server in
            let connection = try await SMTPConnection.connect(configuration: configuration(server))
            #expect(await connection.extensions.supportsSMTPUTF8)
            let body = "Subject: Grüße\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße aus Köln — 日本語 ✓ 🎶\r\n.€ leading dot\r\n"
            _ = try await connection.send(from: "jürgen@exämple.de", to: ["用户@例子.中国"], data: bytes(body))
            _ = try await connection.send(from: "ascii@example.com", to: ["ascii@example.com"], data: bytes(body))
            await connection.close()

            let received = try server.received()
            try #require(received.count == 2)
            #expect(received[0].mail_from == "jürgen@exämple.de")
            #expect(received[0].rcpt_tos == ["用户@例子.中国"])
            #expect(received[0].mail_options.contains("SMTPUTF8"))
            #expect(received[0].mail_options.contains("BODY=8BITMIME"))
            #expect(received[0].bytes == bytes(body))
            #expect(received[1].mail_options.contains("BODY=8BITMIME"))
            #expect(!received[1].mail_options.contains("SMTPUTF8"))
            #expect(received[1].bytes == bytes(body))
        }
    }

    @Test func utf8AddressesNeedSMTPUTF8() async throws {
        var options = TestSMTPServer.Options()
        options.smtputf8 = false
        try await TestSMTPServer.with(options) { server in
            let connection = try await SMTPConnection.connect(configuration: configuration(server))
            #expect(await connection.extensions.supportsSMTPUTF8 == false)
            let error = await smtpError {
                _ = try await connection.send(from: "a@example.com", to: ["用户@例子.中国"], data: bytes("x\r\n"))
            }
            #expect(error?.code == .extensionNotSupported)
            #expect(error?.isPermanent == true)
            let injection = await smtpError {
                _ = try await connection.send(from: "a@example.com>\r\nRSET", to: ["b@example.com"], data: bytes("x\r\n"))
            }
            #expect(injection?.code == .invalidInput)
            _ = try await connection.send(from: "a@example.com", to: ["b@example.com"], data: bytes("Subject: ok\r\n\r\nüber\r\n"))
            await connection.close()
            #expect(try server.received().count == 1)
        }
    }
}
