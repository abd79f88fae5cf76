import Foundation

extension RuleChecker {
    static let functions = ["today", "now", "daysAgo"]

    mutating func operand(_ expression: RuleExpression, on entity: Entity) -> CheckedOperand? {
        switch expression {
        case .literal(let literal, _):
            switch literal {
            case .string(let text): return .constant(.text(text))
            case .integer(let number): return .constant(.integer(number))
            case .decimal(let text):
                guard let canonical = ValueParser.canonicalDecimal(text) else {
                    report(expression.position, "\(text) is not a number")
                    return nil
                }
                return .constant(.decimal(canonical))
            case .boolean(let flag): return .constant(.boolean(flag))
            case .null: return .constant(.null)
            }
        case .path(let names, let position):
            return columnPath(names, on: entity, at: position).map { .typed(.column($0)) }
        case .variable(let name, let position):
            guard let value = environment.variables[name] else {
                var message = "variable $\(name) has no value"
                if let guess = Spelling.suggest(name, among: environment.variables.keys) {
                    message += " — did you mean $\(guess)?"
                } else {
                    message += " (give it one, e.g. --var \(name)=VALUE)"
                }
                report(position, message)
                return nil
            }
            switch value {
            case .null: return .constant(.null)
            case .text(let text): return .constant(.untyped(text))
            case .integer(let number): return .constant(.integer(number))
            case .decimal(let text): return .constant(.decimal(text))
            case .boolean(let flag): return .constant(.boolean(flag))
            case .timestamp(let micros): return .constant(.timestamp(micros))
            }
        case .call(let name, let arguments, let position):
            return call(name, arguments, on: entity, at: position).map { .constant($0) }
        case .interval(let amount, let unit, let position):
            guard let value = operand(amount, on: entity) else { return nil }
            switch value {
            case .constant(.integer(let n)) where abs(n) <= 1_000_000: return .constant(.interval(Int(n), unit))
            case .constant(.untyped(let text)) where Int(text.trimmingCharacters(in: .whitespaces)).map({ abs($0) <= 1_000_000 }) == true:
                return .constant(.interval(Int(text.trimmingCharacters(in: .whitespaces))!, unit))
            default:
                report(position, "the amount of \(unit.rawValue) must be a whole number up to 1000000 known before the rule runs")
                return nil
            }
        case .arithmetic(let op, let left, let right, let position):
            guard let l = operand(left, on: entity), let r = operand(right, on: entity) else { return nil }
            return arithmetic(op, l, r, at: position)
        case .aggregate(let function, let path, let filter, let position):
            return aggregate(function, path, filter: filter, on: entity, at: position).map { .typed(.aggregate($0)) }
        case .compare, .between, .inList, .isNull, .match, .and, .or, .not, .exists, .inAudience:
            report(expression.position, "expected a value here, found a condition")
            return nil
        }
    }

    // MARK: Functions

    private mutating func call(_ name: String, _ arguments: [RuleExpression], on entity: Entity, at position: SourcePosition) -> RuleConstant? {
        guard let function = Self.functions.first(where: { $0.lowercased() == name.lowercased() }) else {
            var message = "unknown function \(name)()"
            if let guess = Spelling.suggest(name, among: Self.functions) { message += " — did you mean \(guess)()?" }
            message += " (functions: today(), now(), daysAgo(n); aggregates: count, sum, avg, min, max)"
            report(position, message)
            return nil
        }
        var constants: [RuleConstant] = []
        for argument in arguments {
            switch operand(argument, on: entity) {
            case nil: return nil
            case .constant(let constant): constants.append(constant.typedAsText)
            case .typed:
                report(argument.position, "the arguments of \(function)() must be constants")
                return nil
            }
        }
        func zone(_ index: Int) -> TimeZone? {
            guard constants.count > index else { return environment.timeZone }
            guard case .text(let identifier) = constants[index], let zone = TimeZone(identifier: identifier) else {
                report(arguments[index].position, "\(function)() takes a time zone name such as 'Europe/Lisbon'")
                return nil
            }
            return zone
        }
        switch function {
        case "now":
            guard constants.isEmpty else {
                report(position, "now() takes no arguments")
                return nil
            }
            return .timestamp(environment.now)
        case "today":
            guard constants.count <= 1 else {
                report(position, "today() takes at most a time zone, as in today('Europe/Lisbon')")
                return nil
            }
            guard let zone = zone(0) else { return nil }
            return .date(RuleTime.localDay(of: environment.now, in: zone), zone: constants.isEmpty ? nil : zone)
        default:
            guard (1...2).contains(constants.count), case .integer(let days) = constants[0], abs(days) <= 3_650_000 else {
                report(position, "daysAgo() takes a whole number of days, and optionally a time zone: daysAgo(30)")
                return nil
            }
            guard let zone = zone(1) else { return nil }
            return .date(RuleTime.localDay(of: environment.now, in: zone) - Int(days), zone: constants.count > 1 ? zone : nil)
        }
    }

    // MARK: Arithmetic

    private mutating func arithmetic(_ op: ArithmeticOperator, _ l: CheckedOperand, _ r: CheckedOperand, at position: SourcePosition) -> CheckedOperand? {
        func typed(_ operand: CheckedOperand) -> CheckedOperand {
            if case .constant(let constant) = operand { return .constant(constant.typedAsText) }
            return operand
        }
        let (l, r) = (typed(l), typed(r))
        switch (l, r) {
        case (.constant(let a), .constant(let b)):
            return fold(op, a, b, at: position).map { .constant($0) }
        case (.typed(let a), .typed(let b)):
            guard a.kind.isNumeric, b.kind.isNumeric else {
                report(position, "\(op.rawValue) works on numbers here; \(describe(a)) is \(article(a.kind)) and \(describe(b)) is \(article(b.kind))")
                return nil
            }
            return .typed(.arithmetic(op, a, b, a.kind == .integer && b.kind == .integer ? .integer : .decimal))
        case (.typed(let typed), .constant(let constant)), (.constant(let constant), .typed(let typed)):
            if case .interval = constant {
                report(position, "date arithmetic on a field is not supported; move the interval to the constant side, e.g. check_in < today() + 7 days")
                return nil
            }
            guard typed.kind.isNumeric else {
                report(position, "\(op.rawValue) works on numbers here; \(describe(typed)) is \(article(typed.kind))")
                return nil
            }
            let bound: BoundExpression
            switch constant {
            case .integer(let n): bound = .constant(.integer(n), .integer)
            case .decimal(let text): bound = .constant(.decimal(text), .decimal)
            default:
                report(position, "\(constant.description) is not a number")
                return nil
            }
            let kind: ValueKind = typed.kind == .integer && bound.kind == .integer ? .integer : .decimal
            if case .constant = l { return .typed(.arithmetic(op, bound, typed, kind)) }
            return .typed(.arithmetic(op, typed, bound, kind))
        }
    }

    private mutating func fold(_ op: ArithmeticOperator, _ a: RuleConstant, _ b: RuleConstant, at position: SourcePosition) -> RuleConstant? {
        let zone = environment.timeZone
        func time(_ c: RuleConstant) -> RuleConstant? {
            if case .text(let text) = c {
                if text.utf8.count == 10, let day = ValueParser.parseDate(text.utf8) { return .date(day, zone: nil) }
                if let micros = ValueParser(timeZone: zone).parseTimestamp(text) { return .timestamp(micros) }
                return nil
            }
            return c
        }
        switch (op, a, b) {
        case (.add, .interval, _) where !(b.isInterval):
            return fold(.add, b, a, at: position)
        case (.add, _, .interval(let n, let unit)), (.subtract, _, .interval(let n, let unit)):
            let amount = op == .add ? n : -n
            switch time(a) {
            case .date(let day, let dayZone)?:
                if let moved = RuleTime.add(amount, unit, toDay: day) { return .date(moved, zone: dayZone) }
                if unit == .hours || unit == .minutes,
                    let moved = RuleTime.add(amount, unit, toInstant: RuleTime.startOfDay(day, in: dayZone ?? zone), in: dayZone ?? zone)
                {
                    return .timestamp(moved)
                }
            case .timestamp(let micros)?:
                if let moved = RuleTime.add(amount, unit, toInstant: micros, in: zone) { return .timestamp(moved) }
            default:
                report(position, "an interval can only be added to a date or a time, not to \(a.description)")
                return nil
            }
            report(position, "the result is outside the years 1 to 9999")
            return nil
        default:
            break
        }
        func decimal(_ c: RuleConstant) -> Decimal? {
            switch c {
            case .integer(let n): Decimal(n)
            case .decimal(let text): Decimal(string: text)
            default: nil
            }
        }
        if case .integer(let x) = a, case .integer(let y) = b {
            let result: (Int64, Bool)
            switch op {
            case .add: result = x.addingReportingOverflow(y)
            case .subtract: result = x.subtractingReportingOverflow(y)
            case .multiply: result = x.multipliedReportingOverflow(by: y)
            case .divide:
                guard y != 0 else {
                    report(position, "division by zero")
                    return nil
                }
                result = x.dividedReportingOverflow(by: y)
            }
            guard !result.1 else {
                report(position, "the result does not fit a 64-bit integer")
                return nil
            }
            return .integer(result.0)
        }
        guard let x = decimal(a), let y = decimal(b) else {
            report(position, "\(op.rawValue) cannot combine \(a.description) and \(b.description)")
            return nil
        }
        var result: Decimal
        switch op {
        case .add: result = x + y
        case .subtract: result = x - y
        case .multiply: result = x * y
        case .divide:
            guard y != 0 else {
                report(position, "division by zero")
                return nil
            }
            result = x / y
        }
        var rounded = Decimal()
        NSDecimalRound(&rounded, &result, 12, .plain)
        return .decimal(ValueParser.canonicalDecimal(rounded.description) ?? rounded.description)
    }

    // MARK: Aggregates

    private mutating func aggregate(
        _ function: AggregateFunction, _ path: [String], filter: RuleExpression?, on entity: Entity, at position: SourcePosition
    ) -> BoundAggregate? {
        // Split the path at its to-many step: to-one steps, the list, then a field of the listed rows.
        var steps: [LinkStep] = []
        var current = entity
        var index = 0
        while index < path.count {
            let name = path[index]
            guard let step = links(of: current).first(where: { $0.name == name }) else {
                if steps.last?.isToMany == true { break }
                let position = Self.position(of: index, in: path, from: position)
                if current.field(named: name) != nil {
                    report(position, "\(function.rawValue)(…) goes over a list of related rows, such as \(function == .count ? "count(reservations)" : "sum(reservations.amount)"); \(name) is a field of \(current.name)")
                } else {
                    _ = link(name, from: current, at: position)
                }
                return nil
            }
            if steps.last?.isToMany == true { break }
            steps.append(step)
            current = model.entity(named: step.to)!
            index += 1
        }
        guard let last = steps.last, last.isToMany else {
            report(position, "\(function.rawValue)(…) needs a list (a 1-N link) such as \(links(of: entity).first(where: \.isToMany)?.name ?? "reservations"); \(path.joined(separator: ".")) is a single row")
            return nil
        }
        let child = current
        var argument: ColumnReference?
        if index < path.count {
            guard let reference = columnPath(Array(path[index...]), on: child, at: Self.position(of: index, in: path, from: position)) else { return nil }
            argument = reference
        }
        let kind: ValueKind
        switch function {
        case .count:
            kind = .integer
        case .countDistinct:
            guard argument != nil else {
                report(position, "count(distinct …) needs a field of the listed rows, such as count(distinct \(last.name).\(child.fields.first?.name ?? "id"))")
                return nil
            }
            kind = .integer
        case .sum, .avg:
            guard let argument, argument.kind.isNumeric else {
                let numeric = child.fields.first { ValueKind($0.type).isNumeric }?.name ?? "amount"
                report(position, "\(function.rawValue)(…) needs a number field of the listed rows, such as \(function.rawValue)(\(last.name).\(numeric))")
                return nil
            }
            kind = function == .avg ? .decimal : argument.kind
        case .min, .max:
            guard let argument else {
                report(position, "\(function.rawValue)(…) needs a field of the listed rows, such as \(function.rawValue)(\(last.name).\(child.fields.first?.name ?? "id"))")
                return nil
            }
            kind = argument.kind
        }
        var boundFilter: BoundExpression?
        if let filter {
            guard let bound = condition(filter, on: child) else { return nil }
            boundFilter = bound
        }
        return BoundAggregate(function: function, relation: BoundRelation(steps: steps, filter: boundFilter), argument: argument, kind: kind)
    }
}

extension RuleConstant {
    var isInterval: Bool { if case .interval = self { true } else { false } }
}
