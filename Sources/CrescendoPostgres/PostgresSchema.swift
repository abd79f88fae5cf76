import CrescendoCore

/// SQL text for PostgreSQL. Identifiers come only from a validated model and are always quoted;
/// values travel as bound parameters (bulk writes as one `text[]` per column, cast in SQL).
enum PostgresSchema {
    static func quote(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func columnType(_ type: FieldType) -> String {
        switch type {
        case .string, .enumeration, .email, .phone: "text"
        case .integer: "bigint"
        case .decimal: "numeric"
        case .boolean: "boolean"
        case .date: "date"
        case .timestamp: "timestamptz"
        case .json: "jsonb"
        }
    }

    static func createTable(_ entity: Entity) -> [String] {
        var columns = entity.fields.map { field -> String in
            var column = "\(quote(field.name)) \(columnType(field.type))"
            if entity.key.contains(field.name) || entity.version == field.name { column += " NOT NULL" }
            return column
        }
        columns.append("PRIMARY KEY (\(entity.key.map(quote).joined(separator: ", ")))")
        return ["CREATE TABLE \(quote(entity.name)) (\n  \(columns.joined(separator: ",\n  "))\n)"] + entity.storedIndexes.map(createIndex)
    }

    static func createIndex(_ index: StoredIndex) -> String {
        "CREATE INDEX IF NOT EXISTS \(quote(index.name)) ON \(quote(index.entity)) (\(index.fields.map(quote).joined(separator: ", ")))"
    }

    /// `unnest($1::text[], …) AS u(c1, …)` over `count` array parameters starting at `first`.
    static func unnest(count: Int, first: Int = 1) -> String {
        let arrays = (0..<count).map { "$\(first + $0)::text[]" }.joined(separator: ", ")
        let names = (0..<count).map { "c\($0)" }.joined(separator: ", ")
        return "unnest(\(arrays)) AS u(\(names))"
    }

    /// Upserts of full records from one text array per field, each cast to its column's type.
    static func bulkUpsert(_ entity: Entity) -> String {
        let columns = entity.fields.map { quote($0.name) }.joined(separator: ", ")
        let casts = entity.fields.enumerated().map { index, field in "u.c\(index)::\(columnType(field.type))" }.joined(separator: ", ")
        let updates = entity.fields.filter { !entity.key.contains($0.name) }.map { "\(quote($0.name)) = excluded.\(quote($0.name))" }
        var sql = "INSERT INTO \(quote(entity.name)) (\(columns)) SELECT \(casts) FROM \(unnest(count: entity.fields.count))"
        sql += " ON CONFLICT (\(entity.key.map(quote).joined(separator: ", "))) DO "
        sql += updates.isEmpty ? "NOTHING" : "UPDATE SET \(updates.joined(separator: ", "))"
        return sql
    }

    /// Updates of rows known to exist, from one text array per field, joined on the key.
    static func bulkUpdate(_ entity: Entity) -> String {
        let assignments = entity.fields.enumerated().filter { !entity.key.contains($0.element.name) }
            .map { index, field in "\(quote(field.name)) = u.c\(index)::\(columnType(field.type))" }
        let match = entity.keyPositions.map { index in
            "t.\(quote(entity.fields[index].name)) = u.c\(index)::\(columnType(entity.fields[index].type))"
        }
        guard !assignments.isEmpty else { return bulkUpsert(entity) }
        return "UPDATE \(quote(entity.name)) AS t SET \(assignments.joined(separator: ", ")) FROM \(unnest(count: entity.fields.count)) WHERE \(match.joined(separator: " AND "))"
    }

    /// `(k1, k2) IN (SELECT c0::type, c1::type FROM unnest(…))`, key arrays starting at `first`.
    static func keyIn(_ entity: Entity, first: Int = 1) -> String {
        let keyFields = entity.keyPositions.map { entity.fields[$0] }
        let columns = keyFields.map { quote($0.name) }.joined(separator: ", ")
        let casts = keyFields.enumerated().map { index, field in "u.c\(index)::\(columnType(field.type))" }.joined(separator: ", ")
        return "(\(columns)) IN (SELECT \(casts) FROM \(unnest(count: keyFields.count, first: first)))"
    }
}
