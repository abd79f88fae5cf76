/// A validated field value in its canonical form, the same whichever engine stores it.
///
/// Dates, enums, emails, phones and JSON are canonical text; a decimal keeps its exact text (engines
/// store it as NUMERIC where they have one); a timestamp is microseconds since the Unix epoch in UTC.
public enum Value: Sendable, Hashable {
    case null
    case text(String)
    case integer(Int64)
    case decimal(String)
    case boolean(Bool)
    case timestamp(Int64)

    public var isNull: Bool { if case .null = self { true } else { false } }

    /// The value as a person reads it (timestamps in ISO 8601 UTC), and as keys are compared.
    public var text: String? {
        switch self {
        case .null: nil
        case .text(let text), .decimal(let text): text
        case .integer(let number): String(number)
        case .boolean(let flag): flag ? "true" : "false"
        case .timestamp(let micros): CivilTime.iso8601(micros: micros)
        }
    }
}

extension Value: CustomStringConvertible {
    public var description: String { text ?? "null" }
}

/// Stored in execution records (an incremental query's mark), tagged by case.
extension Value: Codable {}
