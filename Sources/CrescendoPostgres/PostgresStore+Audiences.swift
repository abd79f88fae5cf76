import CrescendoCore
import Foundation
import PostgresNIO

extension PostgresStore {
    public var dialect: SQLDialect { .postgres }

    /// Every value travels in text format, declared with its type (the SQL casts it too, which
    /// then costs nothing).
    static func bindings(_ binds: [SQLBind]) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: binds.count)
        for bind in binds {
            if let text = bind.value.text { bindings.append(PostgresTypedText(text, bind.kind)) } else { bindings.appendNull() }
        }
        return bindings
    }

    public func rows(_ query: SQLQuery) async throws -> [[Value]] {
        let types = query.columns.map(\.fieldType)
        return try await perform("run the query") {
            let rows = try await client.query(PostgresQuery(unsafeSQL: query.text, binds: Self.bindings(query.binds)), logger: logger)
            var result: [[Value]] = []
            for try await row in rows {
                var values: [Value] = []
                values.reserveCapacity(types.count)
                for (cell, type) in zip(row, types) { values.append(try PostgresValues.value(cell, type)) }
                result.append(values)
            }
            return result
        }
    }

    public func audiences() async throws -> [SavedAudience] {
        try await perform("list audiences") {
            let rows = try await client.query("SELECT definition FROM crescendo_audiences ORDER BY name", logger: logger)
            var result: [SavedAudience] = []
            for try await json in rows.decode(String.self) { result.append(try Self.decodeAudience(json)) }
            return result
        }
    }

    public func audience(named name: String) async throws -> SavedAudience? {
        try await perform("read audience") {
            let rows = try await client.query("SELECT definition FROM crescendo_audiences WHERE name = \(name)", logger: logger)
            for try await json in rows.decode(String.self) { return try Self.decodeAudience(json) }
            return nil
        }
    }

    public func saveAudience(_ audience: SavedAudience, members: AudienceMembers, columns: [MemberColumn]) async throws -> SavedAudience {
        try await perform("save audience \(audience.name)") {
            try await client.withTransaction(logger: logger) { connection -> SavedAudience in
                var saved = audience
                let now = CivilTime.iso8601(micros: Int64((Date().timeIntervalSince1970 * 1_000_000).rounded()))
                // The row lock serializes two saves of the same name; a new name inserts its row first.
                let inserted = try await connection.query(
                    "INSERT INTO crescendo_audiences (name, definition) VALUES (\(audience.name), '{}') ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id, definition",
                    logger: self.logger)
                var id: Int64 = 0
                for try await (rowID, json) in inserted.decode((Int64, String).self) {
                    id = rowID
                    saved.createdAt = json == "{}" ? now : try Self.decodeAudience(json).createdAt
                }
                saved.updatedAt = now
                let table = PostgresSchema.quote("crescendo_audience_\(id)")
                try await connection.query(PostgresQuery(unsafeSQL: "DROP TABLE IF EXISTS \(table)"), logger: self.logger)
                switch members {
                case .none:
                    saved.table = nil
                    saved.size = nil
                case .query(let query):
                    try await Self.createMemberTable(connection, table, columns, self.logger)
                    try await connection.query(PostgresQuery(unsafeSQL: "INSERT INTO \(table) \(query.text)", binds: Self.bindings(query.binds)), logger: self.logger)
                    saved.size = try await Self.count(connection, table, self.logger)
                    saved.table = "crescendo_audience_\(id)"
                    saved.computedAt = now
                case .rows(let rows):
                    try await Self.createMemberTable(connection, table, columns, self.logger)
                    for chunk in stride(from: 0, to: rows.count, by: 10_000) {
                        let slice = rows[chunk..<min(chunk + 10_000, rows.count)]
                        var binds = PostgresBindings()
                        for index in columns.indices { binds.append(PostgresTextArray(slice.map { $0[index].text })) }
                        let casts = columns.enumerated().map { "u.c\($0.offset)::\(PostgresSchema.columnType($0.element.type))" }.joined(separator: ", ")
                        try await connection.query(
                            PostgresQuery(unsafeSQL: "INSERT INTO \(table) SELECT \(casts) FROM \(PostgresSchema.unnest(count: columns.count))", binds: binds),
                            logger: self.logger)
                    }
                    saved.size = rows.count
                    saved.table = "crescendo_audience_\(id)"
                    saved.computedAt = now
                }
                let json = String(decoding: try JSONEncoder().encode(saved), as: UTF8.self)
                try await connection.query("UPDATE crescendo_audiences SET definition = \(json) WHERE id = \(id)", logger: self.logger)
                return saved
            }
        }
    }

    static func createMemberTable(_ connection: PostgresConnection, _ table: String, _ columns: [MemberColumn], _ logger: Logger) async throws {
        let definitions = columns.map { "\(PostgresSchema.quote($0.name)) \(PostgresSchema.columnType($0.type))" }
        let keys = columns.filter(\.isKey).map { PostgresSchema.quote($0.name) }
        try await connection.query(
            PostgresQuery(unsafeSQL: "CREATE TABLE \(table) (\(definitions.joined(separator: ", ")), PRIMARY KEY (\(keys.joined(separator: ", "))))"),
            logger: logger)
    }

    static func count(_ connection: PostgresConnection, _ table: String, _ logger: Logger) async throws -> Int {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    public func deleteAudience(named name: String) async throws -> Bool {
        try await perform("delete audience \(name)") {
            try await client.withTransaction(logger: logger) { connection -> Bool in
                let rows = try await connection.query("DELETE FROM crescendo_audiences WHERE name = \(name) RETURNING id", logger: self.logger)
                var deleted: Int64?
                for try await id in rows.decode(Int64.self) { deleted = id }
                guard let id = deleted else { return false }
                try await connection.query(PostgresQuery(unsafeSQL: "DROP TABLE IF EXISTS \(PostgresSchema.quote("crescendo_audience_\(id)"))"), logger: self.logger)
                return true
            }
        }
    }

    static func decodeAudience(_ json: String) throws -> SavedAudience {
        try JSONDecoder().decode(SavedAudience.self, from: Data(json.utf8))
    }
}

extension PostgresValues {
    /// A result cell as a canonical value, whatever type the server sent it as: compiled queries
    /// send text (`::text`), but `count(*)` or a caller's own SQL may send integers, numerics,
    /// booleans, dates or timestamps, which must not be read as text bytes.
    static func value(_ cell: PostgresCell, _ type: FieldType) throws -> Value {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8:
            let number = try cell.decode(Int64.self)
            return type == .decimal ? .decimal(String(number)) : .integer(number)
        case .numeric:
            let number = try cell.decode(Decimal.self)
            return type == .integer ? (Int64(exactly: NSDecimalNumber(decimal: number).doubleValue).map(Value.integer) ?? .decimal(number.description)) : .decimal(number.description)
        case .float4, .float8:
            let number = try cell.decode(Double.self)
            return type == .integer && number == number.rounded() ? .integer(Int64(number)) : .decimal(String(number))
        case .bool:
            return .boolean(try cell.decode(Bool.self))
        case .timestamptz, .timestamp:
            let date = try cell.decode(Date.self)
            return .timestamp(Int64((date.timeIntervalSince1970 * 1_000_000).rounded()))
        case .date:
            let date = try cell.decode(Date.self)
            let days = Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
            let (y, m, d) = CivilTime.civilFromDays(days)
            return .text(String(format: "%04d-%02d-%02d", y, m, d))
        default:
            return value(try cell.decode(String?.self), type)
        }
    }
}
