/// One token of rule text.
struct RuleToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case identifier(String)
        case string(String)
        case number(String)
        case variable(String)
        case symbol(String)
        case end
    }

    var kind: Kind
    var position: SourcePosition

    /// The identifier's text lowercased, for keyword checks (keywords are case-insensitive).
    var word: String? {
        if case .identifier(let name) = kind { return name.lowercased() }
        return nil
    }
}

/// Splits rule text into tokens, tracking line and column of each one.
///
/// Strings are single-quoted with `''` for a quote inside; nothing in a string is ever interpreted,
/// so quotes, semicolons and comment markers in values are just characters of the value.
struct RuleLexer {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var column = 1

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    static func tokenize(_ text: String) -> Result<[RuleToken], RuleProblem> {
        var lexer = RuleLexer(text)
        var tokens: [RuleToken] = []
        while true {
            switch lexer.next() {
            case .failure(let problem): return .failure(problem)
            case .success(let token):
                tokens.append(token)
                if token.kind == .end { return .success(tokens) }
            }
        }
    }

    private var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }
    private func peek(_ offset: Int = 1) -> Unicode.Scalar? { index + offset < scalars.count ? scalars[index + offset] : nil }

    /// Consecutive regional indicators so far (two make one flag).
    private var regionalIndicators = 0

    /// Moves to the next scalar. Columns count characters as people see them: a combining accent, an
    /// emoji modifier or joiner sequence, or the second half of a flag does not move the column.
    private mutating func advance() {
        let previous = scalars[index]
        index += 1
        if previous == "\n" {
            line += 1
            column = 1
            regionalIndicators = 0
            return
        }
        let isRegional = { (c: Unicode.Scalar) in c.value >= 0x1F1E6 && c.value <= 0x1F1FF }
        regionalIndicators = isRegional(previous) ? regionalIndicators + 1 : 0
        guard let next = current else {
            column += 1
            return
        }
        let continues = next.properties.isGraphemeExtend || next.properties.isEmojiModifier || next == "\u{200D}"
            || previous == "\u{200D}" || (isRegional(next) && regionalIndicators % 2 == 1)
        if !continues { column += 1 }
    }

    private static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_"
    }

    private static func isIdentifierPart(_ c: Unicode.Scalar) -> Bool {
        isIdentifierStart(c) || isDigit(c)
    }

    private static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }

    private mutating func next() -> Result<RuleToken, RuleProblem> {
        while let c = current, c == " " || c == "\t" || c == "\n" || c == "\r" { advance() }
        let start = SourcePosition(line: line, column: column)
        guard let c = current else { return .success(RuleToken(kind: .end, position: start)) }

        if Self.isIdentifierStart(c) {
            var name = ""
            while let c = current, Self.isIdentifierPart(c) {
                name.unicodeScalars.append(c)
                advance()
            }
            return .success(RuleToken(kind: .identifier(name), position: start))
        }
        if Self.isDigit(c) {
            var text = ""
            while let c = current, Self.isDigit(c) {
                text.unicodeScalars.append(c)
                advance()
            }
            if current == ".", let after = peek(), Self.isDigit(after) {
                text.append(".")
                advance()
                while let c = current, Self.isDigit(c) {
                    text.unicodeScalars.append(c)
                    advance()
                }
            }
            // `7days` reads as `7 days`; any other letter glued to a number is a typo worth pointing at.
            if let c = current, Self.isIdentifierStart(c) {
                var rest = ""
                var probe = index
                while probe < scalars.count, Self.isIdentifierPart(scalars[probe]) {
                    rest.unicodeScalars.append(scalars[probe])
                    probe += 1
                }
                if IntervalUnit(word: rest) == nil {
                    return .failure(RuleProblem(start, "\"\(text)\(rest)\" is not a number; put a space between a number and a word"))
                }
            }
            return .success(RuleToken(kind: .number(text), position: start))
        }
        if c == "'" {
            advance()
            var value = ""
            while true {
                guard let c = current else {
                    return .failure(RuleProblem(start, "the string that starts here is not closed; end it with '"))
                }
                if c == "'" {
                    if peek() == "'" {
                        value.append("'")
                        advance()
                        advance()
                        continue
                    }
                    advance()
                    break
                }
                if c == "\u{0}" {
                    return .failure(RuleProblem(SourcePosition(line: line, column: column), "a string may not contain a NUL character"))
                }
                value.unicodeScalars.append(c)
                advance()
            }
            return .success(RuleToken(kind: .string(value), position: start))
        }
        if c == "\"" {
            return .failure(RuleProblem(start, "strings take single quotes: 'Lisbon', not \"Lisbon\""))
        }
        if c == "$" {
            advance()
            var name = ""
            while let c = current, Self.isIdentifierPart(c) {
                name.unicodeScalars.append(c)
                advance()
            }
            guard let first = name.unicodeScalars.first, Self.isIdentifierStart(first) else {
                return .failure(RuleProblem(start, "a variable is $ followed by a name, like $min_points"))
            }
            return .success(RuleToken(kind: .variable(name), position: start))
        }
        let twoCharacter = ["<=", ">=", "!=", "<>"]
        if let after = peek() {
            let pair = String(c) + String(after)
            if twoCharacter.contains(pair) {
                advance()
                advance()
                return .success(RuleToken(kind: .symbol(pair == "<>" ? "!=" : pair), position: start))
            }
        }
        if "()=<>,.+-*/".unicodeScalars.contains(c) {
            advance()
            return .success(RuleToken(kind: .symbol(String(c)), position: start))
        }
        return .failure(RuleProblem(start, "unexpected character \"\(c)\""))
    }
}
