import Foundation

/// Runs one activity of an execution: binds its options against the model and the execution's
/// variables, builds the statements over its input work tables, performs them, and says what each
/// output holds. The same code checks a campaign before publishing (`dryRun`): every statement is
/// built, none is performed.
///
/// Re-running an activity is safe: its output tables are dropped first, so an activity cut short
/// by a crash (whose record never landed) runs again from the start.
public struct ActivityRunner: Sendable {
    public let store: any WorkspaceStore
    public let model: DataModel
    public let definition: CampaignDefinition
    public let execution: Int64
    public let environment: RuleEnvironment
    /// Build everything, perform nothing, count nothing: validation.
    public let dryRun: Bool
    /// Test mode: the graph runs on real data but saves no audience and signals no campaign.
    public let testMode: Bool
    /// The previous execution's mark per incremental-query activity.
    public let previousMarks: [String: Value]
    /// Reads `load-file` activities' files; without one, they fail with a clear message.
    public let fileReader: (any CampaignFileReader)?

    public init(store: any WorkspaceStore, model: DataModel, definition: CampaignDefinition, execution: Int64, environment: RuleEnvironment, dryRun: Bool = false, testMode: Bool = false, previousMarks: [String: Value] = [:], fileReader: (any CampaignFileReader)? = nil) {
        self.fileReader = fileReader
        self.store = store
        self.model = model
        self.definition = definition
        self.execution = execution
        self.environment = environment
        self.dryRun = dryRun
        self.testMode = testMode
        self.previousMarks = previousMarks
    }

    var sql: WorkTableSQL { WorkTableSQL(dialect: store.dialect, model: model) }
    var workbench: AudienceWorkbench { AudienceWorkbench(store: store, model: model, environment: environment) }

    /// An input as the activity sees it: the transition it came by and what that output holds.
    public struct Input: Sendable {
        public var transition: CampaignGraph.Transition
        public var record: OutputRecord
        public init(transition: CampaignGraph.Transition, record: OutputRecord) {
            self.transition = transition
            self.record = record
        }
    }

    func fail(_ activity: CampaignActivity, _ message: String) -> CrescendoError {
        CrescendoError(.invalidCampaign, "activity \"\(activity.name)\": \(message)")
    }

    func table(_ activity: CampaignActivity, output: String, shape: PopulationShape) -> WorkTable {
        let index = definition.activities.firstIndex { $0.name == activity.name } ?? 0
        let outputIndex = activity.kind.outputNames.firstIndex(of: output) ?? 0
        return WorkTable(name: WorkTable.name(execution: execution, activity: index, output: outputIndex), shape: shape)
    }

    // MARK: Binding

    func entity(_ name: String, _ activity: CampaignActivity) throws(CrescendoError) -> Entity {
        guard let entity = model.entity(named: name) else {
            throw fail(activity, "no entity named \"\(name)\"\(Spelling.hint(name, among: model.entities.map(\.name)))")
        }
        return entity
    }

    func environment(for shape: PopulationShape?) -> RuleEnvironment {
        var environment = self.environment
        environment.attributes = shape?.attributeTypes ?? [:]
        environment.attributeEntity = shape?.entity
        return environment
    }

    func condition(_ text: String, on entity: Entity, shape: PopulationShape?, _ activity: CampaignActivity, what: String) throws(CrescendoError) -> BoundExpression {
        do {
            return try RuleChecker.check(try RuleParser.parse(text), on: entity, model: model, environment: environment(for: shape))
        } catch {
            throw fail(activity, "\(what): \(error.message)")
        }
    }

    func value(_ text: String, on entity: Entity, shape: PopulationShape?, _ activity: CampaignActivity, what: String) throws(CrescendoError) -> BoundExpression {
        do {
            return try RuleChecker.checkValue(try RuleParser.parse(text), on: entity, model: model, environment: environment(for: shape))
        } catch {
            throw fail(activity, "\(what): \(error.message)")
        }
    }

    /// `expression` or `expression desc` / `asc`.
    func sortKey(_ text: String, on entity: Entity, shape: PopulationShape?, _ activity: CampaignActivity, what: String) throws(CrescendoError) -> (BoundExpression, descending: Bool) {
        var expression = text.trimmingCharacters(in: .whitespaces)
        var descending = false
        let lower = expression.lowercased()
        if lower.hasSuffix(" desc") {
            descending = true
            expression = String(expression.dropLast(5))
        } else if lower.hasSuffix(" asc") {
            expression = String(expression.dropLast(4))
        }
        return (try value(expression, on: entity, shape: shape, activity, what: what), descending)
    }

    static func fieldType(_ kind: ValueKind) -> FieldType { kind.fieldType }

    // MARK: Running

    /// Runs `activity` on `inputs` (in transition order). `now` is the time a wait counts from.
    public func run(_ activity: CampaignActivity, inputs: [Input], now: Int64) async throws -> ActivityOutcome {
        let delivered = inputs.filter { !$0.record.ended }
        let first = delivered.first?.record
        func passThrough(_ outputs: [String]) -> ActivityOutcome {
            ActivityOutcome(outputs: Dictionary(uniqueKeysWithValues: outputs.map { ($0, first ?? .noPopulation) }))
        }
        switch activity.kind {
        case .start:
            return ActivityOutcome(outputs: ["out": .noPopulation])
        case .end(let options):
            var notes: [String] = []
            if let target = options.signal {
                notes.append(testMode ? "test mode: would signal campaign \(target)" : "signals campaign \(target)")
            }
            return ActivityOutcome(outputs: [:], notes: notes)
        case .fork(let options):
            return passThrough(options.branches)
        case .andJoin(let options):
            // The branches it waited for may have waited: copies taken before are not passed on.
            var chosen = first.map(Self.freshened)
            if let name = options.population {
                guard let input = inputs.first(where: { $0.transition.from == name }) else {
                    throw fail(activity, "population: \"\(name)\" is not one of its inputs (\(inputs.map(\.transition.from).joined(separator: ", ")))")
                }
                chosen = input.record.ended ? chosen : Self.freshened(input.record)
            }
            return ActivityOutcome(outputs: ["out": chosen ?? .noPopulation])
        case .wait(let options):
            let until = try waitEnd(options, activity, now: now)
            // After the wait, activities read the entity's values of then, not the copies taken before.
            var outcome = ActivityOutcome(outputs: ["out": first.map(Self.freshened) ?? .noPopulation])
            if testMode {
                // Test mode shows the whole graph now; the wait is only reported.
                outcome.notes = ["test mode: would wait until \(CivilTime.iso8601(micros: until * 1_000_000))"]
            } else {
                outcome.waitUntil = until
            }
            return outcome
        case .alert(let options):
            var outcome = passThrough(["out"])
            let text = options.message
                .replacingOccurrences(of: "{{count}}", with: String(first?.count ?? 0))
                .replacingOccurrences(of: "{{campaign}}", with: definition.name)
                .replacingOccurrences(of: "{{execution}}", with: String(execution))
            outcome.notes = ["alert (\((options.level ?? .info).rawValue)): \(text)"]
            return outcome
        case .test(let options):
            return try await test(activity, options, input: first)
        case .buildAudience(let options):
            return try await buildAudience(activity, options)
        case .readAudience(let options):
            return try await readAudience(activity, options)
        case .incrementalQuery(let options):
            return try await incremental(activity, options)
        case .combine(let options):
            return try await combine(activity, options, inputs: inputs)
        case .dedup(let options):
            return try await dedup(activity, options, input: try population(first, activity))
        case .enrichment(let options):
            return try await enrich(activity, options, input: try population(first, activity))
        case .split(let options):
            return try await split(activity, options, input: try population(first, activity))
        case .changeDimension(let options):
            let input = try population(first, activity)
            let source = try entity(input.shape.entity, activity)
            let steps: [LinkStep]
            do {
                steps = try RuleChecker.dimension(from: source, to: options.to, model: model)
            } catch {
                throw fail(activity, "to: \(error.message)")
            }
            let targetName = steps.last?.to ?? source.name
            let output = table(activity, output: "out", shape: PopulationShape(entity: targetName, carried: carried(try entity(targetName, activity))))
            return try await perform(activity, sql.changeDimension(input: input, steps: steps, output: output), outputs: ["out": output])
        case .saveAudience(let options):
            return try await saveAudience(activity, options, input: try population(first, activity))
        case .loadFile(let options):
            return try await loadFile(activity, options)
        case .reconciliation(let options):
            guard let table = first?.workTable, table.shape.isFile else {
                throw fail(activity, "its input must be a load-file activity's lines")
            }
            return try await reconcile(activity, options, input: table)
        case .channel(let channel, let options):
            return try await sendingPopulation(activity, channel, options, input: try population(first, activity))
        }
    }

    /// The record with its population's carried copies forgotten (the work table keeps the
    /// columns; the shape no longer points at them).
    static func freshened(_ record: OutputRecord) -> OutputRecord {
        var record = record
        record.shape = record.shape?.withoutCarried
        return record
    }

    /// The fields of `entity` its work tables carry in this campaign (see `CarriedFields`).
    func carried(_ entity: Entity) -> [String] { CarriedFields(definition, profile: model.profileEntity).fields(of: entity) }

    func population(_ record: OutputRecord?, _ activity: CampaignActivity) throws(CrescendoError) -> WorkTable {
        guard let table = record?.workTable else {
            throw fail(activity, "its input carries no population; place it after a targeting activity (build-audience, read-audience, …)")
        }
        if table.shape.isFile {
            throw fail(activity, "its input is the lines of a loaded file; map them to an entity with a reconciliation activity first")
        }
        return table
    }

    /// Performs `steps` after dropping the outputs (a re-run after a crash starts clean), then
    /// counts each output.
    func perform(_ activity: CampaignActivity, _ steps: [SQLStep], outputs: [String: WorkTable], endIfEmpty: Bool = false, extra: [SQLStep] = []) async throws -> ActivityOutcome {
        let names = outputs.keys.sorted()
        if dryRun {
            return ActivityOutcome(outputs: Dictionary(uniqueKeysWithValues: names.map { ($0, OutputRecord(table: outputs[$0]!.name, shape: outputs[$0]!.shape, count: 0)) }))
        }
        let drops = Set(outputs.values.map(\.name)).sorted().flatMap { [sql.drop($0), sql.drop($0 + "_r")] }
        let counts = names.map { sql.count(outputs[$0]!.name) }
        // The next activities' joins are planned from statistics a fresh table does not have yet:
        // gather them now. PostgreSQL samples (autovacuum would come later); SQLite reads the
        // table's key index once, and without it takes any table for a million rows, so it would
        // start a join from the whole entity and look the population up row by row.
        let statistics = Set(outputs.values.map(\.name)).sorted().map { SQLStep("ANALYZE \(store.dialect.quote($0))") }
        guard let results = try await store.perform(drops + steps + statistics + counts + extra) else {
            throw CrescendoError(.storeFailure, "activity \"\(activity.name)\": the unit of work was declined")
        }
        let countRows = results[(drops.count + steps.count + statistics.count)...].prefix(counts.count)
        var records: [String: OutputRecord] = [:]
        var total = 0
        for (name, rows) in zip(names, countRows) {
            guard case .integer(let count)? = rows.first?.first else { continue }
            total += Int(count)
            let ended = endIfEmpty && count == 0
            records[name] = OutputRecord(table: outputs[name]!.name, shape: outputs[name]!.shape, count: Int(count), ended: ended)
        }
        var outcome = ActivityOutcome(outputs: records, rows: total)
        if !extra.isEmpty, let rows = results.last, let value = rows.first?.first { outcome.mark = value }
        return outcome
    }

    // MARK: Flow

    func waitEnd(_ options: WaitOptions, _ activity: CampaignActivity, now: Int64) throws(CrescendoError) -> Int64 {
        switch (options.duration, options.until) {
        case (let duration?, nil):
            guard let seconds = CampaignDuration.seconds(duration) else {
                throw fail(activity, "duration: \"\(duration)\" is not a duration such as 90s, 30m, 2h, 3d or 1w")
            }
            return now + seconds
        case (nil, let until?):
            if let micros = ValueParser().parseTimestamp(until) { return micros / 1_000_000 }
            let zone = definition.schedule.flatMap { TimeZone(identifier: $0.timeZone ?? "UTC") } ?? environment.timeZone
            if let local = CampaignTime.localInstant(until, zone: zone) { return local }
            throw fail(activity, "until: \"\(until)\" is not a date-time (2026-12-24 09:00, or ISO 8601 with a zone)")
        default:
            throw fail(activity, "give either duration: (2h) or until: (a date-time), not both or neither")
        }
    }

    func test(_ activity: CampaignActivity, _ options: TestOptions, input: OutputRecord?) async throws -> ActivityOutcome {
        guard !options.branches.isEmpty else { throw fail(activity, "branches: give at least one {name, when}") }
        let tableName = WorkTable.name(execution: execution, activity: definition.activities.firstIndex { $0.name == activity.name } ?? 0, output: 99)
        let (entity, create) = sql.testTable(tableName, count: input?.count ?? 0)
        var conditions: [BoundExpression] = []
        for (index, branch) in options.branches.enumerated() {
            conditions.append(try condition(branch.when, on: entity, shape: nil, activity, what: "branches[\(index)] (\(branch.name))"))
        }
        let passed = input ?? .noPopulation
        let outputs = activity.kind.outputNames
        var chosen: String? = options.default
        var notes: [String] = []
        if !dryRun {
            guard let results = try await store.perform([sql.drop(tableName)] + create + [sql.firstTrue(conditions, on: entity), sql.drop(tableName)]) else {
                throw CrescendoError(.storeFailure, "activity \"\(activity.name)\": the unit of work was declined")
            }
            if case .integer(let index)? = results[results.count - 2].first?.first, index >= 0 { chosen = options.branches[Int(index)].name }
            notes.append(chosen.map { "takes branch \($0)" } ?? "no condition holds and there is no default: the branch ends")
        } else {
            chosen = nil
        }
        var records: [String: OutputRecord] = [:]
        for output in outputs { records[output] = (dryRun || output == chosen) ? passed : .endedBranch }
        return ActivityOutcome(outputs: records, notes: notes)
    }

    // MARK: Targeting

    func buildAudience(_ activity: CampaignActivity, _ options: BuildAudienceOptions) async throws -> ActivityOutcome {
        let population: BoundPopulation
        do {
            switch (options.audience, options.entity) {
            case (let audience?, nil):
                guard options.rule == nil else { throw fail(activity, "give either audience: or entity: with a rule:, not both") }
                population = try await workbench.population(ofAudience: audience)
            case (nil, let entityName?):
                _ = try entity(entityName, activity)
                let rule = try options.rule.map { text throws(CrescendoError) in try RuleParser.parse(text) }
                population = try await workbench.bind(PopulationSpec(entity: entityName, rule: rule, dimension: options.dimension))
            default:
                throw fail(activity, "give entity: (with an optional rule:) or audience:")
            }
        } catch let error as CrescendoError where !error.message.hasPrefix("activity ") {
            throw fail(activity, error.message)
        }
        let output = table(activity, output: "out", shape: PopulationShape(entity: population.target.name, carried: carried(population.target)))
        return try await perform(activity, sql.fill(output, from: population), outputs: ["out": output], endIfEmpty: options.continueIfEmpty != true)
    }

    func readAudience(_ activity: CampaignActivity, _ options: ReadAudienceOptions) async throws -> ActivityOutcome {
        let population: BoundPopulation
        do {
            population = try await workbench.population(ofAudience: options.audience)
        } catch let error as CrescendoError {
            throw fail(activity, error.message)
        }
        var references: [ColumnReference] = []
        var attributes: [PopulationAttribute] = []
        for (alias, path) in (options.attributes ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard PopulationAttribute.isValidName(alias) else { throw fail(activity, "attributes: \"\(alias)\" is not a valid alias (lower-case letters, digits, _)") }
            do {
                let reference = try RuleChecker.column(path, on: population.target, model: model)
                references.append(reference)
                attributes.append(PopulationAttribute(name: alias, type: reference.field.type))
            } catch {
                throw fail(activity, "attributes.\(alias): \(error.message)")
            }
        }
        let output = table(activity, output: "out", shape: PopulationShape(entity: population.target.name, attributes: attributes, carried: carried(population.target)))
        return try await perform(activity, sql.fill(output, from: population, attributes: references), outputs: ["out": output], endIfEmpty: options.continueIfEmpty != true)
    }

    func incremental(_ activity: CampaignActivity, _ options: IncrementalQueryOptions) async throws -> ActivityOutcome {
        let source = try entity(options.entity, activity)
        guard let field = source.field(named: options.since), [.date, .timestamp, .integer].contains(field.type) else {
            throw fail(activity, "since: \"\(options.since)\" must be a date, timestamp or integer field of \(source.name)\(Spelling.hint(options.since, among: source.fields.map(\.name)))")
        }
        var environment = self.environment
        var ruleText = options.rule.map { "(\($0))" }
        if let mark = previousMarks[activity.name], !mark.isNull {
            environment.variables["crescendo_since"] = mark
            ruleText = (ruleText.map { $0 + " and " } ?? "") + "\(options.since) > $crescendo_since"
        }
        let population: BoundPopulation
        do {
            let rule = try ruleText.map { text throws(CrescendoError) in try RuleParser.parse(text) }
            population = try await AudienceWorkbench(store: store, model: model, environment: environment)
                .bind(PopulationSpec(entity: options.entity, rule: rule, dimension: options.dimension))
        } catch let error as CrescendoError {
            throw fail(activity, error.message)
        }
        // The mark is taken on the entity's own rows before any change of dimension.
        let markTable = table(activity, output: "out", shape: PopulationShape(entity: population.target.name, carried: carried(population.target)))
        var markStep: [SQLStep] = [sql.highest(field, of: markTable)]
        if !population.dimension.isEmpty {
            // The output holds rows of another entity: take the highest value over the entity's own rows the rule selects.
            let own = BoundPopulation(entity: population.entity, rule: population.rule, dimension: [], target: population.entity)
            let members = PopulationSQL(dialect: store.dialect, model: model).members(own, attributes: [try RuleChecker.column(field.name, on: source, model: model)])
            let highest = store.dialect.output("max(m.\(store.dialect.quote("a0")))")
            markStep = [SQLStep(SQLQuery(text: "SELECT \(highest) FROM (\(members.text)) AS m", binds: members.binds, columns: [ValueKind(field.type)]))]
        }
        var outcome = try await perform(activity, sql.fill(markTable, from: population), outputs: ["out": markTable], endIfEmpty: true, extra: markStep)
        if outcome.mark == nil, let previous = previousMarks[activity.name] { outcome.mark = previous }
        if outcome.outputs["out"]?.count == 0 { outcome.mark = previousMarks[activity.name] }
        return outcome
    }

    // MARK: Populations

    func combine(_ activity: CampaignActivity, _ options: CombineOptions, inputs: [Input]) async throws -> ActivityOutcome {
        var ordered = inputs
        if let primary = options.primary {
            guard let index = inputs.firstIndex(where: { $0.transition.from == primary }) else {
                throw fail(activity, "primary: \"\(primary)\" is not one of its inputs (\(inputs.map(\.transition.from).joined(separator: ", ")))")
            }
            ordered.insert(ordered.remove(at: index), at: 0)
        }
        var tables: [WorkTable] = []
        for input in ordered where !input.record.ended {
            tables.append(try population(input.record, activity))
        }
        // A branch that ended contributes no rows: an exclusion without its primary, or an
        // intersection missing a side, is empty.
        let primaryEnded = ordered.first?.record.ended == true
        guard let primary = tables.first else { throw fail(activity, "none of its inputs carries a population") }
        for table in tables.dropFirst() where table.shape.entity != primary.shape.entity {
            throw fail(activity, "its inputs are rows of different entities (\(primary.shape.entity) and \(table.shape.entity)); change the dimension of one first")
        }
        // A union's rows come from several tables, its attributes from the primary only: copies
        // would be missing for the others' rows, so a union carries none (nor does a complement).
        let carries = tables.count == 1 || options.operation != .union
        let output = table(activity, output: "out", shape: carries ? primary.shape : primary.shape.withoutCarried)
        let complement = options.complement == true ? table(activity, output: "complement", shape: primary.shape.withoutCarried) : nil
        var outputs = ["out": output]
        if let complement { outputs["complement"] = complement }
        var steps: [SQLStep]
        if (options.operation == .exclusion && primaryEnded) || (options.operation == .intersection && tables.count < ordered.count) {
            // Nothing can be in the result; the complement is everything the inputs brought.
            steps = [sql.create(output)]
            if let complement { steps += sql.combine(.union, inputs: tables, output: complement, complement: nil) }
        } else {
            steps = sql.combine(tables.count == 1 ? .union : options.operation, inputs: tables, output: output, complement: complement)
        }
        return try await perform(activity, steps, outputs: outputs)
    }

    func dedup(_ activity: CampaignActivity, _ options: DedupOptions, input: WorkTable) async throws -> ActivityOutcome {
        let source = try entity(input.shape.entity, activity)
        guard !options.by.isEmpty else { throw fail(activity, "by: name at least one field or expression") }
        let keep = options.keep ?? 1
        guard keep >= 1 else { throw fail(activity, "keep: must be 1 or more") }
        var by: [BoundExpression] = []
        for (index, text) in options.by.enumerated() { by.append(try value(text, on: source, shape: input.shape, activity, what: "by[\(index)]")) }
        let ordering: WorkTableSQL.Ordering
        switch options.choose ?? .random {
        case .random: ordering = .random
        case .highest, .lowest:
            guard let text = options.expression else { throw fail(activity, "choose: \(options.choose!.rawValue) needs expression:") }
            ordering = .by([(try value(text, on: source, shape: input.shape, activity, what: "expression"), descending: options.choose == .highest)])
        case .nonEmpty:
            guard let fields = options.fields, !fields.isEmpty else { throw fail(activity, "choose: non_empty needs fields: (best first)") }
            var expressions: [BoundExpression] = []
            for (index, text) in fields.enumerated() { expressions.append(try value(text, on: source, shape: input.shape, activity, what: "fields[\(index)]")) }
            ordering = .nonEmpty(expressions)
        case .preference:
            guard let text = options.expression, let values = options.values, !values.isEmpty else { throw fail(activity, "choose: preference needs expression: and values: (best first)") }
            let expression = try value(text, on: source, shape: input.shape, activity, what: "expression")
            var typed: [Value] = []
            for value in values {
                switch ValueParser().parse(value, for: Field(name: "value", type: expression.kind.fieldType)) {
                case .success(let parsed): typed.append(parsed)
                case .failure(let problem): throw fail(activity, "values: \"\(value)\" is not a \(expression.kind.rawValue): \(problem)")
                }
            }
            ordering = .preference(expression, typed)
        }
        let output = table(activity, output: "out", shape: input.shape)
        let duplicates = options.duplicates == true ? table(activity, output: "duplicates", shape: input.shape) : nil
        var outputs = ["out": output]
        if let duplicates { outputs["duplicates"] = duplicates }
        return try await perform(activity, sql.dedup(input: input, by: by, keep: keep, ordering: ordering, output: output, duplicates: duplicates), outputs: outputs)
    }

    func enrich(_ activity: CampaignActivity, _ options: EnrichmentOptions, input: WorkTable) async throws -> ActivityOutcome {
        let source = try entity(input.shape.entity, activity)
        var shape = input.shape
        var taken = Set(shape.attributes.map(\.name))
        func claim(_ name: String, _ type: FieldType, what: String) throws(CrescendoError) {
            guard PopulationAttribute.isValidName(name) else { throw fail(activity, "\(what): \"\(name)\" is not a valid alias (lower-case letters, digits and _, not k0…)") }
            guard source.field(named: name) == nil else { throw fail(activity, "\(what): \"\(name)\" is already a field of \(source.name); choose another alias") }
            guard taken.insert(name).inserted else { throw fail(activity, "\(what): the alias \"\(name)\" is used twice") }
            shape.attributes.append(PopulationAttribute(name: name, type: type))
        }
        var additions: [(name: String, expression: BoundExpression)] = []
        let own = Set(options.add?.pairs.map(\.key) ?? [])
        for pair in options.add?.pairs ?? [] {
            let expression: BoundExpression
            do {
                expression = try value(pair.value, on: source, shape: input.shape, activity, what: "add.\(pair.key)")
            } catch {
                // Aliases of one enrichment are computed side by side, from its input.
                let tokens = (try? RuleLexer.tokenize(pair.value).get()) ?? []
                let names = tokens.compactMap { token -> String? in if case .identifier(let name) = token.kind { name } else { nil } }
                if let used = names.first(where: { name in own.contains(name) && !input.shape.attributes.contains { $0.name == name } && source.field(named: name) == nil }) {
                    throw fail(activity, "add.\(pair.key): \"\(used)\" is an alias of this same enrichment; aliases are computed side by side from the input, so use it in a second enrichment placed after this one")
                }
                throw error
            }
            try claim(pair.key, expression.kind.fieldType, what: "add.\(pair.key)")
            additions.append((pair.key, expression))
        }
        var collects: [WorkTableSQL.Collect] = []
        for (index, collect) in (options.collect ?? []).enumerated() {
            let what = "collect[\(index)]"
            let steps: [LinkStep]
            do {
                steps = try RuleChecker.dimension(from: source, to: collect.link, model: model)
            } catch {
                throw fail(activity, "\(what).link: \(error.message)")
            }
            guard steps.count == 1, let step = steps.first, step.isToMany else {
                throw fail(activity, "\(what).link: \"\(collect.link)\" must be one 1-N link from \(source.name) (\(model.reverseLinks(of: source.name).filter(\.isToMany).map(\.name).joined(separator: ", ")))")
            }
            let child = try entity(step.to, activity)
            let count = collect.count ?? 1
            guard (1...20).contains(count) else { throw fail(activity, "\(what).count: between 1 and 20") }
            let filter = try collect.filter.map { text throws(CrescendoError) in try condition(text, on: child, shape: nil, activity, what: "\(what).filter") }
            let ordering = try collect.sort.map { text throws(CrescendoError) in [try sortKey(text, on: child, shape: nil, activity, what: "\(what).sort")] } ?? []
            var fields: [ColumnReference] = []
            for path in collect.fields {
                do {
                    fields.append(try RuleChecker.column(path, on: child, model: model))
                } catch {
                    throw fail(activity, "\(what).fields: \(error.message)")
                }
            }
            var columns: [String] = []
            for position in 1...count {
                for field in fields {
                    let name = "\(collect.alias)_\(position)_\(field.path.replacingOccurrences(of: ".", with: "_"))"
                    try claim(name, field.field.type, what: "\(what).alias")
                    columns.append(name)
                }
            }
            collects.append(WorkTableSQL.Collect(step: step, filter: filter, ordering: ordering, fields: fields, count: count, columns: columns))
        }
        guard !additions.isEmpty || !collects.isEmpty else { throw fail(activity, "add: or collect: — nothing to add") }
        let output = table(activity, output: "out", shape: shape)
        return try await perform(activity, sql.enrich(input: input, additions: additions, collects: collects, output: output), outputs: ["out": output])
    }

    func split(_ activity: CampaignActivity, _ options: SplitOptions, input: WorkTable) async throws -> ActivityOutcome {
        let source = try entity(input.shape.entity, activity)
        guard !options.subsets.isEmpty else { throw fail(activity, "subsets: give at least one") }
        var subsets: [WorkTableSQL.Subset] = []
        var outputs: [String: WorkTable] = [:]
        for (index, subset) in options.subsets.enumerated() {
            let what = "subsets[\(index)] (\(subset.name))"
            let filter = try subset.filter.map { text throws(CrescendoError) in try condition(text, on: source, shape: input.shape, activity, what: "\(what).filter") }
            var limit: WorkTableSQL.Limit?
            if let text = subset.limit?.trimmingCharacters(in: .whitespaces) {
                if text.hasSuffix("%"), let share = Decimal(string: String(text.dropLast()).trimmingCharacters(in: .whitespaces)), share >= 0, share <= 100 {
                    limit = .share(basisPoints: NSDecimalNumber(decimal: share * 100).intValue)
                } else if let rows = Int(text), rows >= 0 {
                    limit = .rows(rows)
                } else {
                    throw fail(activity, "\(what).limit: \"\(text)\" is not a number of rows (500) or a share (10%)")
                }
            }
            var ordering: WorkTableSQL.Ordering = subset.random == true ? .random : .key
            if let sort = subset.sort {
                guard subset.random != true else { throw fail(activity, "\(what): sort: and random: true exclude each other") }
                ordering = .by([try sortKey(sort, on: source, shape: input.shape, activity, what: "\(what).sort")])
            }
            let output = table(activity, output: subset.name, shape: input.shape)
            outputs[subset.name] = output
            subsets.append(WorkTableSQL.Subset(output: output, filter: filter, limit: limit, ordering: ordering))
        }
        var complement: WorkTable?
        if let name = options.complement {
            complement = table(activity, output: name, shape: input.shape)
            outputs[name] = complement
        }
        let names = activity.kind.outputNames
        guard Set(names).count == names.count else { throw fail(activity, "two subsets (or a subset and the complement) share a name") }
        return try await perform(activity, sql.split(input: input, subsets: subsets, overlap: options.overlap == true, complement: complement), outputs: outputs)
    }

    func saveAudience(_ activity: CampaignActivity, _ options: SaveAudienceOptions, input: WorkTable) async throws -> ActivityOutcome {
        do {
            try SavedAudience.validateName(options.audience)
        } catch {
            throw fail(activity, "audience: \(error.message)")
        }
        let attributes = options.attributes ?? []
        for name in attributes where !input.shape.attributes.contains(where: { $0.name == name }) {
            throw fail(activity, "attributes: the population has no attribute \"\(name)\"\(Spelling.hint(name, among: input.shape.attributes.map(\.name)))")
        }
        var outcome = ActivityOutcome(outputs: ["out": OutputRecord(table: input.name, shape: input.shape, count: 0)])
        if dryRun { return outcome }
        let count = try await store.rows(SQLQuery(text: "SELECT count(*) FROM \(store.dialect.quote(input.name))", columns: [.integer]))
        if case .integer(let rows)? = count.first?.first { outcome.outputs["out"]?.count = Int(rows) }
        if testMode {
            outcome.notes = ["test mode: would save \(outcome.outputs["out"]?.count ?? 0) rows as audience '\(options.audience)'"]
            return outcome
        }
        let entity = try entity(input.shape.entity, activity)
        let keyColumns = input.shape.keyColumns(model)
        let selected = keyColumns + attributes
        let query = SQLQuery(text: "SELECT \(selected.map(store.dialect.quote).joined(separator: ", ")) FROM \(store.dialect.quote(input.name))")
        let columns = entity.key.enumerated().map { MemberColumn(name: "k\($0)", type: entity.field(named: $1)!.type, isKey: true) }
            + attributes.enumerated().map { index, name in MemberColumn(name: "a\(index)", type: input.shape.attributes.first { $0.name == name }!.type, isKey: false) }
        let audience = SavedAudience(name: options.audience, kind: .snapshot, entity: entity.name, rule: "campaign \(definition.name), execution \(execution)", attributes: attributes)
        let saved = try await store.saveAudience(audience, members: .query(query), columns: columns)
        outcome.notes = ["saved \(saved.size ?? 0) rows as audience '\(options.audience)'"]
        return outcome
    }
}

/// Local date-times as campaign files write them.
enum CampaignTime {
    /// `2026-12-24 09:00` (or with `T`, optional seconds) in `zone`, as seconds since the epoch.
    static func localInstant(_ text: String, zone: TimeZone) -> Int64? {
        let parts = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "T", with: " ").split(separator: " ")
        guard parts.count == 2 else { return nil }
        let date = parts[0].split(separator: "-").compactMap { Int($0) }
        let time = parts[1].split(separator: ":").compactMap { Int($0) }
        guard date.count == 3, time.count >= 2, (1...12).contains(date[1]), (1...31).contains(date[2]), (0...23).contains(time[0]), (0...59).contains(time[1]) else { return nil }
        let day = CivilTime.daysFromCivil(year: date[0], month: date[1], day: date[2])
        let seconds = time.count > 2 ? time[2] : 0
        return LocalClock.instant(ofLocal: Int64(day) * 86_400 + Int64(time[0] * 3600 + time[1] * 60 + seconds), in: zone)
    }
}
