import CrescendoCore
import Foundation

/// What `campaign status`, `logs` and `test` show: an execution's activities with their state,
/// rows and timings (its tasks), the count on every transition, and the message populations.
public struct ExecutionReport: Sendable, Codable {
    public struct Activity: Sendable, Codable {
        public var name: String
        public var type: String
        public var state: String
        public var rows: Int64?
        public var startedAt: String?
        public var finishedAt: String?
        public var milliseconds: Int64?
        public var waitUntil: String?
        public var error: String?
    }

    public struct Transition: Sendable, Codable {
        public var from: String
        public var output: String
        public var to: String
        /// Rows that crossed it; nil while its source has not finished.
        public var count: Int?
        public var ended: Bool
    }

    public struct Messages: Sendable, Codable {
        public var activity: String
        public var channel: String
        public var category: String
        public var per: String
        public var targeted: Int
        public var excluded: [String: Int]
        public var table: String
        /// Column names of `sample`.
        public var columns: [String]
        public var sample: [[String?]]
        /// SMS in test mode: the segments the texts would bill, from rendering them.
        public var segments: SegmentEstimate?
    }

    /// What the texts of an SMS activity would cost, worked out in test mode by rendering them
    /// against the profiles as they are now.
    public struct SegmentEstimate: Sendable, Codable {
        /// Texts rendered (all of them, or the first `limit` when there are more).
        public var rendered: Int
        public var segments: Int
        /// Texts that need UCS-2 (70 characters a segment instead of 160): one accent or emoji outside GSM-7.
        public var unicode: Int
        public var longest: Int
        /// Whether the population had more texts than were rendered (the counts are then scaled up).
        public var estimated: Bool
        public var failures: [String]
    }

    public var campaign: String
    public var version: Int64
    public var campaignState: String?
    public var execution: StoredExecution?
    public var activities: [Activity]
    public var transitions: [Transition]
    public var messages: [Messages]

    /// The graph as the terminal draws it.
    public func drawing(color: Bool, unicode: Bool = true, width: Int = 100) -> [String] {
        let nodes = activities.map { activity -> CampaignDrawing.Node in
            var detail: String?
            if let waitUntil = activity.waitUntil, activity.state == "waiting" { detail = "waits until \(waitUntil)" }
            else if let error = activity.error { detail = error }
            else if let rows = activity.rows, activity.state == "done" { detail = "\(rows) rows\(activity.milliseconds.map { ", \($0) ms" } ?? "")" }
            return CampaignDrawing.Node(name: activity.name, kind: activity.type, state: activity.state, detail: detail)
        }
        let edges = transitions.map { CampaignDrawing.Edge(from: $0.from, output: $0.output, to: $0.to, count: $0.count) }
        return CampaignDrawing(nodes: nodes, edges: edges).render(width: width, unicode: unicode, color: color)
    }
}

extension CampaignDesk {
    static func iso(_ seconds: Int64?) -> String? { seconds.map { CivilTime.iso8601(micros: $0 * 1_000_000) } }
    static func isoMillis(_ millis: Int64?) -> String? { millis.map { CivilTime.iso8601(micros: $0 * 1000) } }

    /// The report of one execution (the latest when `id` is nil) of a campaign.
    public func report(_ name: String, execution id: Int64? = nil, sample: Int = 0) async throws -> ExecutionReport {
        let campaign = try await require(name)
        var execution: StoredExecution?
        if let id {
            guard let found = try await repository.execution(id), found.campaign == name else { throw CrescendoError(.notFound, "campaign '\(name)' has no execution \(id)") }
            execution = found
        } else {
            execution = try await repository.executions(of: name, limit: 1).first
        }
        let definition = try await definitionFor(campaign, execution)
        return try await report(definition, campaignState: campaign.state.rawValue, version: execution?.version ?? campaign.version, execution: execution, sample: sample)
    }

    func definitionFor(_ campaign: StoredCampaign, _ execution: StoredExecution?) async throws -> CampaignDefinition {
        if let execution, execution.version != campaign.version, let stored = try await repository.campaign(named: campaign.name, version: execution.version) {
            return try stored.definition()
        }
        return try campaign.definition()
    }

    func report(_ definition: CampaignDefinition, campaignState: String?, version: Int64, execution: StoredExecution?, sample: Int) async throws -> ExecutionReport {
        var machine = ExecutionMachine(definition: definition)
        var records: [String: ActivityRecord] = [:]
        if let execution {
            for record in try await repository.activityRecords(execution.id) {
                records[record.activity] = record
                machine.restore(record.activity, state: record.machineState, outcome: record.outcome)
            }
        }
        let activities = definition.activities.map { activity -> ExecutionReport.Activity in
            let record = records[activity.name]
            let duration = record.flatMap { r in r.finishedAt.flatMap { end in r.startedAt.map { end - $0 } } }
            return ExecutionReport.Activity(
                name: activity.name, type: activity.kind.typeName, state: record?.state ?? "pending", rows: record?.rows,
                startedAt: Self.isoMillis(record?.startedAt), finishedAt: Self.isoMillis(record?.finishedAt), milliseconds: duration,
                waitUntil: Self.iso(record?.waitUntil), error: record?.error)
        }
        let transitions = definition.transitions.map { transition -> ExecutionReport.Transition in
            let delivery = machine.delivery(transition)
            return ExecutionReport.Transition(from: transition.from, output: transition.output, to: transition.to, count: delivery.flatMap { $0.ended ? 0 : ($0.table == nil ? nil : $0.count) }, ended: delivery?.ended ?? false)
        }
        var messages: [ExecutionReport.Messages] = []
        if let execution {
            for (activity, population) in try await repository.messagePopulations(execution.id).sorted(by: { $0.key < $1.key }) {
                var columns: [String] = []
                var rows: [[String?]] = []
                if sample > 0 {
                    (columns, rows) = try await sampleRows(population, limit: sample)
                }
                var entry = ExecutionReport.Messages(
                    activity: activity, channel: population.channel.rawValue, category: population.category.rawValue, per: population.per,
                    targeted: population.targeted, excluded: population.excluded, table: population.table, columns: columns, sample: rows)
                if execution.test, population.channel == .sms {
                    entry.segments = try await segments(population, definition: definition, execution: execution)
                }
                messages.append(entry)
            }
        }
        return ExecutionReport(campaign: definition.name, version: version, campaignState: campaignState, execution: execution, activities: activities, transitions: transitions, messages: messages)
    }

    /// The first rows of a message population, messages to send first, fields named as written.
    func sampleRows(_ population: MessagePopulation, limit: Int) async throws -> ([String], [[String?]]) {
        let dialect = store.dialect
        guard let profile = model.profileEntity.flatMap(model.entity(named:)) else { return ([], []) }
        var names = profile.key.indices.map { "p\($0)" }
        var labels = profile.key.map { "\(profile.name).\($0)" }
        if population.per == "row", let entity = model.entity(named: population.entity) {
            for (index, key) in entity.key.enumerated() {
                names.append("r\(index)")
                labels.append("\(entity.name).\(key)")
            }
        }
        names.append("crescendo_address")
        labels.append("address")
        for (index, field) in population.fields.enumerated() {
            names.append("f\(index)")
            labels.append(field)
        }
        names.append("crescendo_excluded")
        labels.append("excluded")
        let columns = names.map { dialect.output(dialect.quote($0)) }.joined(separator: ", ")
        let order = "CASE WHEN \(dialect.quote("crescendo_excluded")) IS NULL THEN 0 ELSE 1 END, \(dialect.quote("p0"))"
        let rows = try await store.rows(SQLQuery(text: "SELECT \(columns) FROM \(dialect.quote(population.table)) ORDER BY \(order) LIMIT \(max(1, limit))", columns: names.map { _ in .text }))
        return (labels, rows.map { row in row.map { (value: Value) -> String? in value.text } })
    }

    /// Test mode: the whole graph of a draft on the real data; nothing is sent, no audience is
    /// saved, and the work tables are dropped afterwards. Returns the counts and samples.
    public func test(_ definition: CampaignDefinition, source: String, variables: [String: String], sample: Int, progress: (@Sendable (String) -> Void)? = nil) async throws -> ExecutionReport {
        try await validate(definition, source: source)
        _ = try ExecutionDriver.variables(variables, for: definition)
        let stand = StoredCampaign(name: definition.name, version: 0, state: .draft, source: "", createdAt: 0, updatedAt: 0)
        guard let id = try await repository.createExecution(campaign: stand, test: true, launchedBy: "test mode", variables: variables, now: Self.now()),
            let execution = try await repository.execution(id)
        else { throw CrescendoError(.storeFailure, "the test execution could not be created") }
        let worker = "test-\(ProcessInfo.processInfo.processIdentifier)"
        // Test executions are never claimed by workers; this process runs it, waits included.
        let driver = ExecutionDriver(store: store, model: model, worker: worker, fileReader: fileReader)
        var running = execution
        running.status = .running
        _ = try await driver.drive(running, draft: definition, holdWaits: false, progress: progress)
        let finished = try await repository.execution(id) ?? running
        let report = try await report(definition, campaignState: nil, version: 0, execution: finished, sample: sample)
        try await dropTestTables(id)
        return report
    }

    func dropTestTables(_ id: Int64) async throws {
        var tables = Set<String>()
        for record in try await repository.activityRecords(id) {
            for output in record.outcome?.outputs.values ?? [:].values { if let table = output.table, table.hasPrefix("crescendo_w\(id)_") { tables.insert(table) } }
            if let messages = record.outcome?.messages { tables.insert(messages.table) }
        }
        if !tables.isEmpty { _ = try await store.perform(tables.sorted().map { SQLStep("DROP TABLE IF EXISTS \(store.dialect.quote($0))") }) }
        // Only this execution is done with; other executions keep their tables for their retention.
        try await repository.markCleaned(id)
    }
}
