import CrescendoCore
import CrescendoMessaging
import Foundation

/// What the messaging commands do over one open workspace: consent, suppression, the outbox and
/// its dispatch, and reports.
public struct MessagingDesk: Sendable {
    public let store: any WorkspaceStore
    public let model: DataModel
    public let repository: MessageRepository

    /// Opens the workspace's message tables (creating them when missing).
    public static func open(_ store: any WorkspaceStore) async throws -> MessagingDesk {
        let model = try await Workspace.requireModel(store).model
        let repository = MessageRepository(store: store, model: model)
        try await repository.prepare()
        try await CampaignRepository(store: store).prepare()
        return MessagingDesk(store: store, model: model, repository: repository)
    }

    init(store: any WorkspaceStore, model: DataModel, repository: MessageRepository) {
        self.store = store
        self.model = model
        self.repository = repository
    }

    /// The dispatcher for this workspace; crash tests inject faults through `CRESCENDO_FAULT`.
    public func dispatcher(_ configuration: MessagingConfiguration, worker: String) async throws -> Dispatcher {
        Dispatcher(
            messages: repository, campaigns: CampaignRepository(store: store), transports: try await MessagingSetup.transports(configuration),
            renderer: MessagingSetup.renderer(configuration), settings: MessagingSetup.settings(configuration, worker: worker), faultHook: FaultInjection.dispatchHook)
    }

    /// Sends everything due now, batch after batch, and returns the totals.
    public func drain(_ dispatcher: Dispatcher, progress: ((Dispatcher.Counts) -> Void)? = nil) async throws -> Dispatcher.Counts {
        var total = Dispatcher.Counts()
        while true {
            let counts = try await dispatcher.dispatchOnce()
            guard counts.claimed > 0 else { break }
            total.claimed += counts.claimed
            total.sent += counts.sent
            total.excluded += counts.excluded
            total.rescheduled += counts.rescheduled
            total.failed += counts.failed
            total.expired += counts.expired
            total.extracts += counts.extracts
            total.extractProblems += counts.extractProblems
            progress?(total)
        }
        // Extracts a crash left unwritten, and those of activities that had no letter to send.
        let finished = try await dispatcher.finishExtracts()
        total.extracts += finished.records.count
        total.extractProblems += finished.problems
        return total
    }

    /// The profile's canonical key from the key values given on the command line.
    public func profileKey(_ parts: [String]) throws -> String {
        guard let name = model.profileEntity, let profile = model.entity(named: name) else {
            throw CrescendoError(.unknownName, "the data model names no profile entity (`profile:` in the model file)")
        }
        guard parts.count == profile.key.count else {
            throw CrescendoError(.invalidArgument, "\(profile.name) has a key of \(profile.key.count) field(s) (\(profile.key.joined(separator: ", "))); got \(parts.count) value(s)")
        }
        return parts.joined(separator: "\u{1F}")
    }
}
