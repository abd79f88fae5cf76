import CrescendoCore
import Foundation
import GRDB

extension SQLiteStore {
    public var dialect: SQLDialect { .sqlite }

    /// `crescendo_fold(text)`: Unicode lowercasing for the rule language's `ignore case` forms
    /// (SQLite's own lower() folds ASCII letters only), with the final sigma folded to σ as
    /// PostgreSQL's side does (`SQLDialect.fold`), so both engines match the same rows.
    static let fold = DatabaseFunction("crescendo_fold", argumentCount: 1, pure: true) { values in
        guard let text = String.fromDatabaseValue(values[0]) else { return values[0].isNull ? nil : values[0] }
        return text.lowercased().replacingOccurrences(of: "ς", with: "σ")
    }

    static func arguments(_ binds: [SQLBind]) -> StatementArguments {
        StatementArguments(binds.map { SQLiteValues.databaseValue($0.value, $0.kind.fieldType) })
    }

    public func rows(_ query: SQLQuery) async throws -> [[Value]] {
        let arguments = Self.arguments(query.binds)
        let types = query.columns.map(\.fieldType)
        return try await perform("run the query") {
            try await pool.read { db in
                var result: [[Value]] = []
                let cursor = try Row.fetchCursor(db, sql: query.text, arguments: arguments)
                while let row = try cursor.next() {
                    result.append(types.enumerated().map { index, type in SQLiteValues.value(row[index] as DatabaseValue, type) })
                }
                return result
            }
        }
    }

    public func audiences() async throws -> [SavedAudience] {
        try await perform("list audiences") {
            try await pool.read { db in
                try String.fetchAll(db, sql: "SELECT definition FROM crescendo_audiences ORDER BY name").map(Self.decodeAudience)
            }
        }
    }

    public func audience(named name: String) async throws -> SavedAudience? {
        try await perform("read audience") {
            try await pool.read { db in
                try String.fetchOne(db, sql: "SELECT definition FROM crescendo_audiences WHERE name = ?", arguments: [name]).map(Self.decodeAudience)
            }
        }
    }

    public func saveAudience(_ audience: SavedAudience, members: AudienceMembers, columns: [MemberColumn]) async throws -> SavedAudience {
        try await perform("save audience \(audience.name)") {
            try await pool.write { db in
                var saved = audience
                let now = CivilTime.iso8601(micros: Int64((Date().timeIntervalSince1970 * 1_000_000).rounded()))
                let id: Int64
                if let row = try Row.fetchOne(db, sql: "SELECT id, definition FROM crescendo_audiences WHERE name = ?", arguments: [audience.name]) {
                    id = row[0]
                    saved.createdAt = try Self.decodeAudience(row[1]).createdAt
                } else {
                    try db.execute(sql: "INSERT INTO crescendo_audiences (name, definition) VALUES (?, '{}')", arguments: [audience.name])
                    id = db.lastInsertedRowID
                    saved.createdAt = now
                }
                saved.updatedAt = now
                let table = "crescendo_audience_\(id)"
                try db.execute(sql: "DROP TABLE IF EXISTS \(SQLiteSchema.quote(table))")
                switch members {
                case .none:
                    saved.table = nil
                    saved.size = nil
                case .query(let query):
                    try Self.createMemberTable(db, table, columns)
                    try db.execute(sql: "INSERT INTO \(SQLiteSchema.quote(table)) \(query.text)", arguments: Self.arguments(query.binds))
                    saved.table = table
                    saved.size = db.changesCount
                    saved.computedAt = now
                case .rows(let rows):
                    try Self.createMemberTable(db, table, columns)
                    let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
                    let statement = try db.makeStatement(sql: "INSERT INTO \(SQLiteSchema.quote(table)) VALUES (\(placeholders))")
                    for row in rows {
                        try statement.execute(arguments: StatementArguments(zip(row, columns).map { SQLiteValues.databaseValue($0, $1.type) }))
                    }
                    saved.table = table
                    saved.size = rows.count
                    saved.computedAt = now
                }
                let json = String(decoding: try JSONEncoder().encode(saved), as: UTF8.self)
                try db.execute(sql: "UPDATE crescendo_audiences SET definition = ? WHERE id = ?", arguments: [json, id])
                return saved
            }
        }
    }

    /// Member tables hold the key columns `k0…` and attribute columns `a0…`; the key columns are the
    /// primary key, so membership tests are index lookups.
    static func createMemberTable(_ db: Database, _ table: String, _ columns: [MemberColumn]) throws {
        let definitions = columns.map { "\(SQLiteSchema.quote($0.name)) \(SQLiteSchema.columnType($0.type))" }
        let keys = columns.filter(\.isKey).map { SQLiteSchema.quote($0.name) }
        try db.execute(sql: "CREATE TABLE \(SQLiteSchema.quote(table)) (\(definitions.joined(separator: ", ")), PRIMARY KEY (\(keys.joined(separator: ", "))))")
    }

    public func deleteAudience(named name: String) async throws -> Bool {
        try await perform("delete audience \(name)") {
            try await pool.write { db in
                guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM crescendo_audiences WHERE name = ?", arguments: [name]) else { return false }
                try db.execute(sql: "DROP TABLE IF EXISTS \(SQLiteSchema.quote("crescendo_audience_\(id)"))")
                try db.execute(sql: "DELETE FROM crescendo_audiences WHERE id = ?", arguments: [id])
                return true
            }
        }
    }

    static func decodeAudience(_ json: String) throws -> SavedAudience {
        try JSONDecoder().decode(SavedAudience.self, from: Data(json.utf8))
    }
}
