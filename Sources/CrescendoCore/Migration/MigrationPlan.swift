/// What applying a new model to a workspace does, step by step, decided before anything runs so
/// that a destructive change can be shown and refused without touching the store.
public struct MigrationPlan: Sendable, Equatable {
    public var steps: [MigrationStep]

    public var isEmpty: Bool { steps.isEmpty }
    /// Steps that lose data or may invalidate stored rows; they run only with explicit confirmation.
    public var destructiveSteps: [MigrationStep] { steps.filter(\.isDestructive) }

    /// The difference between the applied model (nil for a new workspace) and the new one.
    public init(from old: DataModel?, to new: DataModel) {
        var steps: [MigrationStep] = []
        let oldEntities = Dictionary(uniqueKeysWithValues: (old?.entities ?? []).map { ($0.name, $0) })
        for entity in new.entities {
            guard let before = oldEntities[entity.name] else {
                steps.append(.createEntity(entity))
                continue
            }
            if before.key != entity.key || before.version != entity.version
                || (entity.key + [entity.version]).contains(where: { before.field(named: $0)?.type != entity.field(named: $0)?.type })
            {
                steps.append(.recreateEntity(entity, reason: "its key or version field changed"))
                continue
            }
            steps += Self.fieldSteps(before, entity)
            let oldIndexes = Set(before.storedIndexes.map(\.name))
            let newIndexes = Set(entity.storedIndexes.map(\.name))
            for index in before.storedIndexes where !newIndexes.contains(index.name) { steps.append(.dropIndex(index)) }
            for index in entity.storedIndexes where !oldIndexes.contains(index.name) { steps.append(.createIndex(index)) }
        }
        let newNames = Set(new.entities.map(\.name))
        for entity in old?.entities ?? [] where !newNames.contains(entity.name) {
            steps.append(.dropEntity(entity.name))
        }
        if let old, steps.isEmpty, old != new { steps.append(.metadata) }
        self.steps = steps
    }

    private static func fieldSteps(_ before: Entity, _ after: Entity) -> [MigrationStep] {
        var steps: [MigrationStep] = []
        for field in after.fields {
            guard let old = before.field(named: field.name) else {
                steps.append(.addField(entity: after.name, field))
                continue
            }
            if old.type != field.type {
                steps.append(.changeFieldType(entity: after.name, from: old, to: field))
            } else if old.nullable && !field.nullable {
                steps.append(.tightenField(entity: after.name, field, reason: "it is no longer nullable; stored nulls would not validate"))
            } else if field.type == .enumeration, !Set(old.values).isSubset(of: Set(field.values)) {
                let removed = old.values.filter { !field.values.contains($0) }
                steps.append(.tightenField(entity: after.name, field, reason: "enum values \(removed.joined(separator: ", ")) were removed; stored rows may hold them"))
            } else if old != field {
                steps.append(.alterField(entity: after.name, field))
            }
        }
        let names = Set(after.fields.map(\.name))
        for field in before.fields where !names.contains(field.name) {
            steps.append(.dropField(entity: after.name, field.name))
        }
        return steps
    }
}

/// One change of the stored schema.
public enum MigrationStep: Sendable, Equatable, CustomStringConvertible {
    case createEntity(Entity)
    /// Drops and creates the table again: a changed key or version cannot be altered in place.
    case recreateEntity(Entity, reason: String)
    case dropEntity(String)
    case addField(entity: String, Field)
    case dropField(entity: String, String)
    /// A widening change (integer → decimal, enum → string) keeps values; any other empties the column.
    case changeFieldType(entity: String, from: Field, to: Field)
    /// A stricter field: nothing in the store changes, but stored rows may no longer validate.
    case tightenField(entity: String, Field, reason: String)
    /// A change of default, index flag or added enum values: metadata only.
    case alterField(entity: String, Field)
    case createIndex(StoredIndex)
    case dropIndex(StoredIndex)
    /// Links, reverse names, the profile entity or the time zone changed: nothing to do in tables.
    case metadata

    public var isDestructive: Bool {
        switch self {
        case .recreateEntity, .dropEntity, .dropField, .tightenField: true
        case .changeFieldType(_, let from, let to): !from.type.widens(to: to.type)
        case .addField(_, let field): !field.nullable && field.defaultValue == nil
        default: false
        }
    }

    public var description: String {
        switch self {
        case .createEntity(let entity): "create entity \(entity.name) (\(entity.fields.count) fields)"
        case .recreateEntity(let entity, let reason): "recreate entity \(entity.name), losing its rows: \(reason)"
        case .dropEntity(let name): "drop entity \(name) and all its rows"
        case .addField(let entity, let field):
            !field.nullable && field.defaultValue == nil
                ? "add required field \(entity).\(field.name) (\(field.type.rawValue)) without a default: stored rows would hold no value"
                : "add field \(entity).\(field.name) (\(field.type.rawValue))"
        case .dropField(let entity, let name): "drop field \(entity).\(name) and its values"
        case .changeFieldType(let entity, let from, let to):
            from.type.widens(to: to.type)
                ? "change \(entity).\(to.name) from \(from.type.rawValue) to \(to.type.rawValue) (values kept)"
                : "change \(entity).\(to.name) from \(from.type.rawValue) to \(to.type.rawValue), emptying its values"
        case .tightenField(let entity, let field, let reason): "tighten \(entity).\(field.name): \(reason)"
        case .alterField(let entity, let field): "update \(entity).\(field.name) (default, index or enum values)"
        case .createIndex(let index): "create index \(index.name) on \(index.entity)(\(index.fields.joined(separator: ", ")))"
        case .dropIndex(let index): "drop index \(index.name)"
        case .metadata: "update links, reverse names, profile or time zone"
        }
    }
}
