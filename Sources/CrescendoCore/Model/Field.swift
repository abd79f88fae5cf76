/// One typed column of an entity.
public struct Field: Sendable, Hashable, Codable {
    public var name: String
    public var type: FieldType
    /// The allowed values of an enum field, in the model's order.
    public var values: [String]
    public var nullable: Bool
    /// Text of the default, validated against `type` when the model loads; used when a column is
    /// added to an entity that already holds rows and when an input file lacks the column.
    public var defaultValue: String?
    /// Whether the field gets its own index (links and keys are indexed without asking).
    public var indexed: Bool

    public init(
        name: String, type: FieldType, values: [String] = [], nullable: Bool = false,
        defaultValue: String? = nil, indexed: Bool = false
    ) {
        self.name = name
        self.type = type
        self.values = values
        self.nullable = nullable
        self.defaultValue = defaultValue
        self.indexed = indexed
    }
}
