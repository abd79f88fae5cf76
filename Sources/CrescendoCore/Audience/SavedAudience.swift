/// An audience in the portal: a named population that rules (`in audience 'x'`) and campaigns use.
///
/// A snapshot keeps its members (keys and chosen attributes) as they were when it was computed, so
/// a campaign that reads it next week addresses the same rows; a dynamic audience keeps only its
/// definition and is evaluated whenever it is read; an upload is a list brought from outside,
/// reconciled to rows of an entity.
public struct SavedAudience: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case snapshot, dynamic, upload
    }

    public var name: String
    public var kind: Kind
    /// The entity the members are rows of.
    public var entity: String
    /// The entity the rule is written on (differs from `entity` after a change of dimension).
    public var sourceEntity: String?
    /// The rule as text (a rule given as JSON is stored in its text form).
    public var rule: String?
    /// The link path or entity the population was moved to (`--to`).
    public var dimension: String?
    /// Attribute paths a snapshot stores beside the keys, in the columns `a0`, `a1`, ….
    public var attributes: [String]
    /// Members at `computedAt`; nil for a dynamic audience (count it to know).
    public var size: Int?
    public var computedAt: String?
    public var createdAt: String
    public var updatedAt: String
    /// The table holding a snapshot's or an upload's members; set by the store.
    public var table: String?
    /// For uploads: the file, the matching field and what did not match.
    public var upload: UploadSummary?

    public init(
        name: String, kind: Kind, entity: String, sourceEntity: String? = nil, rule: String? = nil, dimension: String? = nil,
        attributes: [String] = [], size: Int? = nil, computedAt: String? = nil, createdAt: String = "", updatedAt: String = "",
        table: String? = nil, upload: UploadSummary? = nil
    ) {
        self.name = name
        self.kind = kind
        self.entity = entity
        self.sourceEntity = sourceEntity
        self.rule = rule
        self.dimension = dimension
        self.attributes = attributes
        self.size = size
        self.computedAt = computedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.table = table
        self.upload = upload
    }

    /// Audience names are what people see in the portal; anything printable goes, up to a sane length.
    public static func validateName(_ name: String) throws(CrescendoError) {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed == name else {
            throw CrescendoError(.invalidArgument, "an audience name must not be empty or start or end with spaces")
        }
        guard name.count <= 200, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw CrescendoError(.invalidArgument, "an audience name has at most 200 characters and no control characters")
        }
    }
}

/// What reconciling an uploaded list found.
public struct UploadSummary: Sendable, Hashable, Codable {
    public var file: String
    /// The column of the file that was matched.
    public var column: String
    /// The entity field it was matched against.
    public var field: String
    public var rows: Int
    public var matchedRows: Int
    public var unmatchedRows: Int
    /// Rows whose value is not valid for the field (a malformed email), also left out.
    public var invalidRows: Int
    /// Values that matched more than one row (every matching row is a member).
    public var ambiguousValues: Int
    /// Where the unmatched and invalid rows were written, if any.
    public var unmatchedFile: String?

    public init(file: String, column: String, field: String, rows: Int, matchedRows: Int, unmatchedRows: Int, invalidRows: Int, ambiguousValues: Int, unmatchedFile: String?) {
        self.file = file
        self.column = column
        self.field = field
        self.rows = rows
        self.matchedRows = matchedRows
        self.unmatchedRows = unmatchedRows
        self.invalidRows = invalidRows
        self.ambiguousValues = ambiguousValues
        self.unmatchedFile = unmatchedFile
    }
}

/// The members to store with an audience.
public enum AudienceMembers: Sendable {
    /// None: a dynamic audience.
    case none
    /// The rows of a compiled members query (key columns, then attribute columns).
    case query(SQLQuery)
    /// Key rows found by reconciling an upload.
    case rows([[Value]])
}

/// A column of an audience's member table: the target entity's key columns `k0…`, then the stored
/// attributes `a0…`.
public struct MemberColumn: Sendable, Hashable {
    public var name: String
    public var type: FieldType
    public var isKey: Bool

    public init(name: String, type: FieldType, isKey: Bool) {
        self.name = name
        self.type = type
        self.isKey = isKey
    }

    /// The member table's columns for rows of `entity` with `attributes`.
    public static func columns(for entity: Entity, attributes: [ColumnReference]) -> [MemberColumn] {
        entity.key.enumerated().map { MemberColumn(name: "k\($0)", type: entity.field(named: $1)!.type, isKey: true) }
            + attributes.enumerated().map { MemberColumn(name: "a\($0)", type: $1.field.type, isKey: false) }
    }
}
