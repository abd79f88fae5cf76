/// What an ingestion did, row by row of the input.
public struct IngestCounts: Sendable, Equatable, Codable {
    public var read = 0
    public var inserted = 0
    public var updated = 0
    /// Deletes applied, including those of keys that had no row (they still leave a tombstone).
    public var deleted = 0
    /// Of `deleted`, those whose key had no live row.
    public var absentDeletes = 0
    /// Changes older than (or as old as) what the store holds, skipped.
    public var stale = 0
    public var rejected = 0
    /// Written rows whose link points at a parent row that is not there (yet).
    public var orphans = 0
    public var orphansByLink: [String: Int] = [:]

    public init() {}

    public static func += (lhs: inout IngestCounts, rhs: IngestCounts) {
        lhs.read += rhs.read
        lhs.inserted += rhs.inserted
        lhs.updated += rhs.updated
        lhs.deleted += rhs.deleted
        lhs.absentDeletes += rhs.absentDeletes
        lhs.stale += rhs.stale
        lhs.rejected += rhs.rejected
        lhs.orphans += rhs.orphans
        lhs.orphansByLink.merge(rhs.orphansByLink, uniquingKeysWith: +)
    }
}
