import CrescendoApp
import CrescendoCore
import CrescendoPostgres
import Foundation
import Testing

/// `crescendo campaign …` and `crescendo worker` as operators and scripts use them, on SQLite and,
/// when `CRESCENDO_TEST_POSTGRES` names a server, on PostgreSQL.
@Suite struct CampaignCLITests {
    enum Engine: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case sqlite, postgres

        static var postgresURL: String? { ProcessInfo.processInfo.environment["CRESCENDO_TEST_POSTGRES"] }
        static var available: [Engine] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }
        var testDescription: String { rawValue }
    }

    struct Run: Sendable {
        var status: Int32
        /// Ended by a signal (`status` is then its number).
        var signalled: Bool
        var stdout: String
        var stderr: String

        func parsed<T>(_: T.Type = T.self) throws -> T {
            try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? T, "not JSON of the expected shape: \(stdout)\n\(stderr)")
        }

        func json() throws -> [String: Any] { try parsed() }
        func list() throws -> [[String: Any]] { try parsed() }

        var errorMessage: String? { ((try? json())?["error"] as? [String: Any])?["message"] as? String }
    }

    /// One test's folder and workspace: a SQLite file, or a PostgreSQL schema dropped at the end.
    struct Site: Sendable {
        let folder: URL
        let store: String
        let engine: Engine

        init(_ engine: Engine) throws {
            self.engine = engine
            let tag = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).lowercased()
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-campaign-\(tag)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            switch engine {
            case .sqlite: store = "sqlite:" + folder.appendingPathComponent("workspace.db").path
            case .postgres:
                let url = try #require(Engine.postgresURL)
                store = url + (url.contains("?") ? "&" : "?") + "schema=c_\(tag)"
            }
        }

        /// A demo workspace (the sample hotel model and data).
        static func demo(_ engine: Engine, profiles: Int = 300) async throws -> Site {
            let site = try Site(engine)
            let demo = try await site.run(["demo", "--profiles", String(profiles), "--data-dir", site.folder.appendingPathComponent("data").path, "--data-only", "--json"])
            try #require(demo.status == 0, "demo: \(demo.stderr)")
            return site
        }

        func remove() async throws {
            try? FileManager.default.removeItem(at: folder)
            guard engine == .postgres, case .postgres(var location) = try StoreLocation.parse(store), let schema = location.schema else { return }
            location.schema = nil
            try await PostgresStore.withStore(location) { store in try await store.dropSchema(schema) }
        }

        func write(_ name: String, _ text: String) throws -> String {
            let url = folder.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            return url.path
        }

        /// A started `crescendo` process, where its output goes, and its end.
        typealias Launched = (process: Process, out: URL, err: URL, exited: AsyncStream<Void>)

        /// Starts `crescendo ARGUMENTS --store STORE`; `finish` waits for it.
        func launch(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Launched {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("crescendo")
            process.arguments = arguments + ["--store", store]
            process.currentDirectoryURL = folder
            var environment = ProcessInfo.processInfo.environment
            environment.removeValue(forKey: "CRESCENDO_STORE")
            environment.removeValue(forKey: "CRESCENDO_FAULT")
            environment.merge(extra) { _, new in new }
            process.environment = environment
            // Files rather than pipes: several workers run at once and nobody reads until they end.
            let id = UUID().uuidString.prefix(8), out = folder.appendingPathComponent("out-\(id).txt"), err = folder.appendingPathComponent("err-\(id).txt")
            _ = (FileManager.default.createFile(atPath: out.path, contents: nil), FileManager.default.createFile(atPath: err.path, contents: nil))
            process.standardOutput = try FileHandle(forWritingTo: out)
            process.standardError = try FileHandle(forWritingTo: err)
            process.standardInput = FileHandle.nullDevice
            // Waiting without blocking a thread of the shared pool: a blocked pool can starve the
            // test's own store connections (holding a lock the child processes wait for).
            let (exited, continuation) = AsyncStream.makeStream(of: Void.self)
            process.terminationHandler = { _ in continuation.finish() }
            try process.run()
            return (process, out, err, exited)
        }

        static func finish(_ launched: Launched) async throws -> Run {
            let (process, out, err) = (launched.process, launched.out, launched.err)
            for await _ in launched.exited {}
            let run = Run(
                status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
                stdout: String(decoding: try Data(contentsOf: out), as: UTF8.self), stderr: String(decoding: try Data(contentsOf: err), as: UTF8.self))
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
            return run
        }

        func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Run {
            try await Self.finish(try launch(arguments, environment: environment))
        }

        func run(_ arguments: String...) async throws -> Run { try await run(arguments) }

        /// The campaign state a `--json` command prints; nil when it fails.
        func state(_ arguments: String...) async throws -> String? {
            let result = try await run(arguments + ["--json"])
            return result.status == 0 ? try result.json()["state"] as? String : nil
        }

        /// `campaign status NAME --execution ID --json`, split into the campaign and the report.
        func status(_ name: String, execution: Int? = nil) async throws -> (campaign: [String: Any], report: [String: Any]) {
            let result = try await run(["campaign", "status", name, "--json"] + (execution.map { ["--execution", String($0)] } ?? []))
            #expect(result.status == 0, "\(result.stderr)")
            let body = try result.json()
            return (try #require(body["campaign"] as? [String: Any]), try #require(body["report"] as? [String: Any]))
        }
    }

    // MARK: Reading reports

    /// Every transition as `from.output -> to = count`, in the file's order.
    static func transitions(_ report: [String: Any]) -> [String] {
        (report["transitions"] as? [[String: Any]] ?? []).map {
            "\($0["from"] as? String ?? "?").\($0["output"] as? String ?? "?") -> \($0["to"] as? String ?? "?") = \(($0["count"] as? Int).map(String.init) ?? "nil")\($0["ended"] as? Bool == true ? " ended" : "")"
        }
    }

    static func messages(_ report: [String: Any]) -> [String] {
        (report["messages"] as? [[String: Any]] ?? []).map {
            "\($0["activity"] as? String ?? "?"): \($0["targeted"] as? Int ?? -1) targeted, excluded \((($0["excluded"] as? [String: Int]) ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" })"
        }
    }

    static func execution(_ report: [String: Any]) -> [String: Any] { report["execution"] as? [String: Any] ?? [:] }

    static func taskStates(_ report: [String: Any]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: (report["activities"] as? [[String: Any]] ?? []).map { ($0["name"] as? String ?? "?", $0["state"] as? String ?? "?") })
    }

    /// How many "done in … ms" log lines each activity has in an execution's log.
    static func finishedLines(_ site: Site, _ name: String, execution: Int) async throws -> [String: Int] { try await logs(site, name, execution: execution).finished }

    static func logs(_ site: Site, _ name: String, execution: Int) async throws -> (finished: [String: Int], messages: [String]) {
        let result = try await site.run("campaign", "logs", name, "--execution", String(execution), "--json")
        #expect(result.status == 0, "\(result.stderr)")
        var counts: [String: Int] = [:]
        let logs = try result.json()["logs"] as? [[String: Any]] ?? []
        for log in logs {
            guard let activity = log["activity"] as? String, (log["message"] as? String)?.hasPrefix("done in ") == true else { continue }
            counts[activity, default: 0] += 1
        }
        return (counts, logs.compactMap { $0["message"] as? String })
    }

    // MARK: Crash and resume

    /// Eleven activities: every kind of step the executor records, two channels running side by side.
    static let crashCampaign = """
        name: crash
        description: Completed stays, enriched, one per guest, as guests, split by tier over two channels.
        activities:
          start: {type: start}
          stays: {type: build-audience, entity: reservation, rule: "status = 'completed'"}
          with hotel: {type: enrichment, add: {hotel_city: hotel.city, points: sum(customer.loyalty.points)}}
          one per guest: {type: dedup, by: [customer.id], choose: lowest, expression: check_in}
          guests: {type: change-dimension, to: customer}
          segments:
            type: split
            subsets: [{name: gold, filter: "tier = 'gold'"}, {name: silver, filter: "tier = 'silver'"}]
            complement: others
          email gold: {type: email, fields: [first_name], content: {subject: "Hi {{first_name}}", text: "Hello {{first_name}}"}}
          sms silver: {type: sms, fields: [first_name], content: {text: "Hi {{first_name}}"}}
          done email: {type: end}
          done sms: {type: end}
          done others: {type: end}
        transitions: [
          start -> stays, stays -> with hotel, with hotel -> one per guest, one per guest -> guests, guests -> segments,
          segments.gold -> email gold, segments.silver -> sms silver, segments.others -> done others,
          email gold -> done email, sms silver -> done sms]
        """

    static let crashActivities = ["start", "stays", "with hotel", "one per guest", "guests", "segments", "email gold", "sms silver", "done email", "done sms", "done others"]

    /// For every activity and both fault points, an execution whose worker is killed there (SIGKILL)
    /// and that another worker finishes once the dead one's 5 s lease has run out: the counts on
    /// every transition and the message populations are those of an uninterrupted run, and every
    /// activity's completion is logged once.
    ///
    /// Pairs go in rounds of five: five executions are queued, five workers each claim one and die
    /// at their own fault point, then one worker carries all five on. (Five, because a worker looks
    /// at five candidates per claim; more workers racing for as many executions could all lose.)
    @Test(.timeLimit(.minutes(10)), arguments: Engine.available)
    func everyActivityCrashedBeforeAndAfterItsRecordResumesToTheSameCounts(_ engine: Engine) async throws {
        let site = try await Site.demo(engine, profiles: 1500)
        let began = Date()
        let path = try site.write("crash.yaml", Self.crashCampaign)
        var result = try await site.run("campaign", "create", path, "--json")
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect((try result.json()["problems"] as? [Any] ?? []).isEmpty, "\(result.stdout)")
        result = try await site.run("campaign", "publish", "crash", "--json")
        try #require(result.status == 0, "\(result.stdout)\(result.stderr)")

        // The uninterrupted run.
        result = try await site.run("campaign", "start", "crash", "--detach", "--json")
        let baselineID = try #require(try result.json()["execution"] as? Int)
        result = try await site.run("worker", "--once", "--lease", "5", "--name", "baseline", "--json")
        #expect(result.status == 0, "\(result.stderr)")
        let baseline = try await site.status("crash", execution: baselineID).report
        #expect(Self.execution(baseline)["status"] as? String == "completed", "\(baseline)")
        let expectedTransitions = Self.transitions(baseline)
        let expectedMessages = Self.messages(baseline)
        #expect(Self.taskStates(baseline) == Dictionary(uniqueKeysWithValues: Self.crashActivities.map { ($0, "done") }))
        #expect(try await Self.finishedLines(site, "crash", execution: baselineID) == Dictionary(uniqueKeysWithValues: Self.crashActivities.map { ($0, 1) }))
        #expect(expectedMessages.count == 2, "\(expectedMessages)")
        // Every branch carries people (the start carries no population), so no activity is skipped.
        #expect(expectedTransitions.first == "start.out -> stays = nil")
        for line in expectedTransitions.dropFirst() { #expect(!line.hasSuffix("= 0") && !line.hasSuffix("ended") && !line.hasSuffix("nil"), "\(expectedTransitions)") }

        let pairs = Self.crashActivities.flatMap { [("before-record", $0), ("after-record", $0)] }
        var covered: [String] = []
        var leaseChecks = 0
        for (round, chunk) in stride(from: 0, to: pairs.count, by: 5).map({ Array(pairs[$0..<min($0 + 5, pairs.count)]) }).enumerated() {
            var ids: [Int] = []
            for _ in chunk {
                result = try await site.run("campaign", "start", "crash", "--detach", "--json")
                ids.append(try #require(try result.json()["execution"] as? Int, "\(result.stdout)\(result.stderr)"))
            }
            let roundStart = Date()
            let workers = try chunk.enumerated().map { index, pair in
                try site.launch(["worker", "--once", "--lease", "5", "--name", "fault-\(round)-\(index)", "--json"], environment: ["CRESCENDO_FAULT": "\(pair.0):\(pair.1)"])
            }
            var deaths: [Run] = []
            for worker in workers { deaths.append(try await Site.finish(worker)) }
            for ((point, activity), death) in zip(chunk, deaths) {
                #expect(death.signalled && death.status == 9, "\(point):\(activity) should die by SIGKILL; status \(death.status)\n\(death.stderr)")
                #expect(death.stderr.contains("fault injection: killing the process \(point) \(activity)"), "\(death.stderr)")
            }

            // While the leases hold, another worker leaves these executions alone (checked below:
            // each is still held by its dead worker). Skipped when the round was too slow to tell.
            if Date().timeIntervalSince(roundStart) < 3.0 {
                leaseChecks += 1
                result = try await site.run("worker", "--once", "--lease", "5", "--name", "early-\(round)", "--json")
                #expect(result.status == 0, "\(result.stderr)")
            }

            // Which execution each dead worker held, and where it stopped.
            var crashed: [Int: (point: String, activity: String)] = [:]
            var leaseEnd = 0
            for id in ids {
                let report = try await site.status("crash", execution: id).report
                let execution = Self.execution(report)
                #expect(execution["status"] as? String == "running", "execution \(id): \(execution)")
                guard let worker = execution["worker"] as? String, worker.hasPrefix("fault-\(round)-"), let index = Int(worker.split(separator: "-").last!) else {
                    Issue.record("execution \(id) is not held by a dead worker of round \(round): \(execution)")
                    continue
                }
                crashed[id] = chunk[index]
                leaseEnd = max(leaseEnd, execution["lease_until"] as? Int ?? 0)
                let states = Self.taskStates(report)
                #expect(states[chunk[index].1] == (chunk[index].0 == "before-record" ? "running" : "done"), "\(chunk[index]): \(states)")
            }
            #expect(Set(crashed.values.map { "\($0.point):\($0.activity)" }) == Set(chunk.map { "\($0.0):\($0.1)" }))

            // Once the leases have run out, a worker without the fault carries every one of them on.
            let wait = TimeInterval(leaseEnd + 1) - Date().timeIntervalSince1970 + 0.05
            if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
            result = try await site.run("worker", "--once", "--lease", "5", "--name", "recovery-\(round)", "--json")
            #expect(result.status == 0 && !result.signalled, "\(result.stderr)")
            for (id, pair) in crashed.sorted(by: { $0.key < $1.key }) {
                let report = try await site.status("crash", execution: id).report
                let execution = Self.execution(report)
                let label = "\(pair.point):\(pair.activity) (execution \(id))"
                #expect(execution["status"] as? String == "completed", "\(label): \(execution)")
                #expect(Self.transitions(report) == expectedTransitions, "\(label)")
                #expect(Self.messages(report) == expectedMessages, "\(label)")
                #expect(Self.taskStates(report).values.allSatisfy { $0 == "done" }, "\(label): \(Self.taskStates(report))")
                let logs = try await Self.logs(site, "crash", execution: id)
                #expect(logs.finished == Dictionary(uniqueKeysWithValues: Self.crashActivities.map { ($0, 1) }), "\(label): \(logs.finished)")
                #expect(logs.messages.filter { $0.contains(" resumes on worker recovery-\(round): ") }.count == 1, "\(label): \(logs.messages)")
                covered.append("\(pair.point):\(pair.activity)")
            }
        }
        #expect(Set(covered).count == pairs.count)
        print("crash and resume on \(engine): \(covered.count) (activity, point) pairs in \(String(format: "%.1f", Date().timeIntervalSince(began))) s; leases checked in \(leaseChecks) rounds")
        try await site.remove()
    }

    // MARK: Lifecycle

    static func campaign(_ name: String, schedule: String = "", extra: String = "") -> String {
        """
        name: \(name)
        \(schedule)\(extra)activities:
          start: {type: start}
          gold: {type: build-audience, entity: profile, rule: "tier = 'gold'"}
          mail: {type: email, fields: [first_name], content: {subject: "Hi {{first_name}}", text: "Hello {{first_name}}"}}
          done: {type: end}
        transitions: [start -> gold, gold -> mail, mail -> done]
        """
    }

    /// Two problems, in two activities that do not depend on each other.
    static let broken = """
        name: broken
        activities:
          start: {type: start}
          gold: {type: build-audience, entity: profile, rule: "tier = 'gold'"}
          mail: {type: email, fields: [first_name], content: {subject: "Hi {{first_nme}}", text: "Hello"}}
          done: {type: end}
          lisbon: {type: build-audience, entity: profile, rule: "home_hotel.citty = 'Lisbon'"}
          done too: {type: end}
        transitions: [start -> gold, gold -> mail, mail -> done, lisbon -> done too]
        """

    @Test(arguments: Engine.available)
    func lifecycleThroughTheCommandLine(_ engine: Engine) async throws {
        let site = try await Site.demo(engine)
        // Validation names the activities at fault, and exits with 4.
        let brokenPath = try site.write("broken.yaml", Self.broken)
        var result = try await site.run("campaign", "validate", brokenPath, "--json")
        #expect(result.status == 4)
        let report = try result.json()
        #expect(report["valid"] as? Bool == false)
        let problems = try #require(report["problems"] as? [[String: Any]])
        #expect(Set(problems.compactMap { $0["activity"] as? String }) == ["mail", "lisbon"], "\(problems)")
        result = try await site.run("campaign", "validate", brokenPath)
        #expect(result.status == 4)
        #expect(result.stderr.contains("activity \"mail\"") && result.stderr.contains("first_nme"), "\(result.stderr)")
        #expect(result.stderr.contains("activity \"lisbon\"") && result.stderr.contains("citty"), "\(result.stderr)")
        result = try await site.run("campaign", "create", brokenPath, "--json")
        #expect(result.status == 0)
        #expect((try result.json()["problems"] as? [Any])?.count == 2)
        result = try await site.run("campaign", "publish", "broken", "--json")
        #expect(result.status == 4)
        #expect(result.errorMessage?.contains("first_nme") == true, "\(result.stdout)")

        let path = try site.write("welcome.yaml", Self.campaign("welcome"))
        result = try await site.run("campaign", "validate", path, "--json")
        #expect(result.status == 0)
        #expect(try result.json()["valid"] as? Bool == true)
        result = try await site.run("campaign", "create", path, "--json")
        #expect(result.status == 0)
        #expect(try result.json()["state"] as? String == "draft")
        #expect(try result.json()["version"] as? Int == 1)

        // A draft does not run.
        result = try await site.run("campaign", "start", "welcome", "--json")
        #expect(result.status == 4)
        #expect(result.errorMessage?.contains("publish it first") == true, "\(result.stdout)")

        #expect(try await site.state("campaign", "publish", "welcome") == "scheduled")
        result = try await site.run("campaign", "publish", "welcome", "--json")
        #expect(result.status == 4)
        #expect(result.errorMessage?.contains("already scheduled") == true, "\(result.stdout)")

        // Paused: the worker leaves its queued execution alone until it resumes.
        result = try await site.run("campaign", "start", "welcome", "--detach", "--json")
        #expect(result.status == 0)
        #expect(try result.json()["status"] as? String == "queued")
        let first = try #require(try result.json()["execution"] as? Int)
        #expect(try await site.status("welcome").campaign["state"] as? String == "live")
        #expect(try await site.state("campaign", "pause", "welcome") == "paused")
        result = try await site.run("worker", "--once", "--lease", "5", "--json")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try result.json()["launched"] as? Int == 0)
        #expect(Self.execution(try await site.status("welcome", execution: first).report)["status"] as? String == "queued")
        result = try await site.run("campaign", "start", "welcome", "--json")
        #expect(result.status == 4)
        #expect(result.errorMessage?.contains("paused") == true, "\(result.stdout)")
        #expect(try await site.state("campaign", "resume", "welcome") == "scheduled")
        result = try await site.run("worker", "--once", "--lease", "5", "--json")
        #expect(result.status == 0, "\(result.stderr)")
        let done = try await site.status("welcome", execution: first)
        #expect(Self.execution(done.report)["status"] as? String == "completed")
        #expect(Self.messages(done.report).count == 1)
        #expect(done.campaign["state"] as? String == "scheduled")
        result = try await site.run("campaign", "logs", "welcome", "--json")
        #expect(result.status == 0)
        #expect((try result.json()["tasks"] as? [Any])?.count == 4)

        // Stopped: queued executions are stopped, and nothing launches any more.
        result = try await site.run("campaign", "start", "welcome", "--detach", "--json")
        let second = try #require(try result.json()["execution"] as? Int)
        #expect(try await site.state("campaign", "stop", "welcome") == "stopped")
        #expect(Self.execution(try await site.status("welcome", execution: second).report)["status"] as? String == "stopped")
        result = try await site.run("worker", "--once", "--lease", "5", "--json")
        #expect(result.status == 0)
        #expect(Self.execution(try await site.status("welcome", execution: second).report)["status"] as? String == "stopped")
        result = try await site.run("campaign", "start", "welcome", "--detach", "--json")
        #expect(result.status == 4)
        result = try await site.run("campaign", "pause", "welcome", "--json")
        #expect(result.status == 4)
        #expect(result.errorMessage?.contains("cannot pause") == true, "\(result.stdout)")

        #expect(try await site.state("campaign", "close", "welcome") == "closed")
        #expect(try await site.state("campaign", "archive", "welcome") == "archived")
        result = try await site.run("campaign", "archive", "welcome", "--json")
        #expect(result.status == 4)

        result = try await site.run("campaign", "list", "--json")
        #expect(result.status == 0)
        let listed = try result.list()
        #expect(listed.map { "\($0["name"] as? String ?? "?") v\($0["version"] as? Int ?? 0) \($0["state"] as? String ?? "?")" } == ["broken v1 draft", "welcome v1 archived"])
        result = try await site.run("campaign", "status", "welcom", "--json")
        #expect(result.status == 8)
        #expect(result.errorMessage?.contains("did you mean 'welcome'?") == true, "\(result.stdout)")
        result = try await site.run("campaign", "logs", "broken", "--json")
        #expect(result.status == 8)
        try await site.remove()
    }

    /// Daily at 09:00 in Lisbon: 09:00 UTC in winter time, 08:00 UTC from 29 March 2026 (summer time).
    @Test(arguments: Engine.available)
    func schedulePreviewFollowsDaylightSavingAndANewVersionIsADraft(_ engine: Engine) async throws {
        let site = try await Site.demo(engine, profiles: 100)
        let path = try site.write("nightly.yaml", Self.campaign("nightly", schedule: "schedule:\n  time_zone: Europe/Lisbon\n  daily: {at: [\"09:00\"]}\n"))
        #expect(try await site.run("campaign", "create", path, "--json").status == 0)
        var result = try await site.run("campaign", "publish", "nightly", "--json")
        #expect(result.status == 0)
        #expect(try result.json()["state"] as? String == "scheduled")
        #expect(try result.json()["next_launch"] as? String != nil)

        result = try await site.run("campaign", "schedule", "nightly", "--preview", "5", "--from", "2026-03-27T00:00:00Z", "--json")
        #expect(result.status == 0, "\(result.stderr)")
        let launches = try #require(try result.json()["launches"] as? [[String: String]])
        #expect(launches.compactMap { $0["utc"].map { String($0.prefix(16)) } } == [
            "2026-03-27T09:00", "2026-03-28T09:00", "2026-03-29T08:00", "2026-03-30T08:00", "2026-03-31T08:00",
        ], "\(launches)")
        #expect(launches.allSatisfy { $0["local"]?.contains(" 09:00 ") == true }, "\(launches)")
        result = try await site.run("campaign", "schedule", "nightly", "--preview", "0")
        #expect(result.status == 4)

        // A create after publication makes version 2, a draft; version 1 stays published.
        result = try await site.run("campaign", "create", path, "--json")
        #expect(result.status == 0)
        #expect(try result.json()["version"] as? Int == 2)
        #expect(try result.json()["state"] as? String == "draft")
        result = try await site.run("campaign", "list", "--json")
        #expect(try result.list().map { "\($0["name"] as? String ?? "?") v\($0["version"] as? Int ?? 0) \($0["state"] as? String ?? "?")" } == ["nightly v2 draft"])
        let first = try await Workspace.withStore(try StoreLocation.parse(site.store)) { store in
            try await CampaignRepository(store: store).campaign(named: "nightly", version: 1)
        }
        #expect(first?.state == .scheduled)
        // Saving the draft again changes it in place.
        result = try await site.run("campaign", "create", path, "--json")
        #expect(try result.json()["version"] as? Int == 2)
        // The published v1 still runs while v2 is being edited; publishing v2 closes v1.
        result = try await site.run("campaign", "start", "nightly", "--detach", "--json")
        #expect(result.status == 0, "\(result.stdout)")
        #expect(try await site.run("campaign", "publish", "nightly", "--json").status == 0)
        let replaced = try await Workspace.withStore(try StoreLocation.parse(site.store)) { store in
            try await CampaignRepository(store: store).campaign(named: "nightly", version: 1)
        }
        #expect(replaced?.state == .closed)
        try await site.remove()
    }

    @Test(arguments: Engine.available)
    func triggersRespectTheMinimumGapAndTheDeclaredVariables(_ engine: Engine) async throws {
        let site = try await Site.demo(engine, profiles: 100)
        let path = try site.write("ping.yaml", Self.campaign("ping", extra: "variables:\n  k: {type: string}\ntriggers: {minimum_gap: 10m}\n"))
        #expect(try await site.run("campaign", "create", path, "--json").status == 0)
        #expect(try await site.run("campaign", "publish", "ping", "--json").status == 0)

        var result = try await site.run("campaign", "trigger", "ping", "--var", "nope=1", "--json")
        #expect(result.status == 4)
        #expect(result.errorMessage?.contains("has no variable \"nope\"") == true, "\(result.stdout)")
        result = try await site.run("campaign", "trigger", "ping", "--var", "k")
        #expect(result.status == 4)
        #expect(result.stderr.contains("expected NAME=VALUE"), "\(result.stderr)")
        result = try await site.run("campaign", "trigger", "ping", "--json")
        #expect(result.status == 4)
        #expect(result.errorMessage?.contains("variable k has no value") == true, "\(result.stdout)")

        // The refused triggers did not use up the gap.
        result = try await site.run("campaign", "trigger", "ping", "--var", "k=v", "--json")
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(try result.json()["status"] as? String == "queued")
        let id = try #require(try result.json()["execution"] as? Int)

        result = try await site.run("campaign", "trigger", "ping", "--var", "k=w", "--json")
        #expect(result.status == 4)
        let message = try #require(result.errorMessage, "\(result.stdout)")
        #expect(message.contains("triggered less than 600 s ago") && message.contains("minimum gap") && message.contains("try again in"), "\(message)")
        result = try await site.run("campaign", "trigger", "ping", "--var", "k=w")
        #expect(result.status == 4)
        #expect(result.stderr.contains("minimum gap"), "\(result.stderr)")

        // The one trigger that went through runs with its variable.
        result = try await site.run("worker", "--once", "--lease", "5", "--json")
        #expect(result.status == 0)
        let execution = Self.execution(try await site.status("ping", execution: id).report)
        #expect(execution["status"] as? String == "completed")
        #expect(execution["variables"] as? [String: String] == ["k": "v"])
        #expect(execution["launched_by"] as? String == "trigger")
        #expect(try await site.run("campaign", "list", "--json").list().count == 1)
        try await site.remove()
    }
}
