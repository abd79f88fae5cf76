/// One statement of a unit of work (`WorkspaceStore.perform(_:)`).
///
/// Campaign executions need several statements to land together — an activity's work tables, their
/// counts and the record that the activity finished — and some work only when a condition holds at
/// the moment of writing (a launch claimed once, a scheduler lock held). A step that `requiresRow`
/// turns such a condition into SQL the engine checks inside the transaction: when it returns no
/// row, the whole unit is rolled back and `perform` returns nil.
public struct SQLStep: Sendable, Hashable {
    public var query: SQLQuery
    public var requiresRow: Bool

    public init(_ query: SQLQuery, requiresRow: Bool = false) {
        self.query = query
        self.requiresRow = requiresRow
    }

    /// A statement without parameters or results (DDL, a DELETE of generated rows).
    public init(_ text: String) {
        self.init(SQLQuery(text: text))
    }
}
