/// A rule checked against the data model: every name resolved to a field or a link, every value
/// typed and folded to a constant where it can be (`today() + 7 days` is a date by now), ready for a
/// compiler. The SQL compilers read only this tree, so they never see a name the model lacks.
public indirect enum BoundExpression: Sendable, Hashable {
    // Values
    case column(ColumnReference)
    case constant(Value, ValueKind)
    case arithmetic(ArithmeticOperator, BoundExpression, BoundExpression, ValueKind)
    case aggregate(BoundAggregate)

    // Conditions
    case compare(ComparisonOperator, BoundExpression, BoundExpression, ignoreCase: Bool)
    case between(BoundExpression, BoundExpression, BoundExpression, negated: Bool)
    case inList(BoundExpression, [BoundExpression], negated: Bool, ignoreCase: Bool)
    case isNull(BoundExpression, negated: Bool)
    /// The pattern is always a constant text: it decides the SQL shape (a prefix range, a search).
    case match(TextMatch, BoundExpression, String, negated: Bool, ignoreCase: Bool)
    case and([BoundExpression])
    case or([BoundExpression])
    case not(BoundExpression)
    case exists(BoundRelation)
    case inAudience([LinkStep], AudienceReference)
    /// A condition decided while checking (a comparison of two constants).
    case truth(Bool)

    /// The kind of value an expression yields; conditions yield `.boolean`.
    public var kind: ValueKind {
        switch self {
        case .column(let reference): reference.kind
        case .constant(_, let kind), .arithmetic(_, _, _, let kind): kind
        case .aggregate(let aggregate): aggregate.kind
        default: .boolean
        }
    }
}

/// How a value is stored and bound: the field types that share a representation fold together.
public enum ValueKind: String, Sendable, Hashable {
    case text, integer, decimal, boolean, date, timestamp

    public init(_ type: FieldType) {
        switch type {
        case .string, .enumeration, .email, .phone, .json: self = .text
        case .integer: self = .integer
        case .decimal: self = .decimal
        case .boolean: self = .boolean
        case .date: self = .date
        case .timestamp: self = .timestamp
        }
    }

    /// The field type an engine reads a result column of this kind as.
    public var fieldType: FieldType {
        switch self {
        case .text: .string
        case .integer: .integer
        case .decimal: .decimal
        case .boolean: .boolean
        case .date: .date
        case .timestamp: .timestamp
        }
    }

    public var isNumeric: Bool { self == .integer || self == .decimal }
}

/// One hop along a link, in either direction: from `from`'s `fromColumns` to `to`'s `toColumns`.
public struct LinkStep: Sendable, Hashable {
    /// The name used in the rule (`hotel`, `reservations`).
    public var name: String
    public var from: String
    public var to: String
    public var fromColumns: [String]
    public var toColumns: [String]
    /// False for N-1 and 1-1 links (at most one row), true for the reverse of an N-1 link.
    public var isToMany: Bool

    public init(name: String, from: String, to: String, fromColumns: [String], toColumns: [String], isToMany: Bool) {
        self.name = name
        self.from = from
        self.to = to
        self.fromColumns = fromColumns
        self.toColumns = toColumns
        self.isToMany = isToMany
    }
}

/// A field reached from the current row along to-one steps.
public struct ColumnReference: Sendable, Hashable {
    public var steps: [LinkStep]
    public var entity: String
    public var field: Field
    /// A column a campaign activity added to its population (an enrichment alias), not a field of
    /// the entity: it lives in the work table the rule runs over.
    public var isAttribute: Bool = false

    public var kind: ValueKind { ValueKind(field.type) }
    /// `hotel.city`, as the rule wrote it.
    public var path: String { (steps.map(\.name) + [field.name]).joined(separator: ".") }
}

/// Rows related to the current one along `steps` (to-one steps, then the last step in any
/// direction), with an optional filter checked on those rows.
public struct BoundRelation: Sendable, Hashable {
    public var steps: [LinkStep]
    public var filter: BoundExpression?

    public var last: LinkStep { steps[steps.count - 1] }
    public var prefix: [LinkStep] { Array(steps.dropLast()) }
}

public struct BoundAggregate: Sendable, Hashable {
    public var function: AggregateFunction
    public var relation: BoundRelation
    /// The aggregated value on the related rows; nil for `count(reservations)`.
    public var argument: ColumnReference?
    public var kind: ValueKind

    /// What the aggregate is over no rows: 0 for count and sum (nobody has "null reservations"), null
    /// for the others.
    public var valueOverNoRows: Value {
        switch function {
        case .count, .countDistinct: .integer(0)
        case .sum: kind == .integer ? .integer(0) : .decimal("0")
        case .avg, .min, .max: .null
        }
    }
}

/// A saved audience as a rule sees it: its dimension and where its members come from.
public struct AudienceReference: Sendable, Hashable {
    public enum Members: Sendable, Hashable {
        /// A snapshot table holding the member keys in columns `k0`, `k1`, ….
        case snapshot(table: String)
        /// A definition evaluated when read.
        case population(BoundPopulation)
    }

    public var name: String
    public var entity: String
    public var members: Members

    public init(name: String, entity: String, members: Members) {
        self.name = name
        self.entity = entity
        self.members = members
    }
}

/// A population: the rows of `entity` that meet `rule`, moved along `dimension` to the rows they link
/// to (reservations → their customers), each row once.
public struct BoundPopulation: Sendable, Hashable {
    public var entity: Entity
    public var rule: BoundExpression?
    public var dimension: [LinkStep]
    /// The entity of the rows the population is made of.
    public var target: Entity

    public init(entity: Entity, rule: BoundExpression?, dimension: [LinkStep], target: Entity) {
        self.entity = entity
        self.rule = rule
        self.dimension = dimension
        self.target = target
    }
}
