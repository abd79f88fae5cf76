/// A push provider that cannot be set up or cannot authenticate: a configuration to fix.
public struct PushError: Error, Sendable, CustomStringConvertible {
    public struct Code: RawRepresentable, Sendable, Hashable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        /// A key file or setting is missing or wrong.
        public static let configuration = Code(rawValue: "configuration")
        /// The service refused our credentials.
        public static let authentication = Code(rawValue: "authentication")
    }

    public var code: Code
    public var message: String
    public var cause: (any Error)?

    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { cause.map { "\(message): \($0)" } ?? message }
}
