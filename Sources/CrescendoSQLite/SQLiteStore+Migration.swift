import CrescendoCore
import Foundation
import GRDB

extension SQLiteStore {
    public func apply(_ model: DataModel, source: String, allowDestructive: Bool) async throws -> MigrationOutcome {
        let json = String(decoding: try JSONEncoder().encode(model), as: UTF8.self)
        return try await perform("apply the model") {
            try await self.pool.write { db -> MigrationOutcome in
                let current = try Self.appliedModel(db)
                let plan = MigrationPlan(from: current?.model, to: model)
                if let current, plan.isEmpty {
                    return MigrationOutcome(plan: plan, version: current.version, changed: false)
                }
                if !allowDestructive, !plan.destructiveSteps.isEmpty { throw MigrationOutcome.confirmationError(plan) }
                for step in plan.orderedSteps {
                    try Self.run(step, old: current?.model, new: model, db)
                }
                let version = (current?.version ?? 0) + 1
                try db.execute(
                    sql: "INSERT INTO crescendo_model_versions (version, applied_at, source, model_json) VALUES (?, ?, ?, ?)",
                    arguments: [version, CivilTime.iso8601(micros: Int64(Date().timeIntervalSince1970 * 1_000_000)), source, json]
                )
                return MigrationOutcome(plan: plan, version: version, changed: true)
            }
        }
    }

    private static func run(_ step: MigrationStep, old: DataModel?, new: DataModel, _ db: Database) throws {
        let q = SQLiteSchema.quote
        switch step {
        case .createEntity(let entity):
            for sql in SQLiteSchema.createTable(entity) { try db.execute(sql: sql) }
        case .recreateEntity(let entity, _):
            try db.execute(sql: "DROP TABLE IF EXISTS \(q(entity.name))")
            try db.execute(sql: "DELETE FROM crescendo_tombstones WHERE entity = ?", arguments: [entity.name])
            for sql in SQLiteSchema.createTable(entity) { try db.execute(sql: sql) }
        case .dropEntity(let name):
            try db.execute(sql: "DROP TABLE IF EXISTS \(q(name))")
            try db.execute(sql: "DELETE FROM crescendo_tombstones WHERE entity = ?", arguments: [name])
        case .addField(let entity, let field):
            try db.execute(sql: "ALTER TABLE \(q(entity)) ADD COLUMN \(q(field.name)) \(SQLiteSchema.columnType(field.type))")
            try fillDefault(entity: entity, field: field, model: new, db)
        case .dropField(let entity, let name):
            try db.execute(sql: "ALTER TABLE \(q(entity)) DROP COLUMN \(q(name))")
        case .changeFieldType(let entity, let from, let to):
            let widening = from.type.widens(to: to.type)
            let sameStorage = SQLiteSchema.columnType(from.type) == SQLiteSchema.columnType(to.type)
            if widening && sameStorage && from.type != .boolean { return }
            // A new column of the new type (its affinity decides how SQLite stores later values);
            // widened values are copied in their canonical text, narrowed ones are emptied.
            // Indexes on the column block DROP COLUMN; take them down and put the new model's back.
            let covering = { (model: DataModel?) in
                model?.entity(named: entity)?.storedIndexes.filter { $0.fields.contains(to.name) } ?? []
            }
            for index in covering(old) { try db.execute(sql: "DROP INDEX IF EXISTS \(q(index.name))") }
            let temporary = q("crescendo_new_" + to.name)
            try db.execute(sql: "ALTER TABLE \(q(entity)) ADD COLUMN \(temporary) \(SQLiteSchema.columnType(to.type))")
            if widening {
                let column = q(to.name)
                let converted = switch (from.type, to.type) {
                case (.boolean, _): "CASE \(column) WHEN 1 THEN 'true' WHEN 0 THEN 'false' END"
                case (_, .decimal): "CAST(\(column) AS REAL)"
                default: "CAST(\(column) AS TEXT)"
                }
                try db.execute(sql: "UPDATE \(q(entity)) SET \(temporary) = \(converted)")
            }
            try db.execute(sql: "ALTER TABLE \(q(entity)) DROP COLUMN \(q(to.name))")
            try db.execute(sql: "ALTER TABLE \(q(entity)) RENAME COLUMN \(temporary) TO \(q(to.name))")
            if !widening { try fillDefault(entity: entity, field: to, model: new, db) }
            for index in covering(new) { try db.execute(sql: SQLiteSchema.createIndex(index)) }
        case .createIndex(let index):
            try db.execute(sql: SQLiteSchema.createIndex(index))
        case .dropIndex(let index):
            try db.execute(sql: "DROP INDEX IF EXISTS \(q(index.name))")
        case .tightenField, .alterField, .metadata:
            break
        }
    }

    /// Existing rows get the field's default, bound as a value.
    private static func fillDefault(entity: String, field: Field, model: DataModel, _ db: Database) throws {
        guard let text = field.defaultValue else { return }
        let zone = TimeZone(identifier: model.timeZone) ?? TimeZone(identifier: "UTC")!
        guard case .success(let value) = ValueParser(timeZone: zone).parse(text, for: field) else { return }
        try db.execute(
            sql: "UPDATE \(SQLiteSchema.quote(entity)) SET \(SQLiteSchema.quote(field.name)) = ?",
            arguments: [SQLiteValues.databaseValue(value, field.type)]
        )
    }
}
