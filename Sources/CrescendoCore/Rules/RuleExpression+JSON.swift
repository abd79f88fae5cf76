import Foundation

/// The stable JSON form of a rule, which the API and a visual builder speak.
///
/// Every node is an object with a `type`; paths are dotted names (`"hotel.city"`); positions travel
/// as an optional `at` so that a builder can omit them. Decimals are `{"type": "value", "decimal":
/// "12.50"}` so that no value goes through a binary float.
extension RuleExpression: Codable {
    private enum Key: String, CodingKey {
        case type, at, conditions, condition, `operator`, left, right, value, low, high, list, negated
        case ignoreCase = "ignore_case", match, pattern, path, filter, audience, decimal, name, function
        case arguments, amount, unit
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        let type = try c.decode(String.self, forKey: .type)
        let at = try c.decodeIfPresent(SourcePosition.self, forKey: .at) ?? .unknown
        func flag(_ key: Key) throws -> Bool { try c.decodeIfPresent(Bool.self, forKey: key) ?? false }
        func path() throws -> [String] {
            let text = try c.decode(String.self, forKey: .path)
            return text.isEmpty ? [] : text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        }
        func named<T: RawRepresentable<String>>(_ key: Key, _ type: T.Type, _ choices: [String]) throws -> T {
            let text = try c.decode(String.self, forKey: key)
            guard let value = T(rawValue: text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "\"\(text)\" is not one of \(choices.joined(separator: ", "))")
            }
            return value
        }
        switch type {
        case "and", "or":
            let parts = try c.decode([RuleExpression].self, forKey: .conditions)
            guard !parts.isEmpty else {
                throw DecodingError.dataCorruptedError(forKey: .conditions, in: c, debugDescription: "\(type) needs at least one condition")
            }
            self = type == "and" ? .and(parts) : .or(parts)
        case "not":
            self = .not(try c.decode(RuleExpression.self, forKey: .condition), at)
        case "compare":
            let op = try named(.operator, ComparisonOperator.self, ComparisonOperator.allCases.map(\.rawValue))
            self = .compare(op, try c.decode(RuleExpression.self, forKey: .left), try c.decode(RuleExpression.self, forKey: .right), ignoreCase: try flag(.ignoreCase), at)
        case "between":
            self = .between(
                try c.decode(RuleExpression.self, forKey: .value), try c.decode(RuleExpression.self, forKey: .low),
                try c.decode(RuleExpression.self, forKey: .high), negated: try flag(.negated), at)
        case "in":
            let list = try c.decode([RuleExpression].self, forKey: .list)
            guard !list.isEmpty else { throw DecodingError.dataCorruptedError(forKey: .list, in: c, debugDescription: "the list of values is empty") }
            self = .inList(try c.decode(RuleExpression.self, forKey: .value), list, negated: try flag(.negated), ignoreCase: try flag(.ignoreCase), at)
        case "is_null":
            self = .isNull(try c.decode(RuleExpression.self, forKey: .value), negated: try flag(.negated), at)
        case "match":
            let kind = try named(.match, TextMatch.self, TextMatch.allCases.map(\.rawValue))
            self = .match(
                kind, try c.decode(RuleExpression.self, forKey: .value), try c.decode(RuleExpression.self, forKey: .pattern),
                negated: try flag(.negated), ignoreCase: try flag(.ignoreCase), at)
        case "exists":
            self = .exists(try path(), filter: try c.decodeIfPresent(RuleExpression.self, forKey: .filter), at)
        case "in_audience":
            let text = try c.decodeIfPresent(String.self, forKey: .path) ?? ""
            let path = text.isEmpty ? [] : text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            self = .inAudience(path, try c.decode(String.self, forKey: .audience), at)
        case "field":
            self = .path(try path(), at)
        case "value":
            if let decimal = try c.decodeIfPresent(String.self, forKey: .decimal) {
                guard ValueParser.canonicalDecimal(decimal) != nil else {
                    throw DecodingError.dataCorruptedError(forKey: .decimal, in: c, debugDescription: "\"\(decimal)\" is not a decimal number")
                }
                self = .literal(.decimal(decimal), at)
            } else if try c.decodeNil(forKey: .value) {
                self = .literal(.null, at)
            } else if let flag = try? c.decode(Bool.self, forKey: .value) {
                self = .literal(.boolean(flag), at)
            } else if let number = try? c.decode(Int64.self, forKey: .value) {
                self = .literal(.integer(number), at)
            } else if let number = try? c.decode(Decimal.self, forKey: .value) {
                self = .literal(.decimal(number.description), at)
            } else {
                self = .literal(.string(try c.decode(String.self, forKey: .value)), at)
            }
        case "variable":
            self = .variable(try c.decode(String.self, forKey: .name), at)
        case "call":
            self = .call(try c.decode(String.self, forKey: .function), try c.decodeIfPresent([RuleExpression].self, forKey: .arguments) ?? [], at)
        case "interval":
            let unit = try named(.unit, IntervalUnit.self, IntervalUnit.allCases.map(\.rawValue))
            self = .interval(try c.decode(RuleExpression.self, forKey: .amount), unit, at)
        case "arithmetic":
            let op = try named(.operator, ArithmeticOperator.self, ArithmeticOperator.allCases.map(\.rawValue))
            self = .arithmetic(op, try c.decode(RuleExpression.self, forKey: .left), try c.decode(RuleExpression.self, forKey: .right), at)
        case "aggregate":
            let function = try named(.function, AggregateFunction.self, AggregateFunction.allCases.map(\.rawValue))
            self = .aggregate(function, try path(), filter: try c.decodeIfPresent(RuleExpression.self, forKey: .filter), at)
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: c,
                debugDescription: "unknown node type \"\(type)\" (expected and, or, not, compare, between, in, is_null, match, exists, in_audience, field, value, variable, call, interval, arithmetic or aggregate)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        let at = position
        func dotted(_ path: [String]) -> String { path.joined(separator: ".") }
        switch self {
        case .and(let parts):
            try c.encode("and", forKey: .type)
            try c.encode(parts, forKey: .conditions)
        case .or(let parts):
            try c.encode("or", forKey: .type)
            try c.encode(parts, forKey: .conditions)
        case .not(let inner, _):
            try c.encode("not", forKey: .type)
            try c.encode(inner, forKey: .condition)
        case .compare(let op, let left, let right, let ignoreCase, _):
            try c.encode("compare", forKey: .type)
            try c.encode(op.rawValue, forKey: .operator)
            try c.encode(left, forKey: .left)
            try c.encode(right, forKey: .right)
            if ignoreCase { try c.encode(true, forKey: .ignoreCase) }
        case .between(let value, let low, let high, let negated, _):
            try c.encode("between", forKey: .type)
            try c.encode(value, forKey: .value)
            try c.encode(low, forKey: .low)
            try c.encode(high, forKey: .high)
            if negated { try c.encode(true, forKey: .negated) }
        case .inList(let value, let list, let negated, let ignoreCase, _):
            try c.encode("in", forKey: .type)
            try c.encode(value, forKey: .value)
            try c.encode(list, forKey: .list)
            if negated { try c.encode(true, forKey: .negated) }
            if ignoreCase { try c.encode(true, forKey: .ignoreCase) }
        case .isNull(let value, let negated, _):
            try c.encode("is_null", forKey: .type)
            try c.encode(value, forKey: .value)
            if negated { try c.encode(true, forKey: .negated) }
        case .match(let kind, let value, let pattern, let negated, let ignoreCase, _):
            try c.encode("match", forKey: .type)
            try c.encode(kind.rawValue, forKey: .match)
            try c.encode(value, forKey: .value)
            try c.encode(pattern, forKey: .pattern)
            if negated { try c.encode(true, forKey: .negated) }
            if ignoreCase { try c.encode(true, forKey: .ignoreCase) }
        case .exists(let path, let filter, _):
            try c.encode("exists", forKey: .type)
            try c.encode(dotted(path), forKey: .path)
            try c.encodeIfPresent(filter, forKey: .filter)
        case .inAudience(let path, let name, _):
            try c.encode("in_audience", forKey: .type)
            if !path.isEmpty { try c.encode(dotted(path), forKey: .path) }
            try c.encode(name, forKey: .audience)
        case .path(let path, _):
            try c.encode("field", forKey: .type)
            try c.encode(dotted(path), forKey: .path)
        case .literal(let literal, _):
            try c.encode("value", forKey: .type)
            switch literal {
            case .string(let text): try c.encode(text, forKey: .value)
            case .integer(let number): try c.encode(number, forKey: .value)
            case .decimal(let text): try c.encode(text, forKey: .decimal)
            case .boolean(let flag): try c.encode(flag, forKey: .value)
            case .null: try c.encodeNil(forKey: .value)
            }
        case .variable(let name, _):
            try c.encode("variable", forKey: .type)
            try c.encode(name, forKey: .name)
        case .call(let name, let arguments, _):
            try c.encode("call", forKey: .type)
            try c.encode(name, forKey: .function)
            if !arguments.isEmpty { try c.encode(arguments, forKey: .arguments) }
        case .interval(let amount, let unit, _):
            try c.encode("interval", forKey: .type)
            try c.encode(amount, forKey: .amount)
            try c.encode(unit.rawValue, forKey: .unit)
        case .arithmetic(let op, let left, let right, _):
            try c.encode("arithmetic", forKey: .type)
            try c.encode(op.rawValue, forKey: .operator)
            try c.encode(left, forKey: .left)
            try c.encode(right, forKey: .right)
        case .aggregate(let function, let path, let filter, _):
            try c.encode("aggregate", forKey: .type)
            try c.encode(function.rawValue, forKey: .function)
            try c.encode(dotted(path), forKey: .path)
            try c.encodeIfPresent(filter, forKey: .filter)
        }
        // `and`/`or` start where their first condition does: no position of their own.
        switch self {
        case .and, .or: break
        default: if at != .unknown { try c.encode(at, forKey: .at) }
        }
    }

    /// Reads the JSON form, with an error that names the place in the document that is wrong.
    public static func fromJSON(_ data: Data) throws(CrescendoError) -> RuleExpression {
        do {
            return try JSONDecoder().decode(RuleExpression.self, from: data)
        } catch let error as DecodingError {
            throw CrescendoError(.invalidRule, "invalid rule JSON: \(Self.describe(error))")
        } catch {
            throw CrescendoError(.invalidRule, "invalid rule JSON: \(error)")
        }
    }

    public func jsonData(pretty: Bool = false) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data()
    }

    private static func describe(_ error: DecodingError) -> String {
        func place(_ path: [any CodingKey]) -> String {
            var text = ""
            for key in path {
                if let index = key.intValue { text += "[\(index)]" } else { text += text.isEmpty ? key.stringValue : "." + key.stringValue }
            }
            return text.isEmpty ? "the document" : text
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(place(context.codingPath + [key])): missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "\(place(context.codingPath)): \(context.debugDescription)"
        case .dataCorrupted(let context): return "\(place(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
