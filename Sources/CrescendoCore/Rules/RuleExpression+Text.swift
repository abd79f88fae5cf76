/// Writes a rule back as text, so that a rule that arrived as JSON can be shown, stored and edited
/// the way people write it. Parsing the text gives back an equal tree.
extension RuleExpression: CustomStringConvertible {
    public var description: String { text }

    public var text: String { render(self, parent: 0) }
}

private func quote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

/// Precedence: 1 or, 2 and, 3 not, 4 conditions, 5 + -, 6 * /, 7 primaries.
private func precedence(_ e: RuleExpression) -> Int {
    switch e {
    case .or: 1
    case .and: 2
    case .not: 3
    case .compare, .between, .inList, .isNull, .match, .exists, .inAudience: 4
    case .arithmetic(let op, _, _, _): op == .add || op == .subtract ? 5 : 6
    case .interval: 6
    default: 7
    }
}

private func render(_ e: RuleExpression, parent: Int) -> String {
    let own = precedence(e)
    let body: String
    let suffix = { (ignoreCase: Bool) in ignoreCase ? " ignore case" : "" }
    let not = { (negated: Bool) in negated ? "not " : "" }
    switch e {
    case .or(let parts): body = parts.map { render($0, parent: own) }.joined(separator: " or ")
    case .and(let parts): body = parts.map { render($0, parent: own) }.joined(separator: " and ")
    case .not(let inner, _):
        if case .inAudience(let path, let name, _) = inner {
            body = (path.isEmpty ? "" : path.joined(separator: ".") + " ") + "not in audience " + quote(name)
        } else {
            body = "not " + render(inner, parent: own)
        }
    case .compare(let op, let left, let right, let ignoreCase, _):
        body = "\(render(left, parent: 5)) \(op.rawValue) \(render(right, parent: 5))\(suffix(ignoreCase))"
    case .between(let value, let low, let high, let negated, _):
        body = "\(render(value, parent: 5)) \(not(negated))between \(render(low, parent: 5)) and \(render(high, parent: 5))"
    case .inList(let value, let list, let negated, let ignoreCase, _):
        body = "\(render(value, parent: 5)) \(not(negated))in (\(list.map { render($0, parent: 5) }.joined(separator: ", ")))\(suffix(ignoreCase))"
    case .isNull(let value, let negated, _):
        body = "\(render(value, parent: 5)) is \(not(negated))null"
    case .match(let kind, let value, let pattern, let negated, let ignoreCase, _):
        body = "\(render(value, parent: 5)) \(not(negated))\(kind.rawValue) \(render(pattern, parent: 5))\(suffix(ignoreCase))"
    case .exists(let path, let filter, _):
        body = "exists \(path.joined(separator: "."))" + (filter.map { "(\(render($0, parent: 0)))" } ?? "")
    case .inAudience(let path, let name, _):
        body = (path.isEmpty ? "" : path.joined(separator: ".") + " ") + "in audience " + quote(name)
    case .arithmetic(let op, let left, let right, _):
        // Left-associative: the right side needs parentheses at equal precedence.
        body = "\(render(left, parent: own)) \(op.rawValue) \(render(right, parent: own + 1))"
    case .interval(let amount, let unit, _):
        body = "\(render(amount, parent: 7)) \(unit.rawValue)"
    case .aggregate(let function, let path, let filter, _):
        let head = function == .countDistinct ? "count(distinct " : "\(function.rawValue)("
        body = head + path.joined(separator: ".") + (filter.map { " where " + render($0, parent: 0) } ?? "") + ")"
    case .call(let name, let arguments, _):
        body = "\(name)(\(arguments.map { render($0, parent: 0) }.joined(separator: ", ")))"
    case .path(let path, _): body = path.joined(separator: ".")
    case .variable(let name, _): body = "$" + name
    case .literal(let literal, _):
        switch literal {
        case .string(let text): body = quote(text)
        case .integer(let number): body = String(number)
        case .decimal(let text): body = text
        case .boolean(let flag): body = flag ? "true" : "false"
        case .null: body = "null"
        }
    }
    // A list inside a list of the same kind keeps its parentheses, so the tree reads back the same.
    return own < parent || (own == parent && own <= 4) ? "(\(body))" : body
}
