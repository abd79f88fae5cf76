/// One validated row of a change-data-capture feed: an upsert of a full record or a delete.
public struct Change: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case upsert, delete
    }

    public var kind: Kind
    /// Where the row started in its input, for reports.
    public var line: Int
    /// Values in the entity's field order; a delete carries only its key and version, the rest null.
    public var values: [Value]
    /// The key as canonical text (fields joined by U+001F), the identity the planner and tombstones use.
    public var key: String
    /// The version as a number: the integer itself, or microseconds for a timestamp.
    public var version: Int64

    public init(kind: Kind, line: Int, values: [Value], key: String, version: Int64) {
        self.kind = kind
        self.line = line
        self.values = values
        self.key = key
        self.version = version
    }

    /// The canonical key text of key values, as `Change.key` and stored tombstones spell it.
    public static func keyText(_ values: some Sequence<Value>) -> String {
        values.map { $0.text ?? "" }.joined(separator: "\u{1F}")
    }

    /// The version number of a stored version value.
    public static func versionNumber(_ value: Value) -> Int64? {
        switch value {
        case .integer(let number), .timestamp(let number): number
        default: nil
        }
    }
}

/// A slice of a feed, written to the store as one step.
public struct ChangeBatch: Sendable {
    public var changes: [Change]
    public init(changes: [Change]) { self.changes = changes }
}

/// Hands validated batches to a store. A class, because the store pulls batches inside its own
/// transaction and the source keeps its reader, its counts and its rejects file as it goes.
public protocol ChangeBatchSource: AnyObject {
    /// The next batch, or nil at the end. Throwing (an unreadable input, the error budget spent)
    /// makes the store roll the whole ingestion back.
    func nextBatch() throws -> ChangeBatch?
}
