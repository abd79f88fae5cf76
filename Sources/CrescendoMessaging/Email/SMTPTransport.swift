import CrescendoCore
import CrescendoEmail
import Foundation

/// Sends through an SMTP relay over a pool of reused connections. 5xx replies are permanent
/// (5.1.x about the recipient feeds suppression); 4xx, timeouts and lost connections are retried.
public struct SMTPTransport: MessageTransport {
    public let pool: SMTPConnectionPool
    public let composer: EmailComposer
    /// The envelope sender (bounces go there).
    public let envelopeFrom: String

    public init(pool: SMTPConnectionPool, composer: EmailComposer, envelopeFrom: String) {
        self.pool = pool
        self.composer = composer
        self.envelopeFrom = envelopeFrom
    }

    public func send(_ message: RenderedMessage) async throws -> String? {
        let (messageID, bytes) = try composer.compose(message)
        do {
            _ = try await pool.send(from: envelopeFrom, to: [message.address], data: bytes)
        } catch let error as SMTPError {
            let aboutRecipient = error.reply.map { reply in reply.enhanced.map { $0.statusClass == 5 && $0.subject == 1 } ?? (reply.code == 550 || reply.code == 553) } ?? false
            throw TransportFailure(permanent: error.isPermanent, addressRejected: error.isPermanent && aboutRecipient, message: error.message)
        }
        return messageID
    }

    public func shutdown() async { await pool.close() }
}
