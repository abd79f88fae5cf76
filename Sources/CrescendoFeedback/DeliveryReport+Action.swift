extension DeliveryReport {
    /// The RFC 3464 §2.3.3 `Action` values.
    ///
    /// Unknown values are preserved in `.other` instead of being dropped, so a
    /// non-standard MTA's wording is still visible to whoever triages it.
    public enum Action: Sendable, Equatable, Hashable {
        case failed, delayed, delivered, relayed, expanded
        /// Any other value, lowercased and trimmed.
        case other(String)

        /// Maps a raw field value (case-insensitive, comments ignored).
        public init(_ raw: String) {
            let word = raw.trimmingWhitespace().lowercased()
                .split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "(" }).first.map(String.init) ?? ""
            switch word {
            case "failed": self = .failed
            case "delayed": self = .delayed
            case "delivered": self = .delivered
            case "relayed": self = .relayed
            case "expanded": self = .expanded
            default: self = .other(word)
            }
        }

        /// The field value as text.
        public var rawValue: String {
            switch self {
            case .failed: "failed"
            case .delayed: "delayed"
            case .delivered: "delivered"
            case .relayed: "relayed"
            case .expanded: "expanded"
            case .other(let s): s
            }
        }
    }
}
