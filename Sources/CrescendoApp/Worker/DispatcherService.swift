import CrescendoCore
import Foundation
import Logging
import ServiceLifecycle

/// Sends the outbox: dispatches batch after batch while messages are due, sleeps when none is.
/// On graceful shutdown it finishes the batch in hand (every send it started is recorded) and
/// returns; a killed worker's claims run out and another worker sends them.
public struct DispatcherService: Service {
    public let dispatcher: Dispatcher
    public let poll: Duration
    /// Stop once nothing is due now (`crescendo worker --once`).
    public let untilIdle: Bool
    public let logger: Logger

    public init(dispatcher: Dispatcher, poll: Duration = .seconds(1), untilIdle: Bool = false, logger: Logger) {
        self.dispatcher = dispatcher
        self.poll = poll
        self.untilIdle = untilIdle
        self.logger = logger
    }

    public func run() async throws {
        do {
            try await loop()
        } catch {
            await shutdownTransports()
            throw error
        }
        await shutdownTransports()
    }

    func loop() async throws {
        // Extracts a crash left unwritten are finished first.
        log(try await dispatcher.finishExtracts())
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let counts = try await dispatcher.dispatchOnce()
            for problem in counts.extractProblems { logger.error("\(problem)") }
            if counts.claimed > 0 {
                logger.info("outbox: \(counts.sent) sent, \(counts.excluded) excluded, \(counts.rescheduled) rescheduled, \(counts.failed) failed, \(counts.expired) expired\(counts.extracts > 0 ? ", \(counts.extracts) extract(s) written" : "")")
                continue
            }
            if untilIdle { log(try await dispatcher.finishExtracts()) }
            if untilIdle { break }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: poll) }
        }
    }

    func log(_ finished: (records: [ExtractRecord], problems: [String])) {
        for record in finished.records { logger.info("extract: \(record.rows) letters in \(record.location)") }
        for problem in finished.problems { logger.error("\(problem)") }
    }

    func shutdownTransports() async {
        for transport in dispatcher.transports.values { await transport.shutdown() }
    }
}
