/// A link from one entity to another by matching the linking fields to the target's key.
///
/// A link is N-1 (`reservation.hotel`) or 1-1; its `reverse` names the way back, which is 1-N for an
/// N-1 link (`hotel.reservations`) and 1-1 for a 1-1 link. Rules follow links both ways.
public struct Link: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case manyToOne = "many-to-one"
        case oneToOne = "one-to-one"
    }

    public var name: String
    public var target: String
    /// The fields of the owning entity, in the order of the target's key fields.
    public var fields: [String]
    public var reverse: String?
    public var kind: Kind

    public init(name: String, target: String, fields: [String], reverse: String? = nil, kind: Kind = .manyToOne) {
        self.name = name
        self.target = target
        self.fields = fields
        self.reverse = reverse
        self.kind = kind
    }
}

/// The way back along a link, seen from its target: `profile.reservations` is the reverse of
/// `reservation.customer`.
public struct ReverseLink: Sendable, Hashable {
    public var name: String
    /// The entity that owns the forward link (the "many" side of an N-1 link).
    public var source: String
    public var link: Link
    /// Whether the reverse yields many rows (reverse of N-1) or at most one (reverse of 1-1).
    public var isToMany: Bool { link.kind == .manyToOne }
}
