import CrescendoCore
import Foundation
import GRDB

/// The embedded engine: one SQLite file per workspace, through GRDB.
///
/// A `DatabasePool` puts the file in WAL mode, so readers never block the writer; the busy timeout
/// lets the CLI and a server (or two CLI runs) share one file, waiting for each other's write
/// transactions instead of failing.
public final class SQLiteStore: WorkspaceStore {
    public let engine = "sqlite"
    public let path: String
    let pool: DatabasePool

    /// Opens (creating if needed) the workspace file at `path`.
    public init(path: String, busyTimeout: TimeInterval = 30) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "crescendo"
        configuration.prepareDatabase { db in
            // 64 MiB of page cache per connection: large writes touch fewer pages twice, and memory
            // stays bounded whatever the file size (index builds sort in temporary files, not in RAM).
            try db.execute(sql: "PRAGMA cache_size = -65536")
            if db.configuration.readonly {
                // Readers (audience queries) read pages straight from the mapped file instead of
                // one read() call per page: large scans and index walks spend their time in SQLite,
                // not in the kernel. The writer keeps plain I/O, so ingestion's memory stays flat.
                try db.execute(sql: "PRAGMA mmap_size = 2147418112")
            }
            db.add(function: SQLiteStore.fold)
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch {
            throw CrescendoError(.storeFailure, "cannot open the SQLite workspace \(path)", cause: ErrorDescription(error))
        }
    }

    /// The engine's own tables, versioned with GRDB's migrator.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("crescendo-v1") { db in
            try db.execute(sql: """
                CREATE TABLE crescendo_model_versions (
                    version INTEGER PRIMARY KEY,
                    applied_at TEXT NOT NULL,
                    source TEXT NOT NULL,
                    model_json TEXT NOT NULL
                );
                CREATE TABLE crescendo_tombstones (
                    entity TEXT NOT NULL,
                    key TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    deleted_at TEXT NOT NULL,
                    PRIMARY KEY (entity, key)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("crescendo-v2-audiences") { db in
            try db.execute(sql: """
                CREATE TABLE crescendo_audiences (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL UNIQUE,
                    definition TEXT NOT NULL
                );
                """)
        }
        return migrator
    }

    public func appliedModel() async throws -> AppliedModel? {
        try await perform("read the applied model") { try await self.pool.read(Self.appliedModel) }
    }

    static func appliedModel(_ db: Database) throws -> AppliedModel? {
        guard let row = try Row.fetchOne(db, sql: "SELECT version, applied_at, source, model_json FROM crescendo_model_versions ORDER BY version DESC LIMIT 1") else {
            return nil
        }
        let json: String = row["model_json"]
        let model = try JSONDecoder().decode(DataModel.self, from: Data(json.utf8))
        return AppliedModel(version: row["version"], appliedAt: row["applied_at"], source: row["source"], model: model)
    }

    public func count(_ entity: Entity) async throws -> Int {
        let sql = "SELECT COUNT(*) FROM \(SQLiteSchema.quote(entity.name))"
        return try await perform("count \(entity.name)") {
            try await self.pool.read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
        }
    }

    public func row(_ entity: Entity, key: [Value]) async throws -> [Value]? {
        let columns = entity.fields.map { SQLiteSchema.quote($0.name) }.joined(separator: ", ")
        let condition = entity.key.map { "\(SQLiteSchema.quote($0)) = ?" }.joined(separator: " AND ")
        let sql = "SELECT \(columns) FROM \(SQLiteSchema.quote(entity.name)) WHERE \(condition)"
        let keyFields = entity.keyPositions.map { entity.fields[$0] }
        let arguments = StatementArguments(zip(key, keyFields).map { SQLiteValues.databaseValue($0, $1.type) })
        return try await perform("read \(entity.name)") {
            try await self.pool.read { db -> [Value]? in
                guard let row = try Row.fetchOne(db, sql: sql, arguments: arguments) else { return nil }
                return entity.fields.enumerated().map { index, field in SQLiteValues.value(row[index] as DatabaseValue, field.type) }
            }
        }
    }

    public func tombstone(_ entity: Entity, key: [Value]) async throws -> Int64? {
        let keyText = Change.keyText(key)
        return try await perform("read tombstones") {
            try await self.pool.read { db in
                try Int64.fetchOne(db, sql: "SELECT version FROM crescendo_tombstones WHERE entity = ? AND key = ?", arguments: [entity.name, keyText])
            }
        }
    }

    public func close() async throws {
        try pool.close()
    }

    /// Runs a store operation, wrapping SQLite's errors in one that says what was being done.
    func perform<T: Sendable>(_ what: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as DatabaseError {
            throw CrescendoError(.storeFailure, "\(path): cannot \(what)", cause: ErrorDescription(error))
        } catch let error as DecodingError {
            throw CrescendoError(.storeFailure, "\(path): cannot \(what): the stored model cannot be read", cause: ErrorDescription(error))
        }
    }
}
