/// Reads rule text into a `RuleExpression`.
///
/// A hand-written recursive-descent parser: the grammar is small, and writing it out keeps every
/// error pointed at the token that broke it, with a hint of what would have fitted.
///
/// ```
/// rule      = or
/// or        = and ("or" and)*
/// and       = not ("and" not)*
/// not       = "not" not | condition
/// condition = "exists" path ["(" rule ")"] | "in" "audience" STRING
///           | operand [tail]
/// tail      = ("=" | "!=" | "<" | "<=" | ">" | ">=") operand ["ignore" "case"]
///           | ["not"] "between" operand "and" operand
///           | ["not"] "in" "(" operand ("," operand)* ")" ["ignore" "case"]
///           | "in" "audience" STRING
///           | "is" ["not"] "null"
///           | ["not"] ("like" | "ilike" | "starts" "with" | "contains") operand ["ignore" "case"]
/// operand   = term (("+" | "-") term)*
/// term      = unary (("*" | "/") unary)*
/// unary     = "-" unary | primary [UNIT]
/// primary   = STRING | NUMBER | "true" | "false" | "null" | VARIABLE | "(" rule ")"
///           | AGGREGATE "(" ["distinct"] path ["where" rule] ")" | NAME "(" [operand ("," operand)*] ")"
///           | path
/// path      = NAME ("." NAME)*
/// ```
public struct RuleParser {
    private var tokens: [RuleToken]
    private var index = 0
    /// Nesting depth guard: a rule is typed by people or built by a UI, and no real rule nests this
    /// deep; a hostile one must not exhaust the stack.
    private var depth = 0
    static let maxDepth = 64

    private init(tokens: [RuleToken]) {
        self.tokens = tokens
    }

    /// Parses a whole rule; the error lists the problem with its position.
    public static func parse(_ text: String) throws(CrescendoError) -> RuleExpression {
        switch parseResult(text) {
        case .success(let rule): return rule
        case .failure(let problem): throw CrescendoError.invalidRule([problem])
        }
    }

    public static func parseResult(_ text: String) -> Result<RuleExpression, RuleProblem> {
        let tokens: [RuleToken]
        switch RuleLexer.tokenize(text) {
        case .success(let list): tokens = list
        case .failure(let problem): return .failure(problem)
        }
        var parser = RuleParser(tokens: tokens)
        do {
            if parser.current.kind == .end {
                return .failure(RuleProblem(parser.current.position, "the rule is empty"))
            }
            let rule = try parser.parseOr()
            guard parser.current.kind == .end else {
                return .failure(parser.unexpected("and, or, or the end of the rule"))
            }
            return .success(rule)
        } catch {
            return .failure(error)
        }
    }

    // MARK: Tokens

    private var current: RuleToken { tokens[index] }
    private func peek(_ offset: Int = 1) -> RuleToken { tokens[min(index + offset, tokens.count - 1)] }
    private mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    private func isWord(_ word: String, at offset: Int = 0) -> Bool { peek(offset).word == word }
    private func isSymbol(_ symbol: String, at offset: Int = 0) -> Bool { peek(offset).kind == .symbol(symbol) }

    private mutating func acceptWord(_ word: String) -> Bool {
        guard isWord(word) else { return false }
        advance()
        return true
    }

    private mutating func acceptSymbol(_ symbol: String) -> Bool {
        guard isSymbol(symbol) else { return false }
        advance()
        return true
    }

    private mutating func expectSymbol(_ symbol: String, _ what: String) throws(RuleProblem) {
        guard acceptSymbol(symbol) else { throw unexpected(what) }
    }

    private mutating func expectWord(_ word: String, _ what: String) throws(RuleProblem) {
        guard acceptWord(word) else { throw unexpected(what) }
    }

    private func describe(_ token: RuleToken) -> String {
        switch token.kind {
        case .identifier(let name): "\"\(name)\""
        case .string(let value): "the string '\(value.count > 30 ? String(value.prefix(27)) + "..." : value)'"
        case .number(let text): "the number \(text)"
        case .variable(let name): "$\(name)"
        case .symbol(let symbol): "\"\(symbol)\""
        case .end: "the end of the rule"
        }
    }

    private func unexpected(_ expected: String) -> RuleProblem {
        RuleProblem(current.position, "expected \(expected), found \(describe(current))")
    }

    private mutating func nested<T>(_ body: (inout RuleParser) throws(RuleProblem) -> T) throws(RuleProblem) -> T {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else {
            throw RuleProblem(current.position, "the rule nests deeper than \(Self.maxDepth) levels")
        }
        return try body(&self)
    }

    // MARK: Conditions

    private mutating func parseOr() throws(RuleProblem) -> RuleExpression {
        try nested { (parser: inout RuleParser) throws(RuleProblem) -> RuleExpression in
            var parts = [try parser.parseAnd()]
            while parser.acceptWord("or") { parts.append(try parser.parseAnd()) }
            return parts.count == 1 ? parts[0] : .or(parts)
        }
    }

    private mutating func parseAnd() throws(RuleProblem) -> RuleExpression {
        var parts = [try parseNot()]
        while acceptWord("and") { parts.append(try parseNot()) }
        return parts.count == 1 ? parts[0] : .and(parts)
    }

    private mutating func parseNot() throws(RuleProblem) -> RuleExpression {
        let position = current.position
        if isWord("not") && !isWord("in", at: 1) {
            advance()
            let inner = try nested { (parser: inout RuleParser) throws(RuleProblem) in try parser.parseNot() }
            return .not(inner, position)
        }
        return try parseCondition()
    }

    private mutating func parseCondition() throws(RuleProblem) -> RuleExpression {
        let position = current.position
        if acceptWord("exists") {
            // Positions of exists and aggregates are those of their paths, so that an error about a
            // name in the path can point at that name.
            let position = current.position
            let path = try parsePath()
            var filter: RuleExpression?
            if acceptSymbol("(") {
                filter = try parseOr()
                try expectSymbol(")", "\")\" to close the exists filter")
            }
            return .exists(path, filter: filter, position)
        }
        if isWord("in") && isWord("audience", at: 1) {
            advance()
            advance()
            return .inAudience([], try parseAudienceName(), position)
        }
        if isWord("not") && isWord("in", at: 1) && isWord("audience", at: 2) {
            advance()
            advance()
            advance()
            return .not(.inAudience([], try parseAudienceName(), position), position)
        }
        let left = try parseOperand()
        return try parseTail(left)
    }

    private mutating func parseAudienceName() throws(RuleProblem) -> String {
        guard case .string(let name) = current.kind else { throw unexpected("the audience name as a quoted string, like 'gold-lisbon'") }
        advance()
        return name
    }

    private mutating func parseIgnoreCase() throws(RuleProblem) -> Bool {
        guard isWord("ignore") && isWord("case", at: 1) else { return false }
        advance()
        advance()
        return true
    }

    private mutating func parseTail(_ left: RuleExpression) throws(RuleProblem) -> RuleExpression {
        let position = current.position
        if case .symbol(let symbol) = current.kind, let op = ComparisonOperator(rawValue: symbol) {
            advance()
            let right = try parseOperand()
            return .compare(op, left, right, ignoreCase: try parseIgnoreCase(), left.position)
        }
        let negated = isWord("not") && (isWord("between", at: 1) || isWord("in", at: 1) || isWord("like", at: 1)
            || isWord("ilike", at: 1) || isWord("starts", at: 1) || isWord("contains", at: 1))
        if negated { advance() }
        if acceptWord("between") {
            let low = try parseOperand()
            try expectWord("and", "\"and\" between the two bounds of between")
            let high = try parseOperand()
            return .between(left, low, high, negated: negated, left.position)
        }
        if isWord("in") && isWord("audience", at: 1) {
            advance()
            advance()
            guard case .path(let path, _) = left else {
                throw RuleProblem(left.position, "only a row (a link such as customer) can be in an audience")
            }
            let membership = RuleExpression.inAudience(path, try parseAudienceName(), left.position)
            return negated ? .not(membership, left.position) : membership
        }
        if acceptWord("in") {
            try expectSymbol("(", "\"(\" to start the list of values")
            var values: [RuleExpression] = []
            if !isSymbol(")") {
                repeat { values.append(try parseOperand()) } while acceptSymbol(",")
            }
            try expectSymbol(")", "\",\" or \")\" in the list of values")
            if values.isEmpty { throw RuleProblem(position, "the list of values is empty") }
            return .inList(left, values, negated: negated, ignoreCase: try parseIgnoreCase(), left.position)
        }
        if acceptWord("is") {
            let isNot = acceptWord("not")
            try expectWord("null", "\"null\" after is")
            return .isNull(left, negated: isNot, left.position)
        }
        var match: TextMatch?
        var ignoreCase = false
        if acceptWord("like") {
            match = .like
        } else if acceptWord("ilike") {
            match = .like
            ignoreCase = true
        } else if acceptWord("starts") {
            try expectWord("with", "\"with\" after starts")
            match = .startsWith
        } else if acceptWord("contains") {
            match = .contains
        }
        if let match {
            let pattern = try parseOperand()
            let suffix = try parseIgnoreCase()
            return .match(match, left, pattern, negated: negated, ignoreCase: ignoreCase || suffix, left.position)
        }
        if negated { throw unexpected("between, in, like, starts with or contains after not") }
        return left
    }

    // MARK: Operands

    /// Terms in one chain of `+ - * /`: each one nests the tree a level deeper, and no real rule
    /// needs more.
    static let maxTerms = 64

    private mutating func parseOperand() throws(RuleProblem) -> RuleExpression {
        var left = try parseTerm()
        var terms = 1
        while case .symbol(let symbol) = current.kind, symbol == "+" || symbol == "-" {
            let position = current.position
            terms += 1
            guard terms <= Self.maxTerms else { throw RuleProblem(position, "more than \(Self.maxTerms) terms in one calculation") }
            advance()
            let right = try parseTerm()
            left = .arithmetic(symbol == "+" ? .add : .subtract, left, right, position)
        }
        return left
    }

    private mutating func parseTerm() throws(RuleProblem) -> RuleExpression {
        var left = try parseUnary()
        var factors = 1
        while case .symbol(let symbol) = current.kind, symbol == "*" || symbol == "/" {
            let position = current.position
            factors += 1
            guard factors <= Self.maxTerms else { throw RuleProblem(position, "more than \(Self.maxTerms) terms in one calculation") }
            advance()
            let right = try parseUnary()
            left = .arithmetic(symbol == "*" ? .multiply : .divide, left, right, position)
        }
        return left
    }

    private mutating func parseUnary() throws(RuleProblem) -> RuleExpression {
        let position = current.position
        if acceptSymbol("-") {
            let inner = try nested { (parser: inout RuleParser) throws(RuleProblem) in try parser.parseUnary() }
            switch inner {
            case .literal(.integer(let value), _): return .literal(.integer(-value), position)
            case .literal(.decimal(let text), _): return .literal(.decimal(text.hasPrefix("-") ? String(text.dropFirst()) : "-" + text), position)
            case .interval(.literal(.integer(let value), let at), let unit, _):
                return .interval(.literal(.integer(-value), at), unit, position)
            case .interval(let amount, let unit, _):
                return .interval(.arithmetic(.subtract, .literal(.integer(0), position), amount, position), unit, position)
            default: return .arithmetic(.subtract, .literal(.integer(0), position), inner, position)
            }
        }
        let primary = try parsePrimary()
        // `7 days`, `$lead_time days`, `(n + 1) weeks`: a unit after a number-like operand.
        let canTakeUnit: Bool
        switch primary {
        case .literal(.integer, _), .variable, .arithmetic: canTakeUnit = true
        default: canTakeUnit = false
        }
        if canTakeUnit, let word = current.word, let unit = IntervalUnit(word: word), !isSymbol(".", at: 1), !isSymbol("(", at: 1) {
            advance()
            return .interval(primary, unit, position)
        }
        return primary
    }

    private mutating func parsePrimary() throws(RuleProblem) -> RuleExpression {
        let token = current
        let position = token.position
        switch token.kind {
        case .string(let value):
            advance()
            return .literal(.string(value), position)
        case .number(let text):
            advance()
            if text.contains(".") { return .literal(.decimal(text), position) }
            guard let value = Int64(text) else { throw RuleProblem(position, "the number \(text) is too large") }
            return .literal(.integer(value), position)
        case .variable(let name):
            advance()
            return .variable(name, position)
        case .symbol("("):
            advance()
            let inner = try parseOr()
            try expectSymbol(")", "\")\"")
            return inner
        case .identifier(let name):
            switch name.lowercased() {
            case "true": advance(); return .literal(.boolean(true), position)
            case "false": advance(); return .literal(.boolean(false), position)
            case "null": advance(); return .literal(.null, position)
            default: break
            }
            if isSymbol("(", at: 1) {
                if let function = AggregateFunction(rawValue: name.lowercased()) {
                    advance()
                    advance()
                    return try parseAggregate(function, position)
                }
                advance()
                advance()
                let arguments = try nested { (parser: inout RuleParser) throws(RuleProblem) -> [RuleExpression] in
                    var arguments: [RuleExpression] = []
                    if !parser.isSymbol(")") {
                        repeat { arguments.append(try parser.parseOperand()) } while parser.acceptSymbol(",")
                    }
                    return arguments
                }
                try expectSymbol(")", "\",\" or \")\" after the arguments of \(name)()")
                return .call(name, arguments, position)
            }
            if ["and", "or", "not", "in", "is", "between", "like", "ilike", "where", "exists"].contains(name.lowercased()) {
                throw unexpected("a field, a value or a condition")
            }
            return .path(try parsePath(), position)
        default:
            throw unexpected("a field, a value or a condition")
        }
    }

    private mutating func parseAggregate(_ function: AggregateFunction, _ position: SourcePosition) throws(RuleProblem) -> RuleExpression {
        var function = function
        if acceptWord("distinct") {
            guard function == .count else { throw RuleProblem(position, "distinct is only for count: count(distinct reservations.hotel_id)") }
            function = .countDistinct
        }
        let position = current.position
        let path = try parsePath()
        var filter: RuleExpression?
        if acceptWord("where") { filter = try parseOr() }
        try expectSymbol(")", "\"where\" or \")\" in \(function.rawValue)(…)")
        return .aggregate(function, path, filter: filter, position)
    }

    private mutating func parsePath() throws(RuleProblem) -> [String] {
        var path: [String] = []
        repeat {
            guard case .identifier(let name) = current.kind else {
                throw unexpected(path.isEmpty ? "a field or link name" : "a field or link name after \".\"")
            }
            path.append(name)
            advance()
        } while acceptSymbol(".")
        return path
    }
}

extension RuleProblem: Error {}
