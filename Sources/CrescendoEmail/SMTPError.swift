/// An error from the SMTP client.
///
/// `message` is meant for humans and logs: it names what was being done and, when the server
/// answered, includes its reply text. Credentials never appear in it.
public struct SMTPError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. Extensible: compare with the static members.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// TCP connect failed or was refused.
        public static let connectionFailed = Code("connectionFailed")
        /// The connection closed while a reply was awaited.
        public static let connectionClosed = Code("connectionClosed")
        /// No reply (or no connection) within the configured timeout.
        public static let timeout = Code("timeout")
        /// TLS handshake failed, or STARTTLS was required but not offered.
        public static let tlsFailed = Code("tlsFailed")
        /// AUTH was refused or no usable mechanism was offered.
        public static let authenticationFailed = Code("authenticationFailed")
        /// The server answered a command with a 4xx/5xx reply (greeting, MAIL, RCPT, DATA, …).
        public static let rejected = Code("rejected")
        /// The server sent something that is not valid SMTP, or replied out of sequence.
        public static let protocolViolation = Code("protocolViolation")
        /// The message needs an extension (8BITMIME, SMTPUTF8) the server did not announce.
        public static let extensionNotSupported = Code("extensionNotSupported")
        /// The message is larger than the server's announced SIZE.
        public static let messageTooLarge = Code("messageTooLarge")
        /// An address or argument cannot be sent safely (CR/LF, angle brackets, empty recipient list).
        public static let invalidInput = Code("invalidInput")
        /// The connection is in use by another send, or already closed.
        public static let connectionUnavailable = Code("connectionUnavailable")
        /// The pool was closed.
        public static let poolClosed = Code("poolClosed")
    }

    public var code: Code
    public var message: String
    /// The server's reply that caused the error, when there was one.
    public var reply: SMTPReply?
    /// `true` when retrying the same message later will fail again (5xx replies, bad input,
    /// missing extensions); `false` for 4xx replies, timeouts and connection/TLS failures.
    public var isPermanent: Bool

    public init(_ code: Code, _ message: String, reply: SMTPReply? = nil, isPermanent: Bool? = nil) {
        self.code = code
        self.reply = reply
        if let reply {
            self.message = "\(message): \(reply)"
        } else {
            self.message = message
        }
        if let isPermanent {
            self.isPermanent = isPermanent
        } else if let reply {
            self.isPermanent = reply.isPermanentFailure
        } else {
            self.isPermanent = Self.permanentWithoutReply.contains(code)
        }
    }

    private static let permanentWithoutReply: Set<Code> = [
        .authenticationFailed, .extensionNotSupported, .messageTooLarge, .invalidInput,
    ]

    public var description: String { "SMTPError.\(code): \(message)" }

    /// Whether this error leaves the connection unusable.
    var breaksConnection: Bool {
        [.connectionFailed, .connectionClosed, .timeout, .tlsFailed, .protocolViolation].contains(code)
    }
}
