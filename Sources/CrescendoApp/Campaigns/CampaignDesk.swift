import CrescendoCore
import CrescendoMessaging
import Foundation

/// What the `campaign` commands (and later the API) do, over one open workspace: validate, store
/// and publish definitions, launch and control executions, run test mode, and report status.
public struct CampaignDesk: Sendable {
    public let store: any WorkspaceStore
    public let model: DataModel
    public var repository: CampaignRepository { CampaignRepository(store: store) }

    public init(store: any WorkspaceStore, model: DataModel) {
        self.store = store
        self.model = model
    }

    /// Opens the workspace's campaign tables (creating them when missing).
    public static func open(_ store: any WorkspaceStore) async throws -> CampaignDesk {
        // Rules see the communication history (`messages` on the profile), kept in the outbox table.
        let model = try await Workspace.requireModel(store).model
        try await MessageRepository(store: store, model: model).prepare()
        try await CampaignRepository(store: store).prepare()
        return CampaignDesk(store: store, model: model.withMessageHistory())
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

    /// Reads load-file activities' files, parsing dates in the model's time zone.
    public var fileReader: FileCampaignReader { FileCampaignReader(timeZone: TimeZone(identifier: model.timeZone) ?? TimeZone(identifier: "UTC")!) }

    public func validate(_ definition: CampaignDefinition, source: String) async throws {
        try await CampaignValidator(store: store, model: model, templateCheck: TemplateMessageRenderer.check).validate(definition, source: source)
    }

    /// Stores a draft (or a new version of a published campaign), after validation of its shape;
    /// a draft may still have problems with the data, which `publish` refuses.
    public func create(path: String) async throws -> (StoredCampaign, [CampaignProblem]) {
        let (definition, source) = try CampaignLoader.load(path: path)
        let problems = await CampaignValidator(store: store, model: model, templateCheck: TemplateMessageRenderer.check).problems(definition)
        let stored = try await repository.saveDraft(definition, source: source, now: Self.now())
        return (stored, problems)
    }

    public func require(_ name: String) async throws -> StoredCampaign {
        guard let campaign = try await repository.campaign(named: name) else {
            let names = try await repository.campaigns().map(\.name)
            throw CrescendoError(.notFound, "no campaign named '\(name)'\(Spelling.hint(name, among: names, quote: "'"))")
        }
        return campaign
    }

    /// The version that runs (the latest published), else the latest.
    public func requireOperational(_ name: String) async throws -> StoredCampaign {
        if let campaign = try await repository.operational(named: name) { return campaign }
        return try await require(name)
    }

    /// Publishing refuses a campaign with problems; a published campaign is read-only.
    public func publish(_ name: String) async throws -> StoredCampaign {
        let campaign = try await require(name)
        guard campaign.state == .draft else {
            throw CrescendoError(.invalidArgument, "campaign '\(name)' v\(campaign.version) is already \(campaign.state.rawValue); create a new version to change it")
        }
        let definition = try campaign.definition()
        try await validate(definition, source: "campaign \(name) v\(campaign.version)")
        return try await repository.apply(.publishScheduled, to: name, now: Self.now())
    }

    public func move(_ name: String, _ event: CampaignEvent) async throws -> StoredCampaign {
        let campaign = try await repository.apply(event, to: name, now: Self.now())
        if event == .stop { try await repository.stopExecutions(of: name, now: Self.now()) }
        return campaign
    }

    /// A manual launch ("as soon as possible").
    public func start(_ name: String, variables: [String: String]) async throws -> Int64 {
        let campaign = try await requireOperational(name)
        guard [.scheduled, .live].contains(campaign.state) else {
            throw CrescendoError(.invalidArgument, "cannot start campaign '\(name)': it is \(campaign.state.rawValue)\(campaign.state == .draft ? "; publish it first, or run it with `campaign test`" : "")")
        }
        _ = try ExecutionDriver.variables(variables, for: try campaign.definition())
        guard let id = try await repository.createExecution(campaign: campaign, test: false, launchedBy: "manual start", variables: variables, now: Self.now()) else {
            throw CrescendoError(.storeFailure, "the execution could not be created")
        }
        return id
    }

    public func trigger(_ name: String, variables: [String: String]) async throws -> Int64 {
        let campaign = try await requireOperational(name)
        guard [.scheduled, .live].contains(campaign.state) else {
            throw CrescendoError(.invalidArgument, "cannot trigger campaign '\(name)': it is \(campaign.state.rawValue)")
        }
        let definition = try campaign.definition()
        _ = try ExecutionDriver.variables(variables, for: definition)
        guard let id = try await repository.trigger(campaign, minimumGap: definition.minimumTriggerGap, by: "trigger", variables: variables, now: Self.now()) else {
            let current = try await requireOperational(name)
            let wait = (current.lastTrigger ?? 0) + definition.minimumTriggerGap - Self.now()
            throw CrescendoError(.guardrail, "campaign '\(name)' was triggered less than \(definition.minimumTriggerGap) s ago (its minimum gap); try again in \(max(1, wait)) s")
        }
        return id
    }

    /// Runs an execution in this process until it ends (or parks at a wait when `holdWaits` is off).
    public func run(_ id: Int64, worker: String = "cli-\(ProcessInfo.processInfo.processIdentifier)", holdWaits: Bool, progress: (@Sendable (String) -> Void)? = nil) async throws -> ExecutionDriver.Result {
        let repository = self.repository
        guard let execution = try await repository.claimExecution(worker: worker, lease: 600, now: Self.now(), only: id) else {
            throw CrescendoError(.invalidArgument, "execution \(id) cannot run now (finished, waiting, paused or held by another worker)")
        }
        return try await ExecutionDriver(store: store, model: model, worker: worker, faultHook: FaultInjection.hook, fileReader: fileReader).drive(execution, holdWaits: holdWaits, progress: progress)
    }
}
