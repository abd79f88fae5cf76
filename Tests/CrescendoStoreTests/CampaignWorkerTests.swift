import CrescendoApp
import CrescendoCore
import Foundation
import Logging
import Testing

/// The worker's library side on both engines: the scheduler launches each due slot once (however
/// many schedulers tick), an execution's lease is held by one worker at a time, and retention drops
/// the work tables of old executions only.
@Suite struct CampaignWorkerTests {
    static let logger = Logger(label: "crescendo.tests.worker")

    /// Daily at 09:00 UTC: gold profiles get an email.
    static let source = """
        name: nightly
        schedule:
          time_zone: UTC
          daily: {at: ["09:00"]}
        activities:
          start: {type: start}
          gold:
            type: build-audience
            entity: profile
            rule: "tier = 'gold'"
          mail:
            type: email
            fields: [first_name]
            content: {subject: "Hi {{first_name}}", text: "Hello {{first_name}}"}
          done: {type: end}
        transitions:
          - start -> gold
          - gold -> mail
          - mail -> done
        """

    static let profiles = """
        id,email,first_name,tier,vip,updated_at
        P1,ana@x.pt,Ana,gold,true,2026-01-01T00:00:00Z
        P2,rui@x.pt,Rui,basic,false,2026-01-01T00:00:00Z
        P3,,Eva,gold,,2026-01-01T00:00:00Z
        """

    /// Seconds since the epoch of an ISO 8601 instant.
    static func at(_ text: String) -> Int64 {
        Int64(ISO8601DateFormatter().date(from: text)!.timeIntervalSince1970)
    }

    /// How an execution launched by the schedule for that slot says so.
    static func slot(_ text: String) -> String { "schedule " + CivilTime.iso8601(micros: at(text) * 1_000_000) }

    /// A workspace with the test model, three profiles and the campaign published at `publishedAt`.
    static func prepare(_ store: any WorkspaceStore, _ folder: TestFolder, publishedAt: Int64) async throws -> (CampaignDesk, StoredCampaign) {
        try await TestModel.apply(store)
        try await ingest(store, folder, "profile", "profiles.csv", profiles)
        let desk = try await CampaignDesk.open(store)
        let definition = try CampaignLoader(sourceName: "nightly.yaml").load(source)
        #expect(await CampaignValidator(store: store, model: desk.model).problems(definition) == [])
        _ = try await desk.repository.saveDraft(definition, source: source, now: publishedAt)
        let published = try await desk.repository.apply(.publishScheduled, to: "nightly", now: publishedAt)
        #expect(published.state == .scheduled)
        return (desk, published)
    }

    static func executions(_ desk: CampaignDesk) async throws -> [StoredExecution] {
        try await desk.repository.executions(of: "nightly", limit: 100).reversed()
    }

    // MARK: Scheduler

    @Test(arguments: Engine.available)
    func aDueSlotLaunchesOnceAndDowntimeLaunchesOnlyTheLatestSlot(_ engine: Engine) async throws {
        try await withFreshStore(engine) { store, folder in
            // Published on Monday 2 March 2026 at 10:00, an hour after that day's slot.
            let (desk, _) = try await Self.prepare(store, folder, publishedAt: Self.at("2026-03-02T10:00:00Z"))
            let scheduler = SchedulerService(store: store, logger: Self.logger)

            // That day's 09:00 slot came before publication: it is not owed.
            #expect(try await scheduler.tick(now: Self.at("2026-03-02T10:00:30Z")) == [])
            #expect(try await scheduler.tick(now: Self.at("2026-03-03T08:59:59Z")) == [])
            #expect(try await Self.executions(desk).isEmpty)

            // The next slot: one launch, however often the scheduler looks at the same instant.
            let first = try await scheduler.tick(now: Self.at("2026-03-03T09:00:05Z"))
            #expect(first.count == 1)
            #expect(try await scheduler.tick(now: Self.at("2026-03-03T09:00:05Z")) == [])
            #expect(try await scheduler.tick(now: Self.at("2026-03-03T09:00:20Z")) == [])
            var all = try await Self.executions(desk)
            #expect(all.map(\.launchedBy) == [Self.slot("2026-03-03T09:00:00Z")])
            #expect(all.map(\.status) == [.queued])
            #expect(try await desk.repository.campaign(named: "nightly")?.lastLaunch == Self.at("2026-03-03T09:00:00Z"))
            #expect(try await desk.repository.campaign(named: "nightly")?.state == .live)

            // Two schedulers (two workers) tick at the same instant: one of them launches.
            let other = SchedulerService(store: store, logger: Self.logger)
            let now = Self.at("2026-03-04T09:00:01Z")
            async let a = scheduler.tick(now: now)
            async let b = other.tick(now: now)
            let (left, right) = try await (a, b)
            #expect(left.count + right.count == 1, "launched by the first: \(left), by the second: \(right)")
            all = try await Self.executions(desk)
            #expect(all.map(\.launchedBy) == [Self.slot("2026-03-03T09:00:00Z"), Self.slot("2026-03-04T09:00:00Z")])

            // Downtime from 4 March 09:00 to 9 March 09:30 misses the slots of the 5th to the 9th:
            // one execution, for the latest of them.
            let late = try await scheduler.tick(now: Self.at("2026-03-09T09:30:00Z"))
            #expect(late.count == 1)
            #expect(try await scheduler.tick(now: Self.at("2026-03-09T09:30:00Z")) == [])
            #expect(try await other.tick(now: Self.at("2026-03-09T09:45:00Z")) == [])
            all = try await Self.executions(desk)
            #expect(all.count == 3)
            #expect(all.last?.launchedBy == Self.slot("2026-03-09T09:00:00Z"))
            #expect(all.last?.id == late.first)
            #expect(try await desk.repository.campaign(named: "nightly")?.lastLaunch == Self.at("2026-03-09T09:00:00Z"))
        }
    }

    @Test(arguments: Engine.available)
    func parallelSchedulersLaunchADueSlotOnce(_ engine: Engine) async throws {
        try await withFreshStore(engine) { store, folder in
            let (desk, _) = try await Self.prepare(store, folder, publishedAt: Self.at("2026-03-02T10:00:00Z"))
            let schedulers = (0..<4).map { _ in SchedulerService(store: store, logger: Self.logger) }
            let now = Self.at("2026-03-03T09:00:00Z")
            async let a = schedulers[0].tick(now: now)
            async let b = schedulers[1].tick(now: now)
            async let c = schedulers[2].tick(now: now)
            async let d = schedulers[3].tick(now: now)
            let launched = try await [a, b, c, d].flatMap { $0 }
            #expect(launched.count == 1)
            #expect(try await Self.executions(desk).map(\.launchedBy) == [Self.slot("2026-03-03T09:00:00Z")])
        }
    }

    @Test(arguments: Engine.available)
    func pausedAndDraftCampaignsDoNotLaunch(_ engine: Engine) async throws {
        try await withFreshStore(engine) { store, folder in
            let (desk, _) = try await Self.prepare(store, folder, publishedAt: Self.at("2026-03-02T10:00:00Z"))
            let scheduler = SchedulerService(store: store, logger: Self.logger)
            try await desk.repository.apply(.pause, to: "nightly", now: Self.at("2026-03-02T11:00:00Z"))
            #expect(try await scheduler.tick(now: Self.at("2026-03-03T09:00:10Z")) == [])
            try await desk.repository.apply(.resume, to: "nightly", now: Self.at("2026-03-03T09:00:20Z"))
            // Resumed after the slot: the slot that passed while paused is not owed.
            #expect(try await scheduler.tick(now: Self.at("2026-03-03T09:00:30Z")) == [])
            #expect(try await scheduler.tick(now: Self.at("2026-03-04T09:00:30Z")).count == 1)
        }
    }

    /// On PostgreSQL a launch holds an advisory lock: for its own campaign in its own workspace,
    /// so a launch elsewhere in the database (another schema's scheduler) does not make it decline.
    @Test(.enabled(if: Engine.postgresURL != nil))
    func launchLocksHoldOnlyTheirOwnCampaign() async throws {
        try await withFreshStore(.postgres) { store, folder in
            let (desk, _) = try await Self.prepare(store, folder, publishedAt: Self.at("2026-03-02T10:00:00Z"))
            let scheduler = SchedulerService(store: store, logger: Self.logger)
            try await withFreshStore(.postgres) { other, _ in
                // Another workspace in the same database is in the middle of launching its own 'nightly'.
                async let held = other.perform([
                    SQLStep("SELECT pg_advisory_xact_lock(727310001)"),
                    SQLStep("SELECT pg_advisory_xact_lock(727310001, hashtext(current_schema() || ':nightly'))"),
                    SQLStep("SELECT pg_sleep(1.5)"),
                ])
                try await Task.sleep(for: .milliseconds(400))
                #expect(try await scheduler.tick(now: Self.at("2026-03-03T09:00:05Z")).count == 1)
                #expect(try await held != nil)
            }
            // A launch of this very campaign in progress: this scheduler leaves the slot to it.
            async let held = store.perform([SQLStep("SELECT pg_advisory_xact_lock(727310001, hashtext(current_schema() || ':nightly'))"), SQLStep("SELECT pg_sleep(1.5)")])
            try await Task.sleep(for: .milliseconds(400))
            #expect(try await scheduler.tick(now: Self.at("2026-03-04T09:00:05Z")) == [])
            #expect(try await held != nil)
            #expect(try await scheduler.tick(now: Self.at("2026-03-04T09:00:10Z")).count == 1)
            #expect(try await Self.executions(desk).count == 2)
        }
    }

    /// A new draft version must not take the published version off the schedule.
    @Test(arguments: Engine.available)
    func aNewDraftVersionKeepsThePublishedOneLaunching(_ engine: Engine) async throws {
        try await withFreshStore(engine) { store, folder in
            let (desk, _) = try await Self.prepare(store, folder, publishedAt: Self.at("2026-03-02T10:00:00Z"))
            let definition = try CampaignLoader(sourceName: "nightly.yaml").load(Self.source)
            let draft = try await desk.repository.saveDraft(definition, source: Self.source + "\n# v2\n", now: Self.at("2026-03-02T12:00:00Z"))
            #expect(draft.version == 2)
            #expect(draft.state == .draft)
            #expect(try await desk.repository.campaign(named: "nightly", version: 1)?.state == .scheduled)
            let scheduler = SchedulerService(store: store, logger: Self.logger)
            let launched = try await scheduler.tick(now: Self.at("2026-03-03T09:00:10Z"))
            // A draft v2 does not hold up the published v1.
            #expect(launched.count == 1)
        }
    }

    // MARK: Claims and leases

    @Test(arguments: Engine.available)
    func oneWorkerHoldsAnExecutionUntilItsLeaseExpires(_ engine: Engine) async throws {
        try await withFreshStore(engine) { store, folder in
            let now = Self.at("2026-03-02T10:00:00Z")
            let (desk, campaign) = try await Self.prepare(store, folder, publishedAt: now)
            let repository = desk.repository
            let id = try #require(try await repository.createExecution(campaign: campaign, test: false, launchedBy: "manual start", variables: [:], now: now))

            let claimed = try #require(try await repository.claimExecution(worker: "w1", lease: 30, now: now))
            #expect(claimed.id == id)
            #expect(claimed.worker == "w1")
            #expect(claimed.leaseUntil == now + 30)
            #expect(claimed.status == .running)
            #expect(try await repository.claimExecution(worker: "w2", lease: 30, now: now) == nil)
            #expect(try await repository.claimExecution(worker: "w2", lease: 30, now: now + 29) == nil)
            #expect(try await repository.claimExecution(worker: "w2", lease: 30, now: now + 29, only: id) == nil)
            // The holder itself may claim again (a restarted worker with the same name).
            #expect(try await repository.claimExecution(worker: "w1", lease: 30, now: now + 10)?.leaseUntil == now + 40)

            // The lease (renewed to now + 40) runs out: another worker takes the execution over.
            #expect(try await repository.claimExecution(worker: "w2", lease: 30, now: now + 40) == nil)
            let taken = try #require(try await repository.claimExecution(worker: "w2", lease: 30, now: now + 41))
            #expect(taken.id == id)
            #expect(taken.worker == "w2")
            #expect(taken.startedAt == now)
            #expect(try await repository.claimExecution(worker: "w1", lease: 30, now: now + 42) == nil)
        }
    }

    @Test(arguments: Engine.available)
    func concurrentClaimsGiveTheExecutionToOneWorker(_ engine: Engine) async throws {
        try await withFreshStore(engine) { store, folder in
            let now = Self.at("2026-03-02T10:00:00Z")
            let (desk, campaign) = try await Self.prepare(store, folder, publishedAt: now)
            let repository = desk.repository
            for round in 0..<5 {
                let id = try #require(try await repository.createExecution(campaign: campaign, test: false, launchedBy: "manual start", variables: [:], now: now))
                let at = now + Int64(round) * 100
                async let a = repository.claimExecution(worker: "a", lease: 30, now: at)
                async let b = repository.claimExecution(worker: "b", lease: 30, now: at)
                let winners = try await [a, b].compactMap { $0 }
                #expect(winners.map(\.id) == [id], "round \(round)")
                let holder = try #require(winners.first?.worker)
                let stored = try #require(try await repository.execution(id))
                #expect(stored.worker == holder)
                // Finish it so the next round has a single candidate.
                try await repository.finish(stored, status: .completed, error: nil, lastLaunch: false, now: at + 1)
            }
        }
    }

    // MARK: Retention

    /// The names of the workspace's tables that start with `prefix`.
    static func tables(_ store: any WorkspaceStore, prefix: String) async throws -> Set<String> {
        let text = store.dialect == .postgres
            ? "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
            : "SELECT name FROM sqlite_master WHERE type = 'table'"
        let rows = try await store.rows(SQLQuery(text: text, columns: [.text]))
        return Set(rows.compactMap { $0.first?.text }.filter { $0.hasPrefix(prefix) })
    }

    @Test(arguments: Engine.available)
    func retentionDropsTheWorkTablesOfOldExecutionsOnly(_ engine: Engine) async throws {
        try await withFreshStore(engine) { store, folder in
            let (desk, campaign) = try await Self.prepare(store, folder, publishedAt: Self.at("2026-03-02T10:00:00Z"))
            let repository = desk.repository
            var ids: [Int64] = []
            for _ in 0..<2 {
                let id = try #require(try await repository.createExecution(campaign: campaign, test: false, launchedBy: "manual start", variables: [:], now: Int64(Date().timeIntervalSince1970)))
                #expect(try await desk.run(id, holdWaits: false) == .finished(.completed))
                ids.append(id)
            }
            let (old, recent) = (ids[0], ids[1])
            let oldTables = try await Self.tables(store, prefix: "crescendo_w\(old)_")
            let recentTables = try await Self.tables(store, prefix: "crescendo_w\(recent)_")
            #expect(oldTables == ["crescendo_w\(old)_1_0"])
            #expect(recentTables == ["crescendo_w\(recent)_1_0"])
            // A queued execution (never finished) is never cleaned.
            let queued = try #require(try await repository.createExecution(campaign: campaign, test: false, launchedBy: "manual start", variables: [:], now: Int64(Date().timeIntervalSince1970)))

            // The first execution finished eight days ago, the second an hour ago.
            let now = Int64(Date().timeIntervalSince1970)
            for (id, finished) in [(old, now - 8 * 86_400), (recent, now - 3_600)] {
                #expect(try await store.perform([SQLStep("UPDATE crescendo_executions SET finished_at = \(finished) WHERE id = \(id)")]) != nil)
            }
            #expect(try await repository.cleanUp(retention: 7 * 86_400, now: now) == 1)
            #expect(try await Self.tables(store, prefix: "crescendo_w\(old)_").isEmpty)
            #expect(try await Self.tables(store, prefix: "crescendo_w\(recent)_") == recentTables)
            // Message tables stay: message execution sends from them.
            #expect(try await Self.tables(store, prefix: "crescendo_m\(old)_") == ["crescendo_m\(old)_2"])
            // Done once: a second pass finds nothing more to do.
            #expect(try await repository.cleanUp(retention: 7 * 86_400, now: now) == 0)
            // The recent one goes when it is old enough; the queued one stays.
            #expect(try await repository.cleanUp(retention: 3_000, now: now) == 1)
            #expect(try await Self.tables(store, prefix: "crescendo_w\(recent)_").isEmpty)
            #expect(try await repository.execution(queued)?.status == .queued)
            // The records stay for reporting.
            #expect(try await repository.activityRecords(old).count == 4)

            // The scheduler's tick runs the same clean-up.
            let third = try #require(try await repository.claimExecution(worker: "w", lease: 60, now: now, only: queued))
            #expect(try await ExecutionDriver(store: store, model: desk.model, worker: "w").drive(third) == .finished(.completed))
            #expect(try await Self.tables(store, prefix: "crescendo_w\(queued)_").count == 1)
            let scheduler = SchedulerService(store: store, retention: 7 * 86_400, logger: Self.logger)
            _ = try await scheduler.tick(now: now + 7 * 86_400 + 60)
            #expect(try await Self.tables(store, prefix: "crescendo_w\(queued)_").isEmpty)
        }
    }

    /// `campaign test` drops its own work tables, not those of real executions still within retention.
    @Test(arguments: Engine.available)
    func testModeLeavesTheWorkTablesOfRealExecutionsAlone(_ engine: Engine) async throws {
        try await withFreshStore(engine) { store, folder in
            let (desk, campaign) = try await Self.prepare(store, folder, publishedAt: Self.at("2026-03-02T10:00:00Z"))
            let id = try #require(try await desk.repository.createExecution(campaign: campaign, test: false, launchedBy: "manual start", variables: [:], now: Int64(Date().timeIntervalSince1970)))
            #expect(try await desk.run(id, holdWaits: false) == .finished(.completed))
            #expect(try await Self.tables(store, prefix: "crescendo_w\(id)_") == ["crescendo_w\(id)_1_0"])

            let definition = try CampaignLoader(sourceName: "nightly.yaml").load(Self.source)
            let report = try await desk.test(definition, source: "nightly.yaml", variables: [:], sample: 0)
            let test = try #require(report.execution?.id)
            #expect(report.execution?.status == .completed)
            #expect(try await Self.tables(store, prefix: "crescendo_w\(test)_").isEmpty)
            #expect(try await Self.tables(store, prefix: "crescendo_m\(test)_").isEmpty)
            #expect(try await Self.tables(store, prefix: "crescendo_w\(id)_") == ["crescendo_w\(id)_1_0"], "the real execution finished seconds ago; its tables stay for the retention period")
            // Its time comes with the scheduler's retention, as usual.
            #expect(try await desk.repository.cleanUp(retention: 7 * 86_400, now: Int64(Date().timeIntervalSince1970) + 8 * 86_400) == 1)
            #expect(try await Self.tables(store, prefix: "crescendo_w\(id)_").isEmpty)
        }
    }
}
