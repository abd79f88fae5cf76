import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// One SMTP client session (RFC 5321) over SwiftNIO, with STARTTLS (RFC 3207) or implicit TLS,
/// AUTH PLAIN/LOGIN (RFC 4954), PIPELINING (RFC 2920), SIZE (RFC 1870), 8BITMIME (RFC 6152),
/// SMTPUTF8 (RFC 6531) and enhanced status codes (RFC 2034/3463).
///
/// Written directly on SwiftNIO and NIOSSL because no Swift SMTP library is available to this
/// project (none is mirrored on its build machines).
///
/// `connect` reads the greeting, sends EHLO (HELO when EHLO gets a 5xx), upgrades with STARTTLS and
/// repeats EHLO as configured, then authenticates. `send` runs one mail transaction and can be called
/// again for further messages on the same session; after a refused transaction the session is reset
/// with RSET. One message at a time per connection: a second concurrent `send` fails with
/// `.connectionUnavailable` (use `SMTPConnectionPool` for concurrency). Every reply is awaited with a
/// timeout; a timeout, a TLS failure, a protocol violation or a closed connection leaves the
/// connection unusable (`isUsable == false`). Call `close()` to QUIT.
public actor SMTPConnection {
    public nonisolated let configuration: SMTPConfiguration
    private let channel: any Channel
    private let logger: Logger
    private var state: State = .ready

    /// The server's 220 greeting.
    public private(set) var greeting: SMTPReply?
    /// Extensions from the latest EHLO (empty after a HELO fallback).
    public private(set) var extensions = SMTPExtensions()
    /// Whether the session runs over TLS (implicit or after STARTTLS).
    public private(set) var isEncrypted: Bool
    /// The mechanism used to log in, when credentials were configured.
    public private(set) var authenticatedMethod: SMTPAuthMethod?
    /// Messages the server accepted on this connection.
    public private(set) var messagesSent = 0

    private enum State { case ready, busy, closed }

    /// Open, idle and not broken by an earlier error.
    public var isUsable: Bool { state == .ready && channel.isActive }

    private init(configuration: SMTPConfiguration, channel: any Channel, logger: Logger, isEncrypted: Bool) {
        self.configuration = configuration
        self.channel = channel
        self.logger = logger
        self.isEncrypted = isEncrypted
    }

    deinit {
        if state != .closed { channel.close(promise: nil) }
    }

    /// Connects, reads the greeting, says EHLO, applies STARTTLS and AUTH as configured.
    public static func connect(
        configuration: SMTPConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "crescendo.smtp")
    ) async throws -> SMTPConnection {
        var logger = logger
        logger[metadataKey: "smtp.server"] = "\(configuration.host):\(configuration.port)"
        guard Self.isSafeArgument(configuration.heloName), !configuration.heloName.isEmpty,
            !configuration.heloName.contains(" ")
        else {
            throw SMTPError(.invalidInput, "the HELO name must be a non-empty word without spaces or line breaks")
        }

        var sslContext: NIOSSLContext?
        if configuration.security != .plain {
            do {
                sslContext = try NIOSSLContext(configuration: configuration.tlsConfiguration)
            } catch {
                throw SMTPError(.tlsFailed, "invalid TLS configuration: \(error)", isPermanent: true)
            }
        }
        let implicitTLSContext = configuration.security == .tls ? sslContext : nil
        let serverName = configuration.effectiveTLSServerName

        let bootstrap = ClientBootstrap(group: eventLoopGroup)
            .connectTimeout(TimeAmount(configuration.timeouts.connect))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let implicitTLSContext {
                        try sync.addHandler(NIOSSLClientHandler(context: implicitTLSContext, serverHostname: serverName))
                    }
                    try sync.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                    try sync.addHandler(SMTPClientHandler())
                }
            }

        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch ChannelError.connectTimeout {
            throw SMTPError(
                .timeout, "could not connect to \(configuration.host):\(configuration.port) within \(configuration.timeouts.connect)")
        } catch {
            throw SMTPError(.connectionFailed, "could not connect to \(configuration.host):\(configuration.port): \(error)")
        }

        let connection = SMTPConnection(
            configuration: configuration, channel: channel, logger: logger, isEncrypted: implicitTLSContext != nil)
        do {
            try await connection.handshake(sslContext: sslContext)
        } catch {
            await connection.abort()
            throw SMTPHandlerError.classify(error)
        }
        return connection
    }

    // MARK: - Sending

    /// Sends one message: MAIL FROM, RCPT TO for every recipient, DATA, the dot-stuffed body.
    ///
    /// `data` is the complete message (headers and body); line endings are normalized to CRLF.
    /// Adds `SIZE=` when the server announces SIZE, `BODY=8BITMIME` when `data` has 8-bit bytes and
    /// `SMTPUTF8` when an address is not ASCII; throws `.extensionNotSupported` when such a message
    /// needs an extension the server lacks, and `.messageTooLarge` over the announced SIZE.
    ///
    /// All or nothing: if any recipient is refused the transaction is abandoned and `.rejected` is
    /// thrown with that reply (temporary for 4xx, permanent for 5xx). With PIPELINING, when some but
    /// not all recipients were refused and the server has already answered DATA with 354, the only way
    /// to abandon the transaction is to drop the connection, so the connection is closed.
    /// - Returns: the server's reply to the final `.` (usually `250 … queued as …`).
    public func send(from: String, to recipients: [String], data: [UInt8]) async throws -> SMTPReply {
        switch state {
        case .busy:
            throw SMTPError(
                .connectionUnavailable,
                "this connection is already sending a message; use one connection per task or an SMTPConnectionPool")
        case .closed:
            throw SMTPError(.connectionUnavailable, "this connection is closed")
        case .ready:
            guard channel.isActive else {
                state = .closed
                throw SMTPError(.connectionClosed, "the server closed the connection")
            }
        }

        guard !recipients.isEmpty else { throw SMTPError(.invalidInput, "a message needs at least one recipient") }
        for address in [from] + recipients where !Self.isSafeAddress(address) {
            throw SMTPError(.invalidInput, "address \(Self.quoted(address)) contains characters that cannot be sent in SMTP")
        }
        if recipients.contains(where: \.isEmpty) { throw SMTPError(.invalidInput, "a recipient address is empty") }

        let needsUTF8 = ([from] + recipients).contains { !$0.utf8.allSatisfy { $0 < 0x80 } }
        let needs8Bit = SMTPDataEncoding.hasEightBitBytes(data)
        if needsUTF8 && !extensions.supportsSMTPUTF8 {
            throw SMTPError(
                .extensionNotSupported, "the addresses are not ASCII but the server does not announce SMTPUTF8")
        }
        if needs8Bit && !extensions.supports8BitMIME && !(needsUTF8 && extensions.supportsSMTPUTF8) {
            throw SMTPError(
                .extensionNotSupported,
                "the message has 8-bit bytes but the server does not announce 8BITMIME; encode it as 7-bit (quoted-printable or base64)")
        }

        let payload = SMTPDataEncoding.encode(data)
        let size = payload.readableBytes - 3  // without the terminating ".\r\n"
        if let limit = extensions.maximumMessageSize, size > limit {
            throw SMTPError(.messageTooLarge, "the message is \(size) bytes; the server accepts at most \(limit)")
        }

        var mail = "MAIL FROM:<\(from)>"
        if extensions.maximumMessageSize != nil || extensions.contains("SIZE") { mail += " SIZE=\(size)" }
        if needs8Bit && extensions.supports8BitMIME { mail += " BODY=8BITMIME" }
        if needsUTF8 { mail += " SMTPUTF8" }

        state = .busy
        do {
            let reply = try await transaction(mail: mail, from: from, recipients: recipients, payload: payload)
            state = .ready
            messagesSent += 1
            logger.debug("message accepted", metadata: ["smtp.reply": "\(reply)", "smtp.recipients": "\(recipients.count)"])
            return reply
        } catch {
            let error = SMTPHandlerError.classify(error)
            if error.breaksConnection || state == .closed || !channel.isActive {
                await abort()
            } else {
                state = .ready
                await reset()
            }
            logger.debug("message not sent", metadata: ["smtp.error": "\(error.message)"])
            throw error
        }
    }

    private func transaction(mail: String, from: String, recipients: [String], payload: ByteBuffer) async throws -> SMTPReply {
        let timeout = configuration.timeouts.command
        if extensions.supportsPipelining {
            var buffer = ByteBuffer()
            buffer.writeString(mail + "\r\n")
            for recipient in recipients { buffer.writeString("RCPT TO:<\(recipient)>\r\n") }
            buffer.writeString("DATA\r\n")
            logger.trace("sending pipelined MAIL/RCPT/DATA", metadata: ["smtp.commands": "\(recipients.count + 2)"])
            let replies = try await exchange(
                buffer, replies: recipients.count + 2, timeout: timeout, what: "waiting for the replies to MAIL FROM, RCPT TO and DATA")
            var failure: SMTPError?
            if !replies[0].isPositiveCompletion {
                failure = SMTPError(.rejected, "server refused MAIL FROM:<\(from)>", reply: replies[0])
            }
            var accepted = 0
            for (recipient, reply) in zip(recipients, replies[1...recipients.count]) {
                if reply.isPositiveCompletion {
                    accepted += 1
                } else if failure == nil {
                    failure = SMTPError(.rejected, "server refused RCPT TO:<\(recipient)>", reply: reply)
                }
            }
            let dataReply = replies[recipients.count + 1]
            guard dataReply.code == 354 else {
                throw failure ?? SMTPError(.rejected, "server refused DATA", reply: dataReply)
            }
            guard let failure else { return try await finishData(payload) }
            if accepted == 0 {
                // Nothing can be delivered: end the (empty) data phase with a lone dot.
                _ = try await exchange(
                    ByteBuffer(string: ".\r\n"), replies: 1, timeout: timeout, what: "ending an abandoned DATA")
            } else {
                // Some recipients accepted and DATA already started: dropping the connection is the only
                // way to abandon the transaction without delivering anything.
                await abort()
            }
            throw failure
        }

        let mailReply = try await command(mail, what: "waiting for the reply to MAIL FROM")
        guard mailReply.isPositiveCompletion else {
            throw SMTPError(.rejected, "server refused MAIL FROM:<\(from)>", reply: mailReply)
        }
        for recipient in recipients {
            let reply = try await command("RCPT TO:<\(recipient)>", what: "waiting for the reply to RCPT TO")
            guard reply.isPositiveCompletion else {
                throw SMTPError(.rejected, "server refused RCPT TO:<\(recipient)>", reply: reply)
            }
        }
        let dataReply = try await command("DATA", what: "waiting for the reply to DATA")
        guard dataReply.code == 354 else { throw SMTPError(.rejected, "server refused DATA", reply: dataReply) }
        return try await finishData(payload)
    }

    private func finishData(_ payload: ByteBuffer) async throws -> SMTPReply {
        logger.trace("sending message data", metadata: ["smtp.bytes": "\(payload.readableBytes)"])
        let reply = try await exchange(
            payload, replies: 1, timeout: configuration.timeouts.data, what: "waiting for the reply to the end of the message data"
        )[0]
        guard reply.isPositiveCompletion else { throw SMTPError(.rejected, "server refused the message", reply: reply) }
        return reply
    }

    /// RSET after a refused transaction; a failed RSET leaves the connection unusable.
    private func reset() async {
        do {
            let reply = try await command("RSET", what: "waiting for the reply to RSET")
            if !reply.isPositiveCompletion {
                logger.debug("RSET refused; dropping the connection", metadata: ["smtp.reply": "\(reply)"])
                await abort()
            }
        } catch {
            await abort()
        }
    }

    // MARK: - Closing

    /// Sends QUIT (when the session is idle and healthy) and closes the connection. Idempotent.
    public func close() async {
        guard state != .closed else { return }
        let wasReady = state == .ready && channel.isActive
        state = .closed
        if wasReady {
            _ = try? await command("QUIT", what: "waiting for the reply to QUIT")
        }
        try? await channel.close()
    }

    /// Closes without QUIT.
    private func abort() async {
        state = .closed
        try? await channel.close()
    }

    // MARK: - Session setup

    private func handshake(sslContext: NIOSSLContext?) async throws {
        let greeting = try await exchange(nil, replies: 1, timeout: configuration.timeouts.command, what: "waiting for the greeting")[0]
        self.greeting = greeting
        guard greeting.code == 220 else { throw SMTPError(.rejected, "server refused the session", reply: greeting) }
        try await hello()

        if case .startTLS(let required) = configuration.security {
            if extensions.supportsStartTLS, let sslContext {
                let reply = try await command("STARTTLS", what: "waiting for the reply to STARTTLS")
                guard reply.code == 220 else { throw SMTPError(.tlsFailed, "server refused STARTTLS", reply: reply) }
                try await upgradeToTLS(sslContext)
                isEncrypted = true
                extensions = SMTPExtensions()
                do {
                    try await hello()  // RFC 3207: forget everything learned before TLS
                } catch let error as SMTPError where error.code == .connectionClosed {
                    // The first exchange after STARTTLS is the handshake: a connection that closes
                    // there (the peer dropped it after our alert, before the error reached us) is a
                    // TLS failure, whichever event arrived first.
                    throw SMTPError(.tlsFailed, "the TLS handshake did not complete: \(error.message)")
                }
            } else if required {
                throw SMTPError(.tlsFailed, "server does not offer STARTTLS, which the configuration requires")
            } else {
                logger.warning("server does not offer STARTTLS; continuing without encryption")
            }
        }

        if let credentials = configuration.credentials {
            try await authenticate(credentials)
        }
    }

    private func hello() async throws {
        let name = configuration.heloName
        let ehlo = try await command("EHLO \(name)", what: "waiting for the reply to EHLO")
        if ehlo.isPositiveCompletion {
            extensions = SMTPExtensions(ehloReply: ehlo)
            return
        }
        guard ehlo.isPermanentFailure else { throw SMTPError(.rejected, "server refused EHLO", reply: ehlo) }
        let helo = try await command("HELO \(name)", what: "waiting for the reply to HELO")
        guard helo.isPositiveCompletion else { throw SMTPError(.rejected, "server refused HELO", reply: helo) }
        extensions = SMTPExtensions()
    }

    private func upgradeToTLS(_ sslContext: NIOSSLContext) async throws {
        let serverName = configuration.effectiveTLSServerName
        let channel = self.channel
        try await channel.eventLoop.submit {
            let sync = channel.pipeline.syncOperations
            let handler = try sync.handler(type: SMTPClientHandler.self)
            guard handler.unclaimedReplyCount == 0 else {
                throw SMTPError(.protocolViolation, "server sent data after its reply to STARTTLS")
            }
            try sync.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: serverName), position: .first)
        }.get()
    }

    private func authenticate(_ credentials: SMTPConfiguration.Credentials) async throws {
        guard isEncrypted || configuration.allowsInsecureAuthentication else {
            throw SMTPError(
                .authenticationFailed,
                "refusing to send credentials over an unencrypted connection (use STARTTLS or TLS, or set allowsInsecureAuthentication)"
            )
        }
        let offered = extensions.authMechanisms
        guard let method = configuration.authMethods.first(where: { offered.contains($0.rawValue) }) else {
            let configured = configuration.authMethods.map(\.rawValue).joined(separator: " ")
            throw SMTPError(
                .authenticationFailed,
                "server offers no usable AUTH mechanism (offered: \(offered.isEmpty ? "none" : offered.joined(separator: " ")); configured: \(configured))"
            )
        }
        let what = "authentication as \(Self.quoted(credentials.username)) with \(method.rawValue)"
        switch method {
        case .plain:
            let token = Self.base64(Array("\0\(credentials.username)\0\(credentials.password)".utf8))
            let reply = try await command("AUTH PLAIN \(token)", logAs: "AUTH PLAIN <redacted>", what: "waiting for the reply to AUTH")
            guard reply.code == 235 else { throw SMTPError(.authenticationFailed, "\(what) failed", reply: reply) }
        case .login:
            var reply = try await command("AUTH LOGIN", what: "waiting for the reply to AUTH")
            guard reply.code == 334 else { throw SMTPError(.authenticationFailed, "\(what) failed", reply: reply) }
            reply = try await command(
                Self.base64(Array(credentials.username.utf8)), logAs: "<username>", what: "waiting for the reply to the AUTH username")
            guard reply.code == 334 else { throw SMTPError(.authenticationFailed, "\(what) failed", reply: reply) }
            reply = try await command(
                Self.base64(Array(credentials.password.utf8)), logAs: "<redacted>", what: "waiting for the reply to the AUTH password")
            guard reply.code == 235 else { throw SMTPError(.authenticationFailed, "\(what) failed", reply: reply) }
        }
        authenticatedMethod = method
        logger.debug("authenticated", metadata: ["smtp.auth": "\(method.rawValue)"])
    }

    // MARK: - Wire

    private func command(_ line: String, logAs: String? = nil, what: String) async throws -> SMTPReply {
        logger.trace("C: \(logAs ?? line)")
        let reply = try await exchange(
            ByteBuffer(string: line + "\r\n"), replies: 1, timeout: configuration.timeouts.command, what: what)[0]
        logger.trace("S: \(reply)")
        return reply
    }

    /// Writes `bytes` (if any) and awaits `count` replies in order, each failing on timeout or when the
    /// connection breaks.
    private func exchange(_ bytes: ByteBuffer?, replies count: Int, timeout: Duration, what: String) async throws -> [SMTPReply] {
        let loop = channel.eventLoop
        let promises = (0..<count).map { _ in loop.makePromise(of: SMTPReply.self) }
        let request = SMTPClientRequest(bytes: bytes, replies: promises, timeout: TimeAmount(timeout), what: what)
        channel.writeAndFlush(request).whenFailure { error in
            // E.g. the channel was already closed and the request never reached the handler.
            let error = SMTPHandlerError.classify(error)
            for promise in promises { promise.fail(error) }
        }
        var replies: [SMTPReply] = []
        replies.reserveCapacity(count)
        do {
            for promise in promises { replies.append(try await promise.futureResult.get()) }
        } catch {
            throw SMTPHandlerError.classify(error)
        }
        return replies
    }

    // MARK: - Helpers

    static func isSafeArgument(_ text: String) -> Bool {
        !text.unicodeScalars.contains { $0 == "\r" || $0 == "\n" || $0 == "\0" }
    }

    static func isSafeAddress(_ address: String) -> Bool {
        isSafeArgument(address) && !address.unicodeScalars.contains { $0 == "<" || $0 == ">" || $0 == " " || $0 == "\t" }
    }

    static func quoted(_ text: String) -> String {
        "\"" + text.unicodeScalars.map { $0.value < 0x20 || $0 == "\u{7F}" ? "?" : String($0) }.joined() + "\""
    }

    static func base64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }
}

/// Maps any error surfacing from the channel to an `SMTPError`.
enum SMTPHandlerError {
    static func classify(_ error: any Error) -> SMTPError {
        SMTPClientHandler.classify(error)
    }
}
