/// Where a campaign is in its life, and the one place that says which moves are allowed.
///
/// A plain value with a pure transition function, in the style of swift-nio's state machines: the
/// caller (CLI, API, scheduler) asks for a move, gets the new state or a refusal that explains
/// itself, and does the I/O.
public enum CampaignState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Being designed: editable, testable, never runs on its own.
    case draft
    /// Published with a schedule: waiting for its next launch.
    case scheduled
    /// Published and running an execution now.
    case live
    /// Published, launches held until resumed.
    case paused
    /// Ran its last launch to the end.
    case completed
    /// Stopped by an operator: running executions end, no further launch.
    case stopped
    /// No longer in use; kept for reporting.
    case closed
    /// Out of the lists; read-only history.
    case archived

    /// Published states are read-only: a change makes a new version.
    public var isPublished: Bool { ![.draft].contains(self) }
    /// States from which nothing can launch again.
    public var isFinal: Bool { [.completed, .stopped, .closed, .archived].contains(self) }
}

public enum CampaignEvent: String, Sendable, Hashable, CaseIterable {
    /// Publish a valid draft that has a schedule (or a trigger) to wait for.
    case publishScheduled = "publish"
    /// Publish a valid draft and launch at once ("as soon as possible").
    case publishAndStart = "publish-and-start"
    /// A launch begins (schedule, trigger or `start`).
    case launch
    /// The running execution finished and another launch is due later.
    case executionFinishedMore = "execution-finished"
    /// The running execution finished and no launch remains.
    case executionFinishedLast = "last-execution-finished"
    case pause, resume, stop, close, archive
    /// An edit: only a draft changes in place.
    case edit
}

public struct CampaignLifecycle: Sendable, Hashable {
    public private(set) var state: CampaignState

    public init(state: CampaignState = .draft) {
        self.state = state
    }

    /// A move that is not allowed from the current state.
    public struct Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        public var from: CampaignState
        public var event: CampaignEvent
        public var reason: String
        public var description: String { "cannot \(event.rawValue) a campaign that is \(from.rawValue): \(reason)" }
    }

    /// The state after `event`, or why the move is refused. Publishing assumes the caller validated
    /// the campaign (an invalid one is refused before this is asked).
    public static func next(_ state: CampaignState, _ event: CampaignEvent) -> Result<CampaignState, Refusal> {
        func refuse(_ reason: String) -> Result<CampaignState, Refusal> { .failure(Refusal(from: state, event: event, reason: reason)) }
        switch (state, event) {
        case (.draft, .edit): return .success(.draft)
        case (_, .edit): return refuse("a published campaign is read-only; edit a new version")
        case (.draft, .publishScheduled): return .success(.scheduled)
        case (.draft, .publishAndStart): return .success(.live)
        case (_, .publishScheduled), (_, .publishAndStart): return refuse("it is already published")
        case (.scheduled, .launch): return .success(.live)
        case (.live, .launch): return .success(.live)  // an overlapping launch: executions run side by side
        case (.draft, .launch): return refuse("publish it first (or run it in test mode)")
        case (.paused, .launch): return refuse("it is paused; resume it first")
        case (.live, .executionFinishedMore): return .success(.scheduled)
        case (.live, .executionFinishedLast): return .success(.completed)
        case (.paused, .executionFinishedMore), (.paused, .executionFinishedLast): return .success(.paused)
        case (.stopped, .executionFinishedMore), (.stopped, .executionFinishedLast): return .success(.stopped)
        case (_, .executionFinishedMore), (_, .executionFinishedLast): return refuse("no execution is running")
        case (.scheduled, .pause), (.live, .pause): return .success(.paused)
        case (_, .pause): return refuse(state == .paused ? "it is already paused" : "only a scheduled or live campaign can pause")
        case (.paused, .resume): return .success(.scheduled)
        case (_, .resume): return refuse("only a paused campaign can resume")
        case (.scheduled, .stop), (.live, .stop), (.paused, .stop): return .success(.stopped)
        case (_, .stop): return refuse(state == .draft ? "a draft does not run; delete it instead" : "it is no longer running")
        case (.completed, .close), (.stopped, .close): return .success(.closed)
        case (_, .close): return refuse("stop it first, or let it complete")
        case (.closed, .archive), (.completed, .archive), (.stopped, .archive), (.draft, .archive): return .success(.archived)
        case (_, .archive): return refuse(state == .archived ? "it is already archived" : "stop it first")
        case (_, .launch): return refuse("it will not launch again")
        }
    }

    /// Applies `event`, or throws the refusal as a `CrescendoError` for the CLI and API.
    public mutating func apply(_ event: CampaignEvent) throws(CrescendoError) {
        switch Self.next(state, event) {
        case .success(let next): state = next
        case .failure(let refusal): throw CrescendoError(.invalidArgument, refusal.description, cause: refusal)
        }
    }
}
