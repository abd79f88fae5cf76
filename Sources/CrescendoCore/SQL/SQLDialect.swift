/// The SQL spoken by one store engine: how values are bound and the few functions that differ.
///
/// The compilers emit the same query shapes for every engine and ask the dialect only for these
/// spellings, so a shape measured fast on one engine is the shape the other one gets too.
public enum SQLDialect: String, Sendable, Hashable {
    case sqlite
    case postgres

    public func quote(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The placeholder for the bind at `number` (1-based), typed for PostgreSQL, which receives every
    /// value as text and casts it in SQL.
    public func placeholder(_ number: Int, _ kind: ValueKind) -> String {
        switch self {
        case .sqlite: return "?"
        case .postgres:
            let type = switch kind {
            case .text: "text"
            case .integer: "bigint"
            case .decimal: "numeric"
            case .boolean: "boolean"
            case .date: "date"
            case .timestamp: "timestamptz"
            }
            return "$\(number)::\(type)"
        }
    }

    /// Case folding for the `ignore case` forms. SQLite's own lower() folds ASCII only, so the SQLite
    /// store registers `crescendo_fold` (Swift's Unicode lowercasing); PostgreSQL folds through ICU
    /// whatever the database's ctype. Both fold the final sigma ς to σ, where the two lowercasings
    /// differ ("ΟΔΟΣ" is "οδος" in ICU, "οδοσ" in Swift).
    /// The column type a work table uses for values of `type`: what the engine's own tables use,
    /// so that joins and comparisons with entity columns behave the same.
    public func columnType(_ type: FieldType) -> String {
        switch (self, type) {
        case (.sqlite, .integer), (.sqlite, .boolean): "INTEGER"
        case (.sqlite, .decimal): "REAL"
        case (.sqlite, _): "TEXT"
        case (.postgres, .integer): "bigint"
        case (.postgres, .decimal): "numeric"
        case (.postgres, .boolean): "boolean"
        case (.postgres, .date): "date"
        case (.postgres, .timestamp): "timestamptz"
        case (.postgres, .json): "jsonb"
        case (.postgres, _): "text"
        }
    }

    func fold(_ expression: String) -> String {
        switch self {
        case .sqlite: "crescendo_fold(\(expression))"
        case .postgres: "translate(lower(\(expression) COLLATE \"und-x-icu\"), 'ς', 'σ')"
        }
    }

    func contains(_ text: String, _ needle: String) -> String {
        switch self {
        case .sqlite: "instr(\(text), \(needle)) > 0"
        case .postgres: "strpos(\(text), \(needle)) > 0"
        }
    }

    /// A case-sensitive LIKE. SQLite's LIKE ignores ASCII case, so SQLite gets GLOB with the pattern
    /// translated (the translation happens on the bound value, never in the SQL text).
    func like(_ text: String, _ pattern: String) -> String {
        switch self {
        case .sqlite: "\(text) GLOB \(pattern)"
        case .postgres: "\(text) LIKE \(pattern)\(noLikeEscape)"
        }
    }

    /// PostgreSQL's LIKE treats `\` as an escape by default; in a rule, `\` is an ordinary character
    /// (as in SQLite), so the escape is turned off.
    var noLikeEscape: String { self == .postgres ? " ESCAPE ''" : "" }

    /// A result column as the store reads it back: PostgreSQL columns travel as text and are parsed
    /// by the column's type, SQLite values are read by storage class.
    public func output(_ expression: String) -> String {
        switch self {
        case .sqlite: expression
        case .postgres: "(\(expression))::text"
        }
    }

    /// `LIKE` pattern (`%`, `_`, no escape) as the GLOB pattern SQLite needs for a case-sensitive match.
    static func globPattern(fromLike pattern: String) -> String {
        var glob = ""
        for character in pattern {
            switch character {
            case "%": glob += "*"
            case "_": glob += "?"
            case "*": glob += "[*]"
            case "?": glob += "[?]"
            case "[": glob += "[[]"
            default: glob.append(character)
            }
        }
        return glob
    }
}
