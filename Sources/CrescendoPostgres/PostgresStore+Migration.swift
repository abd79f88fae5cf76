import CrescendoCore
import Foundation
import PostgresNIO

extension PostgresStore {
    public func apply(_ model: DataModel, source: String, allowDestructive: Bool) async throws -> MigrationOutcome {
        let json = String(decoding: try JSONEncoder().encode(model), as: UTF8.self)
        return try await perform("apply the model") {
            try await client.withTransaction(logger: logger) { connection -> MigrationOutcome in
                // One model change at a time, whichever process asks.
                try await connection.query("LOCK TABLE crescendo_model_versions IN EXCLUSIVE MODE", logger: self.logger)
                let current = try await Self.appliedModel(connection, self.logger)
                let plan = MigrationPlan(from: current?.model, to: model)
                if let current, plan.isEmpty {
                    return MigrationOutcome(plan: plan, version: current.version, changed: false)
                }
                if !allowDestructive, !plan.destructiveSteps.isEmpty { throw MigrationOutcome.confirmationError(plan) }
                for step in plan.orderedSteps {
                    for query in Self.queries(for: step, new: model) {
                        try await connection.query(query, logger: self.logger)
                    }
                }
                let version = (current?.version ?? 0) + 1
                let appliedAt = CivilTime.iso8601(micros: Int64(Date().timeIntervalSince1970 * 1_000_000))
                try await connection.query(
                    "INSERT INTO crescendo_model_versions (version, applied_at, source, model_json) VALUES (\(version), \(appliedAt), \(source), \(json))",
                    logger: self.logger
                )
                return MigrationOutcome(plan: plan, version: version, changed: true)
            }
        }
    }

    private static func queries(for step: MigrationStep, new: DataModel) -> [PostgresQuery] {
        let q = PostgresSchema.quote
        func sql(_ text: String) -> PostgresQuery { PostgresQuery(unsafeSQL: text) }
        switch step {
        case .createEntity(let entity):
            return PostgresSchema.createTable(entity).map(sql)
        case .recreateEntity(let entity, _):
            return [sql("DROP TABLE IF EXISTS \(q(entity.name))"), "DELETE FROM crescendo_tombstones WHERE entity = \(entity.name)"]
                + PostgresSchema.createTable(entity).map(sql)
        case .dropEntity(let name):
            return [sql("DROP TABLE IF EXISTS \(q(name))"), "DELETE FROM crescendo_tombstones WHERE entity = \(name)"]
        case .addField(let entity, let field):
            return [sql("ALTER TABLE \(q(entity)) ADD COLUMN \(q(field.name)) \(PostgresSchema.columnType(field.type))")]
                + fillDefault(entity: entity, field: field, model: new)
        case .dropField(let entity, let name):
            return [sql("ALTER TABLE \(q(entity)) DROP COLUMN \(q(name))")]
        case .changeFieldType(let entity, let from, let to):
            let type = PostgresSchema.columnType(to.type)
            if from.type.widens(to: to.type) {
                return [sql("ALTER TABLE \(q(entity)) ALTER COLUMN \(q(to.name)) TYPE \(type) USING \(q(to.name))::text::\(type)")]
            }
            // Indexes on the column go with it and come back from the new model.
            let indexes = new.entity(named: entity)?.storedIndexes.filter { $0.fields.contains(to.name) } ?? []
            return [
                sql("ALTER TABLE \(q(entity)) DROP COLUMN \(q(to.name))"),
                sql("ALTER TABLE \(q(entity)) ADD COLUMN \(q(to.name)) \(type)"),
            ] + fillDefault(entity: entity, field: to, model: new) + indexes.map { sql("CREATE INDEX IF NOT EXISTS \(q($0.name)) ON \(q(entity)) (\($0.fields.map(q).joined(separator: ", ")))") }
        case .createIndex(let index):
            return [sql(PostgresSchema.createIndex(index))]
        case .dropIndex(let index):
            return [sql("DROP INDEX IF EXISTS \(q(index.name))")]
        case .tightenField, .alterField, .metadata:
            return []
        }
    }

    /// Existing rows get the field's default, bound as a value.
    private static func fillDefault(entity: String, field: Field, model: DataModel) -> [PostgresQuery] {
        guard let text = field.defaultValue else { return [] }
        let zone = TimeZone(identifier: model.timeZone) ?? TimeZone(identifier: "UTC")!
        guard case .success(let value) = ValueParser(timeZone: zone).parse(text, for: field) else { return [] }
        var binds = PostgresBindings()
        binds.append(PostgresTextArray([value.text]))
        let column = PostgresSchema.quote(field.name)
        return [PostgresQuery(
            unsafeSQL: "UPDATE \(PostgresSchema.quote(entity)) SET \(column) = ($1::text[])[1]::\(PostgresSchema.columnType(field.type))",
            binds: binds
        )]
    }
}
