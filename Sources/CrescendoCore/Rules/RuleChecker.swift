import Foundation

/// Checks a rule against the data model and turns it into a `BoundExpression`.
///
/// It reports every problem it can find in one pass, each with the position of the text it is about
/// and, for a mistyped name, the closest name the model has. Constants (literals, variables,
/// `today()`, `now() - 2 hours`) are folded and typed by what they are compared with, so `check_in >
/// '2026-01-01'` binds a date and `tier = 'platnum'` is caught before any SQL runs.
public struct RuleChecker {
    let model: DataModel
    let environment: RuleEnvironment
    private(set) var problems: [RuleProblem] = []

    public init(model: DataModel, environment: RuleEnvironment) {
        self.model = model
        self.environment = environment
    }

    /// Checks `rule` on rows of `entity`; throws `invalid_rule` listing every problem.
    public static func check(
        _ rule: RuleExpression, on entity: Entity, model: DataModel, environment: RuleEnvironment
    ) throws(CrescendoError) -> BoundExpression {
        var checker = RuleChecker(model: model, environment: environment)
        let bound = checker.condition(rule, on: entity)
        if !checker.problems.isEmpty { throw CrescendoError.invalidRule(checker.problems) }
        return bound ?? .truth(false)
    }

    /// A value (`hotel.name`, `count(reservations where status = 'completed')`, `points * 2`) on
    /// rows of `entity`: what a campaign's enrichment, deduplication and sort expressions compute.
    /// Constants alone are refused; they would give every row the same value.
    public static func checkValue(
        _ expression: RuleExpression, on entity: Entity, model: DataModel, environment: RuleEnvironment
    ) throws(CrescendoError) -> BoundExpression {
        var checker = RuleChecker(model: model, environment: environment)
        let operand = checker.operand(expression, on: entity)
        if !checker.problems.isEmpty { throw CrescendoError.invalidRule(checker.problems) }
        guard case .typed(let bound) = operand else {
            throw CrescendoError.invalidRule([RuleProblem(expression.position, "expected a field, an aggregate or arithmetic on them; a constant gives every row the same value")])
        }
        return bound
    }

    /// A field path (`hotel.city`) on rows of `entity`, for previews, distributions and attributes.
    public static func column(_ path: String, on entity: Entity, model: DataModel) throws(CrescendoError) -> ColumnReference {
        var checker = RuleChecker(model: model, environment: RuleEnvironment(now: 0, timeZone: TimeZone(identifier: "UTC")!))
        let names = path.split(separator: ".", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        if let reference = checker.columnPath(names, on: entity, at: .unknown) { return reference }
        throw CrescendoError(.unknownName, checker.problems.map(\.message).joined(separator: "; "))
    }

    /// The steps from `entity` to another dimension: a link path (`customer`, `hotel.region`) or an
    /// entity name when exactly one link joins the two.
    public static func dimension(from entity: Entity, to target: String, model: DataModel) throws(CrescendoError) -> [LinkStep] {
        var checker = RuleChecker(model: model, environment: RuleEnvironment(now: 0, timeZone: TimeZone(identifier: "UTC")!))
        if target == entity.name { return [] }
        if let other = model.entity(named: target), entity.link(named: target) == nil,
            !model.reverseLinks(of: entity.name).contains(where: { $0.name == target })
        {
            let candidates = checker.links(of: entity).filter { $0.to == other.name }
            if candidates.count == 1 { return candidates }
            if candidates.isEmpty {
                throw CrescendoError(.unknownName, "no link joins \(entity.name) to \(other.name); give a link path such as \(checker.links(of: entity).map(\.name).first ?? "customer")")
            }
            throw CrescendoError(.invalidArgument, "\(entity.name) links to \(other.name) in several ways (\(candidates.map(\.name).joined(separator: ", "))); name the link instead of the entity")
        }
        var steps: [LinkStep] = []
        var current = entity
        for name in target.split(separator: ".", omittingEmptySubsequences: false).map(String.init) {
            guard let step = checker.link(name, from: current, at: .unknown) else {
                throw CrescendoError(.unknownName, checker.problems.map(\.message).joined(separator: "; "))
            }
            steps.append(step)
            current = model.entity(named: step.to)!
        }
        return steps
    }

    // MARK: Names

    mutating func report(_ position: SourcePosition, _ message: String) {
        problems.append(RuleProblem(position, message))
    }

    /// Every link usable from `entity`: its own (to-one), and the reverses of links pointing at it.
    func links(of entity: Entity) -> [LinkStep] {
        let forward = entity.links.map { link in
            LinkStep(name: link.name, from: entity.name, to: link.target, fromColumns: link.fields,
                     toColumns: model.entity(named: link.target)?.key ?? [], isToMany: false)
        }
        let reverse = model.reverseLinks(of: entity.name).map { reverse in
            LinkStep(name: reverse.name, from: entity.name, to: reverse.source, fromColumns: entity.key,
                     toColumns: reverse.link.fields, isToMany: reverse.isToMany)
        }
        return forward + reverse
    }

    private func names(of entity: Entity) -> [String] {
        entity.fields.map(\.name) + links(of: entity).map(\.name) + (entity.name == environment.attributeEntity ? Array(environment.attributes.keys).sorted() : [])
    }

    private mutating func unknownName(_ name: String, on entity: Entity, at position: SourcePosition, expecting what: String = "field") {
        var message = "unknown \(what) \"\(name)\" on \(entity.name)"
        message += Spelling.hint(name, among: names(of: entity))
        report(position, message)
    }

    mutating func link(_ name: String, from entity: Entity, at position: SourcePosition) -> LinkStep? {
        if let step = links(of: entity).first(where: { $0.name == name }) { return step }
        if entity.field(named: name) != nil {
            report(position, "\(name) is a field of \(entity.name), not a link")
        } else {
            unknownName(name, on: entity, at: position, expecting: "link")
        }
        return nil
    }

    /// `a.b.c`: to-one links, then a field.
    mutating func columnPath(_ names: [String], on entity: Entity, at start: SourcePosition) -> ColumnReference? {
        if names.count == 1, entity.name == environment.attributeEntity, entity.field(named: names[0]) == nil,
            !links(of: entity).contains(where: { $0.name == names[0] }), let type = environment.attributes[names[0]]
        {
            return ColumnReference(steps: [], entity: entity.name, field: Field(name: names[0], type: type, nullable: true), isAttribute: true)
        }
        var steps: [LinkStep] = []
        var current = entity
        for (index, name) in names.enumerated() {
            let position = Self.position(of: index, in: names, from: start)
            let isLast = index == names.count - 1
            if isLast, let field = current.field(named: name) {
                return ColumnReference(steps: steps, entity: current.name, field: field)
            }
            if let step = links(of: current).first(where: { $0.name == name }) {
                if step.isToMany {
                    report(position, "\(name) is a list of \(step.to) rows (1-N) on \(current.name); use exists \(name)(…) or an aggregate such as count(\(name) where …)")
                    return nil
                }
                if isLast {
                    let target = model.entity(named: step.to)
                    report(position, "\(name) is a link to \(step.to); name one of its fields, such as \(name).\(target?.fields.first(where: { !target!.key.contains($0.name) })?.name ?? target?.key.first ?? "id")")
                    return nil
                }
                steps.append(step)
                current = model.entity(named: step.to)!
                continue
            }
            if current.field(named: name) != nil {
                report(position, "\(name) is a field of \(current.name), not a link; \"\(names[index...].joined(separator: "."))\" goes nowhere")
                return nil
            }
            unknownName(name, on: current, at: position)
            return nil
        }
        report(start, "empty field name")
        return nil
    }

    /// Where the `index`th name of a dotted path starts (paths are written without spaces around
    /// the dots), so that an error points at the name that is wrong.
    static func position(of index: Int, in names: [String], from start: SourcePosition) -> SourcePosition {
        guard start != .unknown else { return start }
        return SourcePosition(line: start.line, column: start.column + names[..<index].reduce(0) { $0 + $1.count + 1 })
    }

    /// A path that ends at a link (for exists and aggregates): to-one steps, then the last step.
    mutating func relationPath(_ names: [String], on entity: Entity, at start: SourcePosition) -> [LinkStep]? {
        var steps: [LinkStep] = []
        var current = entity
        for (index, name) in names.enumerated() {
            let position = Self.position(of: index, in: names, from: start)
            if let previous = steps.last, previous.isToMany {
                report(position, "\(previous.name) is a list; follow it with exists \(previous.name)(…) inside the filter to go further")
                return nil
            }
            guard let step = link(name, from: current, at: position) else { return nil }
            steps.append(step)
            current = model.entity(named: step.to)!
        }
        return steps
    }
}
