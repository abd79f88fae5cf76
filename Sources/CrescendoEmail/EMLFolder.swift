import Foundation

/// A folder of `.eml` files, one per message, named after the Message-ID — a delivery
/// target for dry runs, review and tests that needs no mail server.
///
/// Each write goes to a temporary file in the same folder, is fsynced, then renamed into
/// place, so a reader or a crash never sees half a message. Because the name comes from
/// the Message-ID, writing the same message again (a retried send) replaces the file
/// instead of adding a second one.
public struct EMLFolder: Sendable, Hashable {
    public let path: String

    /// - Parameter path: the folder; created on first write if missing.
    public init(path: String) {
        self.path = path
    }

    /// The file name used for a Message-ID: its characters outside `[A-Za-z0-9._@+-]`
    /// become `_`, and when that (or truncation) changed anything a short hash of the
    /// original ID is appended so that distinct IDs never share a file.
    public static func fileName(forMessageID messageID: String) -> String {
        var core = messageID
        if core.hasPrefix("<") && core.hasSuffix(">") && core.count >= 2 {
            core = String(core.dropFirst().dropLast())
        }
        return DurableFile.safeName(core, identifying: messageID) + ".eml"
    }

    /// Writes the message atomically and durably; returns the file's path.
    @discardableResult
    public func write(_ message: [UInt8], messageID: String) throws -> String {
        let finalPath = (path as NSString).appendingPathComponent(Self.fileName(forMessageID: messageID))
        try DurableFile.write(message, to: finalPath)
        return finalPath
    }
}
