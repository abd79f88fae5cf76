/// Why an input could not be read at all.
///
/// Thrown only for failures that concern the input as a whole (it cannot be opened, its
/// compression is corrupt, its header is unusable), so the caller can abandon the whole batch
/// and change nothing. Problems confined to one row are reported as ``ReadItem/malformed(line:reason:)``
/// instead, so that one bad row does not cost the rest of the file.
public struct InputError: Error, CustomStringConvertible {
    /// A stable, machine-readable category; an open set so new causes need no breaking change.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The stable name, suitable for logs and exit-status mapping.
        public let rawValue: String
        /// Defines a new code; other modules may add their own alongside the built-in ones.
        public init(_ rawValue: String) { self.rawValue = rawValue }
        /// The raw name, so codes read naturally in messages.
        public var description: String { rawValue }

        /// The input could not be opened or read (missing, a directory, permission, I/O error).
        public static let unreadable = Code("unreadable")
        /// A gzip stream is truncated, corrupt, or followed by garbage.
        public static let corruptCompression = Code("corruptCompression")
        /// A CSV input has no header row (it is empty or only blank lines).
        public static let missingHeader = Code("missingHeader")
        /// A CSV header row could not be parsed (for example an unterminated quote).
        public static let malformedHeader = Code("malformedHeader")
        /// Two CSV header columns have the same (trimmed) name.
        public static let duplicateColumn = Code("duplicateColumn")
        /// A CSV header column name is empty after trimming.
        public static let emptyColumn = Code("emptyColumn")
        /// The CSV delimiter is not a usable single ASCII byte.
        public static let invalidDelimiter = Code("invalidDelimiter")
        /// The input format could not be inferred from the path.
        public static let unknownFormat = Code("unknownFormat")
    }

    /// What went wrong, for callers that react differently to, say, a bad path and a corrupt file.
    public var code: Code
    /// Human-readable text naming the input and the reason, fit to show an operator as is.
    public var message: String
    /// The lower-level error this one wraps, kept for diagnostics.
    public var cause: (any Error)?

    /// - Parameters:
    ///   - code: the category.
    ///   - message: text that names the input and the reason.
    ///   - cause: the underlying error, if any, kept for diagnostics.
    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// The message, followed by the underlying cause when there is one, so logs keep both.
    public var description: String {
        if let cause { return "\(message) (\(cause))" }
        return message
    }
}
