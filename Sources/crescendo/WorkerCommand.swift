import ArgumentParser
import CrescendoApp
import CrescendoCore
import Foundation
import Logging
import ServiceLifecycle

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run the scheduler and the executor until stopped (SIGINT/SIGTERM shut down gracefully).",
        discussion: "Several workers may share one PostgreSQL workspace: launches and executions are claimed, so each runs once.")

    @Option(name: .long, help: "Seconds between scheduler passes.") var interval = 15
    @Option(name: .long, help: "Seconds an execution stays a worker's without renewal (another worker takes over a dead one after this).") var lease = 600
    @Option(name: .long, help: "Days a finished execution keeps its work tables.") var retentionDays = 7.0
    @Option(name: .long, help: "This worker's name in execution records.") var name = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
    @Flag(name: .long, help: "One scheduler pass, then run executions until none can run now, then exit.") var once = false
    @OptionGroup var options: StoreOptions

    func run() async throws {
        try await reporting(json: options.json) {
            guard interval >= 1, lease >= 5, retentionDays >= 0 else { throw CrescendoError(.invalidArgument, "--interval ≥ 1, --lease ≥ 5 and --retention-days ≥ 0") }
            var logger = Logger(label: "crescendo.worker")
            logger.logLevel = options.json ? .warning : .info
            let summary = try await Workspace.withStore(try options.location()) { store in
                let desk = try await CampaignDesk.open(store)
                let scheduler = SchedulerService(store: store, interval: .seconds(interval), retention: Int64(retentionDays * 86_400), logger: logger)
                let executor = ExecutorService(store: store, model: desk.model, worker: name, lease: Int64(lease), untilIdle: once, logger: logger)
                if once {
                    let launched = try await scheduler.tick(now: Int64(Date().timeIntervalSince1970))
                    try await executor.run()
                    return launched.count
                }
                let group = ServiceGroup(configuration: .init(
                    services: [.init(service: scheduler), .init(service: executor, successTerminationBehavior: .gracefullyShutdownGroup)],
                    gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
                try await group.run()
                return 0
            }
            if options.json {
                struct Body: Encodable { var worker: String; var launched: Int }
                Output.printJSON(Body(worker: name, launched: summary))
            }
            return .success
        }
    }
}
