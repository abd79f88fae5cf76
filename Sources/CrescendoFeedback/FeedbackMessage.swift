import Foundation

/// What an inbound feedback email turned out to be.
///
/// Bounce and complaint mailboxes also receive auto-replies, spam and
/// malformed mail; `.other` carries a short reason so such messages can be
/// logged and skipped without being mistaken for a report.
public enum FeedbackMessage: Sendable, Equatable {
    case delivery(DeliveryReport)
    case complaint(ComplaintReport)
    case other(reason: String)

    /// Parses a whole RFC 5322 message. Never traps: unreadable or
    /// unrecognised input yields `.other`.
    public static func parse(_ bytes: [UInt8]) -> FeedbackMessage {
        ReportParser.parse(bytes)
    }

    /// Convenience for `Data` input.
    public static func parse(_ data: Data) -> FeedbackMessage {
        parse([UInt8](data))
    }

    /// Reads and parses a message file (e.g. one maildir entry).
    /// - Throws: `FeedbackFileError` when the file cannot be read.
    public static func parseFile(path: String) throws(FeedbackFileError) -> FeedbackMessage {
        guard FileManager.default.fileExists(atPath: path) else {
            throw FeedbackFileError(code: .notFound, message: "no such file", path: path)
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw FeedbackFileError(code: .unreadable, message: error.localizedDescription, path: path)
        }
        return parse(data)
    }
}
