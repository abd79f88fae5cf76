import CrescendoCore
import CrescendoEmail
import Foundation

/// Turns a rendered email into the bytes on the wire: MIME, a Message-ID derived from the outbox
/// id (a repeat after a crash carries the same Message-ID), and the DKIM signature.
public struct EmailComposer: Sendable {
    public let from: EmailAddress
    public let replyTo: EmailAddress?
    public let domain: String
    public let signer: DKIMSigner?

    public init(from: EmailAddress, replyTo: EmailAddress?, domain: String, signer: DKIMSigner?) {
        self.from = from
        self.replyTo = replyTo
        self.domain = domain
        self.signer = signer
    }

    public func messageID(for id: String) -> String { EmailMessage.messageID(parts: ["crescendo", id], domain: domain) }

    public func compose(_ message: RenderedMessage) throws -> (messageID: String, bytes: [UInt8]) {
        let to: EmailAddress
        do {
            to = try EmailAddress(parsing: message.address)
        } catch {
            throw TransportFailure(permanent: true, addressRejected: true, message: "\"\(message.address)\" is not a valid email address (\(error))")
        }
        let messageID = messageID(for: message.id)
        let email = try EmailMessage(
            from: from, to: to, replyTo: replyTo, subject: message.parts["subject"] ?? "",
            textBody: message.parts["text"], htmlBody: message.parts["html"],
            headers: try message.headers.map { try EmailHeader($0.name, $0.value) },
            date: Date(timeIntervalSince1970: Double(message.date)), messageID: messageID)
        var bytes = email.render()
        // The signature's timestamp is the message's date, so a repeat is byte-identical.
        if let signer { bytes = try signer.sign(bytes, timestamp: Date(timeIntervalSince1970: Double(message.date))) }
        return (messageID, bytes)
    }
}

/// Writes each email as an .eml file in a folder (written atomically, one file per Message-ID):
/// what the demo and development send to instead of a mail server.
public struct EMLFolderTransport: MessageTransport {
    public let folder: EMLFolder
    public let composer: EmailComposer

    public init(folder: EMLFolder, composer: EmailComposer) {
        self.folder = folder
        self.composer = composer
    }

    public func send(_ message: RenderedMessage) async throws -> String? {
        let (messageID, bytes) = try composer.compose(message)
        do {
            _ = try folder.write(bytes, messageID: messageID)
        } catch {
            throw TransportFailure(permanent: false, message: "\(error)")
        }
        return messageID
    }

    public func shutdown() async {}
}

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
