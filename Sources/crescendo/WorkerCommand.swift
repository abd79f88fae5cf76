import ArgumentParser
import CrescendoApp
import CrescendoCore
import CrescendoMessaging
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
    @Option(name: .long, help: "The messaging configuration (providers, rule sets); default $CRESCENDO_MESSAGING. Without one, messages wait in the outbox.") var messaging: String?
    @Flag(name: .long, help: "One scheduler pass, then run executions until none can run now, send what is due, then exit.") var once = false
    @OptionGroup var options: StoreOptions

    func run() async throws {
        try await reporting(json: options.json) {
            guard interval >= 1, lease >= 5, retentionDays >= 0 else { throw CrescendoError(.invalidArgument, "--interval ≥ 1, --lease ≥ 5 and --retention-days ≥ 0") }
            var logger = Logger(label: "crescendo.worker")
            logger.logLevel = options.json ? .warning : .info
            let configurationPath = messaging ?? ProcessInfo.processInfo.environment["CRESCENDO_MESSAGING"]
            let configuration = try configurationPath.map { try MessagingConfiguration.load(path: $0) }
            let summary = try await Workspace.withStore(try options.location()) { store in
                let desk = try await CampaignDesk.open(store)
                let outbox = try await MessagingDesk.open(store)
                let scheduler = SchedulerService(store: store, interval: .seconds(interval), retention: Int64(retentionDays * 86_400), logger: logger)
                let executor = ExecutorService(store: store, model: desk.model, worker: name, lease: Int64(lease), untilIdle: once, logger: logger)
                var dispatcher: Dispatcher?
                if let configuration { dispatcher = try await outbox.dispatcher(configuration, worker: name) }
                if configuration == nil { logger.notice("no messaging configuration (--messaging or $CRESCENDO_MESSAGING): messages wait in the outbox") }
                if once {
                    let launched = try await scheduler.tick(now: Int64(Date().timeIntervalSince1970))
                    try await executor.run()
                    var counts = Dispatcher.Counts()
                    if let dispatcher {
                        counts = try await outbox.drain(dispatcher)
                        for transport in dispatcher.transports.values { await transport.shutdown() }
                    }
                    return (launched.count, counts, try await outbox.repository.pendingCount())
                }
                var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: scheduler), .init(service: executor)]
                if let dispatcher { services.append(.init(service: DispatcherService(dispatcher: dispatcher, logger: logger))) }
                let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
                try await group.run()
                return (0, Dispatcher.Counts(), 0)
            }
            if options.json {
                struct Body: Encodable { var worker: String; var launched: Int; var messages: Dispatcher.Counts; var pending: Int }
                Output.printJSON(Body(worker: name, launched: summary.0, messages: summary.1, pending: summary.2))
            } else if once {
                let counts = summary.1
                print("worker \(name): \(summary.0) launched; messages: \(counts.sent) sent, \(counts.excluded) excluded, \(counts.failed) failed, \(counts.expired) expired, \(counts.rescheduled) rescheduled; \(summary.2) waiting in the outbox")
            }
            return .success
        }
    }
}
