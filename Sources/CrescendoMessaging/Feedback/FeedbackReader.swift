import CrescendoCore
import CrescendoFeedback
import Foundation

/// Turns bounce and complaint messages (DSN, ARF) into the feedback the outbox applies: a failed
/// permanent status is a hard bounce, a delay or a 4.x.x failure a soft bounce, a complaint
/// feeds suppression and opts the person out.
public enum FeedbackReader {
    /// What one file said: the feedback it carries, or why it carries none.
    public struct Read: Sendable {
        public var path: String
        public var feedback: [MessageRepository.Feedback]
        public var skipped: String?
    }

    /// `signer` checks the unsubscribe requests that List-Unsubscribe's mailto sends; without
    /// it they are skipped.
    public static func read(path: String, now: Int64, signer: LinkSigner? = nil) -> Read {
        let source = (path as NSString).lastPathComponent
        let message: FeedbackMessage
        do {
            message = try FeedbackMessage.parseFile(path: path)
        } catch {
            return Read(path: path, feedback: [], skipped: error.message)
        }
        switch message {
        case .delivery(let report):
            let feedback = report.recipients.compactMap { recipient -> MessageRepository.Feedback? in
                let kind: MessageRepository.FeedbackKind
                switch recipient.action {
                case .delivered, .relayed: kind = .delivered
                case .failed where recipient.isPermanent: kind = .hardBounce
                case .failed, .delayed: kind = .softBounce
                default: return nil
                }
                let detail = [recipient.status, recipient.diagnostic].compactMap { $0 }.joined(separator: " ")
                return .init(kind: kind, providerID: report.originalMessageID, address: recipient.finalRecipient, detail: detail.isEmpty ? nil : detail, at: now, source: "DSN \(source)")
            }
            return Read(path: path, feedback: feedback, skipped: feedback.isEmpty ? "a delivery report with no recipient to act on" : nil)
        case .complaint(let report):
            return Read(path: path, feedback: [.init(kind: .complaint, providerID: report.originalMessageID, address: report.originalRecipient, detail: report.feedbackType, at: now, source: "ARF \(source)")], skipped: nil)
        case .other(let reason):
            // An unsubscribe request to the List-Unsubscribe mailbox: its subject carries the token.
            if let bytes = FileManager.default.contents(atPath: path), let subject = MIMEPart(bytes: Array(bytes)).headers["Subject"], subject.lowercased().contains("unsubscribe") {
                guard let signer else { return Read(path: path, feedback: [], skipped: "an unsubscribe request, but no link secret to check it (--messaging)") }
                guard let id = signer.verify(unsubscribeSubject: subject) else { return Read(path: path, feedback: [], skipped: "an unsubscribe request whose token does not verify") }
                return Read(path: path, feedback: [.init(kind: .unsubscribe, messageID: id, at: now, source: "mailto \(source)")], skipped: nil)
            }
            return Read(path: path, feedback: [], skipped: reason)
        }
    }

    /// A file, or every regular file of a folder (sorted, hidden files left out).
    public static func files(at path: String) throws -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw CrescendoError(.unreadableInput, "\(path): no such file or folder")
        }
        guard isFolder.boolValue else { return [path] }
        let names = try FileManager.default.contentsOfDirectory(atPath: path).filter { !$0.hasPrefix(".") }.sorted()
        return names.map { (path as NSString).appendingPathComponent($0) }.filter {
            var folder: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0, isDirectory: &folder) && !folder.boolValue
        }
    }
}
