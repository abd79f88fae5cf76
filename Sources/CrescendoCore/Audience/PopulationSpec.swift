/// A population as a user asks for it: rows of `entity` that meet `rule`, optionally moved to
/// another dimension (`dimension`: a link path such as `customer`, or an entity name).
public struct PopulationSpec: Sendable, Equatable, Codable {
    public var entity: String
    public var rule: RuleExpression?
    public var dimension: String?

    public init(entity: String, rule: RuleExpression? = nil, dimension: String? = nil) {
        self.entity = entity
        self.rule = rule
        self.dimension = dimension
    }
}

extension RuleExpression {
    /// The saved audiences a rule names, in order of appearance.
    public var audienceNames: [String] {
        var names: [String] = []
        func walk(_ e: RuleExpression) {
            switch e {
            case .inAudience(_, let name, _): if !names.contains(name) { names.append(name) }
            case .and(let parts), .or(let parts): parts.forEach(walk)
            case .not(let inner, _): walk(inner)
            case .exists(_, let filter, _), .aggregate(_, _, let filter, _): filter.map(walk)
            case .compare(_, let a, let b, _, _), .arithmetic(_, let a, let b, _): walk(a); walk(b)
            case .between(let a, let b, let c, _, _): walk(a); walk(b); walk(c)
            case .inList(let a, let list, _, _, _): walk(a); list.forEach(walk)
            case .isNull(let a, _, _), .interval(let a, _, _): walk(a)
            case .match(_, let a, let b, _, _, _): walk(a); walk(b)
            case .call(_, let arguments, _): arguments.forEach(walk)
            case .literal, .path, .variable: break
            }
        }
        walk(self)
        return names
    }
}
