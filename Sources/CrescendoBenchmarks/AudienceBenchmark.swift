import CrescendoApp
import CrescendoCore
import CrescendoSample
import Foundation

/// `crescendo-bench audience`: rules compiled by Crescendo against an expert's hand-written SQL for
/// the same question, on the same engine, the same data and the same connection, in the same run.
///
/// The data is the sample hotel group at full size (1M profiles, 5M reservations, 50k hotels, 3M
/// loyalty transactions by default), loaded with `crescendo ingest`, which refreshes the planner's
/// statistics after a large load, so both sides see the same statistics. Each query runs `repeats`
/// times, the two sides taking turns to go first; the best time of each is reported. A rule whose
/// count differs from the expert's fails the benchmark.
public struct AudienceBenchmark: Sendable {
    public var profiles: Int
    public var postgresURL: String?
    public var workFolder: String
    public var crescendoBinary: String
    public var keepFiles: Bool
    public var repeats: Int
    /// Measure SQLite (the embedded default); PostgreSQL is measured whenever `postgresURL` is set.
    public var sqlite: Bool

    public init(profiles: Int, postgresURL: String?, workFolder: String, crescendoBinary: String, keepFiles: Bool, repeats: Int = 3, sqlite: Bool = true) {
        self.profiles = profiles
        self.postgresURL = postgresURL
        self.workFolder = workFolder
        self.crescendoBinary = crescendoBinary
        self.keepFiles = keepFiles
        self.repeats = repeats
        self.sqlite = sqlite
    }

    /// One question, as a rule and as an expert's SQL.
    public struct Case: Sendable {
        public var name: String
        public var covers: String
        public var entity: String
        public var rule: String
        public var dimension: String?
        public var expert: String
    }

    /// "Today" for the data and for the rules.
    static let anchor = SampleDay(year: 2026, month: 11, day: 30)
    static let now = "2026-11-30T12:00:00Z"

    /// The suite. Dates in the expert SQL are the constants the rules' relative dates fold to.
    public static let cases: [Case] = [
        Case(
            name: "guests' home country, 2 links", covers: "N-1 at depth 2", entity: "reservation",
            rule: "customer.home_hotel.country = 'PT'", dimension: nil,
            expert: """
                SELECT count(*) FROM reservation r JOIN profile p ON p.id = r.profile_id JOIN hotel h ON h.id = p.home_hotel_id \
                WHERE h.country = 'PT'
                """),
        Case(
            name: "booked in a region", covers: "N-1 at depth 2 + enum", entity: "reservation",
            rule: "hotel.region.name = 'Latin America & Caribbean' and status = 'booked'", dimension: nil,
            expert: """
                SELECT count(*) FROM reservation r JOIN hotel h ON h.id = r.hotel_id JOIN region g ON g.id = h.region_id \
                WHERE g.name = 'Latin America & Caribbean' AND r.status = 'booked'
                """),
        Case(
            name: "upcoming stay", covers: "1-N exists, relative date", entity: "profile",
            rule: "exists reservations(status = 'booked' and check_in >= today())", dimension: nil,
            expert: """
                SELECT count(*) FROM profile p WHERE EXISTS \
                (SELECT 1 FROM reservation r WHERE r.profile_id = p.id AND r.status = 'booked' AND r.check_in >= '2026-11-30')
                """),
        Case(
            name: "3+ completed stays", covers: "1-N count", entity: "profile",
            rule: "count(reservations where status = 'completed') >= 3", dimension: nil,
            expert: """
                SELECT count(*) FROM profile p WHERE p.id IN \
                (SELECT profile_id FROM reservation WHERE status = 'completed' GROUP BY profile_id HAVING count(*) >= 3)
                """),
        Case(
            name: "points in the last year", covers: "1-N sum, relative date", entity: "profile",
            rule: "sum(loyalty.points where date > daysAgo(365)) > 1000", dimension: nil,
            expert: """
                SELECT count(*) FROM profile p WHERE p.id IN \
                (SELECT profile_id FROM loyalty_transaction WHERE date > '2025-11-30' GROUP BY profile_id HAVING sum(points) > 1000)
                """),
        Case(
            name: "arrivals next week", covers: "relative dates, date arithmetic", entity: "reservation",
            rule: "status = 'booked' and check_in between today() and today() + 7 days", dimension: nil,
            expert: "SELECT count(*) FROM reservation WHERE status = 'booked' AND check_in BETWEEN '2026-11-30' AND '2026-12-07'"),
        Case(
            name: "guests arriving next week", covers: "dimension change N-1 (reservations → profiles)", entity: "reservation",
            rule: "status = 'booked' and check_in between today() and today() + 7 days", dimension: "customer",
            // Guests are profiles that exist: ingestion accepts reservations whose profile has not
            // arrived yet, so `count(DISTINCT profile_id)` would answer another question.
            expert: """
                SELECT count(*) FROM profile WHERE id IN \
                (SELECT profile_id FROM reservation WHERE status = 'booked' AND check_in BETWEEN '2026-11-30' AND '2026-12-07')
                """),
        Case(
            name: "stays at Lisbon 4-5 star hotels", covers: "dimension change 1-N (hotels → reservations)", entity: "hotel",
            rule: "city = 'Lisbon' and stars >= 4", dimension: "reservations",
            expert: "SELECT count(*) FROM reservation WHERE hotel_id IN (SELECT id FROM hotel WHERE city = 'Lisbon' AND stars >= 4)"),
        Case(
            name: "lapsed gold Europeans", covers: "combination: N-1 depth 2, 1-N count, not exists", entity: "profile",
            rule: """
                tier = 'gold' and home_hotel.region.name = 'Europe' and count(reservations where status = 'completed') >= 2 \
                and not exists reservations(check_in >= today())
                """,
            dimension: nil,
            expert: """
                SELECT count(*) FROM profile p JOIN hotel h ON h.id = p.home_hotel_id JOIN region g ON g.id = h.region_id \
                WHERE p.tier = 'gold' AND g.name = 'Europe' \
                AND p.id IN (SELECT profile_id FROM reservation WHERE status = 'completed' GROUP BY profile_id HAVING count(*) >= 2) \
                AND NOT EXISTS (SELECT 1 FROM reservation r WHERE r.profile_id = p.id AND r.check_in >= '2026-11-30')
                """),
        Case(
            name: "hotels with rooms free tomorrow", covers: "1-N count against a field (grouped join)", entity: "hotel",
            rule: "rooms > count(reservations where status = 'booked' and check_in = today() + 1 day)", dimension: nil,
            expert: """
                SELECT count(*) FROM hotel h LEFT JOIN (SELECT hotel_id, count(*) AS n FROM reservation \
                WHERE status = 'booked' AND check_in = '2026-12-01' GROUP BY hotel_id) b ON b.hotel_id = h.id \
                WHERE h.rooms > coalesce(b.n, 0)
                """),
        Case(
            name: "opted-in big spenders", covers: "boolean field, 1-N avg", entity: "profile",
            rule: "email_opt_in and avg(reservations.amount where status = 'completed') > 900", dimension: nil,
            expert: """
                SELECT count(*) FROM profile p WHERE p.email_opt_in AND p.id IN \
                (SELECT profile_id FROM reservation WHERE status = 'completed' GROUP BY profile_id HAVING avg(amount) > 900)
                """),
    ]

    public struct Row: Sendable, Encodable {
        public var engine: String
        public var rule: String
        public var covers: String
        public var count: Int
        public var crescendoMilliseconds: Double
        public var expertMilliseconds: Double
        /// Crescendo's time over the expert's: 1.0 is as fast, below 1 faster.
        public var ratio: Double
        public var countsAgree: Bool
    }

    public func run(log: @Sendable (String) -> Void) async throws -> [Row] {
        try FileManager.default.createDirectory(atPath: workFolder, withIntermediateDirectories: true)
        let dataset = SampleDataset(profiles: profiles, seed: 2026, anchor: Self.anchor)
        try writeFiles(dataset, log: log)
        var rows: [Row] = []
        if sqlite {
            let workspace = "sqlite:" + path("audience-\(profiles).db")
            try load(dataset, store: workspace, marker: path("audience-\(profiles).db.loaded"), log: log)
            rows += try await measure(StoreLocation.resolve(workspace), engine: "sqlite", log: log)
        }
        if let postgresURL {
            let schema = "bench_audience_\(profiles)"
            let url = postgresURL + (postgresURL.contains("?") ? "&" : "?") + "schema=\(schema)"
            try load(dataset, store: url, marker: path("audience-\(profiles).postgres.loaded"), log: log)
            rows += try await measure(StoreLocation.resolve(url), engine: "postgres", log: log)
        }
        if !keepFiles { try? FileManager.default.removeItem(atPath: workFolder) }
        return rows
    }

    private func path(_ name: String) -> String { (workFolder as NSString).appendingPathComponent(name) }

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

    private func measure(_ location: StoreLocation, engine: String, log: @Sendable (String) -> Void) async throws -> [Row] {
        let repeats = self.repeats
        return try await Workspace.withStore(location) { store in
            let model = try await Workspace.requireModel(store).model
            var environment = RuleEnvironment.current(for: model)
            environment.now = ValueParser.utc.parseTimestamp(Self.now)!
            let workbench = AudienceWorkbench(store: store, model: model, environment: environment)
            var rows: [Row] = []
            for benchCase in Self.cases {
                log("\(engine): \(benchCase.name)")
                let spec = PopulationSpec(entity: benchCase.entity, rule: try RuleParser.parse(benchCase.rule), dimension: benchCase.dimension)
                let expert = SQLQuery(text: benchCase.expert, columns: [.integer])
                var ours = Double.infinity, theirs = Double.infinity
                var ourCount = 0, theirCount = 0
                // The two sides take turns going first, so neither always finds the cache the other warmed.
                for run in 0..<repeats {
                    for side in run % 2 == 0 ? [0, 1] : [1, 0] {
                        let start = ContinuousClock.now
                        if side == 0 {
                            ourCount = try await workbench.count(try await workbench.bind(spec))
                            ours = min(ours, Self.milliseconds(ContinuousClock.now - start))
                        } else {
                            let result = try await store.rows(expert)
                            theirs = min(theirs, Self.milliseconds(ContinuousClock.now - start))
                            if case .integer(let n)? = result.first?.first { theirCount = Int(n) }
                        }
                    }
                }
                rows.append(Row(
                    engine: engine, rule: benchCase.name, covers: benchCase.covers, count: ourCount, crescendoMilliseconds: ours,
                    expertMilliseconds: theirs, ratio: ours / max(theirs, 0.001), countsAgree: ourCount == theirCount))
                if ourCount != theirCount { log("  counts differ: crescendo \(ourCount), expert \(theirCount)") }
            }
            return rows
        }
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    public static func table(_ rows: [Row]) -> String {
        Output.table(
            ["engine", "rule", "covers", "count", "crescendo ms", "expert SQL ms", "ratio", "counts"],
            rows.map { row in
                [row.engine, row.rule, row.covers, Format.count(row.count), String(format: "%.1f", row.crescendoMilliseconds),
                 String(format: "%.1f", row.expertMilliseconds), String(format: "%.2f", row.ratio), row.countsAgree ? "agree" : "DIFFER"]
            })
    }
}
