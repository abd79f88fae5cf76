/// Decides what a batch of changes does to the store, from the versions it already holds.
///
/// The rules: an upsert applies when its version is newer than the stored row's or tombstone's; a
/// delete applies when its version is at least the stored one (a delete wins a tie) and leaves a
/// tombstone; equal or older upserts are stale. Several changes to one key in a batch apply in input
/// order, and the store receives only each key's net effect.
///
/// A pure function: engines look the stored states up, call `plan`, and run the operations.
public enum ChangePlanner {
    public static func plan(_ changes: [Change], stored: [String: StoredState]) -> ChangePlan {
        var plan = ChangePlan()
        var current: [String: Working] = [:]
        current.reserveCapacity(changes.count)
        for (index, change) in changes.enumerated() {
            var working = current[change.key] ?? Working(initial: stored[change.key], state: stored[change.key], row: nil)
            switch (change.kind, working.state) {
            case (.upsert, nil):
                plan.counts.inserted += 1
                working.state = .live(version: change.version)
                working.row = index
            case (.upsert, .live(let version)?) where change.version > version:
                plan.counts.updated += 1
                working.state = .live(version: change.version)
                working.row = index
            case (.upsert, .tombstone(let version)?) where change.version > version:
                plan.counts.inserted += 1
                working.state = .live(version: change.version)
                working.row = index
            case (.upsert, _):
                plan.counts.stale += 1
            case (.delete, nil):
                plan.counts.deleted += 1
                plan.counts.absentDeletes += 1
                working.state = .tombstone(version: change.version)
                working.row = index
            case (.delete, .live(let version)?) where change.version >= version:
                plan.counts.deleted += 1
                working.state = .tombstone(version: change.version)
                working.row = index
            case (.delete, .tombstone(let version)?) where change.version > version:
                plan.counts.deleted += 1
                plan.counts.absentDeletes += 1
                working.state = .tombstone(version: change.version)
                working.row = index
            case (.delete, _):
                plan.counts.stale += 1
            }
            current[change.key] = working
        }
        for (index, change) in changes.enumerated() {
            // Visit keys in input order (deterministic statements), each once, at its last change.
            guard let working = current[change.key], working.row == index else { continue }
            switch (working.initial, working.state) {
            case (_, .live?):
                plan.rowWrites.append(index)
                if case .tombstone? = working.initial { plan.tombstoneClears.append(index) }
            case (let initial, .tombstone?):
                if case .live? = initial { plan.rowDeletes.append(index) }
                plan.tombstoneWrites.append(index)
            case (_, nil):
                break
            }
        }
        return plan
    }

    private struct Working {
        var initial: StoredState?
        var state: StoredState?
        /// The change that decides the key's final state, or nil when nothing applied.
        var row: Int?
    }
}

/// The net operations of a batch, as positions in the batch's changes.
public struct ChangePlan: Sendable, Equatable {
    /// Changes whose row is written (inserted or replaced).
    public var rowWrites: [Int] = []
    /// Changes whose key's live row is deleted.
    public var rowDeletes: [Int] = []
    /// Changes whose key gets a tombstone with the change's version.
    public var tombstoneWrites: [Int] = []
    /// Changes whose key's tombstone is removed because a newer upsert brought the row back.
    public var tombstoneClears: [Int] = []
    public var counts = IngestCounts()

    public init() {}
}
