extension ActivityRunner {
    /// Types a load-file column may have: those a CSV cell parses to.
    static let fileColumnTypes: [FieldType] = [.string, .integer, .decimal, .boolean, .date, .timestamp, .email, .phone]

    func loadFile(_ activity: CampaignActivity, _ options: LoadFileOptions) async throws -> ActivityOutcome {
        var attributes: [PopulationAttribute] = []
        for pair in options.columns.pairs {
            guard PopulationAttribute.isValidName(pair.key) else {
                throw fail(activity, "columns: \"\(pair.key)\" cannot be a column name here (lower-case letters, digits and _)")
            }
            guard let type = FieldType(rawValue: pair.value), Self.fileColumnTypes.contains(type) else {
                throw fail(activity, "columns.\(pair.key): \"\(pair.value)\" is not a type (\(Self.fileColumnTypes.map(\.rawValue).joined(separator: ", ")))\(Spelling.hint(pair.value, among: Self.fileColumnTypes.map(\.rawValue)))")
            }
            attributes.append(PopulationAttribute(name: pair.key, type: type))
        }
        guard !attributes.isEmpty else { throw fail(activity, "columns: declare at least one column and its type") }
        let output = table(activity, output: "out", shape: PopulationShape(entity: PopulationShape.fileEntity, attributes: attributes))
        if dryRun { return try await perform(activity, [], outputs: ["out": output]) }
        guard let fileReader else { throw fail(activity, "this process cannot read files") }
        let file: CampaignFileRows
        do {
            file = try await fileReader.read(path: options.file, columns: attributes)
        } catch let error as CrescendoError {
            throw fail(activity, error.message)
        }
        if file.rejected > (options.maxErrors ?? 0) {
            throw fail(activity, "\(options.file): \(file.rejected) invalid line(s), more than max_errors (\(options.maxErrors ?? 0)); see \(file.rejectsFile ?? "the rejects file")")
        }
        // Multi-row inserts with bound values, a few hundred rows per statement.
        let dialect = store.dialect
        let columns = (["k0"] + attributes.map(\.name)).map(dialect.quote).joined(separator: ", ")
        var steps = [sql.create(output)]
        let kinds = [ValueKind.integer] + attributes.map { ValueKind($0.type) }
        var index = 0
        while index < file.rows.count {
            let batch = file.rows[index..<min(index + 200, file.rows.count)]
            var binds: [SQLBind] = []
            var tuples: [String] = []
            var number = 0
            for row in batch {
                var placeholders: [String] = []
                for (value, kind) in zip([Value.integer(Int64(row.line))] + row.values, kinds) {
                    number += 1
                    binds.append(SQLBind(value, kind))
                    placeholders.append(dialect.placeholder(number, kind))
                }
                tuples.append("(" + placeholders.joined(separator: ", ") + ")")
            }
            steps.append(SQLStep(SQLQuery(text: "INSERT INTO \(dialect.quote(output.name)) (\(columns)) VALUES \(tuples.joined(separator: ", "))", binds: binds)))
            index += 200
        }
        var outcome = try await perform(activity, steps, outputs: ["out": output], endIfEmpty: true)
        outcome.notes = ["\(options.file): \(file.rows.count) lines loaded\(file.rejected > 0 ? ", \(file.rejected) rejected (\(file.rejectsFile ?? "rejects file"))" : "")"]
        return outcome
    }

    func reconcile(_ activity: CampaignActivity, _ options: ReconciliationOptions, input: WorkTable) async throws -> ActivityOutcome {
        let target = try entity(options.entity, activity)
        guard !options.match.isEmpty else { throw fail(activity, "match: give at least one `file column: \(target.name) field`") }
        let mode = options.unmatched ?? "drop"
        guard ["keep", "drop"].contains(mode) else { throw fail(activity, "unmatched: \"\(mode)\" must be keep or drop") }
        var pairs: [(column: PopulationAttribute, field: Field)] = []
        for (column, fieldName) in options.match.sorted(by: { $0.key < $1.key }) {
            guard let attribute = input.shape.attributes.first(where: { $0.name == column }) else {
                throw fail(activity, "match: the file has no column \"\(column)\"\(Spelling.hint(column, among: input.shape.attributes.map(\.name)))")
            }
            guard let field = target.field(named: fieldName) else {
                throw fail(activity, "match.\(column): no field \"\(fieldName)\" on \(target.name)\(Spelling.hint(fieldName, among: target.fields.map(\.name)))")
            }
            guard ValueKind(attribute.type) == ValueKind(field.type) else {
                throw fail(activity, "match.\(column): the column is \(attribute.type.rawValue) and \(target.name).\(field.name) is \(field.type.rawValue)")
            }
            pairs.append((attribute, field))
        }
        // The file's other columns travel on as attributes (unless a field of the entity has the name).
        let carried = input.shape.attributes.filter { target.field(named: $0.name) == nil }
        let output = table(activity, output: "out", shape: PopulationShape(entity: target.name, attributes: carried))
        let unmatched = mode == "keep" ? table(activity, output: "unmatched", shape: input.shape) : nil
        let q = store.dialect.quote
        let on = pairs.map { "e.\(q($0.field.name)) = f.\(q($0.column.name))" }.joined(separator: " AND ")
        let keys = target.key.map { "e.\(q($0))" }
        let outColumns = (output.shape.keyColumns(model) + carried.map(\.name)).map(q).joined(separator: ", ")
        let selected = (target.key.enumerated().map { "e.\(q($1)) AS \(q("k\($0)"))" } + carried.map { "f.\(q($0.name))" }).joined(separator: ", ")
        // Several lines may name one row: the first line wins.
        var steps = [sql.create(output), SQLStep("""
            INSERT INTO \(q(output.name)) (\(outColumns)) SELECT \(outColumns) FROM (SELECT \(selected), \
            ROW_NUMBER() OVER (PARTITION BY \(keys.joined(separator: ", ")) ORDER BY f.\(q("k0"))) AS crescendo_rank \
            FROM \(q(input.name)) AS f JOIN \(q(target.name)) AS e ON \(on)) AS r WHERE crescendo_rank = 1
            """)]
        if let unmatched {
            let all = (["k0"] + input.shape.attributes.map(\.name)).map(q).joined(separator: ", ")
            steps.append(sql.create(unmatched))
            steps.append(SQLStep("INSERT INTO \(q(unmatched.name)) (\(all)) SELECT \(all) FROM \(q(input.name)) AS f WHERE NOT EXISTS (SELECT 1 FROM \(q(target.name)) AS e WHERE \(on))"))
        }
        var outputs = ["out": output]
        if let unmatched { outputs["unmatched"] = unmatched }
        return try await perform(activity, steps, outputs: outputs)
    }
}
