import CrescendoCore
import Foundation
import Logging
import PostgresNIO

extension PostgresStore {
    public func ingest(_ entity: Entity, of model: DataModel, from source: some ChangeBatchSource) async throws -> IngestCounts {
        let counts = try await perform("ingest into \(entity.name)") {
            try await client.withTransaction(logger: logger) { connection -> IngestCounts in
                var ingestion = PostgresIngestion(entity: entity, model: model, connection: connection, logger: self.logger)
                try await ingestion.start()
                while let batch = try source.nextBatch() {
                    try await ingestion.apply(batch)
                }
                try await ingestion.finish()
                return ingestion.counts
            }
        }
        // A large change gets fresh planner statistics now rather than whenever autovacuum comes by,
        // so the first audience query after a load is planned on the data it will read.
        if counts.inserted + counts.updated + counts.deleted >= 1_000 {
            try await perform("refresh statistics of \(entity.name)") {
                _ = try await client.query(PostgresQuery(unsafeSQL: "ANALYZE \(PostgresSchema.quote(entity.name))"), logger: logger)
            }
        }
        return counts
    }
}

/// One ingestion inside its transaction: each batch costs a handful of statements whatever its
/// size, with every value bound as one `text[]` per column.
struct PostgresIngestion {
    let entity: Entity
    let connection: PostgresConnection
    let logger: Logger
    let keyPositions: [Int]
    let updateSQL: String
    let lookupSQL: String
    let deleteSQL: String
    var parents: [ParentCheck]
    var hasTombstones = true
    /// Secondary indexes dropped for a load into an empty table and built again, each in one pass,
    /// at the end of the same transaction.
    var deferredIndexes: [StoredIndex] = []
    var counts = IngestCounts()
    let deletedAt: String

    init(entity: Entity, model: DataModel, connection: PostgresConnection, logger: Logger) {
        self.entity = entity
        self.connection = connection
        self.logger = logger
        keyPositions = entity.keyPositions
        updateSQL = PostgresSchema.bulkUpdate(entity)
        lookupSQL = Self.keyLookup(entity, extra: ", \(Self.versionNumber(entity))")
        deleteSQL = "DELETE FROM \(PostgresSchema.quote(entity.name)) WHERE \(PostgresSchema.keyIn(entity))"
        parents = ParentCheck.checks(for: entity, in: model)
        deletedAt = CivilTime.iso8601(micros: Int64(Date().timeIntervalSince1970 * 1_000_000))
    }

    mutating func start() async throws {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT NOT EXISTS (SELECT 1 FROM \(PostgresSchema.quote(entity.name)))"), logger: logger)
        var empty = false
        for try await value in rows.decode(Bool.self) { empty = value }
        guard empty else { return }
        deferredIndexes = entity.storedIndexes
        for index in deferredIndexes {
            try await connection.query(PostgresQuery(unsafeSQL: "DROP INDEX IF EXISTS \(PostgresSchema.quote(index.name))"), logger: logger)
        }
    }

    func finish() async throws {
        for index in deferredIndexes {
            try await connection.query(PostgresQuery(unsafeSQL: PostgresSchema.createIndex(index)), logger: logger)
        }
    }

    /// `SELECT k::text, … [extra] FROM entity WHERE (keys) IN (unnest of key arrays)`.
    static func keyLookup(_ entity: Entity, extra: String = "") -> String {
        let keys = entity.key.map { "\(PostgresSchema.quote($0))::text" }.joined(separator: ", ")
        return "SELECT \(keys)\(extra) FROM \(PostgresSchema.quote(entity.name)) WHERE \(PostgresSchema.keyIn(entity))"
    }

    /// The version column as the planner's number: microseconds for a timestamp.
    static func versionNumber(_ entity: Entity) -> String {
        let column = PostgresSchema.quote(entity.version)
        return entity.field(named: entity.version)?.type == .timestamp
            ? "(extract(epoch FROM \(column)) * 1000000)::bigint" : "\(column)::bigint"
    }

    mutating func apply(_ batch: ChangeBatch) async throws {
        let changes = batch.changes
        guard !changes.isEmpty else { return }
        let stored = try await storedStates(changes)
        let plan = ChangePlanner.plan(changes, stored: stored)
        counts += plan.counts

        if !plan.rowDeletes.isEmpty {
            try await run(deleteSQL, keyArrays(plan.rowDeletes.map { changes[$0] }))
        }
        if !plan.tombstoneClears.isEmpty {
            var binds = PostgresBindings()
            binds.append(entity.name)
            binds.append(PostgresTextArray(plan.tombstoneClears.map { changes[$0].key }))
            try await connection.query(PostgresQuery(unsafeSQL: "DELETE FROM crescendo_tombstones WHERE entity = $1 AND key = ANY($2::text[])", binds: binds), logger: logger)
        }
        // Keys the store does not hold are inserted with COPY; the others are updated in one statement.
        var inserts: [Int] = []
        var updates: [Int] = []
        for index in plan.rowWrites {
            if case .live? = stored[changes[index].key] { updates.append(index) } else { inserts.append(index) }
        }
        if !inserts.isEmpty {
            var buffer = ByteBuffer()
            buffer.reserveCapacity(inserts.count * 128)
            for index in inserts { PostgresCopyText.appendRow(changes[index].values, to: &buffer) }
            let data = buffer
            try await connection.copyFrom(table: entity.name, columns: entity.fields.map(\.name), logger: logger) { writer in
                try await writer.write(data)
            }
        }
        if !updates.isEmpty {
            var columns = [[String?]](repeating: [], count: entity.fields.count)
            for position in columns.indices { columns[position].reserveCapacity(updates.count) }
            for index in updates {
                let values = changes[index].values
                for position in values.indices { columns[position].append(values[position].text) }
            }
            try await run(updateSQL, columns.map(PostgresTextArray.init))
        }
        if !plan.tombstoneWrites.isEmpty {
            let written = plan.tombstoneWrites.map { changes[$0] }
            var binds = PostgresBindings()
            binds.append(entity.name)
            binds.append(deletedAt)
            binds.append(PostgresTextArray(written.map(\.key)))
            binds.append(PostgresTextArray(written.map { String($0.version) }))
            try await connection.query(PostgresQuery(unsafeSQL: """
                INSERT INTO crescendo_tombstones (entity, key, version, deleted_at)
                SELECT $1, u.c0, u.c1::bigint, $2 FROM \(PostgresSchema.unnest(count: 2, first: 3))
                ON CONFLICT (entity, key) DO UPDATE SET version = excluded.version, deleted_at = excluded.deleted_at
                """, binds: binds), logger: logger)
            hasTombstones = true
        }
        if !parents.isEmpty, !plan.rowWrites.isEmpty {
            try await countOrphans(plan.rowWrites.map { changes[$0] })
        }
    }

    private func keyArrays(_ changes: [Change]) -> [PostgresTextArray] {
        keyPositions.map { position in PostgresTextArray(changes.map { $0.values[position].text }) }
    }

    private func run(_ sql: String, _ arrays: [PostgresTextArray]) async throws {
        var binds = PostgresBindings(capacity: arrays.count)
        for array in arrays { binds.append(array) }
        try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
    }

    private mutating func storedStates(_ changes: [Change]) async throws -> [String: StoredState] {
        var seen = Set<String>()
        var unique: [Change] = []
        unique.reserveCapacity(changes.count)
        for change in changes where seen.insert(change.key).inserted { unique.append(change) }
        var states: [String: StoredState] = [:]
        var binds = PostgresBindings()
        for array in keyArrays(unique) { binds.append(array) }
        let rows = try await connection.query(PostgresQuery(unsafeSQL: lookupSQL, binds: binds), logger: logger)
        for try await row in rows {
            var cells = row.makeIterator()
            var parts: [String] = []
            for _ in keyPositions { parts.append(try cells.next()?.decode(String.self) ?? "") }
            let version = try cells.next()?.decode(Int64.self) ?? 0
            states[parts.joined(separator: "\u{1F}")] = .live(version: version)
        }
        if hasTombstones {
            var found = false
            var tombstoneBinds = PostgresBindings()
            tombstoneBinds.append(entity.name)
            tombstoneBinds.append(PostgresTextArray(unique.map(\.key)))
            let tombstones = try await connection.query(PostgresQuery(
                unsafeSQL: "SELECT key, version FROM crescendo_tombstones WHERE entity = $1 AND key = ANY($2::text[])", binds: tombstoneBinds
            ), logger: logger)
            for try await (key, version) in tombstones.decode((String, Int64).self) {
                found = true
                if states[key] == nil { states[key] = .tombstone(version: version) }
            }
            if !found, counts.deleted == 0 {
                // Skip the lookup for later batches when the entity has no tombstones at all.
                var anyBinds = PostgresBindings()
                anyBinds.append(entity.name)
                let any = try await connection.query(PostgresQuery(unsafeSQL: "SELECT EXISTS (SELECT 1 FROM crescendo_tombstones WHERE entity = $1)", binds: anyBinds), logger: logger)
                for try await exists in any.decode(Bool.self) { hasTombstones = exists }
            }
        }
        return states
    }

    /// Counts written rows whose links point at parents that are not stored.
    private mutating func countOrphans(_ written: [Change]) async throws {
        for index in parents.indices {
            let unknown = parents[index].unknownParents(of: written)
            var found: Set<String> = []
            if !unknown.isEmpty {
                let keys = Array(unknown.values)
                let target = parents[index].target
                var binds = PostgresBindings()
                for position in target.key.indices { binds.append(PostgresTextArray(keys.map { $0[position].text })) }
                let rows = try await connection.query(PostgresQuery(unsafeSQL: Self.keyLookup(target), binds: binds), logger: logger)
                for try await row in rows {
                    var parts: [String] = []
                    for cell in row { parts.append(try cell.decode(String.self)) }
                    found.insert(parts.joined(separator: "\u{1F}"))
                }
            }
            parents[index].record(unknown: unknown, found: found)
        }
        ParentCheck.tally(written, checks: parents, into: &counts)
    }
}
