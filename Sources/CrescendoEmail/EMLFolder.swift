import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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
        var sanitized = ""
        var changed = false
        for scalar in core.unicodeScalars {
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "@", "+", "-":
                sanitized.unicodeScalars.append(scalar)
            default:
                sanitized.append("_")
                changed = true
            }
        }
        if sanitized.hasPrefix(".") {
            sanitized = "_" + sanitized.dropFirst()
            changed = true
        }
        if sanitized.utf8.count > 180 {
            sanitized = String(sanitized.prefix(180))
            changed = true
        }
        if sanitized.isEmpty || changed {
            let digest = SHA256.hash(data: Array(messageID.utf8))
            sanitized += "-" + hexLower(digest).prefix(12)
        }
        return sanitized + ".eml"
    }

    /// Writes the message atomically and durably; returns the file's path.
    @discardableResult
    public func write(_ message: [UInt8], messageID: String) throws -> String {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw EmailError(.io, "cannot create EML folder \(path)", cause: error)
        }
        let name = Self.fileName(forMessageID: messageID)
        let finalPath = (path as NSString).appendingPathComponent(name)
        let tempPath = (path as NSString).appendingPathComponent(".\(name).\(UUID().uuidString).tmp")

        let fd = open(tempPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw posixError("cannot write to EML folder \(path) (creating \(tempPath))")
        }
        var closed = false
        defer {
            if !closed { close(fd) }
        }
        do {
            var offset = 0
            while offset < message.count {
                let n = message.withUnsafeBytes { buf in
                    posixWrite(fd, buf.baseAddress! + offset, buf.count - offset)
                }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw posixError("cannot write \(tempPath)")
                }
                offset += n
            }
            guard fsync(fd) == 0 else { throw posixError("cannot fsync \(tempPath)") }
            closed = true
            guard close(fd) == 0 else { throw posixError("cannot close \(tempPath)") }
            guard rename(tempPath, finalPath) == 0 else {
                throw posixError("cannot rename \(tempPath) to \(finalPath)")
            }
        } catch {
            unlink(tempPath)
            throw error
        }
        // Make the rename itself durable; failure here is not fatal to the write.
        let dirFD = open(path, O_RDONLY | O_CLOEXEC)
        if dirFD >= 0 {
            _ = fsync(dirFD)
            close(dirFD)
        }
        return finalPath
    }

    private func posixError(_ message: String) -> EmailError {
        let code = errno
        let reason = String(cString: strerror(code))
        return EmailError(.io, "\(message): \(reason)", cause: POSIXErrorCode(rawValue: code).map { POSIXError($0) })
    }
}

@inline(__always)
private func posixWrite(_ fd: Int32, _ buf: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buf, count)
}
