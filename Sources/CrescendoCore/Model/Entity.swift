/// A table of the data model: typed fields, a primary key, a version field that orders changes, and
/// links to other entities.
public struct Entity: Sendable, Hashable, Codable {
    public var name: String
    public var key: [String]
    public var version: String
    /// Fields in the model's order, which is also the column order of the stored table.
    public var fields: [Field]
    /// Extra indexes declared in the model, each a list of field names.
    public var indexes: [[String]]
    public var links: [Link]

    public init(name: String, key: [String], version: String, fields: [Field], indexes: [[String]] = [], links: [Link] = []) {
        self.name = name
        self.key = key
        self.version = version
        self.fields = fields
        self.indexes = indexes
        self.links = links
    }

    public func field(named name: String) -> Field? { fields.first { $0.name == name } }
    public func fieldIndex(named name: String) -> Int? { fields.firstIndex { $0.name == name } }
    public func link(named name: String) -> Link? { links.first { $0.name == name } }

    /// Positions of the key fields in `fields`.
    public var keyPositions: [Int] { key.map { fieldIndex(named: $0)! } }
    /// Position of the version field in `fields`.
    public var versionPosition: Int { fieldIndex(named: version)! }

    /// Every index the store keeps for this entity: the declared ones, single-field `index: true`,
    /// and one per link so that following a link backwards (a 1-N condition) is a lookup, not a scan.
    /// An index that the primary key already covers (as a prefix) is left out.
    public var storedIndexes: [StoredIndex] {
        var result: [StoredIndex] = []
        var seen: Set<[String]> = []
        func add(_ fields: [String]) {
            guard !fields.isEmpty, !seen.contains(fields) else { return }
            if Array(key.prefix(fields.count)) == fields { return }
            seen.insert(fields)
            result.append(StoredIndex(entity: name, fields: fields))
        }
        for field in fields where field.indexed { add([field.name]) }
        for index in indexes { add(index) }
        for link in links { add(link.fields) }
        return result
    }
}

/// An index as it exists in the store; its name is derived from the fields, so the same model
/// always yields the same names and a migration can compare them.
public struct StoredIndex: Sendable, Hashable {
    public var entity: String
    public var fields: [String]

    public init(entity: String, fields: [String]) {
        self.entity = entity
        self.fields = fields
    }

    /// `ix_<entity>_<fields>_<hash>`: readable, at most 63 bytes (PostgreSQL's limit), and unique
    /// because the hash covers the exact entity and field list (`guest.vip_tier` and
    /// `guest_vip.tier` would otherwise read alike).
    public var name: String {
        var hash: UInt64 = 14_695_981_039_346_656_037
        for byte in ([entity] + fields).joined(separator: "\u{0}").utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        let suffix = String(String(hash, radix: 36).prefix(7))
        let readable = "ix_\(entity)_\(fields.joined(separator: "_"))"
        return String(readable.prefix(62 - suffix.count)) + "_" + suffix
    }
}
