import CrescendoCore
import Foundation

/// Delivery callbacks SMS providers post after a send (a status webhook), read into the same
/// feedback as DSN messages: delivered, or a bounce sorted hard or soft by the provider's error
/// code. Statuses on the way (queued, sent) change nothing. The HTTP endpoint that receives them
/// comes with the server; `crescendo feedback callback` applies saved bodies today.
public enum ProviderCallback {
    public enum Provider: String, Sendable, CaseIterable {
        /// Twilio's status callback: a form POST with MessageSid, MessageStatus, ErrorCode, To.
        case twilio
        /// The generic webhook's: JSON `{"id", "status", "permanent", "reason"}`, `id` the outbox id we sent.
        case smsWebhook = "sms-webhook"
    }

    public struct Problem: Error, Sendable, CustomStringConvertible {
        public var field: String
        public var message: String
        public var description: String { "\(field): \(message)" }
    }

    /// Twilio errors that say the number will never take a text (hard), and the one that says
    /// the person replied STOP.
    static let twilioHard: Set<String> = ["30005", "30006", "21211", "21614", "21612", "30004"]
    static let twilioOptedOut: Set<String> = ["21610"]

    /// The feedback one callback body carries, or nil for a status that changes nothing.
    public static func feedback(_ provider: Provider, body: String, now: Int64) throws(Problem) -> MessageRepository.Feedback? {
        switch provider {
        case .twilio:
            var fields: [String: String] = [:]
            for pair in body.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0) }
                if parts.count == 2 { fields[parts[0]] = parts[1] }
            }
            guard let sid = fields["MessageSid"] ?? fields["SmsSid"], !sid.isEmpty else { throw Problem(field: "MessageSid", message: "missing: not a Twilio status callback") }
            guard let status = fields["MessageStatus"] ?? fields["SmsStatus"] else { throw Problem(field: "MessageStatus", message: "missing") }
            let code = fields["ErrorCode"].flatMap { $0.isEmpty ? nil : $0 }
            let detail = code.map { "Twilio error \($0)" }
            switch status {
            case "delivered":
                return .init(kind: .delivered, providerID: sid, address: fields["To"], channel: .sms, at: now, source: "twilio callback")
            case "undelivered", "failed":
                let kind: MessageRepository.FeedbackKind = code.map { twilioOptedOut.contains($0) ? .unsubscribe : twilioHard.contains($0) ? .hardBounce : .softBounce } ?? .softBounce
                return .init(kind: kind, providerID: sid, address: fields["To"], channel: .sms, detail: detail ?? status, at: now, source: "twilio callback")
            case "queued", "accepted", "scheduled", "sending", "sent", "read", "receiving", "received", "canceled":
                return nil
            default:
                throw Problem(field: "MessageStatus", message: "\"\(status)\" is not a Twilio message status")
            }
        case .smsWebhook:
            guard let object = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] else {
                throw Problem(field: "body", message: "not a JSON object")
            }
            guard let id = object["id"] as? String, !id.isEmpty else { throw Problem(field: "id", message: "missing: the outbox id the message was sent with") }
            guard let status = object["status"] as? String else { throw Problem(field: "status", message: "missing") }
            let reason = object["reason"] as? String
            switch status {
            case "delivered":
                return .init(kind: .delivered, messageID: id, channel: .sms, detail: reason, at: now, source: "sms-webhook callback")
            case "failed", "undelivered", "bounced":
                let permanent = object["permanent"] as? Bool ?? (status == "bounced")
                return .init(kind: permanent ? .hardBounce : .softBounce, messageID: id, channel: .sms, detail: reason ?? status, at: now, source: "sms-webhook callback")
            case "queued", "sent", "accepted":
                return nil
            default:
                throw Problem(field: "status", message: "\"\(status)\" must be delivered, failed, undelivered, bounced, queued, sent or accepted")
            }
        }
    }
}
