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
        var expireAfter: Int64 = 3 * 86_400
        if let text = options.expireAfter {
            guard let seconds = CampaignDuration.seconds(text), seconds > 0 else {
                throw fail(activity, "expire_after: \"\(text)\" is not a duration such as 12h or 3d")
            }
            expireAfter = seconds
        }
        if let purpose = options.purpose, purpose.isEmpty || purpose.contains(where: { $0.isWhitespace }) {
            throw fail(activity, "purpose: \"\(purpose)\" must be one word, such as marketing or newsletter")
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
        }
        var postal: PostalFields?
        if channel == .directMail {
            if options.recipient != nil {
                throw fail(activity, "recipient: a letter is addressed by its postal fields; name them with postal: {lines: [...], postal_code: ..., city: ..., country: ...}")
            }
            do {
                postal = try PostalFields.resolve(options.postal, profile: profile)
            } catch {
                throw fail(activity, error.message)
            }
        }
        // Template fields: paths on the population's rows, or its attributes.
        var fields: [(name: String, expression: BoundExpression)] = []
        for path in options.fields ?? [] {
            fields.append((path, try value(path, on: source, shape: input.shape, activity, what: "fields.\(path)")))
        }
        try checkTemplates(activity, channel, options, fields: fields.map(\.name), jsonFields: fields.filter { $0.expression.kind.fieldType == .json }.map(\.name), profile: profile)

        let table = "crescendo_m\(execution)_\(definition.activities.firstIndex { $0.name == activity.name } ?? 0)"
        let dialect = store.dialect
        func q(_ name: String) -> String { dialect.quote(name) }
        var (compiler, scope) = sql.scope(over: input)
        // The profile's own fields are read fresh from its row; a population of other rows
        // reaches its profile through the link, from the work table's copy when it holds one.
        if profileSteps.isEmpty { scope.requireRow() }
        let profileAlias = compiler.join(profileSteps, in: scope)
        let profileKeys = profile.key.map { "\(profileAlias).\(q($0))" }
        var columns: [(name: String, type: FieldType, value: String)] = []
        for (index, key) in profile.key.enumerated() {
            columns.append(("p\(index)", profile.field(named: key)!.type, profileSteps.isEmpty ? "w.\(q("k\(index)"))" : "\(profileAlias).\(q(key))"))
        }
        // The row key identifies the message when it is per row, and a row that leads to no
        // profile (each such row is its own excluded message).
        if per == "row" || source.name != profile.name {
            for (index, key) in source.key.enumerated() { columns.append(("r\(index)", source.field(named: key)!.type, "w.\(q("k\(index)"))")) }
        }
        var address = recipient.map { "\(profileAlias).\(q($0.name))" }
        if let postal {
            // The letter's address as one text: no street line is no address, and one letter
            // goes to a household however many profiles share it.
            func part(_ name: String) -> String { "coalesce(CAST(\(profileAlias).\(q(name)) AS TEXT), '')" }
            let street = postal.lines.map(part).joined(separator: " || ' ' || ")
            let rest = ([postal.postalCode, postal.city, postal.country].compactMap { $0 }).map(part)
            address = "CASE WHEN trim(\(street)) = '' THEN NULL ELSE trim(\(([street] + rest).joined(separator: " || ', ' || "))) END"
        }
        columns.append(("crescendo_address", .string, address ?? "NULL"))
        for (index, field) in fields.enumerated() {
            columns.append(("f\(index)", field.expression.kind.fieldType, compiler.value(field.expression, in: scope, context: .correlated)))
        }
        var reasons = ["WHEN \(profileKeys[0]) IS NULL THEN 'no_profile'"]
        if let address { reasons.append("WHEN \(address) IS NULL OR \(address) = '' THEN 'no_address'") }
        columns.append(("crescendo_excluded", .string, "CASE \(reasons.joined(separator: " ")) END"))

        // One message per address per activity, unless per row: the first profile (by key) keeps
        // a shared address, the others are excluded with a reason.
        if per == "profile", address != nil {
            let excludedIndex = columns.count - 1
            columns[excludedIndex].value = "CASE \(reasons.joined(separator: " ")) WHEN ROW_NUMBER() OVER (PARTITION BY lower(\(address!)) ORDER BY \((profileKeys + (source.name == profile.name ? [] : source.key.indices.map { "w.\(q("k\($0)"))" })).joined(separator: ", "))) > 1 THEN '\(ExclusionReason.duplicateAddress)' END"
        }
        let definitions = columns.map { "\(q($0.name)) \(dialect.columnType($0.type))" }.joined(separator: ", ")
        let list = columns.map { q($0.name) }.joined(separator: ", ")
        let selected = columns.map { "\($0.value) AS \(q($0.name))" }.joined(separator: ", ")
        var text: String
        if per == "profile" && !profileSteps.isEmpty {
            // One message per person: the row with the lowest key speaks for the profile; rows
            // without a profile stay, each excluded.
            let order = source.key.indices.map { "w.\(q("k\($0)"))" }.joined(separator: ", ")
            text = """
                INSERT INTO \(q(table)) (\(list)) SELECT \(list) FROM (SELECT \(selected), \
                ROW_NUMBER() OVER (PARTITION BY \(profileKeys.joined(separator: ", ")) ORDER BY \(order)) AS crescendo_rank \
                FROM \(scope.from(dialect))\(scope.whereClause)) AS r WHERE crescendo_rank = 1 OR \(q("p0")) IS NULL
                """
        } else {
            text = "INSERT INTO \(q(table)) (\(list)) SELECT \(selected) FROM \(scope.from(dialect))\(scope.whereClause)"
        }
        let activityIndex = definition.activities.firstIndex { $0.name == activity.name } ?? 0
        let jsonFields = fields.filter { $0.expression.kind.fieldType == .json }.map(\.name)
        var steps = [
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
        messages.jsonFields = jsonFields.isEmpty ? nil : jsonFields
        if !testMode && !dryRun {
            // The messages land in the outbox in the same transaction as the population: the
            // activity is not done until every message is durably queued.
            let now = Int64(Date().timeIntervalSince1970)
            let rowKeys = columns.map(\.name).filter { $0.hasPrefix("r") && Int($0.dropFirst()) != nil }
            let profileKeysColumns = profile.key.indices.map { "p\($0)" }
            let target = per == "row" ? rowKeys : profileKeysColumns
            let repository = MessageRepository(store: store, model: model)
            // Rows without a profile would share the empty profile key: their row key names them.
            steps.append(repository.enqueue(
                from: table, messages, campaign: definition.name, execution: execution, activity: activity.name, activityIndex: activityIndex,
                targetColumns: target, fallbackColumns: per == "profile" ? rowKeys : [], profileKeyCount: profile.key.count, expiresAt: now + expireAfter, now: now))
        }
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

    /// Every name a template uses must be something the message will have: a field the activity
    /// provides (by path), a field of the profile (`profile.first_name`, read fresh at send time),
    /// a campaign variable (`variables.name`) or one the sender adds. Names inside a section over
    /// collected rows are relative to those rows and are not checked here.
    func checkTemplates(_ activity: CampaignActivity, _ channel: Channel, _ options: ChannelOptions, fields: [String], jsonFields: [String] = [], profile: Entity? = nil) throws(CrescendoError) {
        let content = options.content ?? [:]
        for part in content.keys.sorted() where !channel.allowsPart(part) {
            throw fail(activity, "content.\(part): \(channel.rawValue) has no part \"\(part)\"\(Spelling.hint(part, among: channel.contentParts)) (parts: \(channel.contentParts.joined(separator: ", ")))")
        }
        if channel == .email, content["subject"] == nil || (content["text"] == nil && content["html"] == nil) {
            throw fail(activity, "content: an email needs a subject and a text or html body")
        }
        if channel == .sms, content["text"] == nil { throw fail(activity, "content: an SMS needs text") }
        if channel == .push, content["title"] == nil && content["body"] == nil { throw fail(activity, "content: a push needs a title or a body") }
        let profileNames = (profile?.fields.map { "profile.\($0.name)" } ?? [])
        let variableNames = definition.variables.map { "variables.\($0.name)" }
        let known = fields + profileNames + variableNames + Self.builtInNames
        for part in content.keys.sorted() {
            for use in Self.templateNames(content[part]!) {
                let name = use.name
                if use.section.contains(where: { section in jsonFields.contains(section) }) { continue }
                let isKnown = known.contains(name) || known.contains { $0.hasPrefix(name + ".") } || (name.hasPrefix("profile.") && profile == nil)
                guard isKnown else {
                    throw fail(activity, "content.\(part), line \(use.line) column \(use.column): {{\(name)}} is not among the activity's fields (\(fields.joined(separator: ", ")))\(Spelling.hint(name, among: known)); add it to fields:, or use profile.<field> or variables.<name>")
                }
            }
        }
    }

    /// Names every message has without the activity listing them.
    public static let builtInNames = ["unsubscribe_url", "campaign", "execution", "message_id"]

    /// A name a template refers to, where, and inside which sections.
    struct TemplateName: Sendable, Hashable {
        var name: String
        var line: Int
        var column: Int
        var section: [String]
    }

    /// Variable and section names a Mustache template refers to (`{{name}}`, `{{{name}}}`,
    /// `{{#name}}`, `{{^name}}`, `{{&name}}`, the argument of a transform `{{upper(name)}}`),
    /// without comments, partials and closing tags, each with its 1-based line and column.
    static func templateNames(_ template: String) -> [TemplateName] {
        var names: [TemplateName] = []
        var sections: [String] = []
        let characters = Array(template)
        var index = 0
        var line = 1
        var column = 1
        func advance(_ count: Int) {
            for _ in 0..<count where index < characters.count {
                if characters[index] == "\n" { line += 1; column = 1 } else { column += 1 }
                index += 1
            }
        }
        while index + 1 < characters.count {
            guard characters[index] == "{", characters[index + 1] == "{" else { advance(1); continue }
            let (tagLine, tagColumn) = (line, column)
            advance(2)
            var raw = ""
            while index + 1 < characters.count, !(characters[index] == "}" && characters[index + 1] == "}") {
                raw.append(characters[index])
                advance(1)
            }
            advance(2)
            var tag = raw.trimmingCharacters(in: .whitespaces)
            if tag.hasPrefix("{") {
                tag = String(tag.dropFirst()).trimmingCharacters(in: .whitespaces)
                if index < characters.count, characters[index] == "}" { advance(1) }
            }
            guard let sigil = tag.first else { continue }
            if ["!", ">", "="].contains(sigil) { continue }
            if sigil == "/" {
                if !sections.isEmpty { sections.removeLast() }
                continue
            }
            let opensSection = sigil == "#" || sigil == "^"
            if ["#", "^", "&"].contains(sigil) { tag = String(tag.dropFirst()).trimmingCharacters(in: .whitespaces) }
            // A transform: `upper(name)`, possibly nested; the innermost argument is the name.
            while let open = tag.firstIndex(of: "("), tag.hasSuffix(")") {
                tag = String(tag[tag.index(after: open)..<tag.index(before: tag.endIndex)]).trimmingCharacters(in: .whitespaces)
            }
            if !tag.isEmpty, tag != "." {
                names.append(TemplateName(name: tag, line: tagLine, column: tagColumn, section: sections))
            }
            if opensSection { sections.append(tag) }
        }
        return names
    }
}

import Foundation
