import Foundation

/// The I/O around `ExecutionMachine`: loads an execution's progress, runs the activities the
/// machine asks for (side by side when several are ready), records each one as it finishes, and
/// ends, pauses or parks the execution.
///
/// Each activity lands as its own records: its output tables and counts in one transaction, then
/// its record (state, outcome, log lines) in another. A crash between the two leaves tables
/// without a record; the activity then runs again, dropping them first.
public struct ExecutionDriver: Sendable {
    public let store: any WorkspaceStore
    public let model: DataModel
    public let worker: String
    /// Seconds a claimed execution stays this worker's without a renewal.
    public let lease: Int64
    /// Called at activity boundaries, for crash tests: `before-record` once an activity's work is
    /// done but not recorded, `after-record` once it is.
    public let faultHook: (@Sendable (_ activity: String, _ point: String) -> Void)?
    public let fileReader: (any CampaignFileReader)?

    public init(store: any WorkspaceStore, model: DataModel, worker: String, lease: Int64 = 600, faultHook: (@Sendable (String, String) -> Void)? = nil, fileReader: (any CampaignFileReader)? = nil) {
        self.fileReader = fileReader
        self.store = store
        self.model = model
        self.worker = worker
        self.lease = lease
        self.faultHook = faultHook
    }

    var repository: CampaignRepository { CampaignRepository(store: store) }

    public enum Result: Sendable, Hashable, CustomStringConvertible {
        public var description: String {
            switch self {
            case .finished(let status): status.rawValue
            case .waiting(let until): "waiting until \(CivilTime.iso8601(micros: until * 1_000_000))"
            case .paused: "paused with its campaign"
            case .released: "given back"
            }
        }

        case finished(ExecutionStatus)
        /// Parked until a wait ends; a worker picks it up then.
        case waiting(until: Int64)
        /// The campaign is paused; the execution resumes with it.
        case paused
        /// Given back at the worker's request (shutdown), to be carried on later.
        case released
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }
    static func nowMillis() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// The variables of an execution, typed by the campaign's declarations.
    public static func variables(_ given: [String: String], for definition: CampaignDefinition) throws(CrescendoError) -> [String: Value] {
        var values: [String: Value] = [:]
        let declared = Set(definition.variables.map(\.name))
        for name in given.keys.sorted() where !declared.contains(name) {
            throw CrescendoError(.invalidArgument, "campaign \(definition.name) has no variable \"\(name)\"\(Spelling.hint(name, among: Array(declared))) (variables: \(declared.sorted().joined(separator: ", ")))")
        }
        for variable in definition.variables {
            guard let text = given[variable.name] ?? variable.defaultValue else {
                throw CrescendoError(.invalidArgument, "variable \(variable.name) has no value and no default; give it with --var \(variable.name)=VALUE")
            }
            switch ValueParser().parse(text, for: Field(name: variable.name, type: variable.type)) {
            case .success(let value): values[variable.name] = value
            case .failure(let problem): throw CrescendoError(.invalidArgument, "variable \(variable.name): \"\(text)\" is not a \(variable.type.rawValue): \(problem)")
            }
        }
        return values
    }

    public func environment(for execution: StoredExecution, definition: CampaignDefinition) throws(CrescendoError) -> RuleEnvironment {
        // Rules see the time the execution was created, so a resumed run selects what the
        // interrupted one would have.
        var environment = RuleEnvironment(
            now: execution.createdAt * 1_000_000, timeZone: TimeZone(identifier: model.timeZone) ?? TimeZone(identifier: "UTC")!,
            variables: try Self.variables(execution.variables, for: definition))
        environment.audienceNames = []
        return environment
    }

    /// Runs `execution` (already claimed by this worker) as far as it can go. With `holdWaits`, a
    /// wait is slept through here; otherwise the execution is parked until the wait ends.
    /// `draft` is the definition of a test-mode run of a campaign that need not be stored.
    /// `stopRequested` is asked before each new activity: a worker shutting down gives the
    /// execution back (another worker, or this one restarted, carries on).
    public func drive(_ execution: StoredExecution, draft: CampaignDefinition? = nil, holdWaits: Bool = false, progress: (@Sendable (String) -> Void)? = nil, stopRequested: (@Sendable () -> Bool)? = nil) async throws -> Result {
        let repository = self.repository
        let campaign: StoredCampaign
        if let draft {
            campaign = StoredCampaign(name: draft.name, version: execution.version, state: .draft, source: "", createdAt: 0, updatedAt: 0)
        } else if let stored = try await repository.campaign(named: execution.campaign, version: execution.version) {
            campaign = stored
        } else {
            try await repository.finish(execution, status: .failed, error: "campaign version is gone", lastLaunch: false, now: Self.now())
            return .finished(.failed)
        }
        let definition = try draft ?? campaign.definition()
        let environment: RuleEnvironment
        do {
            environment = try self.environment(for: execution, definition: definition)
        } catch {
            try await repository.log(execution.id, level: "error", message: error.message, now: Self.now())
            try await repository.finish(execution, status: .failed, error: error.message, lastLaunch: false, now: Self.now())
            return .finished(.failed)
        }
        let marks = try await repository.previousMarks(campaign: execution.campaign, before: execution.id)
        let runner = ActivityRunner(store: store, model: model, definition: definition, execution: execution.id, environment: environment, testMode: execution.test, previousMarks: marks, fileReader: fileReader)
        var machine = ExecutionMachine(definition: definition)
        var started: [String: Int64] = [:]
        let records = try await repository.activityRecords(execution.id)
        for record in records {
            machine.restore(record.activity, state: record.machineState, outcome: record.outcome)
            if let startedAt = record.startedAt { started[record.activity] = startedAt }
        }
        if records.isEmpty {
            try await repository.log(execution.id, level: "info", message: "execution \(execution.id) of \(campaign.name) v\(campaign.version) starts (\(execution.launchedBy))\(execution.test ? " in test mode" : "")", now: Self.now())
        } else {
            let finished = records.filter { ["done", "skipped"].contains($0.state) }.count
            try await repository.log(execution.id, level: "info", message: "execution \(execution.id) resumes on worker \(worker): \(finished) of \(definition.activities.count) activities already finished", now: Self.now())
        }

        func lastLaunch() -> Bool {
            guard let schedule = try? definition.schedule?.schedule() else { return false }
            return schedule.next(after: Self.now()) == nil
        }

        let heartbeat = "\u{0}heartbeat"
        let lease = self.lease
        return try await withThrowingTaskGroup(of: (String, Swift.Result<ActivityOutcome, CrescendoError>).self) { group in
            // Every return happens with no activity running; what is cancelled is the heartbeat.
            defer { group.cancelAll() }
            var running = 0
            var heartbeatPending = false
            while true {
                // The operator's word counts between activities.
                if running == 0, !execution.test, let current = try await repository.campaign(named: campaign.name, version: campaign.version) {
                    if current.state == .stopped {
                        try await repository.log(execution.id, level: "warning", message: "stopped by an operator", now: Self.now())
                        try await repository.finish(execution, status: .stopped, error: "stopped by an operator", lastLaunch: false, now: Self.now())
                        return .finished(.stopped)
                    }
                    if current.state == .paused {
                        try await repository.release(execution.id, worker: worker, status: .running, wakeAt: nil)
                        return .paused
                    }
                }
                if running == 0, stopRequested?() == true {
                    try await repository.release(execution.id, worker: worker, status: .running, wakeAt: nil)
                    return .released
                }
                let now = Self.now()
                for action in machine.nextActions(now: now) {
                    switch action {
                    case .run(let activity):
                        let startedAt = Self.nowMillis()
                        started[activity] = startedAt
                        try await repository.record(execution.id, ActivityRecord(activity: activity, state: "running", startedAt: startedAt), logs: [], now: now)
                        _ = try await repository.renewLease(execution.id, worker: worker, until: now + lease)
                        progress?("\(activity): running")
                        let inputs = machine.inputs(of: activity).map { ActivityRunner.Input(transition: $0.transition, record: $0.record) }
                        let definitionActivity = definition.activity(named: activity)!
                        group.addTask {
                            do {
                                return (activity, .success(try await runner.run(definitionActivity, inputs: inputs, now: now)))
                            } catch let error as CrescendoError {
                                return (activity, .failure(error))
                            } catch {
                                return (activity, .failure(CrescendoError(.storeFailure, "activity \"\(activity)\": \(error)")))
                            }
                        }
                        running += 1
                    case .skip(let activity):
                        machine.skipped(activity)
                        try await repository.record(execution.id, ActivityRecord(activity: activity, state: "skipped", outcome: ActivityOutcome(outputs: [:]), finishedAt: Self.nowMillis(), rows: 0), logs: [("info", "skipped: every branch into it ended")], now: now)
                    case .endWait(let activity):
                        var outcome = machine.outcomes[activity] ?? ActivityOutcome(outputs: [:])
                        outcome.waitUntil = nil
                        machine.finished(activity, outcome: outcome, now: now)
                        try await repository.record(execution.id, ActivityRecord(activity: activity, state: "done", outcome: outcome, startedAt: started[activity], finishedAt: Self.nowMillis(), rows: 0), logs: [("info", "the wait is over")], now: now)
                    case .sleep(let until):
                        if holdWaits {
                            progress?("waiting until \(CivilTime.iso8601(micros: until * 1_000_000))")
                            try await repository.release(execution.id, worker: worker, status: .waiting, wakeAt: until)
                            while Self.now() < until {
                                try await Task.sleep(for: .milliseconds(min(1000, max(10, (until - Self.now()) * 1000))))
                            }
                            guard try await repository.claimExecution(worker: worker, lease: lease, now: Self.now(), only: execution.id) != nil else {
                                return .waiting(until: until)
                            }
                        } else {
                            try await repository.release(execution.id, worker: worker, status: .waiting, wakeAt: until)
                            return .waiting(until: until)
                        }
                    case .complete:
                        let status: ExecutionStatus = .completed
                        try await repository.log(execution.id, level: "info", message: "execution \(execution.id) completed", now: now)
                        try await repository.finish(execution, status: status, error: nil, lastLaunch: lastLaunch(), now: now)
                        return .finished(status)
                    case .fail(let activity, let message):
                        try await repository.finish(execution, status: .failed, error: "activity \"\(activity)\": \(message)", lastLaunch: false, now: now)
                        return .finished(.failed)
                    }
                }
                guard running > 0 else { continue }
                if !heartbeatPending {
                    // The lease is renewed while long activities run, so no other worker takes over.
                    heartbeatPending = true
                    group.addTask {
                        try? await Task.sleep(for: .seconds(max(1, lease / 3)))
                        return (heartbeat, .success(ActivityOutcome(outputs: [:])))
                    }
                }
                guard let (activity, result) = try await group.next() else { continue }
                if activity == heartbeat {
                    heartbeatPending = false
                    if running > 0 { _ = try await repository.renewLease(execution.id, worker: worker, until: Self.now() + lease) }
                    continue
                }
                running -= 1
                let finishedAt = Self.nowMillis()
                switch result {
                case .success(let outcome):
                    faultHook?(activity, "before-record")
                    let now = Self.now()
                    machine.finished(activity, outcome: outcome, now: now)
                    var logs = outcome.notes.map { (level: $0.hasPrefix("alert (warning") ? "warning" : $0.hasPrefix("alert (error") ? "error" : "info", message: $0) }
                    let counts = outcome.outputs.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.ended ? "ended" : String($0.value.count))" }.joined(separator: ", ")
                    logs.insert(("info", "done in \(finishedAt - (started[activity] ?? finishedAt)) ms\(counts.isEmpty ? "" : ": " + counts)"), at: 0)
                    let state = outcome.waitUntil.map { $0 > now } == true ? "waiting" : "done"
                    if state == "waiting" { logs.append(("info", "waits until \(CivilTime.iso8601(micros: outcome.waitUntil! * 1_000_000))")) }
                    try await repository.record(execution.id, ActivityRecord(activity: activity, state: state, outcome: outcome, waitUntil: outcome.waitUntil, startedAt: started[activity], finishedAt: state == "done" ? finishedAt : nil, rows: Int64(outcome.rows)), logs: logs, now: now)
                    progress?("\(activity): \(state)\(counts.isEmpty ? "" : " (\(counts))")")
                    faultHook?(activity, "after-record")
                    if state == "done", !execution.test, case .end(let options)? = definition.activity(named: activity)?.kind, let target = options.signal {
                        try await signal(target, variables: options.variables ?? [:], count: outcome.outputs.values.first?.count ?? machine.inputs(of: activity).first?.record.count ?? 0, from: execution, activity: activity)
                    }
                case .failure(let error):
                    machine.failed(activity, message: error.message)
                    // The log keeps the cause (the engine's own words); the record keeps the summary.
                    try await repository.record(execution.id, ActivityRecord(activity: activity, state: "failed", startedAt: started[activity], finishedAt: finishedAt, error: error.message), logs: [("error", error.description)], now: Self.now())
                    progress?("\(activity): failed: \(error.message)")
                }
            }
        }
    }

    /// An end activity's signal: a triggered execution of another campaign.
    func signal(_ target: String, variables: [String: String], count: Int, from execution: StoredExecution, activity: String) async throws {
        let repository = self.repository
        let values = variables.mapValues { $0.replacingOccurrences(of: "{{count}}", with: String(count)) }
        guard let campaign = try await repository.operational(named: target), [.scheduled, .live].contains(campaign.state) else {
            try await repository.log(execution.id, level: "warning", activity: activity, message: "cannot signal campaign '\(target)': it does not exist or is not published and running", now: Self.now())
            return
        }
        let id = try await repository.createExecution(campaign: campaign, test: false, launchedBy: "signal from \(execution.campaign) execution \(execution.id)", variables: values, now: Self.now())
        try await repository.log(execution.id, level: "info", activity: activity, message: "signalled campaign '\(target)': execution \(id.map(String.init) ?? "?")", now: Self.now())
    }
}
