/// A campaign as its author wrote it: variables, schedule, activities and the transitions between
/// them. Read from YAML or JSON by `CampaignLoader`; checked against a data model by `CampaignPlan`.
public struct CampaignDefinition: Sendable, Hashable {
    public var name: String
    public var description: String?
    public var variables: [CampaignVariable]
    public var schedule: ScheduleSpec?
    /// The shortest time between two on-demand triggers, in seconds.
    public var minimumTriggerGap: Int64
    public var activities: [CampaignActivity]
    public var transitions: [CampaignGraph.Transition]
    public var limits: CampaignGraph.Limits

    public init(
        name: String, description: String? = nil, variables: [CampaignVariable] = [], schedule: ScheduleSpec? = nil,
        minimumTriggerGap: Int64 = 60, activities: [CampaignActivity], transitions: [CampaignGraph.Transition],
        limits: CampaignGraph.Limits = CampaignGraph.Limits()
    ) {
        self.name = name
        self.description = description
        self.variables = variables
        self.schedule = schedule
        self.minimumTriggerGap = minimumTriggerGap
        self.activities = activities
        self.transitions = transitions
        self.limits = limits
    }

    public func activity(named name: String) -> CampaignActivity? { activities.first { $0.name == name } }

    /// The graph the validation and the executor walk.
    public var graph: CampaignGraph {
        CampaignGraph(activities: activities.map(\.graphNode), transitions: transitions)
    }

    /// Transitions into `activity`, in the order they were written.
    public func inputs(of activity: String) -> [CampaignGraph.Transition] { transitions.filter { $0.to == activity } }

    public func outputs(of activity: String) -> [CampaignGraph.Transition] { transitions.filter { $0.from == activity } }
}

/// A variable of a campaign: `$name` in its rules, set per execution by a trigger.
public struct CampaignVariable: Sendable, Hashable, Codable {
    public var name: String
    public var type: FieldType
    /// The value when a launch does not give one, as text; no default makes the variable required.
    public var defaultValue: String?

    public init(name: String, type: FieldType, defaultValue: String? = nil) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
    }
}

public struct CampaignActivity: Sendable, Hashable {
    public var name: String
    public var kind: ActivityKind
    /// Where it was written, for messages.
    public var line: Int?

    public init(name: String, kind: ActivityKind, line: Int? = nil) {
        self.name = name
        self.kind = kind
        self.line = line
    }

    var graphNode: CampaignGraph.Activity {
        CampaignGraph.Activity(
            name: name, kind: kind.typeName, inputs: kind.inputs, outputs: kind.outputNames,
            isStart: kind.isStart, isEnd: kind.isEnd, isChannel: kind.channel != nil)
    }
}

/// What an activity does, with its options.
public enum ActivityKind: Sendable, Hashable {
    case start
    case end(EndOptions)
    case fork(ForkOptions)
    case andJoin(AndJoinOptions)
    case wait(WaitOptions)
    case test(TestOptions)
    case alert(AlertOptions)
    case buildAudience(BuildAudienceOptions)
    case readAudience(ReadAudienceOptions)
    case incrementalQuery(IncrementalQueryOptions)
    case combine(CombineOptions)
    case dedup(DedupOptions)
    case enrichment(EnrichmentOptions)
    case split(SplitOptions)
    case changeDimension(ChangeDimensionOptions)
    case saveAudience(SaveAudienceOptions)
    case loadFile(LoadFileOptions)
    case reconciliation(ReconciliationOptions)
    case channel(Channel, ChannelOptions)

    /// Every `type:` a campaign file may use.
    public static let typeNames = [
        "start", "end", "fork", "and-join", "wait", "test", "alert", "build-audience", "read-audience",
        "incremental-query", "combine", "dedup", "enrichment", "split", "change-dimension", "save-audience",
        "load-file", "reconciliation",
    ] + Channel.allCases.map(\.rawValue)

    public var typeName: String {
        switch self {
        case .start: "start"
        case .end: "end"
        case .fork: "fork"
        case .andJoin: "and-join"
        case .wait: "wait"
        case .test: "test"
        case .alert: "alert"
        case .buildAudience: "build-audience"
        case .readAudience: "read-audience"
        case .incrementalQuery: "incremental-query"
        case .combine: "combine"
        case .dedup: "dedup"
        case .enrichment: "enrichment"
        case .split: "split"
        case .changeDimension: "change-dimension"
        case .saveAudience: "save-audience"
        case .loadFile: "load-file"
        case .reconciliation: "reconciliation"
        case .channel(let channel, _): channel.rawValue
        }
    }

    var inputs: CampaignGraph.ArityRange {
        switch self {
        case .start: .none
        case .buildAudience, .readAudience, .incrementalQuery, .loadFile: CampaignGraph.ArityRange(0, 1)
        case .combine, .andJoin: .twoOrMore
        default: .one
        }
    }

    public var outputNames: [String] {
        switch self {
        case .end: []
        case .fork(let options): options.branches
        case .test(let options): options.branches.map(\.name) + (options.default.map { [$0] } ?? [])
        case .split(let options): options.subsets.map(\.name) + (options.complement.map { [$0] } ?? [])
        case .combine(let options): ["out"] + (options.complement == true ? ["complement"] : [])
        case .dedup(let options): ["out"] + (options.duplicates == true ? ["duplicates"] : [])
        case .reconciliation(let options): ["out"] + (options.unmatched == "keep" ? ["unmatched"] : [])
        default: ["out"]
        }
    }

    /// Activities that begin a branch without an input: a start, or targeting placed first.
    var isStart: Bool {
        if case .start = self { return true }
        return false
    }

    var isEnd: Bool {
        if case .end = self { return true }
        return false
    }

    public var channel: Channel? {
        if case .channel(let channel, _) = self { return channel }
        return nil
    }

    /// Flow-control activities pass their input population on unchanged.
    var passesPopulationThrough: Bool {
        switch self {
        case .fork, .wait, .test, .alert, .end, .andJoin: true
        default: false
        }
    }
}
