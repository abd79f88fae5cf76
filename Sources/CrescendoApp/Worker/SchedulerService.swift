import CrescendoCore
import Foundation
import Logging
import ServiceLifecycle

/// Launches published campaigns when their schedule says so, and drops the work tables of old
/// executions. Several workers may run it: each launch is claimed in the store (and, on
/// PostgreSQL, under an advisory lock), so a slot launches once; after downtime the latest missed
/// slot launches once, not every slot that was missed.
public struct SchedulerService: Service {
    public let store: any WorkspaceStore
    public let interval: Duration
    /// Seconds a finished execution keeps its work tables.
    public let retention: Int64
    public let logger: Logger

    public init(store: any WorkspaceStore, interval: Duration = .seconds(15), retention: Int64 = 7 * 86_400, logger: Logger) {
        self.store = store
        self.interval = interval
        self.retention = retention
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await tick(now: Int64(Date().timeIntervalSince1970))
            } catch {
                logger.error("scheduler tick failed: \(error)")
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// One pass: every due launch, then the clean-up. Returns the executions it created.
    @discardableResult
    public func tick(now: Int64) async throws -> [Int64] {
        let repository = CampaignRepository(store: store)
        var launched: [Int64] = []
        for campaign in try await repository.launchable() {
            let definition: CampaignDefinition
            do {
                definition = try campaign.definition()
            } catch {
                logger.error("campaign \(campaign.name): \(error)")
                continue
            }
            guard let schedule = try definition.schedule?.schedule() else { continue }
            // Slots before publication are not owed; after the first launch, the latest missed one is.
            let due = schedule.due(lastLaunch: campaign.lastLaunch ?? campaign.updatedAt, now: now)
            guard let slot = due.launch else { continue }
            if let id = try await repository.launch(campaign, at: slot, now: now) {
                logger.info("launched campaign \(campaign.name) for \(CivilTime.iso8601(micros: slot * 1_000_000)): execution \(id)")
                launched.append(id)
            }
        }
        let cleaned = try await repository.cleanUp(retention: retention, now: now)
        if cleaned > 0 { logger.info("dropped the work tables of \(cleaned) finished execution(s)") }
        return launched
    }
}
