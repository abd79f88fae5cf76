/// A statement with its values kept apart from its text: every value a user gave travels as a bound
/// parameter, and `columns` says how to read each result column back.
public struct SQLQuery: Sendable, Hashable {
    public var text: String
    public var binds: [SQLBind]
    public var columns: [ValueKind]

    public init(text: String, binds: [SQLBind] = [], columns: [ValueKind] = []) {
        self.text = text
        self.binds = binds
        self.columns = columns
    }
}

public struct SQLBind: Sendable, Hashable {
    public var value: Value
    public var kind: ValueKind

    public init(_ value: Value, _ kind: ValueKind) {
        self.value = value
        self.kind = kind
    }
}

/// Builds SQL text whose placeholders are numbered only at the end, so that fragments (joins found
/// while compiling a condition, subqueries) can be assembled in any order and PostgreSQL's `$n`
/// still count up in text order.
struct SQLText {
    private static let open: Character = "\u{E000}"
    private static let close: Character = "\u{E001}"

    private(set) var binds: [SQLBind] = []

    /// A placeholder for `value`, to be written into the text.
    mutating func bind(_ value: Value, _ kind: ValueKind) -> String {
        binds.append(SQLBind(value, kind))
        return "\(Self.open)\(binds.count - 1)\(Self.close)"
    }

    /// The final statement: placeholders numbered in the order they appear.
    func finish(_ text: String, columns: [ValueKind], dialect: SQLDialect) -> SQLQuery {
        var output = ""
        var ordered: [SQLBind] = []
        var index = text.startIndex
        while let open = text[index...].firstIndex(of: Self.open) {
            output += text[index..<open]
            let close = text[open...].firstIndex(of: Self.close)!
            let number = Int(text[text.index(after: open)..<close])!
            ordered.append(binds[number])
            output += dialect.placeholder(ordered.count, binds[number].kind)
            index = text.index(after: close)
        }
        output += text[index...]
        return SQLQuery(text: output, binds: ordered, columns: columns)
    }
}
