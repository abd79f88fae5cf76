import Logging
import NIOCore
import NIOPosix

/// Up to `configuration.maxConnections` SMTP sessions shared by concurrent senders.
///
/// `send` borrows an idle connection, or opens one while below the limit, or waits (in FIFO order)
/// for one to be returned. A connection goes back to the pool after each message and is retired
/// (QUIT) after `maxMessagesPerConnection` messages or once an error has left it unusable; a refused
/// message (e.g. a 550 recipient) does not retire it because the session is reset with RSET.
/// `close()` fails waiting senders with `.poolClosed`, lets in-flight messages finish and QUITs every
/// connection. Cancelling a task that waits for a connection ends its wait with `CancellationError`.
public actor SMTPConnectionPool {
    public nonisolated let configuration: SMTPConfiguration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger

    private struct Waiter {
        var id: UInt64
        /// Resumed with a connection to use, or with nil: a connection slot was handed over, open one.
        var continuation: CheckedContinuation<SMTPConnection?, any Error>
    }

    private var idle: [SMTPConnection] = []
    /// Connections open or being opened, idle or lent out.
    private var openCount = 0
    private var waiters: [Waiter] = []
    private var nextWaiterID: UInt64 = 0
    private var isClosed = false
    private var closeWaiters: [CheckedContinuation<Void, Never>] = []

    public init(
        configuration: SMTPConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "crescendo.smtp.pool")
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Connections open or being opened.
    public var openConnectionCount: Int { openCount }
    /// Connections waiting in the pool for the next message.
    public var idleConnectionCount: Int { idle.count }

    /// Sends one message on a pooled connection; see `SMTPConnection.send(from:to:data:)`.
    public func send(from: String, to recipients: [String], data: [UInt8]) async throws -> SMTPReply {
        let connection = try await checkOut()
        do {
            let reply = try await connection.send(from: from, to: recipients, data: data)
            await checkIn(connection)
            return reply
        } catch {
            await checkIn(connection)
            throw error
        }
    }

    /// Fails waiting senders, waits for messages in flight, then QUITs every connection.
    public func close() async {
        if !isClosed {
            isClosed = true
            let waiters = self.waiters
            self.waiters.removeAll()
            for waiter in waiters {
                waiter.continuation.resume(throwing: SMTPError(.poolClosed, "the SMTP connection pool was closed"))
            }
            let idle = self.idle
            self.idle.removeAll()
            openCount -= idle.count
            await withTaskGroup(of: Void.self) { group in
                for connection in idle { group.addTask { await connection.close() } }
            }
        }
        if openCount > 0 {
            await withCheckedContinuation { closeWaiters.append($0) }
        }
    }

    // MARK: - Lending

    private func checkOut() async throws -> SMTPConnection {
        if isClosed { throw SMTPError(.poolClosed, "the SMTP connection pool is closed") }
        if let connection = idle.popLast() {
            if await connection.isUsable { return connection }
            // Dropped by the server while idle: keep its slot and replace it.
            await connection.close()
            return try await openConnection()
        }
        if openCount < configuration.maxConnections {
            openCount += 1
            return try await openConnection()
        }
        if let connection = try await waitForConnection() { return connection }
        return try await openConnection()
    }

    /// Opens a connection for a slot the caller already holds; gives the slot back on failure.
    private func openConnection() async throws -> SMTPConnection {
        do {
            let connection = try await SMTPConnection.connect(
                configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
            logger.debug("opened SMTP connection", metadata: ["smtp.open": "\(openCount)"])
            return connection
        } catch {
            releaseSlot()
            throw error
        }
    }

    private func waitForConnection() async throws -> SMTPConnection? {
        let id = nextWaiterID
        nextWaiterID += 1
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<SMTPConnection?, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    waiters.append(Waiter(id: id, continuation: continuation))
                }
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    private func cancelWaiter(_ id: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: CancellationError())
    }

    private func checkIn(_ connection: SMTPConnection) async {
        let usable = await connection.isUsable
        let sent = await connection.messagesSent
        if usable, sent < configuration.maxMessagesPerConnection, !isClosed {
            if !waiters.isEmpty {
                waiters.removeFirst().continuation.resume(returning: connection)
            } else {
                idle.append(connection)
            }
            return
        }
        await connection.close()
        releaseSlot()
    }

    /// A connection went away: hand its slot to a waiter or free it.
    private func releaseSlot() {
        if !isClosed, !waiters.isEmpty {
            waiters.removeFirst().continuation.resume(returning: nil)
            return
        }
        openCount -= 1
        if openCount == 0 {
            let closeWaiters = self.closeWaiters
            self.closeWaiters.removeAll()
            for waiter in closeWaiters { waiter.resume() }
        }
    }
}
