import Foundation

/// A constant before it knows its type: a quoted string becomes a date next to a date field, an
/// enum value next to an enum field, and so on.
enum RuleConstant: Sendable, Hashable {
    case text(String)
    /// A variable's value given as text (a command line's `--var n=3`): a number where a number is
    /// expected, text otherwise.
    case untyped(String)
    case integer(Int64)
    case decimal(String)
    case boolean(Bool)
    /// Days since 1970-01-01, and the zone the day was taken in when a rule named one
    /// (`today('Europe/Lisbon')`): a timestamp compared with it starts that day in that zone.
    case date(Int, zone: TimeZone?)
    case timestamp(Int64)
    case interval(Int, IntervalUnit)
    case null

    var description: String {
        switch self {
        case .text(let text), .untyped(let text): "the text '\(text)'"
        case .integer(let number): "the number \(number)"
        case .decimal(let text): "the number \(text)"
        case .boolean(let flag): flag ? "true" : "false"
        case .date(let day, _): "the date \(RuleTime.dayText(day))"
        case .timestamp(let micros): "the time \(CivilTime.iso8601(micros: micros))"
        case .interval(let amount, let unit): "the interval \(amount) \(unit.rawValue)"
        case .null: "null"
        }
    }
}

extension RuleConstant {
    /// The text of a quoted string or of a variable's text value.
    var patternText: String? {
        switch self {
        case .text(let text), .untyped(let text): text
        default: nil
        }
    }

    /// An untyped variable value read as the text it is (where nothing else gives it a type).
    var typedAsText: RuleConstant {
        if case .untyped(let text) = self {
            if let number = Int64(text.trimmingCharacters(in: .whitespaces)) { return .integer(number) }
            return .text(text)
        }
        return self
    }
}

/// What checking an operand gives: a typed expression over rows, or a constant still to be typed.
enum CheckedOperand {
    case typed(BoundExpression)
    case constant(RuleConstant)
}

extension RuleChecker {
    // MARK: Conditions

    mutating func condition(_ rule: RuleExpression, on entity: Entity) -> BoundExpression? {
        switch rule {
        case .and(let parts):
            let bound = parts.map { condition($0, on: entity) }
            guard bound.allSatisfy({ $0 != nil }) else { return nil }
            return .and(bound.compactMap { $0 })
        case .or(let parts):
            let bound = parts.map { condition($0, on: entity) }
            guard bound.allSatisfy({ $0 != nil }) else { return nil }
            return .or(bound.compactMap { $0 })
        case .not(let inner, _):
            return condition(inner, on: entity).map { .not($0) }
        case .compare(let op, let left, let right, let ignoreCase, let position):
            return compare(op, left, right, ignoreCase: ignoreCase, on: entity, at: position)
        case .between(let value, let low, let high, let negated, let position):
            return between(value, low, high, negated: negated, on: entity, at: position)
        case .inList(let value, let list, let negated, let ignoreCase, let position):
            return inList(value, list, negated: negated, ignoreCase: ignoreCase, on: entity, at: position)
        case .isNull(let value, let negated, let position):
            switch operand(value, on: entity) {
            case nil: return nil
            case .constant(let constant): return .truth((constant == .null) != negated)
            case .typed(let expression):
                if case .aggregate(let aggregate) = expression, aggregate.function == .count || aggregate.function == .countDistinct {
                    report(position, "a count is never null (it is 0 when there are no rows)")
                    return nil
                }
                return .isNull(expression, negated: negated)
            }
        case .match(let kind, let value, let pattern, let negated, let ignoreCase, let position):
            return match(kind, value, pattern, negated: negated, ignoreCase: ignoreCase, on: entity, at: position)
        case .exists(let path, let filter, let position):
            return relation(path, filter: filter, on: entity, at: position).map { .exists($0) }
        case .inAudience(let path, let name, let position):
            var steps: [LinkStep] = []
            var current = entity
            for step in path {
                guard let link = link(step, from: current, at: position) else { return nil }
                if link.isToMany {
                    report(position, "\(step) is a list (1-N); use exists \(step)(in audience '\(name)')")
                    return nil
                }
                steps.append(link)
                current = model.entity(named: link.to)!
            }
            guard let audience = environment.audiences[name] else {
                var message = "unknown audience '\(name)'"
                message += Spelling.hint(name, among: environment.audienceNames + environment.audiences.keys, quote: "'")
                report(position, message)
                return nil
            }
            guard audience.entity == current.name else {
                report(position, "audience '\(name)' is made of \(audience.entity) rows; here the rows are \(current.name)")
                return nil
            }
            return .inAudience(steps, audience)
        case .path, .literal, .variable, .call, .arithmetic, .aggregate, .interval:
            // A boolean field or constant stands for itself: `email_opt_in and tier = 'gold'`.
            switch operand(rule, on: entity) {
            case nil: return nil
            case .constant(.boolean(let flag)): return .truth(flag)
            case .typed(let expression) where expression.kind == .boolean:
                return .compare(.equal, expression, .constant(.boolean(true), .boolean), ignoreCase: false)
            case .constant(let constant):
                report(rule.position, "expected a condition, found \(constant.description)")
                return nil
            case .typed(let expression):
                report(rule.position, "expected a condition, found a \(expression.kind.rawValue) value; compare it with something (=, <, in, …)")
                return nil
            }
        }
    }

    private mutating func relation(_ path: [String], filter: RuleExpression?, on entity: Entity, at position: SourcePosition) -> BoundRelation? {
        guard let steps = relationPath(path, on: entity, at: position) else {
            if let filter, let guess = model.entity(named: path.last ?? "") { _ = condition(filter, on: guess) }
            return nil
        }
        guard let last = steps.last else {
            report(position, "exists needs a link, such as exists reservations(…)")
            return nil
        }
        let child = model.entity(named: last.to)!
        var boundFilter: BoundExpression?
        if let filter {
            guard let bound = condition(filter, on: child) else { return nil }
            boundFilter = bound
        }
        return BoundRelation(steps: steps, filter: boundFilter)
    }

    private mutating func compare(
        _ op: ComparisonOperator, _ left: RuleExpression, _ right: RuleExpression, ignoreCase: Bool,
        on entity: Entity, at position: SourcePosition
    ) -> BoundExpression? {
        let l = operand(left, on: entity), r = operand(right, on: entity)
        guard let l, let r else { return nil }
        switch (l, r) {
        case (.constant(let a), .constant(let b)):
            guard let order = compareConstants(a, b, at: position) else { return nil }
            return .truth(holds(op, order))
        case (.typed(let typed), .constant(let constant)), (.constant(let constant), .typed(let typed)):
            let constantOnLeft: Bool = if case .constant = l { true } else { false }
            if constant == .null {
                let subject = constantOnLeft ? right : left
                report(position, "nothing equals null; write \(subject.text) is \(op == .notEqual ? "not " : "")null")
                return nil
            }
            guard checkOperator(op, on: typed, ignoreCase: ignoreCase, at: position),
                let bound = bind(constant, as: typed, at: constantOnLeft ? left.position : right.position)
            else { return nil }
            return constantOnLeft ? .compare(op, bound, typed, ignoreCase: ignoreCase) : .compare(op, typed, bound, ignoreCase: ignoreCase)
        case (.typed(let a), .typed(let b)):
            guard compatible(a, b, at: position), checkOperator(op, on: a, ignoreCase: ignoreCase, at: position) else { return nil }
            return .compare(op, a, b, ignoreCase: ignoreCase)
        }
    }

    private mutating func between(
        _ value: RuleExpression, _ low: RuleExpression, _ high: RuleExpression, negated: Bool,
        on entity: Entity, at position: SourcePosition
    ) -> BoundExpression? {
        guard let v = operand(value, on: entity) else { return nil }
        guard case .typed(let typed) = v else {
            report(position, "between needs a field on its left, such as check_in between …")
            return nil
        }
        guard checkOperator(.less, on: typed, ignoreCase: false, at: position) else { return nil }
        var bounds: [BoundExpression] = []
        for bound in [low, high] {
            switch operand(bound, on: entity) {
            case nil: return nil
            case .constant(let constant):
                guard let b = bind(constant, as: typed, at: bound.position) else { return nil }
                bounds.append(b)
            case .typed(let other):
                guard compatible(typed, other, at: bound.position) else { return nil }
                bounds.append(other)
            }
        }
        return .between(typed, bounds[0], bounds[1], negated: negated)
    }

    private mutating func inList(
        _ value: RuleExpression, _ list: [RuleExpression], negated: Bool, ignoreCase: Bool,
        on entity: Entity, at position: SourcePosition
    ) -> BoundExpression? {
        guard let v = operand(value, on: entity) else { return nil }
        guard case .typed(let typed) = v else {
            report(position, "in (…) needs a field on its left, such as tier in ('gold', 'silver')")
            return nil
        }
        guard checkOperator(.equal, on: typed, ignoreCase: ignoreCase, at: position) else { return nil }
        var items: [BoundExpression] = []
        var failed = false
        for item in list {
            switch operand(item, on: entity) {
            case nil: failed = true
            case .constant(.null):
                report(item.position, "null is never in a list; add `or \(value.text) is null`")
                failed = true
            case .constant(let constant):
                if let bound = bind(constant, as: typed, at: item.position) { items.append(bound) } else { failed = true }
            case .typed:
                report(item.position, "the values in in (…) must be constants; compare fields with =")
                failed = true
            }
        }
        return failed ? nil : .inList(typed, items, negated: negated, ignoreCase: ignoreCase)
    }

    private mutating func match(
        _ kind: TextMatch, _ value: RuleExpression, _ pattern: RuleExpression, negated: Bool, ignoreCase: Bool,
        on entity: Entity, at position: SourcePosition
    ) -> BoundExpression? {
        guard let v = operand(value, on: entity), let p = operand(pattern, on: entity) else { return nil }
        guard case .typed(let typed) = v else {
            report(position, "\(kind.rawValue) needs a field on its left, such as email \(kind.rawValue) …")
            return nil
        }
        guard typed.kind == .text else {
            report(position, "\(kind.rawValue) works on text; \(describe(typed)) is \(article(typed.kind))")
            return nil
        }
        guard case .constant(let constant) = p, let text = constant.patternText else {
            report(pattern.position, "\(kind.rawValue) takes a quoted text, such as '\(kind == .like ? "%@example.com" : "Lis")'")
            return nil
        }
        return .match(kind, typed, text, negated: negated, ignoreCase: ignoreCase)
    }

    // MARK: Operator and type fit

    func describe(_ expression: BoundExpression) -> String {
        switch expression {
        case .column(let reference): reference.path
        case .aggregate(let aggregate): "\(aggregate.function.rawValue)(\(aggregate.relation.steps.map(\.name).joined(separator: ".")))"
        default: "the expression"
        }
    }

    func article(_ kind: ValueKind) -> String {
        switch kind {
        case .integer: "an integer"
        case .decimal: "a decimal"
        case .boolean: "a boolean"
        case .date: "a date"
        case .timestamp: "a timestamp"
        case .text: "text"
        }
    }

    private mutating func checkOperator(_ op: ComparisonOperator, on typed: BoundExpression, ignoreCase: Bool, at position: SourcePosition) -> Bool {
        if ignoreCase && typed.kind != .text {
            report(position, "ignore case only applies to text; \(describe(typed)) is \(article(typed.kind))")
            return false
        }
        guard op.isOrdering else { return true }
        if typed.kind == .boolean {
            report(position, "\(op.rawValue) does not apply to \(describe(typed)), a boolean; use = true or = false")
            return false
        }
        if case .column(let reference) = typed {
            switch reference.field.type {
            case .enumeration:
                report(position, "\(op.rawValue) does not apply to \(reference.path), an enum (\(reference.field.values.joined(separator: ", "))); use = or in (…)")
                return false
            case .json:
                report(position, "\(op.rawValue) does not apply to \(reference.path), a json field")
                return false
            default: break
            }
        }
        return true
    }

    private mutating func compatible(_ a: BoundExpression, _ b: BoundExpression, at position: SourcePosition) -> Bool {
        if a.kind == b.kind || (a.kind.isNumeric && b.kind.isNumeric) { return true }
        var message = "cannot compare \(describe(a)) (\(article(a.kind))) with \(describe(b)) (\(article(b.kind)))"
        if Set([a.kind, b.kind]) == [.date, .timestamp] { message += "; compare a timestamp field with a date value such as today() instead" }
        report(position, message)
        return false
    }

    private func holds(_ op: ComparisonOperator, _ order: ComparisonResult) -> Bool {
        switch op {
        case .equal: order == .orderedSame
        case .notEqual: order != .orderedSame
        case .less: order == .orderedAscending
        case .lessOrEqual: order != .orderedDescending
        case .greater: order == .orderedDescending
        case .greaterOrEqual: order != .orderedAscending
        }
    }

    /// Orders two constants (a comparison of a variable with a value is decided while checking).
    private mutating func compareConstants(_ a: RuleConstant, _ b: RuleConstant, at position: SourcePosition) -> ComparisonResult? {
        let a = a.typedAsText, b = b.typedAsText
        func number(_ c: RuleConstant) -> Decimal? {
            switch c {
            case .integer(let n): Decimal(n)
            case .decimal(let text): Decimal(string: text)
            default: nil
            }
        }
        if let x = number(a), let y = number(b) { return x < y ? .orderedAscending : x > y ? .orderedDescending : .orderedSame }
        func order<T: Comparable>(_ x: T, _ y: T) -> ComparisonResult { x < y ? .orderedAscending : x > y ? .orderedDescending : .orderedSame }
        switch (a, b) {
        case let (.text(x), .text(y)): return order(x, y)
        case let (.boolean(x), .boolean(y)): return x == y ? .orderedSame : (x ? .orderedDescending : .orderedAscending)
        case let (.date(x, _), .date(y, _)): return order(x, y)
        case let (.timestamp(x), .timestamp(y)): return order(x, y)
        case let (.date(x, _), .text(y)): if let d = ValueParser.parseDate(y.utf8) { return order(x, d) }
        case let (.text(x), .date(y, _)): if let d = ValueParser.parseDate(x.utf8) { return order(d, y) }
        case let (.timestamp(x), .date(y, zone)): return order(x, RuleTime.startOfDay(y, in: zone ?? environment.timeZone))
        case let (.date(x, zone), .timestamp(y)): return order(RuleTime.startOfDay(x, in: zone ?? environment.timeZone), y)
        default: break
        }
        report(position, "cannot compare \(a.description) with \(b.description)")
        return nil
    }

    // MARK: Binding constants

    /// Types a constant as the value it is compared with, checking it fits (an enum value the model
    /// lists, a real date, a valid phone number).
    mutating func bind(_ constant: RuleConstant, as other: BoundExpression, at position: SourcePosition) -> BoundExpression? {
        let field: Field? = if case .column(let reference) = other { reference.field } else { nil }
        let kind = other.kind
        if case .untyped(let text) = constant {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if kind == .integer, let number = Int64(trimmed) { return bind(.integer(number), as: other, at: position) }
            if kind.isNumeric, let decimal = ValueParser.canonicalDecimal(trimmed) { return bind(.decimal(decimal), as: other, at: position) }
            if kind == .boolean, let flag = ["true": true, "false": false][trimmed.lowercased()] { return bind(.boolean(flag), as: other, at: position) }
            return bind(.text(text), as: other, at: position)
        }
        let zone = environment.timeZone
        switch (constant, kind) {
        case (.null, _):
            report(position, "null is not a value to compare with; use is null")
            return nil
        case (.interval, _):
            report(position, "\(constant.description) must be added to a date or a time, as in today() + 7 days")
            return nil
        case (.text(let text), .text):
            guard let field else { return .constant(.text(text), .text) }
            switch ValueParser(timeZone: zone).parse(text, for: field) {
            case .success(let value): return .constant(value.isNull ? .text(text) : value, .text)
            case .failure(let problem):
                var message = "'\(text)' does not fit \(describe(other)): \(problem.reason)"
                if field.type == .enumeration {
                    message = "\(describe(other)) has no value '\(text)' (its values: \(field.values.joined(separator: ", ")))"
                    message += Spelling.hint(text, among: field.values, quote: "'")
                }
                report(position, message)
                return nil
            }
        case (.integer(let n), .integer): return .constant(.integer(n), .integer)
        case (.integer(let n), .decimal): return .constant(.decimal(String(n)), .decimal)
        case (.decimal(let text), .integer), (.decimal(let text), .decimal): return .constant(.decimal(text), .decimal)
        case (.boolean(let flag), .boolean): return .constant(.boolean(flag), .boolean)
        case (.date(let day, _), .date): return .constant(.text(RuleTime.dayText(day)), .date)
        case (.date(let day, let dayZone), .timestamp): return .constant(.timestamp(RuleTime.startOfDay(day, in: dayZone ?? zone)), .timestamp)
        case (.timestamp(let micros), .timestamp): return .constant(.timestamp(micros), .timestamp)
        case (.timestamp(let micros), .date): return .constant(.text(RuleTime.dayText(RuleTime.localDay(of: micros, in: zone))), .date)
        case (.text(let text), .date):
            if ValueParser.parseDate(text.utf8) != nil, text.utf8.count == 10 { return .constant(.text(text), .date) }
            report(position, "'\(text)' is not a date (expected YYYY-MM-DD) for \(describe(other))")
            return nil
        case (.text(let text), .timestamp):
            if let micros = ValueParser(timeZone: zone).parseTimestamp(text) { return .constant(.timestamp(micros), .timestamp) }
            report(position, "'\(text)' is not a time (expected ISO 8601, e.g. 2026-11-30T08:15:00Z) for \(describe(other))")
            return nil
        case (.text(let text), .integer), (.text(let text), .decimal):
            report(position, "'\(text)' is text but \(describe(other)) is \(article(kind)); write the number without quotes")
            return nil
        default:
            report(position, "\(constant.description) does not fit \(describe(other)), which is \(article(kind))")
            return nil
        }
    }
}
