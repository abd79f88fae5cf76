extension ActivityRunner {
    /// Records the message population of a channel activity: one row per profile (or per row of
    /// the population's own dimension), with the profile's key, the address, every field the
    /// templates use, and — for rows that cannot be sent to — the reason they are excluded.
    /// Message execution sends from this table; consent and business rules apply at send time.
    func sendingPopulation(_ activity: CampaignActivity, _ channel: Channel, _ options: ChannelOptions, input: WorkTable) async throws -> ActivityOutcome {
        let source = try entity(input.shape.entity, activity)
        guard let profileName = model.profileEntity, let profile = model.entity(named: profileName) else {
            throw fail(activity, "the data model names no profile entity (`profile:` in the model file); channel activities send to profiles")
        }
        let per = options.per ?? "profile"
        guard ["profile", "row"].contains(per) else { throw fail(activity, "per: \"\(per)\" must be profile or row\(Spelling.hint(per, among: ["profile", "row"]))") }
        if let throttle = options.throttle, !(1...10_000_000).contains(throttle) {
            throw fail(activity, "throttle: \(throttle) messages per hour is outside the allowed range 1–10000000")
        }
        if let cap = options.cap, cap < 1 { throw fail(activity, "cap: must be 1 or more") }
        if let window = options.window, LocalTime(window.from) == nil || LocalTime(window.until) == nil {
            throw fail(activity, "window: from and until are times of day (HH:MM)")
        }
        // The way from the population's rows to the profile.
        var profileSteps: [LinkStep] = []
        if source.name != profile.name {
            do {
                profileSteps = try RuleChecker.dimension(from: source, to: options.profile ?? profile.name, model: model)
            } catch {
                throw fail(activity, "profile: \(error.message)")
            }
            guard profileSteps.last?.to == profile.name, !profileSteps.contains(where: \.isToMany) else {
                throw fail(activity, "profile: the path must lead through to-one links to \(profile.name)")
            }
        } else if per == "row" {
            // Rows are profiles already: per row is per profile.
        }
        let recipientName = options.recipient ?? channel.defaultRecipient
        var recipient: Field?
        if let recipientName {
            guard let field = profile.field(named: recipientName) else {
                throw fail(activity, "recipient: no field \"\(recipientName)\" on \(profile.name)\(Spelling.hint(recipientName, among: profile.fields.map(\.name)))")
            }
            recipient = field
        } else if channel == .push {
            throw fail(activity, "recipient: name the \(profile.name) field that holds the device token")
        }
        // Template fields: paths on the population's rows, or its attributes.
        var fields: [(name: String, expression: BoundExpression)] = []
        for path in options.fields ?? [] {
            fields.append((path, try value(path, on: source, shape: input.shape, activity, what: "fields.\(path)")))
        }
        try checkTemplates(activity, channel, options, fields: fields.map(\.name))

        let table = "crescendo_m\(execution)_\(definition.activities.firstIndex { $0.name == activity.name } ?? 0)"
        let dialect = store.dialect
        func q(_ name: String) -> String { dialect.quote(name) }
        var (compiler, scope) = sql.scope(over: input, needsEntity: true)
        let profileAlias = compiler.join(profileSteps, in: scope)
        let profileKeys = profile.key.map { "\(profileAlias).\(q($0))" }
        var columns: [(name: String, type: FieldType, value: String)] = []
        for (index, key) in profile.key.enumerated() {
            columns.append(("p\(index)", profile.field(named: key)!.type, profileSteps.isEmpty ? "w.\(q("k\(index)"))" : "\(profileAlias).\(q(key))"))
        }
        if per == "row" {
            for (index, key) in source.key.enumerated() { columns.append(("r\(index)", source.field(named: key)!.type, "w.\(q("k\(index)"))")) }
        }
        let address = recipient.map { "\(profileAlias).\(q($0.name))" }
        columns.append(("crescendo_address", .string, address ?? "NULL"))
        for (index, field) in fields.enumerated() {
            columns.append(("f\(index)", field.expression.kind.fieldType, compiler.value(field.expression, in: scope, context: .correlated)))
        }
        var reasons = ["WHEN \(profileKeys[0]) IS NULL THEN 'no_profile'"]
        if let address { reasons.append("WHEN \(address) IS NULL OR \(address) = '' THEN 'no_address'") }
        columns.append(("crescendo_excluded", .string, "CASE \(reasons.joined(separator: " ")) END"))

        let definitions = columns.map { "\(q($0.name)) \(dialect.columnType($0.type))" }.joined(separator: ", ")
        let list = columns.map { q($0.name) }.joined(separator: ", ")
        let selected = columns.map { "\($0.value) AS \(q($0.name))" }.joined(separator: ", ")
        var text: String
        if per == "profile" && !profileSteps.isEmpty {
            // One message per person: the row with the lowest key speaks for the profile; rows
            // without a profile stay, each excluded.
            let partition = profile.key.indices.map { q("p\($0)") }.joined(separator: ", ")
            let order = source.key.indices.map { "w.\(q("k\($0)"))" }.joined(separator: ", ")
            text = """
                INSERT INTO \(q(table)) (\(list)) SELECT \(list) FROM (SELECT \(selected), \
                ROW_NUMBER() OVER (PARTITION BY \(profileKeys.joined(separator: ", ")) ORDER BY \(order)) AS crescendo_rank \
                FROM \(scope.from(dialect))\(scope.whereClause)) AS r WHERE crescendo_rank = 1 OR \(q("p0")) IS NULL
                """
            _ = partition
        } else {
            text = "INSERT INTO \(q(table)) (\(list)) SELECT \(selected) FROM \(scope.from(dialect))\(scope.whereClause)"
        }
        let steps = [
            sql.drop(table),
            SQLStep("CREATE TABLE \(q(table)) (\(definitions))"),
            SQLStep(compiler.sql.finish(text, columns: [], dialect: dialect)),
            SQLStep(SQLQuery(text: "SELECT \(dialect.output("coalesce(\(q("crescendo_excluded")), '')")), \(dialect.output("count(*)")) FROM \(q(table)) GROUP BY \(q("crescendo_excluded"))", columns: [.text, .integer])),
            sql.count(input.name),
        ]
        var outcome = ActivityOutcome(outputs: ["out": OutputRecord(table: input.name, shape: input.shape, count: 0)])
        var messages = MessagePopulation(
            channel: channel, category: options.category ?? .marketing, per: per, entity: source.name, table: table, fields: fields.map(\.name),
            targeted: 0, excluded: [:], options: options)
        if dryRun {
            outcome.messages = messages
            return outcome
        }
        guard let results = try await store.perform(steps) else {
            throw CrescendoError(.storeFailure, "activity \"\(activity.name)\": the unit of work was declined")
        }
        for row in results[3] {
            guard case .integer(let count) = row[1] else { continue }
            let reason = row[0].text ?? ""
            if reason.isEmpty { messages.targeted = Int(count) } else { messages.excluded[reason] = Int(count) }
        }
        let total = messages.targeted + messages.excluded.values.reduce(0, +)
        // The population goes on unchanged (a later activity may follow up on everyone targeted).
        if case .integer(let count)? = results[4].first?.first { outcome.outputs["out"]?.count = Int(count) }
        outcome.messages = messages
        outcome.rows = total
        let excluded = messages.excluded.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        outcome.notes = ["\(channel.rawValue): \(messages.targeted) messages to send\(excluded.isEmpty ? "" : "; excluded: \(excluded)")"]
        return outcome
    }

    /// Every name a template uses must be a field the activity provides (or one the sender adds).
    /// Only names are checked here; message execution renders the templates.
    func checkTemplates(_ activity: CampaignActivity, _ channel: Channel, _ options: ChannelOptions, fields: [String]) throws(CrescendoError) {
        let content = options.content ?? [:]
        for part in content.keys.sorted() where !channel.contentParts.contains(part) {
            throw fail(activity, "content.\(part): \(channel.rawValue) has no part \"\(part)\"\(Spelling.hint(part, among: channel.contentParts)) (parts: \(channel.contentParts.joined(separator: ", ")))")
        }
        if channel == .email, content["subject"] == nil || (content["text"] == nil && content["html"] == nil) {
            throw fail(activity, "content: an email needs a subject and a text or html body")
        }
        if channel == .sms, content["text"] == nil { throw fail(activity, "content: an SMS needs text") }
        if channel == .push, content["title"] == nil && content["body"] == nil { throw fail(activity, "content: a push needs a title or a body") }
        let builtIns = ["unsubscribe_url", "view_url", "campaign", "execution"]
        for part in content.keys.sorted() {
            for name in Self.templateNames(content[part]!) where !builtIns.contains(name) {
                let known = fields.contains(name) || fields.contains { $0.hasPrefix(name + ".") }
                guard known else {
                    throw fail(activity, "content.\(part): {{\(name)}} is not among the activity's fields (\(fields.joined(separator: ", ")))\(Spelling.hint(name, among: fields + builtIns)); add it to fields:")
                }
            }
        }
    }

    /// Variable and section names a Mustache template refers to (`{{name}}`, `{{{name}}}`,
    /// `{{#name}}`, `{{^name}}`, `{{&name}}`), without comments, partials and closing tags.
    static func templateNames(_ template: String) -> [String] {
        var names: [String] = []
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            rest = rest[open.upperBound...]
            guard let close = rest.range(of: "}}") else { break }
            var tag = rest[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            rest = rest[close.upperBound...]
            if tag.hasPrefix("{") { tag = String(tag.dropFirst()).trimmingCharacters(in: .whitespaces); if rest.hasPrefix("}") { rest = rest.dropFirst() } }
            guard let sigil = tag.first else { continue }
            if ["!", "/", ">", "="].contains(sigil) { continue }
            if ["#", "^", "&"].contains(sigil) { tag = String(tag.dropFirst()).trimmingCharacters(in: .whitespaces) }
            if !tag.isEmpty, tag != "." { names.append(tag) }
        }
        return names
    }
}

import Foundation
