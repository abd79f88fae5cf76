/// The shape of a campaign: activities joined by transitions, and the checks a campaign must pass
/// before it is published — every name known, no cycle, everything reachable from a start and
/// leading to an end, every input wired, the guardrails respected. Each problem names the activity.
///
/// What each activity does with its rows is not this type's business; it only needs to know how
/// many inputs an activity takes and whether it starts, ends or sends.
public struct CampaignGraph: Sendable, Hashable {
    public struct Activity: Sendable, Hashable {
        public var name: String
        /// The activity kind as written (`build-audience`, `split`, `email`, …).
        public var kind: String
        public var inputs: ArityRange
        /// Named outputs (`out`, or a split's subsets, a test's branches).
        public var outputs: [String]
        public var isStart: Bool
        public var isEnd: Bool
        public var isChannel: Bool

        public init(name: String, kind: String, inputs: ArityRange, outputs: [String], isStart: Bool = false, isEnd: Bool = false, isChannel: Bool = false) {
            self.name = name
            self.kind = kind
            self.inputs = inputs
            self.outputs = outputs
            self.isStart = isStart
            self.isEnd = isEnd
            self.isChannel = isChannel
        }
    }

    /// How many transitions may come into an activity.
    public struct ArityRange: Sendable, Hashable {
        public var minimum: Int
        public var maximum: Int?
        public init(_ minimum: Int, _ maximum: Int?) {
            self.minimum = minimum
            self.maximum = maximum
        }
        public static let none = ArityRange(0, 0)
        public static let one = ArityRange(1, 1)
        public static let twoOrMore = ArityRange(2, nil)
    }

    /// A transition from one activity's output to another activity.
    public struct Transition: Sendable, Hashable {
        public var from: String
        public var output: String
        public var to: String
        public init(from: String, output: String = "out", to: String) {
            self.from = from
            self.output = output
            self.to = to
        }
    }

    public var activities: [Activity]
    public var transitions: [Transition]

    public init(activities: [Activity], transitions: [Transition]) {
        self.activities = activities
        self.transitions = transitions
    }

    public struct Limits: Sendable, Hashable {
        public var maxActivities: Int
        public var maxChannelActivities: Int
        public init(maxActivities: Int = 500, maxChannelActivities: Int = 10) {
            self.maxActivities = maxActivities
            self.maxChannelActivities = maxChannelActivities
        }
    }

    /// A problem, naming the activity it is about (nil for the campaign as a whole).
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        public var activity: String?
        public var message: String
        public var description: String { activity.map { "activity \"\($0)\": \(message)" } ?? message }
    }

    /// Every problem, in a stable order; empty when the graph may be published.
    public func problems(limits: Limits = Limits()) -> [Problem] {
        var problems: [Problem] = []
        func add(_ activity: String?, _ message: String) { problems.append(Problem(activity: activity, message: message)) }

        if activities.count > limits.maxActivities {
            add(nil, "\(activities.count) activities, more than the limit of \(limits.maxActivities)")
        }
        let channels = activities.filter(\.isChannel).count
        if channels > limits.maxChannelActivities {
            add(nil, "\(channels) channel activities, more than the limit of \(limits.maxChannelActivities)")
        }
        var byName: [String: Activity] = [:]
        for activity in activities {
            if byName[activity.name] != nil { add(activity.name, "the name is used by two activities") }
            byName[activity.name] = activity
        }
        let names = activities.map(\.name)
        func unknown(_ name: String) -> String {
            var message = "no activity named \"\(name)\""
            message += Spelling.hint(name, among: names)
            return message
        }

        // Transitions: known ends, existing outputs, one transition per output.
        var valid: [Transition] = []
        var usedOutputs: Set<[String]> = []
        for transition in transitions {
            guard let source = byName[transition.from] else {
                add(nil, "a transition comes from \(unknown(transition.from))")
                continue
            }
            guard byName[transition.to] != nil else {
                add(transition.from, "output \"\(transition.output)\" goes to \(unknown(transition.to))")
                continue
            }
            guard source.outputs.contains(transition.output) else {
                var message = "has no output \"\(transition.output)\" (its outputs: \(source.outputs.isEmpty ? "none" : source.outputs.joined(separator: ", ")))"
                message += Spelling.hint(transition.output, among: source.outputs)
                add(transition.from, message)
                continue
            }
            if !usedOutputs.insert([transition.from, transition.output]).inserted {
                add(transition.from, "output \"\(transition.output)\" has two transitions; use a fork to run branches side by side")
                continue
            }
            valid.append(transition)
        }

        // Inputs: each activity takes what its kind allows.
        let incoming = Dictionary(grouping: valid, by: \.to)
        for activity in activities {
            let count = incoming[activity.name]?.count ?? 0
            if count < activity.inputs.minimum {
                add(activity.name, activity.inputs.minimum == 1 ? "no transition leads to it" : "\(activity.kind) needs at least \(activity.inputs.minimum) inputs, it has \(count)")
            } else if let maximum = activity.inputs.maximum, count > maximum {
                add(activity.name, maximum == 0 ? "\(activity.kind) takes no input, but \(count) transition(s) lead to it" : "\(activity.kind) takes \(maximum) input, it has \(count); combine them first")
            }
        }
        if !activities.contains(where: \.isStart) { add(nil, "the campaign has no start activity") }
        if !activities.contains(where: \.isEnd) { add(nil, "the campaign has no end activity") }

        // Cycles, found by depth-first search; each cycle is reported once, as the path it takes.
        let outgoing = Dictionary(grouping: valid, by: \.from).mapValues { $0.map(\.to) }
        var state: [String: Int] = [:]  // 1 on the stack, 2 done
        var stack: [String] = []
        var reportedCycle = false
        func visit(_ name: String) {
            state[name] = 1
            stack.append(name)
            for next in outgoing[name] ?? [] {
                if state[next] == 1, !reportedCycle {
                    let cycle = stack[stack.lastIndex(of: next)!...] + [next]
                    add(next, "the transitions form a cycle: \(cycle.joined(separator: " → "))")
                    reportedCycle = true
                } else if state[next] == nil {
                    visit(next)
                }
            }
            stack.removeLast()
            state[name] = 2
        }
        for activity in activities where state[activity.name] == nil { visit(activity.name) }

        // Reachability: from the starts forward, and to the ends backward.
        func reach(_ from: [String], _ edges: [String: [String]]) -> Set<String> {
            var seen = Set(from)
            var queue = from
            while let name = queue.popLast() {
                for next in edges[name] ?? [] where seen.insert(next).inserted { queue.append(next) }
            }
            return seen
        }
        // A branch begins at a start, or at an activity that may take no input and has none
        // (targeting placed first): the executor runs those at once.
        let roots = activities.filter { $0.isStart || ($0.inputs.minimum == 0 && incoming[$0.name] == nil) }
        let fromStart = reach(roots.map(\.name), outgoing)
        let backward = Dictionary(grouping: valid, by: \.to).mapValues { $0.map(\.from) }
        let toEnd = reach(activities.filter(\.isEnd).map(\.name), backward)
        for activity in activities where !activity.isStart && !fromStart.contains(activity.name) && (incoming[activity.name]?.count ?? 0) > 0 {
            add(activity.name, "cannot be reached from a start")
        }
        for activity in activities where !activity.isEnd && !toEnd.contains(activity.name) {
            add(activity.name, "leads to no end activity")
        }
        return problems
    }
}
