import CrescendoCore
import Foundation
import GRDB

extension SQLiteStore {
    public func ingest(_ entity: Entity, of model: DataModel, from source: some ChangeBatchSource) async throws -> IngestCounts {
        // The source is pulled only inside this one write closure, on GRDB's writer queue.
        nonisolated(unsafe) let source: any ChangeBatchSource = source
        let counts = try await perform("ingest into \(entity.name)") {
            try await self.pool.write { db -> IngestCounts in
                var ingestion = try SQLiteIngestion(entity: entity, model: model, db: db)
                while let batch = try source.nextBatch() {
                    try ingestion.apply(batch, db)
                }
                try ingestion.finish(db)
                return ingestion.counts
            }
        }
        try await refreshStatistics(entity, changed: counts.inserted + counts.updated + counts.deleted)
        return counts
    }

    /// After a large change the planner's statistics are refreshed, so that the first audience
    /// query after a load already gets a good plan ("queryable the moment ingestion returns"), and
    /// the write-ahead log is folded back into the file so readers do not search a log the size of
    /// the load. A full ANALYZE (about a second for 5M rows): sampled statistics (`analysis_limit`)
    /// misjudged how many rows an enum value selects and led the planner astray.
    func refreshStatistics(_ entity: Entity, changed: Int) async throws {
        guard changed >= 1_000 else { return }
        let table = SQLiteSchema.quote(entity.name)
        try await perform("refresh statistics of \(entity.name)") {
            try await self.pool.write { db in
                let rows = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0
                guard changed * 10 >= rows else { return }
                try db.execute(sql: "ANALYZE \(table)")
            }
            try await self.pool.writeWithoutTransaction { db in
                _ = try? db.checkpoint(.truncate)
            }
        }
    }
}

/// The statements and caches of one ingestion, inside its write transaction.
struct SQLiteIngestion {
    let entity: Entity
    let keyPositions: [Int]
    let upsert: RawStatement
    let deleteRow: Statement
    let writeTombstone: Statement
    let clearTombstone: Statement
    var hasTombstones: Bool
    var parents: [ParentCheck]
    var counts = IngestCounts()
    let deletedAt: String
    /// For a single-field key: `SELECT version WHERE key = ?`, one B-tree seek per key.
    let versionLookup: RawStatement?
    /// Secondary indexes dropped for a load into an empty table, built again (sorted, in one pass)
    /// at the end of the same transaction.
    let deferredIndexes: [StoredIndex]
    /// `SELECT 1 FROM parent WHERE key = ?` per linked entity with a single-field key.
    let parentLookups: [String: RawStatement]

    static let lookupChunk = 500

    init(entity: Entity, model: DataModel, db: Database) throws {
        self.entity = entity
        keyPositions = entity.keyPositions
        upsert = RawStatement(try db.makeStatement(sql: SQLiteSchema.upsert(entity)))
        deleteRow = try db.makeStatement(sql: "DELETE FROM \(SQLiteSchema.quote(entity.name)) WHERE \(SQLiteSchema.keyCondition(entity))")
        writeTombstone = try db.makeStatement(sql: """
            INSERT INTO crescendo_tombstones (entity, key, version, deleted_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (entity, key) DO UPDATE SET version = excluded.version, deleted_at = excluded.deleted_at
            """)
        clearTombstone = try db.makeStatement(sql: "DELETE FROM crescendo_tombstones WHERE entity = ? AND key = ?")
        hasTombstones = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM crescendo_tombstones WHERE entity = ?)", arguments: [entity.name]) ?? false
        parents = ParentCheck.checks(for: entity, in: model)
        var parentLookups: [String: RawStatement] = [:]
        for check in parents where check.target.key.count == 1 && parentLookups[check.target.name] == nil {
            parentLookups[check.target.name] = RawStatement(try db.makeStatement(
                sql: "SELECT 1 FROM \(SQLiteSchema.quote(check.target.name)) WHERE \(SQLiteSchema.quote(check.target.key[0])) = ?"
            ))
        }
        self.parentLookups = parentLookups
        let table = SQLiteSchema.quote(entity.name)
        if entity.key.count == 1 {
            versionLookup = RawStatement(try db.makeStatement(sql: "SELECT \(SQLiteSchema.quote(entity.version)) FROM \(table) WHERE \(SQLiteSchema.quote(entity.key[0])) = ?"))
        } else {
            versionLookup = nil
        }
        let empty = try Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM \(table))") ?? false
        deferredIndexes = empty ? entity.storedIndexes : []
        for index in deferredIndexes {
            try db.execute(sql: "DROP INDEX IF EXISTS \(SQLiteSchema.quote(index.name))")
        }
        deletedAt = CivilTime.iso8601(micros: Int64(Date().timeIntervalSince1970 * 1_000_000))
    }

    func finish(_ db: Database) throws {
        guard !deferredIndexes.isEmpty else { return }
        // SQLite's sorter takes as much memory as the page cache allows before it spills to
        // temporary files; a smaller cache while the indexes are built keeps the peak flat
        // whatever the table's size.
        try db.execute(sql: "PRAGMA cache_size = -16384")
        for index in deferredIndexes {
            try db.execute(sql: SQLiteSchema.createIndex(index))
        }
        try db.execute(sql: "PRAGMA cache_size = -65536")
    }

    mutating func apply(_ batch: ChangeBatch, _ db: Database) throws {
        let changes = batch.changes
        guard !changes.isEmpty else { return }
        let stored = try storedStates(changes, db)
        let plan = ChangePlanner.plan(changes, stored: stored)
        counts += plan.counts

        for index in plan.rowDeletes {
            let change = changes[index]
            try deleteRow.execute(arguments: StatementArguments(keyPositions.map { SQLiteValues.databaseValue(change.values[$0], entity.fields[$0].type) }))
        }
        for index in plan.tombstoneClears {
            try clearTombstone.execute(arguments: [entity.name, changes[index].key])
        }
        for index in plan.rowWrites {
            let values = changes[index].values
            for position in values.indices {
                upsert.bind(values[position], at: Int32(position + 1))
            }
            try upsert.step(db)
        }
        for index in plan.tombstoneWrites {
            let change = changes[index]
            try writeTombstone.execute(arguments: [entity.name, change.key, change.version, deletedAt])
            hasTombstones = true
        }
        if !parents.isEmpty, !plan.rowWrites.isEmpty {
            try countOrphans(plan.rowWrites.map { changes[$0] }, db)
        }
    }

    /// The stored versions (rows and tombstones) of the batch's keys.
    private func storedStates(_ changes: [Change], _ db: Database) throws -> [String: StoredState] {
        var states: [String: StoredState] = [:]
        var seen = Set<String>()
        var unique: [Change] = []
        unique.reserveCapacity(changes.count)
        for change in changes where seen.insert(change.key).inserted { unique.append(change) }

        if let versionLookup {
            let keyPosition = keyPositions[0]
            for change in unique {
                if let version = try versionLookup.fetchVersion(change.values[keyPosition], db) { states[change.key] = .live(version: version) }
            }
        } else {
            try compositeStates(unique, into: &states, db)
        }
        if hasTombstones {
            var start = 0
            while start < unique.count {
                let chunk = unique[start..<min(start + Self.lookupChunk, unique.count)]
                start += chunk.count
                let tombstoneSQL = "SELECT key, version FROM crescendo_tombstones WHERE entity = ? AND key IN (\(Array(repeating: "?", count: chunk.count).joined(separator: ",")))"
                var tombstoneArguments: [DatabaseValue] = [entity.name.databaseValue]
                tombstoneArguments += chunk.map { $0.key.databaseValue }
                let tombstones = try Row.fetchCursor(db.cachedStatement(sql: tombstoneSQL), arguments: StatementArguments(tombstoneArguments))
                while let row = try tombstones.next() {
                    let key: String = row[0]
                    if states[key] == nil { states[key] = .tombstone(version: row[1]) }
                }
            }
        }
        return states
    }

    /// Stored versions for composite keys, 500 keys a query with row-value IN.
    private func compositeStates(_ unique: [Change], into states: inout [String: StoredState], _ db: Database) throws {
        let keyColumns = entity.key.map(SQLiteSchema.quote).joined(separator: ", ")
        let versionColumn = SQLiteSchema.quote(entity.version)
        var start = 0
        while start < unique.count {
            let chunk = unique[start..<min(start + Self.lookupChunk, unique.count)]
            start += chunk.count
            let sql = "SELECT \(keyColumns), \(versionColumn) FROM \(SQLiteSchema.quote(entity.name)) WHERE \(SQLiteSchema.keyIn(entity.key, count: chunk.count))"
            var arguments: [DatabaseValue] = []
            arguments.reserveCapacity(chunk.count * keyPositions.count)
            for change in chunk {
                for position in keyPositions { arguments.append(SQLiteValues.databaseValue(change.values[position], entity.fields[position].type)) }
            }
            let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: StatementArguments(arguments))
            while let row = try rows.next() {
                let key = (0..<keyPositions.count).map { SQLiteValues.keyText(row[$0]) }.joined(separator: "\u{1F}")
                if let version = SQLiteValues.versionNumber(row[keyPositions.count]) { states[key] = .live(version: version) }
            }
        }
    }

    /// Counts written rows whose links point at parents that are not stored.
    private mutating func countOrphans(_ written: [Change], _ db: Database) throws {
        for index in parents.indices {
            let unknown = parents[index].unknownParents(of: written)
            let found = try existingKeys(of: parents[index].target, among: Array(unknown.values), db)
            parents[index].record(unknown: unknown, found: found)
        }
        ParentCheck.tally(written, checks: parents, into: &counts)
    }

    /// The canonical key texts of those `keys` that `target` holds.
    private func existingKeys(of target: Entity, among keys: [[Value]], _ db: Database) throws -> Set<String> {
        var found: Set<String> = []
        if let lookup = parentLookups[target.name] {
            for key in keys where try lookup.exists(key[0], db) { found.insert(key[0].text ?? "") }
            return found
        }
        let keyTypes = target.keyPositions.map { target.fields[$0].type }
        let columns = target.key.map(SQLiteSchema.quote).joined(separator: ", ")
        var start = 0
        while start < keys.count {
            let chunk = keys[start..<min(start + Self.lookupChunk, keys.count)]
            start += chunk.count
            let sql = "SELECT \(columns) FROM \(SQLiteSchema.quote(target.name)) WHERE \(SQLiteSchema.keyIn(target.key, count: chunk.count))"
            var arguments: [DatabaseValue] = []
            for values in chunk {
                for (value, type) in zip(values, keyTypes) { arguments.append(SQLiteValues.databaseValue(value, type)) }
            }
            let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: StatementArguments(arguments))
            while let row = try rows.next() {
                found.insert((0..<target.key.count).map { SQLiteValues.keyText(row[$0]) }.joined(separator: "\u{1F}"))
            }
        }
        return found
    }
}
