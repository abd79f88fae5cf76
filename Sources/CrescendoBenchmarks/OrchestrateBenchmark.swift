import CrescendoApp
import CrescendoCore
import CrescendoSample
import Foundation

/// `crescendo-bench orchestrate`: a 12-activity campaign run as a real execution (published,
/// started and driven through the library, as a worker would), against the same work written by
/// hand as one SQL script, on the same engine, data and connection, in the same run.
///
/// The data is the sample hotel group at full size (1M profiles, 5M reservations by default), the
/// same files and SQLite workspace as `crescendo-bench audience` (a `--work-dir` serves both).
/// The campaign targets booked stays of returning guests, enriches them with their hotel and
/// loyalty points, keeps one stay per guest, splits them by value, moves to the guests, adds a
/// saved audience and fills three channels' message tables. Each side runs `repeats` times, taking
/// turns to go first; the best time of each activity, and of the whole, is reported.
///
/// Crescendo's time per activity is the time of its units of work (its statements, counts and
/// output tables), measured around the store; the total is the wall time from `start` to the
/// execution's end, so it includes the driver's records, logs and lease renewals. On SQLite the
/// units of work are queued before the clock starts (the engine has one writer anyway), so
/// branches that the driver runs side by side are not charged for waiting on each other; on
/// PostgreSQL they really run in parallel and each is timed as it ran.
public struct OrchestrateBenchmark: Sendable {
    public var profiles: Int
    public var postgresURL: String?
    public var workFolder: String
    public var crescendoBinary: String
    public var keepFiles: Bool
    public var repeats: Int
    public var sqlite: Bool
    /// Print every unit of work Crescendo runs, with its time (to find a slow statement).
    public var traceSQL: Bool

    public init(profiles: Int, postgresURL: String?, workFolder: String, crescendoBinary: String, keepFiles: Bool, repeats: Int = 3, sqlite: Bool = true, traceSQL: Bool = false) {
        self.profiles = profiles
        self.postgresURL = postgresURL
        self.workFolder = workFolder
        self.crescendoBinary = crescendoBinary
        self.keepFiles = keepFiles
        self.repeats = repeats
        self.sqlite = sqlite
        self.traceSQL = traceSQL
    }

    /// "Today" for the data; the campaign's window starts there (a variable, so the benchmark
    /// selects the same stays whatever day it runs).
    static let anchor = SampleDay(year: 2026, month: 11, day: 30)
    static let from = "2026-11-30"
    /// `from` + 60 days, as the expert writes it.
    static let until = "2027-01-29"
    static let campaignName = "bench-orchestrate"
    static let audienceName = "bench gold guests in PT"
    static let audienceRule = "tier = 'gold' and country = 'PT'"

    /// The campaign: 12 working activities between a start and three ends.
    public static let campaign = """
        # crescendo-bench orchestrate: 12 working activities on the sample hotel group.
        name: \(campaignName)
        description: Returning guests with a stay in the next 60 days, by value, over three channels.
        variables:
          from: {type: date, default: "\(from)"}
        activities:
          start: {type: start}
          upcoming stays:
            type: build-audience
            entity: reservation
            rule: "status = 'booked' and check_in >= $from and check_in <= $from + 60 days and exists customer(count(reservations where status = 'completed') >= 2)"
          hotel and points:
            type: enrichment
            add:
              hotel_name: hotel.name
              hotel_city: hotel.city
              points: sum(customer.loyalty.points)
          one per guest:
            type: dedup
            by: [customer.id]
            choose: lowest
            expression: check_in
          segments:
            type: split
            subsets:
              - {name: top, sort: points desc, limit: 10%}
              - {name: gold, filter: "customer.tier = 'gold'"}
            complement: others
          top guests: {type: change-dimension, to: customer}
          gold in pt: {type: read-audience, audience: "\(audienceName)"}
          top and gold pt: {type: combine, operation: union}
          spend:
            type: enrichment
            add:
              spend: sum(reservations.amount where status = 'completed')
          email top:
            type: email
            fields: [first_name, spend]
            content:
              subject: "{{first_name}}, your next stay"
              text: "Hello {{first_name}}, thank you for {{spend}} of stays."
          gold guests: {type: change-dimension, to: customer}
          sms gold:
            type: sms
            fields: [first_name]
            content: {text: "Hi {{first_name}}, see you soon."}
          post others:
            type: direct-mail
            fields: [customer.first_name, customer.last_name, customer.postal_code, customer.city, hotel_name]
          done email: {type: end}
          done sms: {type: end}
          done post: {type: end}
        transitions:
          - start -> upcoming stays
          - upcoming stays -> hotel and points
          - hotel and points -> one per guest
          - one per guest -> segments
          - segments.top -> top guests
          - top guests -> top and gold pt
          - gold in pt -> top and gold pt
          - top and gold pt -> spend
          - spend -> email top
          - email top -> done email
          - segments.gold -> gold guests
          - gold guests -> sms gold
          - sms gold -> done sms
          - segments.others -> post others
          - post others -> done post

        """

    // MARK: The reference script

    /// What an activity's counts are made of, to compare both sides.
    enum Counted: Sendable {
        /// One population: `SELECT 'out', count(*)`.
        case population
        /// Named outputs: `SELECT name, count(*) … GROUP BY name`.
        case outputs([String])
        /// A message table: `SELECT coalesce(excluded, ''), count(*) … GROUP BY 1` ('' is targeted).
        case messages
    }

    /// The expert's statements for one activity of the campaign, and how to count what they made.
    struct ReferenceStep: Sendable {
        var activity: String
        var statements: [String]
        var count: String
        var counted: Counted
    }

    static let referenceTables = [
        "bench_ref_stays", "bench_ref_enriched", "bench_ref_guest_stays", "bench_ref_segments", "bench_ref_top_guests", "bench_ref_saved",
        "bench_ref_combined", "bench_ref_value", "bench_ref_email", "bench_ref_gold_guests", "bench_ref_sms", "bench_ref_post",
    ]

    /// The same work as one script, as an expert would write it on `dialect`: tables made with
    /// `CREATE TABLE … AS`, carrying forward the columns later steps need (the guest, the stay's
    /// date), the split as one ranked pass with a segment column, each aggregate restricted to the
    /// population. `members` is the saved audience's member table.
    static func reference(_ dialect: SQLDialect, members: String) -> [ReferenceStep] {
        let sqlite = dialect == .sqlite
        // SQLite walks the link index per row; PostgreSQL hashes the population and aggregates
        // only the linked rows.
        // Points once per guest, not once per stay: a few guests have thousands of stays.
        let points = """
            coalesce(l.points, 0) AS points FROM bench_ref_stays s LEFT JOIN hotel h ON h.id = s.hotel_id \
            LEFT JOIN (SELECT profile_id, sum(points) AS points FROM loyalty_transaction \
            WHERE profile_id IN (SELECT profile_id FROM bench_ref_stays) GROUP BY profile_id) l ON l.profile_id = s.profile_id
            """
        // SQLite: both reservation passes as table scans. The window holds 8 % of the rows (random
        // reads through the date index cost more than one sequential pass), and grouping in
        // profile_id index order would fetch every row at random to read its status.
        let scan = sqlite ? " NOT INDEXED" : ""
        let spend = sqlite
            ? "SELECT c.id, coalesce((SELECT sum(r.amount) FROM reservation r WHERE r.profile_id = c.id AND r.status = 'completed'), 0) AS spend FROM bench_ref_combined c"
            : """
                SELECT c.id, coalesce(v.spend, 0) AS spend FROM bench_ref_combined c LEFT JOIN (SELECT profile_id, sum(amount) AS spend \
                FROM reservation WHERE status = 'completed' AND profile_id IN (SELECT id FROM bench_ref_combined) GROUP BY profile_id) v \
                ON v.profile_id = c.id
                """
        func q(_ name: String) -> String { dialect.quote(name) }
        func population(_ table: String) -> String { "SELECT 'out', count(*) FROM \(table)" }
        func messages(_ table: String) -> String { "SELECT coalesce(excluded, ''), count(*) FROM \(table) GROUP BY coalesce(excluded, '')" }
        return [
            ReferenceStep(activity: "upcoming stays", statements: ["""
                CREATE TABLE bench_ref_stays AS SELECT r.id, r.profile_id, r.hotel_id, r.check_in FROM reservation r\(scan) \
                WHERE r.status = 'booked' AND r.check_in BETWEEN '\(from)' AND '\(until)' \
                AND r.profile_id IN (SELECT profile_id FROM reservation\(scan) WHERE status = 'completed' GROUP BY profile_id HAVING count(*) >= 2) \
                AND EXISTS (SELECT 1 FROM profile p WHERE p.id = r.profile_id)
                """], count: population("bench_ref_stays"), counted: .population),
            ReferenceStep(activity: "hotel and points", statements: [
                "CREATE TABLE bench_ref_enriched AS SELECT s.id, s.profile_id, s.check_in, h.name AS hotel_name, h.city AS hotel_city, \(points)",
            ], count: population("bench_ref_enriched"), counted: .population),
            ReferenceStep(activity: "one per guest", statements: ["""
                CREATE TABLE bench_ref_guest_stays AS SELECT id, profile_id, hotel_name, hotel_city, points FROM \
                (SELECT e.*, ROW_NUMBER() OVER (PARTITION BY profile_id ORDER BY check_in, id) AS rn FROM bench_ref_enriched e) AS d WHERE rn = 1
                """], count: population("bench_ref_guest_stays"), counted: .population),
            // One ranked pass: the top 10 % by points, then gold guests among the rest, then the others.
            ReferenceStep(activity: "segments", statements: ["""
                CREATE TABLE bench_ref_segments AS SELECT g.id, p.id AS guest, g.hotel_name, g.points, \
                CASE WHEN g.rk * 10000 <= g.n * 1000 THEN 'top' WHEN p.tier = 'gold' THEN 'gold' ELSE 'others' END AS segment \
                FROM (SELECT d.*, ROW_NUMBER() OVER (ORDER BY points DESC, id) AS rk, count(*) OVER () AS n FROM bench_ref_guest_stays d) AS g \
                LEFT JOIN profile p ON p.id = g.profile_id
                """], count: "SELECT segment, count(*) FROM bench_ref_segments GROUP BY segment", counted: .outputs(["gold", "others", "top"])),
            // One stay per guest already: the guests are distinct.
            ReferenceStep(activity: "top guests", statements: [
                "CREATE TABLE bench_ref_top_guests AS SELECT guest AS id FROM bench_ref_segments WHERE segment = 'top' AND guest IS NOT NULL",
            ], count: population("bench_ref_top_guests"), counted: .population),
            ReferenceStep(activity: "gold in pt", statements: [
                "CREATE TABLE bench_ref_saved AS SELECT p.id FROM profile p WHERE p.id IN (SELECT k0 FROM \(q(members)))",
            ], count: population("bench_ref_saved"), counted: .population),
            ReferenceStep(activity: "top and gold pt", statements: [
                "CREATE TABLE bench_ref_combined AS SELECT id FROM bench_ref_top_guests UNION SELECT id FROM bench_ref_saved",
            ], count: population("bench_ref_combined"), counted: .population),
            ReferenceStep(activity: "spend", statements: ["CREATE TABLE bench_ref_value AS \(spend)"], count: population("bench_ref_value"), counted: .population),
            ReferenceStep(activity: "email top", statements: ["""
                CREATE TABLE bench_ref_email AS SELECT v.id, p.email AS address, p.first_name, v.spend, \
                CASE WHEN p.id IS NULL THEN 'no_profile' WHEN p.email IS NULL OR p.email = '' THEN 'no_address' \
                WHEN ROW_NUMBER() OVER (PARTITION BY lower(p.email) ORDER BY v.id) > 1 THEN 'duplicate_address' END AS excluded \
                FROM bench_ref_value v LEFT JOIN profile p ON p.id = v.id
                """], count: messages("bench_ref_email"), counted: .messages),
            ReferenceStep(activity: "gold guests", statements: [
                "CREATE TABLE bench_ref_gold_guests AS SELECT guest AS id FROM bench_ref_segments WHERE segment = 'gold' AND guest IS NOT NULL",
            ], count: population("bench_ref_gold_guests"), counted: .population),
            ReferenceStep(activity: "sms gold", statements: ["""
                CREATE TABLE bench_ref_sms AS SELECT g.id, p.phone AS address, p.first_name, \
                CASE WHEN p.id IS NULL THEN 'no_profile' WHEN p.phone IS NULL OR p.phone = '' THEN 'no_address' \
                WHEN ROW_NUMBER() OVER (PARTITION BY lower(p.phone) ORDER BY g.id) > 1 THEN 'duplicate_address' END AS excluded \
                FROM bench_ref_gold_guests g LEFT JOIN profile p ON p.id = g.id
                """], count: messages("bench_ref_sms"), counted: .messages),
            // Per profile: one stay per guest already, so one message per guest; one letter per
            // household (the street, postal code, city and country as one text).
            ReferenceStep(activity: "post others", statements: ["""
                CREATE TABLE bench_ref_post AS SELECT id, address, first_name, last_name, postal_code, city, hotel_name, \
                CASE WHEN id IS NULL THEN 'no_profile' WHEN address IS NULL THEN 'no_address' \
                WHEN ROW_NUMBER() OVER (PARTITION BY lower(address) ORDER BY id) > 1 THEN 'duplicate_address' END AS excluded \
                FROM (SELECT s.guest AS id, CASE WHEN trim(coalesce(p.address_line, '')) = '' THEN NULL \
                ELSE trim(coalesce(p.address_line, '') || ', ' || coalesce(p.postal_code, '') || ', ' || coalesce(p.city, '') || ', ' || coalesce(p.country, '')) END AS address, \
                p.first_name, p.last_name, p.postal_code, p.city, s.hotel_name \
                FROM bench_ref_segments s LEFT JOIN profile p ON p.id = s.guest WHERE s.segment = 'others') AS letters
                """], count: messages("bench_ref_post"), counted: .messages),
        ]
    }

    // MARK: Results

    public struct Row: Sendable, Encodable {
        public var engine: String
        /// An activity's name, or `total` / `driver` for the whole execution and its bookkeeping.
        public var activity: String
        public var type: String
        public var rows: Int?
        /// What each side counted (outputs, or messages and exclusions).
        public var counts: String
        public var crescendoMilliseconds: Double
        public var referenceMilliseconds: Double?
        public var ratio: Double?
        public var countsAgree: Bool
    }

    public func run(log: @escaping @Sendable (String) -> Void) async throws -> [Row] {
        try FileManager.default.createDirectory(atPath: workFolder, withIntermediateDirectories: true)
        let dataset = SampleDataset(profiles: profiles, seed: 2026, anchor: Self.anchor)
        try writeFiles(dataset, log: log)
        var rows: [Row] = []
        if sqlite {
            // The audience benchmark's workspace: one --work-dir serves both.
            let workspace = "sqlite:" + path("audience-\(profiles).db")
            try load(dataset, store: workspace, marker: path("audience-\(profiles).db.loaded"), log: log)
            rows += try await measure(StoreLocation.resolve(workspace), engine: "sqlite", log: log)
        }
        if let postgresURL {
            let schema = "bench_orchestrate_\(profiles)"
            let url = postgresURL + (postgresURL.contains("?") ? "&" : "?") + "schema=\(schema)"
            try load(dataset, store: url, marker: path("orchestrate-\(profiles).postgres.loaded"), log: log)
            rows += try await measure(StoreLocation.resolve(url), engine: "postgres", log: log)
        }
        if !keepFiles { try? FileManager.default.removeItem(atPath: workFolder) }
        return rows
    }

    private func path(_ name: String) -> String { (workFolder as NSString).appendingPathComponent(name) }

    /// The sample files, named as the audience benchmark names them.
    private func writeFiles(_ dataset: SampleDataset, log: (String) -> Void) throws {
        try SampleModel.yaml.write(toFile: path("model.yaml"), atomically: true, encoding: .utf8)
        for (entity, count) in dataset.counts where !FileManager.default.fileExists(atPath: path("\(entity)-\(profiles).csv")) {
            log("generating \(Format.count(count)) \(entity) rows")
            var sink = try FileCSVSink(path: path("\(entity)-\(profiles).csv.partial"))
            try dataset.writeCSV(entity: entity, to: &sink)
            try sink.close()
            try FileManager.default.moveItem(atPath: path("\(entity)-\(profiles).csv.partial"), toPath: path("\(entity)-\(profiles).csv"))
        }
    }

    /// Loads every entity with `crescendo ingest` (skipped when a kept workspace is already loaded).
    private func load(_ dataset: SampleDataset, store: String, marker: String, log: (String) -> Void) throws {
        if FileManager.default.fileExists(atPath: marker) {
            log("reusing the loaded workspace \(StoreLocation.redact(store))")
            return
        }
        _ = try MeasuredProcess(crescendoBinary, ["model", "apply", path("model.yaml"), "--store", store]).check()
        for (entity, count) in dataset.counts {
            log("loading \(Format.count(count)) \(entity) rows into \(StoreLocation.redact(store))")
            _ = try MeasuredProcess(crescendoBinary, ["ingest", entity, path("\(entity)-\(profiles).csv"), "--store", store, "--no-progress", "--json"]).check()
        }
        try "".write(toFile: marker, atomically: true, encoding: .utf8)
    }

    /// One side's measurements in one run.
    struct Measured {
        var total: Double
        var activities: [String: Double]
        var counts: [String: String]
        var rows: [String: Int] = [:]
        var bookkeeping: Double = 0
    }

    private func measure(_ location: StoreLocation, engine: String, log: @escaping @Sendable (String) -> Void) async throws -> [Row] {
        try await Workspace.withStore(location) { base in try await measure(base, engine: engine, log: log) }
    }

    private func measure(_ base: any WorkspaceStore, engine: String, log: @escaping @Sendable (String) -> Void) async throws -> [Row] {
        let repeats = self.repeats
        let traceLine = traceSQL ? Self.tracer(engine, log) : nil
        let store = TimingStore(base: base, queueWrites: base.dialect == .sqlite, trace: traceLine)
        let desk = try await CampaignDesk.open(store)
        let members = try await savedAudience(store, model: desk.model, log: log)
        let definition = try CampaignLoader(sourceName: "the orchestrate benchmark").load(Self.campaign)
        let working = definition.activities.filter { !["start", "end"].contains($0.kind.typeName) }
        guard working.count == 12 else { throw CrescendoError(.invalidCampaign, "the benchmark campaign has \(working.count) working activities, not 12") }
        _ = try await desk.repository.saveDraft(definition, source: Self.campaign, now: Self.now())
        _ = try await desk.publish(Self.campaignName)
        let script = Self.reference(base.dialect, members: members)
        guard Set(script.map(\.activity)) == Set(working.map(\.name)) else {
            throw CrescendoError(.invalidCampaign, "the reference script does not cover the campaign's activities")
        }

        // Messages an earlier --keep run left behind.
        _ = try await MessageRepository(store: base, model: desk.model).prepare()
        _ = try await base.perform([SQLStep(SQLQuery(text: "DELETE FROM crescendo_message WHERE campaign = \(base.dialect.placeholder(1, .text))", binds: [SQLBind(.text(Self.campaignName), .text)], columns: []))])
        var ours: [Measured] = [], theirs: [Measured] = []
        for run in 0..<repeats {
            for side in run % 2 == 0 ? [0, 1] : [1, 0] {
                if side == 0 {
                    log("\(engine): run \(run + 1)/\(repeats): crescendo")
                    ours.append(try await crescendo(desk, store: store, definition: definition, log: log))
                    log(String(format: "  %.0f ms", ours.last!.total))
                } else {
                    log("\(engine): run \(run + 1)/\(repeats): reference script")
                    theirs.append(try await referenceRun(base, script: script))
                    log(String(format: "  %.0f ms", theirs.last!.total))
                }
            }
        }
        try await dropReferenceTables(base)

        func best(_ runs: [Measured], _ activity: String) -> Double? { runs.compactMap { $0.activities[activity] }.min() }
        var rows: [Row] = []
        let ourCounts = ours.last!.counts, theirCounts = theirs.last!.counts
        for activity in working {
            let name = activity.name
            let crescendoTime = best(ours, name) ?? 0
            let referenceTime = best(theirs, name)
            let agree = ourCounts[name] == theirCounts[name]
            if !agree {
                log("warning: \(engine): \(name): counts differ: crescendo \(ourCounts[name] ?? "-"), reference \(theirCounts[name] ?? "-")")
            }
            rows.append(Row(
                engine: engine, activity: name, type: activity.kind.typeName, rows: ours.last!.rows[name], counts: ourCounts[name] ?? "-",
                crescendoMilliseconds: crescendoTime, referenceMilliseconds: referenceTime,
                ratio: referenceTime.map { crescendoTime / max($0, 0.001) }, countsAgree: agree))
        }
        let bestOurs = ours.map(\.total).min()!, bestTheirs = theirs.map(\.total).min()!
        let channels = working.filter { if case .channel = $0.kind { true } else { false } }.map(\.name)
        let finalAgree = channels.allSatisfy { ourCounts[$0] == theirCounts[$0] }
        if !finalAgree { log("warning: \(engine): the final message counts differ between Crescendo and the reference script") }
        rows.append(Row(
            engine: engine, activity: "driver", type: "between activities", rows: nil, counts: "",
            crescendoMilliseconds: ours.map(\.bookkeeping).min()!, referenceMilliseconds: nil, ratio: nil, countsAgree: true))
        rows.append(Row(
            engine: engine, activity: "total", type: "\(working.count) activities", rows: nil,
            counts: channels.map { "\($0): \(ourCounts[$0] ?? "-")" }.joined(separator: "; "),
            crescendoMilliseconds: bestOurs, referenceMilliseconds: bestTheirs, ratio: bestOurs / max(bestTheirs, 0.001), countsAgree: finalAgree))
        return rows
    }

    static func tracer(_ engine: String, _ log: @escaping @Sendable (String) -> Void) -> @Sendable (String) -> Void {
        { line in log("  \(engine) sql: \(line)") }
    }

    /// The saved audience the campaign reads, made once with the audience portal; its member table.
    private func savedAudience(_ store: any WorkspaceStore, model: DataModel, log: (String) -> Void) async throws -> String {
        if let saved = try await store.audience(named: Self.audienceName), let table = saved.table { return table }
        log("saving the audience '\(Self.audienceName)' (\(Self.audienceRule))")
        let workbench = AudienceWorkbench(store: store, model: model, environment: RuleEnvironment.current(for: model))
        let saved = try await workbench.saveSnapshot(Self.audienceName, spec: PopulationSpec(entity: "profile", rule: try RuleParser.parse(Self.audienceRule), dimension: nil), attributes: [])
        guard let table = saved.table else { throw CrescendoError(.storeFailure, "the saved audience has no member table") }
        return table
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

    /// One execution: started, driven to its end in this process, then its tables dropped.
    private func crescendo(_ desk: CampaignDesk, store: TimingStore, definition: CampaignDefinition, log: @escaping @Sendable (String) -> Void) async throws -> Measured {
        store.reset()
        let start = ContinuousClock.now
        let id = try await desk.start(Self.campaignName, variables: [:])
        let result = try await desk.run(id, worker: "crescendo-bench", holdWaits: true)
        let total = AudienceBenchmark.milliseconds(ContinuousClock.now - start)
        let spent = store.spent()
        guard result == .finished(.completed) else {
            let error = try await desk.repository.execution(id)?.error ?? "\(result)"
            throw CrescendoError(.storeFailure, "execution \(id) did not complete: \(error)")
        }
        var measured = Measured(total: total, activities: [:], counts: [:])
        var messageTables: [String] = []
        for record in try await desk.repository.activityRecords(id) {
            guard let index = definition.activities.firstIndex(where: { $0.name == record.activity }) else { continue }
            measured.activities[record.activity] = spent[index] ?? 0
            measured.rows[record.activity] = record.rows.map(Int.init)
            if let outcome = record.outcome {
                measured.counts[record.activity] = Self.counts(outcome)
                if let table = outcome.messages?.table { messageTables.append(table) }
            }
        }
        // The time no activity's work was running: the driver's records, logs and lease renewals.
        measured.bookkeeping = total - store.busy()
        // Retention would drop the work tables later; the message tables are the sender's to drop.
        _ = try await desk.repository.cleanUp(retention: 0, now: Self.now() + 1)
        _ = try await store.base.perform(messageTables.map { SQLStep("DROP TABLE IF EXISTS \(store.dialect.quote($0))") })
        // Every run starts from the same outbox: this run's messages go (untimed), so repeats and
        // --keep runs do not insert into an ever larger history.
        _ = try await store.base.perform([SQLStep(SQLQuery(text: "DELETE FROM crescendo_message WHERE campaign = \(store.dialect.placeholder(1, .text))", binds: [SQLBind(.text(Self.campaignName), .text)], columns: []))])
        return measured
    }

    static func counts(_ outcome: ActivityOutcome) -> String {
        if let messages = outcome.messages {
            return (["targeted \(messages.targeted)"] + messages.excluded.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }).joined(separator: ", ")
        }
        if outcome.outputs.count == 1, let only = outcome.outputs.first?.value { return String(only.count) }
        return outcome.outputs.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.count)" }.joined(separator: ", ")
    }

    private func dropReferenceTables(_ store: any WorkspaceStore) async throws {
        _ = try await store.perform(Self.referenceTables.map { SQLStep("DROP TABLE IF EXISTS \($0)") })
    }

    /// The script, one activity's statements per transaction (each timed), then its counts (not timed).
    private func referenceRun(_ store: any WorkspaceStore, script: [ReferenceStep]) async throws -> Measured {
        try await dropReferenceTables(store)
        var measured = Measured(total: 0, activities: [:], counts: [:])
        let start = ContinuousClock.now
        for step in script {
            let stepStart = ContinuousClock.now
            guard try await store.perform(step.statements.map(SQLStep.init)) != nil else {
                throw CrescendoError(.storeFailure, "the reference script's \(step.activity) was declined")
            }
            measured.activities[step.activity] = AudienceBenchmark.milliseconds(ContinuousClock.now - stepStart)
        }
        measured.total = AudienceBenchmark.milliseconds(ContinuousClock.now - start)
        for step in script {
            var counted: [String: Int] = [:]
            for row in try await store.rows(SQLQuery(text: step.count, columns: [.text, .integer])) {
                if case .integer(let n) = row[1] { counted[row[0].text ?? "", default: 0] += Int(n) }
            }
            switch step.counted {
            case .population:
                measured.counts[step.activity] = String(counted["out"] ?? 0)
            case .outputs(let names):
                measured.counts[step.activity] = names.map { "\($0) \(counted[$0] ?? 0)" }.joined(separator: ", ")
            case .messages:
                let excluded = counted.filter { !$0.key.isEmpty }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                measured.counts[step.activity] = (["targeted \(counted[""] ?? 0)"] + excluded).joined(separator: ", ")
            }
        }
        return measured
    }

    public static func table(_ rows: [Row]) -> String {
        var lines: [String] = []
        for engine in rows.map(\.engine).reduce(into: [String](), { if !$0.contains($1) { $0.append($1) } }) {
            let engineRows = rows.filter { $0.engine == engine }
            lines.append(Output.table(
                ["engine", "activity", "type", "rows", "crescendo ms", "reference ms", "ratio", "counts"],
                engineRows.map { row in
                    [row.engine, row.activity, row.type, row.rows.map(Format.count) ?? "", String(format: "%.1f", row.crescendoMilliseconds),
                     row.referenceMilliseconds.map { String(format: "%.1f", $0) } ?? "", row.ratio.map { String(format: "%.2f", $0) } ?? "",
                     row.activity == "driver" ? "" : row.countsAgree ? "agree" : "DIFFER"]
                }))
            if let total = engineRows.first(where: { $0.activity == "total" }) {
                var verdict = String(format: "%@: Crescendo %.2f s, reference script %.2f s, ratio %.2f (target ≤ 1.50)", engine, total.crescendoMilliseconds / 1000, (total.referenceMilliseconds ?? 0) / 1000, total.ratio ?? 0)
                if engine == "sqlite" { verdict += total.crescendoMilliseconds < 10_000 ? "; under 10 s" : "; OVER the 10 s target" }
                lines.append(verdict)
                lines.append("\(engine) final counts (\(total.countsAgree ? "agree" : "DIFFER")): \(total.counts)")
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }
}

/// A store that times each unit of work and charges it to the campaign activity whose work tables
/// it names (`crescendo_w<execution>_<activity>_…`, `crescendo_m<execution>_<activity>`); the rest
/// (records, logs, leases) is the driver's. With `queueWrites`, units wait their turn here, before
/// the clock starts, rather than inside the engine.
final class TimingStore: WorkspaceStore, @unchecked Sendable {
    let base: any WorkspaceStore
    private let gate: SerialGate?
    private let trace: (@Sendable (String) -> Void)?
    private let lock = NSLock()
    private var byActivity: [Int: Double] = [:]
    private var intervals: [(start: ContinuousClock.Instant, end: ContinuousClock.Instant)] = []

    init(base: any WorkspaceStore, queueWrites: Bool, trace: (@Sendable (String) -> Void)?) {
        self.base = base
        self.gate = queueWrites ? SerialGate() : nil
        self.trace = trace
    }

    func reset() {
        lock.withLock {
            byActivity = [:]
            intervals = []
        }
    }

    private func charge(_ index: Int, from start: ContinuousClock.Instant, to end: ContinuousClock.Instant) {
        lock.withLock {
            byActivity[index, default: 0] += AudienceBenchmark.milliseconds(end - start)
            intervals.append((start, end))
        }
    }

    /// Milliseconds during which at least one activity's unit of work ran (branches that ran side
    /// by side count once).
    func busy() -> Double {
        let sorted = lock.withLock { intervals }.sorted { $0.start < $1.start }
        var total = Duration.zero
        var current: (start: ContinuousClock.Instant, end: ContinuousClock.Instant)?
        for interval in sorted {
            if let open = current, interval.start <= open.end {
                current = (open.start, max(open.end, interval.end))
            } else {
                if let open = current { total += open.end - open.start }
                current = interval
            }
        }
        if let open = current { total += open.end - open.start }
        return AudienceBenchmark.milliseconds(total)
    }

    /// Milliseconds per activity index since the last `reset`.
    func spent() -> [Int: Double] {
        lock.withLock { byActivity }
    }

    /// The activity index a unit of work's statements name, if any.
    static func activityIndex(_ steps: [SQLStep]) -> Int? {
        for step in steps {
            let text = Array(step.query.text.utf8)
            let prefix = Array("crescendo_".utf8)
            var i = 0
            while i + prefix.count + 4 <= text.count {
                if text[i..<(i + prefix.count)].elementsEqual(prefix) {
                    var j = i + prefix.count
                    if text[j] == UInt8(ascii: "w") || text[j] == UInt8(ascii: "m") {
                        j += 1
                        let executionStart = j
                        while j < text.count, (48...57).contains(text[j]) { j += 1 }
                        if j > executionStart, j < text.count, text[j] == UInt8(ascii: "_") {
                            j += 1
                            let activityStart = j
                            while j < text.count, (48...57).contains(text[j]) { j += 1 }
                            if j > activityStart { return Int(String(decoding: text[activityStart..<j], as: UTF8.self)) }
                        }
                    }
                }
                i += 1
            }
        }
        return nil
    }

    var engine: String { base.engine }
    var dialect: SQLDialect { base.dialect }

    func perform(_ steps: [SQLStep]) async throws -> [[[Value]]]? {
        if let gate { await gate.enter() }
        let start = ContinuousClock.now
        let result: [[[Value]]]?
        do {
            result = try await base.perform(steps)
        } catch {
            if let gate { await gate.leave() }
            throw error
        }
        let end = ContinuousClock.now
        let elapsed = AudienceBenchmark.milliseconds(end - start)
        if let gate { await gate.leave() }
        if let index = Self.activityIndex(steps) {
            charge(index, from: start, to: end)
            if let trace {
                trace(String(format: "%.1f ms, activity %d:", elapsed, index))
                for step in steps { trace("    " + step.query.text) }
            }
        }
        return result
    }

    func appliedModel() async throws -> AppliedModel? { try await base.appliedModel() }
    func apply(_ model: DataModel, source: String, allowDestructive: Bool) async throws -> MigrationOutcome {
        try await base.apply(model, source: source, allowDestructive: allowDestructive)
    }
    func ingest(_ entity: Entity, of model: DataModel, from source: some ChangeBatchSource) async throws -> IngestCounts {
        try await base.ingest(entity, of: model, from: source)
    }
    func count(_ entity: Entity) async throws -> Int { try await base.count(entity) }
    func row(_ entity: Entity, key: [Value]) async throws -> [Value]? { try await base.row(entity, key: key) }
    func tombstone(_ entity: Entity, key: [Value]) async throws -> Int64? { try await base.tombstone(entity, key: key) }
    func rows(_ query: SQLQuery) async throws -> [[Value]] { try await base.rows(query) }
    func audiences() async throws -> [SavedAudience] { try await base.audiences() }
    func audience(named name: String) async throws -> SavedAudience? { try await base.audience(named: name) }
    func saveAudience(_ audience: SavedAudience, members: AudienceMembers, columns: [MemberColumn]) async throws -> SavedAudience {
        try await base.saveAudience(audience, members: members, columns: columns)
    }
    func deleteAudience(named name: String) async throws -> Bool { try await base.deleteAudience(named: name) }
    func close() async throws {}
}

/// One unit of work at a time, in arrival order.
actor SerialGate {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func enter() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func leave() {
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}
