/// Where a piece of rule text starts, for error messages (1-based, in characters).
public struct SourcePosition: Sendable, Hashable, Codable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static let unknown = SourcePosition(line: 0, column: 0)
    public var description: String { "line \(line), column \(column)" }
}

/// A rule as written, before it is checked against the data model: the parser's output and the
/// tree the JSON form (API, visual builder) decodes to.
///
/// Positions are kept so that the checker can point at the text; two trees that differ only in
/// positions compare equal, so a rule read back from JSON equals the one parsed from text.
public indirect enum RuleExpression: Sendable {
    // Values
    case literal(RuleLiteral, SourcePosition)
    /// A field of the current row, or of a row reached along to-one links: `hotel.region.name`.
    case path([String], SourcePosition)
    /// A campaign variable, `$name`, bound when the rule runs.
    case variable(String, SourcePosition)
    /// `today()`, `now()`, `daysAgo(30)`, `today('Europe/Lisbon')`.
    case call(String, [RuleExpression], SourcePosition)
    /// `7 days`: only meaningful added to or taken from a date or a timestamp.
    case interval(RuleExpression, IntervalUnit, SourcePosition)
    case arithmetic(ArithmeticOperator, RuleExpression, RuleExpression, SourcePosition)
    /// `count(reservations where status = 'completed')`, `sum(loyalty.points where …)`,
    /// `count(distinct reservations.hotel_id)`; the path ends at a to-many link, or at a field of the
    /// rows it reaches.
    case aggregate(AggregateFunction, [String], filter: RuleExpression?, SourcePosition)

    // Conditions
    case compare(ComparisonOperator, RuleExpression, RuleExpression, ignoreCase: Bool, SourcePosition)
    case between(RuleExpression, RuleExpression, RuleExpression, negated: Bool, SourcePosition)
    case inList(RuleExpression, [RuleExpression], negated: Bool, ignoreCase: Bool, SourcePosition)
    case isNull(RuleExpression, negated: Bool, SourcePosition)
    case match(TextMatch, RuleExpression, RuleExpression, negated: Bool, ignoreCase: Bool, SourcePosition)
    case and([RuleExpression])
    case or([RuleExpression])
    case not(RuleExpression, SourcePosition)
    /// `exists reservations(status = 'booked')`: a row of a to-many link (reached along optional
    /// to-one links first) that meets the filter.
    case exists([String], filter: RuleExpression?, SourcePosition)
    /// `in audience 'gold-lisbon'`, or `customer in audience 'vip'` for a linked row.
    case inAudience([String], String, SourcePosition)

    /// Where the expression starts in the text.
    public var position: SourcePosition {
        switch self {
        case .literal(_, let p), .path(_, let p), .variable(_, let p), .call(_, _, let p), .interval(_, _, let p),
            .arithmetic(_, _, _, let p), .aggregate(_, _, _, let p), .compare(_, _, _, _, let p),
            .between(_, _, _, _, let p), .inList(_, _, _, _, let p), .isNull(_, _, let p),
            .match(_, _, _, _, _, let p), .not(_, let p), .exists(_, _, let p), .inAudience(_, _, let p):
            p
        case .and(let parts), .or(let parts):
            parts.first?.position ?? .unknown
        }
    }
}

public enum RuleLiteral: Sendable, Hashable {
    case string(String)
    case integer(Int64)
    /// Exact decimal text, never a binary float.
    case decimal(String)
    case boolean(Bool)
    case null
}

public enum ComparisonOperator: String, Sendable, Hashable, CaseIterable {
    case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="

    public var isOrdering: Bool { self != .equal && self != .notEqual }
}

public enum ArithmeticOperator: String, Sendable, Hashable, CaseIterable {
    case add = "+", subtract = "-", multiply = "*", divide = "/"
}

public enum TextMatch: String, Sendable, Hashable, CaseIterable {
    /// SQL `LIKE` patterns: `%` any run of characters, `_` one character.
    case like
    case startsWith = "starts with"
    case contains
}

public enum AggregateFunction: String, Sendable, Hashable, CaseIterable {
    case count, sum, avg, min, max
    case countDistinct = "count distinct"
}

public enum IntervalUnit: String, Sendable, Hashable, CaseIterable {
    case minutes, hours, days, weeks, months, years

    /// Accepts singular and plural spellings (`1 day`, `7 days`).
    public init?(word: String) {
        let lower = word.lowercased()
        if let unit = IntervalUnit(rawValue: lower) { self = unit; return }
        if let unit = IntervalUnit(rawValue: lower + "s") { self = unit; return }
        return nil
    }
}

// Trees compare without their positions: the same rule from text and from JSON is equal.
extension RuleExpression: Equatable {
    public static func == (lhs: RuleExpression, rhs: RuleExpression) -> Bool {
        switch (lhs, rhs) {
        case let (.literal(a, _), .literal(b, _)): a == b
        case let (.path(a, _), .path(b, _)): a == b
        case let (.variable(a, _), .variable(b, _)): a == b
        case let (.call(a, x, _), .call(b, y, _)): a == b && x == y
        case let (.interval(a, u, _), .interval(b, v, _)): a == b && u == v
        case let (.arithmetic(o, a, b, _), .arithmetic(p, c, d, _)): o == p && a == c && b == d
        case let (.aggregate(f, a, x, _), .aggregate(g, b, y, _)): f == g && a == b && x == y
        case let (.compare(o, a, b, i, _), .compare(p, c, d, j, _)): o == p && a == c && b == d && i == j
        case let (.between(a, b, c, n, _), .between(d, e, f, m, _)): a == d && b == e && c == f && n == m
        case let (.inList(a, l, n, i, _), .inList(b, m, o, j, _)): a == b && l == m && n == o && i == j
        case let (.isNull(a, n, _), .isNull(b, m, _)): a == b && n == m
        case let (.match(k, a, b, n, i, _), .match(l, c, d, m, j, _)): k == l && a == c && b == d && n == m && i == j
        case let (.and(a), .and(b)), let (.or(a), .or(b)): a == b
        case let (.not(a, _), .not(b, _)): a == b
        case let (.exists(a, x, _), .exists(b, y, _)): a == b && x == y
        case let (.inAudience(a, x, _), .inAudience(b, y, _)): a == b && x == y
        default: false
        }
    }
}
