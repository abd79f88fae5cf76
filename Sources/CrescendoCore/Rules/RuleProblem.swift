/// What is wrong with a rule, and where: the parser and the checker report every problem this way so
/// that a console can underline the text and a terminal can print `line 1, column 12: …`.
public struct RuleProblem: Sendable, Hashable, CustomStringConvertible {
    public var position: SourcePosition
    public var message: String

    public init(_ position: SourcePosition, _ message: String) {
        self.position = position
        self.message = message
    }

    public var description: String {
        position == .unknown ? message : "\(position): \(message)"
    }
}

extension CrescendoError.Code {
    /// A rule does not parse, or does not fit the data model.
    public static let invalidRule = CrescendoError.Code("invalid_rule")
}

extension CrescendoError {
    /// One error for all of a rule's problems, each on its own line with its position.
    public static func invalidRule(_ problems: [RuleProblem]) -> CrescendoError {
        let lines = problems.map(\.description)
        let message = lines.count == 1 ? "invalid rule: \(lines[0])" : "invalid rule:\n  " + lines.joined(separator: "\n  ")
        return CrescendoError(.invalidRule, message)
    }
}
