/// The one error type of CrescendoEmail, so callers can branch on a stable `code`
/// while people read a `message` that names the offending value or path.
public struct EmailError: Error, Sendable, CustomStringConvertible {
    /// An open set of error kinds: a struct rather than an enum so new kinds can be
    /// added without breaking callers that switch over the existing ones.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// An address that cannot be put in a header or an SMTP envelope as given.
        public static let invalidAddress = Code("invalid-address")
        /// A header name or value that would corrupt the message (line breaks, bad characters).
        public static let invalidHeader = Code("invalid-header")
        /// A header the builder writes itself was also given as an extra header.
        public static let duplicateHeader = Code("duplicate-header")
        /// A message that lacks something it needs, such as any body at all.
        public static let invalidMessage = Code("invalid-message")
        /// A Message-ID that is not of the `<left@right>` form.
        public static let invalidMessageID = Code("invalid-message-id")
        /// A private key that cannot be read or used for DKIM.
        public static let invalidKey = Code("invalid-key")
        /// Signing failed inside the crypto library.
        public static let signingFailed = Code("signing-failed")
        /// A URL that cannot be used for one-click unsubscribe.
        public static let invalidURL = Code("invalid-url")
        /// A file or folder that cannot be read or written.
        public static let io = Code("io")
    }

    public let code: Code
    public let message: String
    public let cause: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        if let cause { return "\(message) (\(cause))" }
        return message
    }
}
