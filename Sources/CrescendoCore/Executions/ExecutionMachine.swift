/// The progress of one campaign execution, as a plain value: which activities are pending,
/// running, waiting, done or skipped, and what each output holds. It decides what to do next and
/// returns it as actions; the driver around it does the I/O (runs activities, records them, sleeps)
/// and reports back. This is swift-nio's state-machine pattern: every decision is here and unit
/// tested, the I/O is thin.
///
/// Rebuilt from the stored activity records after a restart, it carries on where the execution
/// stopped: a finished activity is never run again; one that was running (its record never
/// landed) runs again; a wait keeps its stored end.
public struct ExecutionMachine: Sendable {
    public enum ActivityState: Sendable, Hashable {
        case pending
        case running
        case waiting(until: Int64)
        case done
        case skipped
        case failed(String)

        public var name: String {
            switch self {
            case .pending: "pending"
            case .running: "running"
            case .waiting: "waiting"
            case .done: "done"
            case .skipped: "skipped"
            case .failed: "failed"
            }
        }

        var isTerminal: Bool {
            switch self {
            case .done, .skipped, .failed: true
            default: false
            }
        }
    }

    public enum Action: Sendable, Hashable {
        /// Run the activity (its inputs are `inputs(of:)`).
        case run(String)
        /// Record a skipped activity: every input branch ended before it.
        case skip(String)
        /// The wait is over: record the activity as done.
        case endWait(String)
        /// Nothing can start before this instant.
        case sleep(until: Int64)
        case complete
        case fail(activity: String, message: String)
    }

    public let activities: [String]
    public let transitions: [CampaignGraph.Transition]
    public private(set) var states: [String: ActivityState]
    public private(set) var outcomes: [String: ActivityOutcome]

    public init(definition: CampaignDefinition) {
        activities = definition.activities.map(\.name)
        transitions = definition.transitions
        states = Dictionary(uniqueKeysWithValues: activities.map { ($0, .pending) })
        outcomes = [:]
    }

    /// Restores recorded progress. A `running` record means the run never finished: it is pending again.
    public mutating func restore(_ activity: String, state: ActivityState, outcome: ActivityOutcome?) {
        guard states[activity] != nil else { return }
        states[activity] = state == .running ? .pending : state
        if let outcome { outcomes[activity] = outcome }
    }

    /// What the given transition delivers, once its source has finished; nil while it has not.
    public func delivery(_ transition: CampaignGraph.Transition) -> OutputRecord? {
        switch states[transition.from] {
        case .done?: return outcomes[transition.from]?.outputs[transition.output] ?? .endedBranch
        case .skipped?, .failed?: return .endedBranch
        default: return nil
        }
    }

    /// The inputs of `activity`, in transition order, with what each delivered.
    public func inputs(of activity: String) -> [(transition: CampaignGraph.Transition, record: OutputRecord)] {
        transitions.filter { $0.to == activity }.map { ($0, delivery($0) ?? .endedBranch) }
    }

    /// The next actions at `now`. Activities whose inputs are all there are started together, so
    /// fork branches run side by side.
    public mutating func nextActions(now: Int64) -> [Action] {
        if let failed = activities.first(where: { if case .failed = states[$0]! { true } else { false } }),
            case .failed(let message) = states[failed]!
        {
            return activities.contains { states[$0] == .running } ? [] : [.fail(activity: failed, message: message)]
        }
        var actions: [Action] = []
        for activity in activities {
            guard case .waiting(let until) = states[activity]!, until <= now else { continue }
            actions.append(.endWait(activity))
        }
        for activity in activities where states[activity] == .pending {
            let incoming = transitions.filter { $0.to == activity }
            let deliveries = incoming.map(delivery)
            guard deliveries.allSatisfy({ $0 != nil }) else { continue }
            if !incoming.isEmpty, deliveries.allSatisfy({ $0!.ended }) {
                actions.append(.skip(activity))
            } else {
                actions.append(.run(activity))
            }
        }
        for action in actions {
            switch action {
            case .run(let activity): states[activity] = .running
            case .skip(let activity): states[activity] = .running
            case .endWait(let activity): states[activity] = .running
            default: break
            }
        }
        if !actions.isEmpty { return actions }
        if activities.contains(where: { states[$0] == .running }) { return [] }
        let waits = activities.compactMap { if case .waiting(let until) = states[$0]! { until } else { nil } }
        if let earliest = waits.min() { return [.sleep(until: earliest)] }
        // Nothing runs, nothing waits: what is still pending can never start (its inputs ended).
        return [.complete]
    }

    /// An activity finished; a wait that has not reached its end is waiting now.
    public mutating func finished(_ activity: String, outcome: ActivityOutcome, now: Int64) {
        outcomes[activity] = outcome
        if let until = outcome.waitUntil, until > now {
            states[activity] = .waiting(until: until)
        } else {
            states[activity] = .done
        }
    }

    public mutating func skipped(_ activity: String) {
        states[activity] = .skipped
        outcomes[activity] = ActivityOutcome(outputs: [:])
    }

    public mutating func failed(_ activity: String, message: String) {
        states[activity] = .failed(message)
    }

    /// Every activity done or skipped.
    public var isComplete: Bool { activities.allSatisfy { states[$0] == .done || states[$0] == .skipped } }

    /// The rows that crossed each transition (nil while its source has not finished).
    public func transitionCounts() -> [(CampaignGraph.Transition, Int?)] {
        transitions.map { transition in
            guard let delivery = delivery(transition) else { return (transition, nil) }
            return (transition, delivery.ended ? 0 : delivery.count)
        }
    }
}
