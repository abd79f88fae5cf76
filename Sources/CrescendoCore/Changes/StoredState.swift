/// What the store holds for a key before a change is applied.
public enum StoredState: Sendable, Equatable {
    /// A row with this version.
    case live(version: Int64)
    /// A deleted row's tombstone, with the delete's version: older upserts must not bring it back.
    case tombstone(version: Int64)
}
