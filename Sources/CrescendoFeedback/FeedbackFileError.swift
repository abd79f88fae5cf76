/// Raised by `FeedbackMessage.parseFile(path:)` when the file cannot be read.
///
/// Parsing itself never throws (bad content becomes `.other`); only I/O can
/// fail, and callers processing a maildir need the path to report or skip it.
public struct FeedbackFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An open set of error codes; add new ones with `static let`.
    public struct Code: RawRepresentable, Sendable, Hashable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// No file exists at the path.
        public static let notFound = Code(rawValue: "notFound")
        /// The file exists but could not be read (permissions, a directory...).
        public static let unreadable = Code(rawValue: "unreadable")
    }

    public var code: Code
    public var message: String
    public var path: String

    public init(code: Code, message: String, path: String) {
        self.code = code
        self.message = message
        self.path = path
    }

    public var description: String { "\(code.rawValue): \(message) (\(path))" }
}
