import CrescendoCore
import Foundation
import Logging
import ServiceLifecycle

/// Runs executions: claims the oldest one that can run (queued, resumed, or whose wait is over),
/// drives it as far as it goes, and looks again. On graceful shutdown it stops starting
/// activities, gives its execution back and returns; a killed worker's lease runs out and
/// another worker (or this one restarted) carries on from the last recorded activity.
public struct ExecutorService: Service {
    public let store: any WorkspaceStore
    public let model: DataModel
    public let worker: String
    public let lease: Int64
    public let poll: Duration
    /// Stop once nothing can run now (`crescendo worker --once`).
    public let untilIdle: Bool
    public let logger: Logger

    public init(store: any WorkspaceStore, model: DataModel, worker: String, lease: Int64 = 600, poll: Duration = .seconds(1), untilIdle: Bool = false, logger: Logger) {
        self.store = store
        self.model = model
        self.worker = worker
        self.lease = lease
        self.poll = poll
        self.untilIdle = untilIdle
        self.logger = logger
    }

    public func run() async throws {
        let repository = CampaignRepository(store: store)
        let driver = ExecutionDriver(store: store, model: model, worker: worker, lease: lease, faultHook: FaultInjection.hook, fileReader: FileCampaignReader(timeZone: TimeZone(identifier: model.timeZone) ?? TimeZone(identifier: "UTC")!))
        let logger = self.logger
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if let execution = try await repository.claimExecution(worker: worker, lease: lease, now: Int64(Date().timeIntervalSince1970)) {
                logger.info("execution \(execution.id) of \(execution.campaign): claimed")
                let result = try await driver.drive(execution, progress: { logger.info("execution \(execution.id): \($0)") }, stopRequested: { Task.isShuttingDownGracefully })
                logger.info("execution \(execution.id): \(result)")
                continue
            }
            if untilIdle { return }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: poll) }
        }
    }
}
