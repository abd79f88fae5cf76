/// The error every Crescendo module throws for failures a user or a script must act on.
///
/// Like `PSQLError` and Hummingbird's `HTTPError`, it is a struct with an extensible code rather than an
/// enum, so that modules can add codes without breaking callers that switch on them, and it keeps
/// the underlying cause for logs while `message` stays readable on a terminal.
public struct CrescendoError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is; scripts read it from `--json` output and exit codes map from it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The data model file is not valid (syntax, types, links, names).
        public static let invalidModel = Code("invalid_model")
        /// A configured limit was exceeded.
        public static let guardrail = Code("guardrail")
        /// A model change would lose data and was not confirmed.
        public static let destructiveChange = Code("destructive_change")
        /// The workspace has no model yet, or the named entity/field is not in it.
        public static let unknownName = Code("unknown_name")
        /// An input file could not be read at all.
        public static let unreadableInput = Code("unreadable_input")
        /// More rows were rejected than the error budget allows; the file was rolled back.
        public static let errorBudgetExceeded = Code("error_budget_exceeded")
        /// The store URL is not understood.
        public static let invalidStoreURL = Code("invalid_store_url")
        /// The store could not be reached or refused the operation.
        public static let storeFailure = Code("store_failure")
        /// A value or argument given on the command line is not valid.
        public static let invalidArgument = Code("invalid_argument")
        /// An output file could not be written.
        public static let unwritableOutput = Code("unwritable_output")
    }

    public var code: Code
    public var message: String
    public var cause: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        guard let cause else { return message }
        return "\(message) (\(cause))"
    }
}

/// Any error kept as its text, so that it can travel as a `CrescendoError` cause across tasks
/// (many library errors are not `Sendable`).
public struct ErrorDescription: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ error: any Error) { description = "\(error)" }
}
