import CrescendoCore

/// SQL text for the stored tables. Identifiers come only from a validated model and are always
/// quoted; values are never written into SQL text.
enum SQLiteSchema {
    static func quote(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func columnType(_ type: FieldType) -> String {
        switch type {
        case .integer, .boolean: "INTEGER"
        case .decimal: "REAL"
        case .string, .enumeration, .email, .phone, .json, .date, .timestamp: "TEXT"
        }
    }

    static func createTable(_ entity: Entity) -> [String] {
        var columns = entity.fields.map { field -> String in
            var column = "\(quote(field.name)) \(columnType(field.type))"
            if entity.key.contains(field.name) || entity.version == field.name { column += " NOT NULL" }
            return column
        }
        columns.append("PRIMARY KEY (\(entity.key.map(quote).joined(separator: ", ")))")
        var statements = ["CREATE TABLE \(quote(entity.name)) (\n  \(columns.joined(separator: ",\n  "))\n)"]
        statements += entity.storedIndexes.map(createIndex)
        return statements
    }

    static func createIndex(_ index: StoredIndex) -> String {
        "CREATE INDEX IF NOT EXISTS \(quote(index.name)) ON \(quote(index.entity)) (\(index.fields.map(quote).joined(separator: ", ")))"
    }

    /// INSERT … ON CONFLICT DO UPDATE for a full record: one statement serves inserts and updates
    /// (the planner has already decided that the change is newer).
    static func upsert(_ entity: Entity) -> String {
        let columns = entity.fields.map { quote($0.name) }
        let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        let updates = entity.fields.filter { !entity.key.contains($0.name) }
            .map { "\(quote($0.name)) = excluded.\(quote($0.name))" }
        var sql = "INSERT INTO \(quote(entity.name)) (\(columns.joined(separator: ", "))) VALUES (\(placeholders))"
        sql += " ON CONFLICT (\(entity.key.map(quote).joined(separator: ", "))) DO "
        sql += updates.isEmpty ? "NOTHING" : "UPDATE SET \(updates.joined(separator: ", "))"
        return sql
    }

    static func keyCondition(_ entity: Entity) -> String {
        entity.key.map { "\(quote($0)) = ?" }.joined(separator: " AND ")
    }

    /// `WHERE key IN (…)` for `count` keys; composite keys compare row values.
    static func keyIn(_ fields: [String], count: Int) -> String {
        if fields.count == 1 {
            return "\(quote(fields[0])) IN (\(Array(repeating: "?", count: count).joined(separator: ",")))"
        }
        let tuple = "(" + Array(repeating: "?", count: fields.count).joined(separator: ",") + ")"
        return "(\(fields.map(quote).joined(separator: ", "))) IN (VALUES \(Array(repeating: tuple, count: count).joined(separator: ",")))"
    }
}
