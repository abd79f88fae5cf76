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
