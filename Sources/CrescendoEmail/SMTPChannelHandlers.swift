import NIOCore
import NIOSSL

/// Turns the byte stream from the server into complete `SMTPReply` values.
///
/// Accepts CRLF and (leniently) bare LF line endings. A line that does not start with three digits
/// followed by `-`, a space or the end of the line, a continuation line whose code differs, or an
/// over-long line is a protocol violation.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply

    static let maximumLineLength = 8192
    static let maximumLines = 1000

    private var pendingCode: Int?
    private var pendingLines: [String] = []

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maximumLineLength {
                throw SMTPError(.protocolViolation, "server sent a reply line longer than \(Self.maximumLineLength) bytes")
            }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        var line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: 1)  // the LF
        if line.readableBytesView.last == UInt8(ascii: "\r") {
            line.moveWriterIndex(to: line.writerIndex - 1)
        }
        if let reply = try self.consume(line: Array(line.readableBytesView)) {
            context.fireChannelRead(Self.wrapInboundOut(reply))
        }
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A partial reply at EOF is dropped; the client handler reports the closed connection.
        while try self.decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }

    /// Feeds one line (without its line ending); returns a reply when the line completes one.
    mutating func consume(line: [UInt8]) throws -> SMTPReply? {
        guard line.count >= 3, line.prefix(3).allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            line.count == 3 || line[3] == UInt8(ascii: " ") || line[3] == UInt8(ascii: "-")
        else {
            throw SMTPError(.protocolViolation, "server sent a malformed reply line: \(Self.printable(line))")
        }
        let code = Int(String(decoding: line.prefix(3), as: UTF8.self))!
        if let pendingCode, pendingCode != code {
            throw SMTPError(
                .protocolViolation, "server changed the reply code within a multi-line reply (\(pendingCode) then \(code))")
        }
        let isLast = line.count == 3 || line[3] == UInt8(ascii: " ")
        let text = line.count > 4 ? String(decoding: line[4...], as: UTF8.self) : ""
        self.pendingCode = code
        self.pendingLines.append(text)
        if !isLast {
            if self.pendingLines.count > Self.maximumLines {
                throw SMTPError(.protocolViolation, "server sent a reply with more than \(Self.maximumLines) lines")
            }
            return nil
        }
        defer {
            self.pendingCode = nil
            self.pendingLines = []
        }
        return Self.makeReply(code: code, lines: self.pendingLines)
    }

    /// Splits a leading enhanced status code (RFC 2034) off the text when its class matches the reply code.
    static func makeReply(code: Int, lines: [String]) -> SMTPReply {
        var enhanced: SMTPEnhancedStatusCode?
        var texts: [String] = []
        texts.reserveCapacity(lines.count)
        for line in lines {
            let firstWord = line.prefix { $0 != " " }
            if let status = SMTPEnhancedStatusCode(firstWord), status.statusClass == code / 100 {
                if enhanced == nil { enhanced = status }
                texts.append(String(line.dropFirst(firstWord.count).drop { $0 == " " }))
            } else {
                texts.append(line)
            }
        }
        return SMTPReply(code: code, enhanced: enhanced, lines: texts)
    }

    static func printable(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes.prefix(200), as: UTF8.self)
        return "\"" + text.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 ? String($0) : "?" }.joined() + "\""
    }
}

/// One write to the server plus the number of replies it expects, in order.
///
/// `bytes` may be nil to only wait for a reply (the greeting). All replies of one request share
/// one timeout; when it fires every outstanding reply fails with `.timeout` and the channel closes.
struct SMTPClientRequest: Sendable {
    var bytes: ByteBuffer?
    var replies: [EventLoopPromise<SMTPReply>]
    var timeout: TimeAmount
    /// For the timeout error, e.g. "waiting for the reply to MAIL FROM".
    var what: String
}

/// Matches replies to the promises of the requests that were written, in order (which is also how
/// PIPELINING works: replies come back in command order).
final class SMTPClientHandler: ChannelDuplexHandler {
    typealias InboundIn = SMTPReply
    typealias OutboundIn = SMTPClientRequest
    typealias OutboundOut = ByteBuffer

    private struct Waiter {
        var requestID: UInt64
        var promise: EventLoopPromise<SMTPReply>
    }

    private var waiters = CircularBuffer<Waiter>()
    private var unclaimed = CircularBuffer<SMTPReply>()
    private var timeouts: [UInt64: Scheduled<Void>] = [:]
    private var nextRequestID: UInt64 = 0
    private var terminalError: SMTPError?

    /// Replies that arrived without a command waiting for them (e.g. data injected after STARTTLS's 220).
    var unclaimedReplyCount: Int { unclaimed.count }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = Self.unwrapOutboundIn(data)
        if let error = self.terminalError {
            for reply in request.replies { reply.fail(error) }
            promise?.fail(error)
            return
        }
        let id = self.nextRequestID
        self.nextRequestID &+= 1
        if !request.replies.isEmpty {
            for reply in request.replies { self.waiters.append(Waiter(requestID: id, promise: reply)) }
            let what = request.what
            let timeout = request.timeout
            self.timeouts[id] = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
                self.timeoutFired(requestID: id, what: what, after: timeout, context: context)
            }
        }
        if let bytes = request.bytes {
            context.write(Self.wrapOutboundOut(bytes), promise: promise)
        } else {
            promise?.succeed(())
        }
        self.deliver()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.unclaimed.append(Self.unwrapInboundIn(data))
        self.deliver()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.failAll(Self.classify(error))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.failAll(SMTPError(.connectionClosed, "the server closed the connection"))
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.failAll(SMTPError(.connectionClosed, "the connection was torn down"))
    }

    private func deliver() {
        while !self.unclaimed.isEmpty, !self.waiters.isEmpty {
            let waiter = self.waiters.removeFirst()
            let reply = self.unclaimed.removeFirst()
            if self.waiters.first?.requestID != waiter.requestID {
                self.timeouts.removeValue(forKey: waiter.requestID)?.cancel()
            }
            waiter.promise.succeed(reply)
        }
    }

    private func timeoutFired(requestID: UInt64, what: String, after timeout: TimeAmount, context: ChannelHandlerContext) {
        guard self.timeouts.removeValue(forKey: requestID) != nil else { return }
        let seconds = Double(timeout.nanoseconds) / 1e9
        self.failAll(SMTPError(.timeout, "no reply from the server within \(seconds)s while \(what)"))
        context.close(promise: nil)
    }

    private func failAll(_ error: SMTPError) {
        if self.terminalError == nil { self.terminalError = error }
        let error = self.terminalError!
        for (_, scheduled) in self.timeouts { scheduled.cancel() }
        self.timeouts.removeAll()
        let waiters = self.waiters
        self.waiters.removeAll()
        for waiter in waiters { waiter.promise.fail(error) }
    }

    static func classify(_ error: any Error) -> SMTPError {
        switch error {
        case let error as SMTPError:
            return error
        case let error as NIOSSLError:
            return SMTPError(.tlsFailed, "TLS failed: \(error)")
        case let error as BoringSSLError:
            return SMTPError(.tlsFailed, "TLS failed: \(error)")
        case let error as NIOSSLExtraError:
            return SMTPError(.tlsFailed, "TLS failed: \(error)")
        case let error as ByteToMessageDecoderError:
            return SMTPError(.protocolViolation, "could not decode the server's reply: \(error)")
        default:
            return SMTPError(.connectionClosed, "connection error: \(error)")
        }
    }
}
