/// The types a data model field can have; each decides how input text is validated and how the
/// value is stored by every engine.
public enum FieldType: String, Sendable, Hashable, CaseIterable, Codable {
    case string, integer, decimal, boolean, date, timestamp
    case enumeration = "enum"
    case email, phone, json

    /// Whether the field can order changes as an entity's version.
    public var canVersion: Bool { self == .timestamp || self == .integer }

    /// Whether a field of this type can hold a primary or link key.
    public var canKey: Bool {
        switch self {
        case .string, .integer, .date, .enumeration, .email, .phone: true
        case .decimal, .boolean, .timestamp, .json: false
        }
    }

    /// What a change from `self` to `other` means for stored values: `true` when every stored value
    /// stays valid and keeps its meaning, so the migration needs no confirmation.
    public func widens(to other: FieldType) -> Bool {
        if self == other { return true }
        switch (self, other) {
        case (.integer, .decimal): return true
        case (.enumeration, .string), (.email, .string), (.phone, .string): return true
        case (.date, .string), (.integer, .string), (.decimal, .string), (.boolean, .string): return true
        default: return false
        }
    }
}
