/// A workspace's storage, at the level of the domain: each method is one complete unit of work
/// (its own transaction), so callers never hold a transaction open and every engine can choose the
/// SQL shapes that are fast on it.
///
/// Engines: `SQLiteStore` (the embedded default) and `PostgresStore`. The conformance suite in
/// `CrescendoStoreTests` runs the same expectations against each.
public protocol WorkspaceStore: Sendable {
    /// "sqlite" or "postgres", for reports.
    var engine: String { get }

    /// The model applied last, or nil for a workspace that has none yet.
    func appliedModel() async throws -> AppliedModel?

    /// Migrates the store to `model` and records it as a new version; all or nothing. Refuses, before
    /// changing anything, a plan with destructive steps unless `allowDestructive`. Applying the model
    /// already in force changes nothing and records no version.
    func apply(_ model: DataModel, source: String, allowDestructive: Bool) async throws -> MigrationOutcome

    /// Applies a feed of changes to `entity` in one transaction, pulling batches from `source`: when
    /// the source throws, nothing of the feed stays. Returns what the changes did (`read` and
    /// `rejected` are the source's to count).
    func ingest(_ entity: Entity, of model: DataModel, from source: some ChangeBatchSource) async throws -> IngestCounts

    func count(_ entity: Entity) async throws -> Int

    /// One row by its key values (in key order), values in the entity's field order.
    func row(_ entity: Entity, key: [Value]) async throws -> [Value]?

    /// The tombstone version left by a delete of this key, if any.
    func tombstone(_ entity: Entity, key: [Value]) async throws -> Int64?

    // MARK: Queries and the audience portal

    /// The SQL that `PopulationSQL` compiles for this engine.
    var dialect: SQLDialect { get }

    /// Runs a read-only statement compiled for this engine, each value read as `query.columns` says.
    func rows(_ query: SQLQuery) async throws -> [[Value]]

    /// Runs `steps` in one transaction and returns each statement's rows (read as its `columns`
    /// say; empty for statements without results), or nil when a step that requires a row got none,
    /// in which case nothing of the unit stays.
    func perform(_ steps: [SQLStep]) async throws -> [[[Value]]]?

    func audiences() async throws -> [SavedAudience]

    func audience(named name: String) async throws -> SavedAudience?

    /// Saves (or replaces, keeping its creation time) an audience and its members, all or nothing.
    /// `columns` are the member table's columns (`MemberColumn.columns(for:attributes:)`), in the
    /// order the members query or rows give them. Returns the audience as stored, with its table and
    /// size.
    func saveAudience(_ audience: SavedAudience, members: AudienceMembers, columns: [MemberColumn]) async throws -> SavedAudience

    /// Removes an audience and its members; false when there was none of that name.
    func deleteAudience(named name: String) async throws -> Bool

    /// Releases connections; the store is unusable afterwards.
    func close() async throws
}

/// A model as applied to a workspace.
public struct AppliedModel: Sendable, Equatable {
    /// 1 for the first model applied, then one more for each change.
    public var version: Int
    /// ISO 8601 time of the application.
    public var appliedAt: String
    /// The YAML as it was given.
    public var source: String
    public var model: DataModel

    public init(version: Int, appliedAt: String, source: String, model: DataModel) {
        self.version = version
        self.appliedAt = appliedAt
        self.source = source
        self.model = model
    }
}

/// The result of applying a model.
public struct MigrationOutcome: Sendable, Equatable {
    public var plan: MigrationPlan
    /// The workspace's model version afterwards.
    public var version: Int
    /// False when the model was already in force.
    public var changed: Bool

    public init(plan: MigrationPlan, version: Int, changed: Bool) {
        self.plan = plan
        self.version = version
        self.changed = changed
    }
}
