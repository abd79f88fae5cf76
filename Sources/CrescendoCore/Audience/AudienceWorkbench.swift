import Foundation

/// The audience operations of a workspace: count, preview, distribution, the generated SQL, and the
/// portal (save, list, show, delete). The CLI and, later, the server call these; they hold no
/// state besides the store, the model and the evaluation environment.
public struct AudienceWorkbench: Sendable {
    public let store: any WorkspaceStore
    public let model: DataModel
    /// Clock, time zone and variables; saved audiences are resolved from the store per call.
    public var environment: RuleEnvironment

    public init(store: any WorkspaceStore, model: DataModel, environment: RuleEnvironment) {
        self.store = store
        self.model = model
        self.environment = environment
    }

    var sql: PopulationSQL { PopulationSQL(dialect: store.dialect, model: model) }

    // MARK: Binding

    /// Checks a population against the model, resolving the saved audiences its rule names.
    public func bind(_ spec: PopulationSpec) async throws -> BoundPopulation {
        var resolving: [String] = []
        return try await bind(spec, resolving: &resolving)
    }

    private func bind(_ spec: PopulationSpec, resolving: inout [String]) async throws -> BoundPopulation {
        let entity = try model.requireEntity(spec.entity)
        var environment = self.environment
        for name in spec.rule?.audienceNames ?? [] {
            if let reference = try await reference(to: name, resolving: &resolving) {
                environment.audiences[name] = reference
            } else if environment.audienceNames.isEmpty {
                environment.audienceNames = try await store.audiences().map(\.name)
            }
        }
        let rule = try spec.rule.map { rule throws(CrescendoError) in
            try RuleChecker.check(rule, on: entity, model: model, environment: environment)
        }
        let steps = try spec.dimension.map { dimension throws(CrescendoError) in
            try RuleChecker.dimension(from: entity, to: dimension, model: model)
        } ?? []
        let target = steps.last.map { model.entity(named: $0.to)! } ?? entity
        return BoundPopulation(entity: entity, rule: rule, dimension: steps, target: target)
    }

    /// A saved audience as rules see it; nil when it does not exist (the checker reports the name).
    private func reference(to name: String, resolving: inout [String]) async throws -> AudienceReference? {
        guard let saved = try await store.audience(named: name) else { return nil }
        switch saved.kind {
        case .snapshot, .upload:
            guard let table = saved.table else { return nil }
            return AudienceReference(name: name, entity: saved.entity, members: .snapshot(table: table))
        case .dynamic:
            guard !resolving.contains(name) else {
                throw CrescendoError(.invalidRule, "audience '\(name)' refers to itself through \((resolving + [name]).map { "'\($0)'" }.joined(separator: " → "))")
            }
            resolving.append(name)
            defer { resolving.removeLast() }
            let population = try await bind(try Self.spec(of: saved), resolving: &resolving)
            return AudienceReference(name: name, entity: saved.entity, members: .population(population))
        }
    }

    /// The definition of a dynamic audience.
    static func spec(of saved: SavedAudience) throws(CrescendoError) -> PopulationSpec {
        let rule = try saved.rule.map { text throws(CrescendoError) in try RuleParser.parse(text) }
        return PopulationSpec(entity: saved.sourceEntity ?? saved.entity, rule: rule, dimension: saved.dimension)
    }

    /// A saved audience as a population: a dynamic one is its definition; a snapshot is its members.
    public func population(ofAudience name: String) async throws -> BoundPopulation {
        guard let saved = try await store.audience(named: name) else { throw unknownAudience(name, among: try await store.audiences().map(\.name)) }
        if saved.kind == .dynamic { return try await bind(try Self.spec(of: saved)) }
        return try await bind(PopulationSpec(entity: saved.entity, rule: .inAudience([], name, .unknown)))
    }

    func unknownAudience(_ name: String, among names: [String]) -> CrescendoError {
        var message = "no audience named '\(name)'"
        message += Spelling.hint(name, among: names, quote: "'")
        return CrescendoError(.notFound, message)
    }

    // MARK: Operations

    public func count(_ population: BoundPopulation) async throws -> Int {
        let rows = try await store.rows(sql.count(population))
        guard case .integer(let count)? = rows.first?.first else { return 0 }
        return Int(count)
    }

    /// Field paths on the population's rows (`id`, `hotel.city`); the key when none are given.
    public func columns(_ paths: [String], on population: BoundPopulation) throws(CrescendoError) -> [ColumnReference] {
        let paths = paths.isEmpty ? population.target.key : paths
        return try paths.map { path throws(CrescendoError) in try RuleChecker.column(path, on: population.target, model: model) }
    }

    public func preview(_ population: BoundPopulation, fields: [String], limit: Int) async throws -> AudiencePreview {
        let columns = try columns(fields, on: population)
        let rows = try await store.rows(sql.preview(population, fields: columns, limit: limit))
        return AudiencePreview(entity: population.target.name, fields: columns.map(\.path), rows: rows)
    }

    public func distribution(_ population: BoundPopulation, field: String, top: Int = 20) async throws -> AudienceDistribution {
        let column = try RuleChecker.column(field, on: population.target, model: model)
        let rows = try await store.rows(sql.distribution(population, field: column, top: top))
        func int(_ value: Value?) -> Int { if case .integer(let n)? = value { Int(n) } else { 0 } }
        let buckets = rows.map { AudienceDistribution.Bucket(value: $0[0], count: int($0[1])) }
        return AudienceDistribution(
            entity: population.target.name, field: column.path, total: int(rows.first?[2]), distinctValues: int(rows.first?[3]), top: buckets)
    }

    // MARK: The portal

    /// Saves the population's current members (and `attributes`) under `name`, replacing any audience
    /// of that name.
    public func saveSnapshot(_ name: String, spec: PopulationSpec, attributes: [String]) async throws -> SavedAudience {
        try SavedAudience.validateName(name)
        let population = try await bind(spec)
        let attributeColumns = attributes.isEmpty ? [] : try columns(attributes, on: population)
        let audience = SavedAudience(
            name: name, kind: .snapshot, entity: population.target.name, sourceEntity: spec.entity, rule: spec.rule?.text,
            dimension: spec.dimension, attributes: attributeColumns.map(\.path))
        return try await store.saveAudience(
            audience, members: .query(sql.members(population, attributes: attributeColumns)),
            columns: MemberColumn.columns(for: population.target, attributes: attributeColumns))
    }

    /// Saves the definition under `name`; it is evaluated whenever it is read.
    public func saveDynamic(_ name: String, spec: PopulationSpec) async throws -> SavedAudience {
        try SavedAudience.validateName(name)
        // A dynamic audience must not reach itself, directly or through others.
        if let rule = spec.rule, rule.audienceNames.contains(name) {
            throw CrescendoError(.invalidRule, "audience '\(name)' cannot use itself in its own rule")
        }
        var resolving = [name]
        let population = try await bind(spec, resolving: &resolving)
        let audience = SavedAudience(
            name: name, kind: .dynamic, entity: population.target.name, sourceEntity: spec.entity, rule: spec.rule?.text,
            dimension: spec.dimension)
        return try await store.saveAudience(audience, members: .none, columns: [])
    }

    /// The audience with its size now (a dynamic audience is counted).
    public func show(_ name: String) async throws -> (audience: SavedAudience, currentSize: Int) {
        guard let saved = try await store.audience(named: name) else { throw unknownAudience(name, among: try await store.audiences().map(\.name)) }
        let size = try await count(try await population(ofAudience: name))
        return (saved, size)
    }

    /// Removes an audience, refusing while a dynamic audience still names it.
    public func delete(_ name: String) async throws {
        let all = try await store.audiences()
        guard all.contains(where: { $0.name == name }) else { throw unknownAudience(name, among: all.map(\.name)) }
        let users = all.filter { other in
            other.kind == .dynamic && other.name != name && ((try? Self.spec(of: other))?.rule?.audienceNames.contains(name) ?? false)
        }
        if !users.isEmpty {
            throw CrescendoError(.invalidArgument, "audience '\(name)' is used by \(users.map { "'\($0.name)'" }.joined(separator: ", ")); delete or change those first")
        }
        _ = try await store.deleteAudience(named: name)
    }
}

public struct AudiencePreview: Sendable {
    public var entity: String
    public var fields: [String]
    public var rows: [[Value]]
}

public struct AudienceDistribution: Sendable {
    public struct Bucket: Sendable {
        public var value: Value
        public var count: Int
    }

    public var entity: String
    public var field: String
    /// Rows in the population.
    public var total: Int
    public var distinctValues: Int
    public var top: [Bucket]
}

extension CrescendoError.Code {
    /// A named thing (audience, row) does not exist.
    public static let notFound = CrescendoError.Code("not_found")
}
