/// A template that cannot be compiled. Positions are 1-based; columns count characters.
///
/// `description` reads like `template subject, line 1 column 7: unclosed tag {{first_name`.
public struct TemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Extensible error code.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// `{{` without a matching closing delimiter.
        public static let unclosedTag = Code(rawValue: "unclosed_tag")
        /// `{{#x}}` / `{{^x}}` never closed.
        public static let unclosedSection = Code(rawValue: "unclosed_section")
        /// `{{/x}}` closing a different section than the one open.
        public static let mismatchedSectionClose = Code(rawValue: "mismatched_section_close")
        /// `{{/x}}` with no open section.
        public static let unexpectedSectionClose = Code(rawValue: "unexpected_section_close")
        /// Tag content is not a valid name / helper call, e.g. `{{first name}}`.
        public static let invalidName = Code(rawValue: "invalid_name")
        /// `{{helper(x)}}` with a helper that does not exist.
        public static let unknownHelper = Code(rawValue: "unknown_helper")
        /// Partials, blocks, parents and pragmas are not available in message templates.
        public static let unsupportedTag = Code(rawValue: "unsupported_tag")
        /// Malformed `{{=<% %>=}}`.
        public static let invalidDelimiter = Code(rawValue: "invalid_delimiter")
        /// Any other error reported by the Mustache engine.
        public static let syntax = Code(rawValue: "syntax")
    }

    public let code: Code
    public let message: String
    public let templateName: String
    public let line: Int
    public let column: Int

    public init(code: Code, message: String, templateName: String, line: Int, column: Int) {
        self.code = code
        self.message = message
        self.templateName = templateName
        self.line = line
        self.column = column
    }

    public var description: String {
        "template \(templateName), line \(line) column \(column): \(message)"
    }
}
