import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file so that a reader, or a crash, sees the old file or the new one and never part
/// of it: the bytes go to a temporary file in the same folder, are fsynced, the file is renamed
/// into place and the folder fsynced. The .eml folder and the other folder providers (JSON
/// messages, direct-mail extracts) all write through it.
public enum DurableFile {
    /// Writes `bytes` to `finalPath` atomically and durably, creating its folder when missing.
    public static func write(_ bytes: [UInt8], to finalPath: String) throws {
        let folder = (finalPath as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw EmailError(.io, "cannot create the folder \(folder)", cause: error)
        }
        let tempPath = (folder as NSString).appendingPathComponent(".\((finalPath as NSString).lastPathComponent).\(UUID().uuidString).tmp")
        let fd = open(tempPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw posixError("cannot write into \(folder) (creating \(tempPath))")
        }
        var closed = false
        defer {
            if !closed { close(fd) }
        }
        do {
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeBytes { buf in
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
        let dirFD = open(folder, O_RDONLY | O_CLOEXEC)
        if dirFD >= 0 {
            _ = fsync(dirFD)
            close(dirFD)
        }
    }

    /// A file name for an id: characters outside `[A-Za-z0-9._@+-]` become `_`, and when that
    /// (or truncation) changed anything a short hash of `original` is appended, so that distinct
    /// ids never share a file.
    public static func safeName(_ id: String, identifying original: String? = nil) -> String {
        var sanitized = ""
        var changed = false
        for scalar in id.unicodeScalars {
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
            let digest = SHA256.hash(data: Array((original ?? id).utf8))
            sanitized += "-" + hexLower(digest).prefix(12)
        }
        return sanitized
    }

    private static func posixError(_ message: String) -> EmailError {
        let code = errno
        let reason = String(cString: strerror(code))
        return EmailError(.io, "\(message): \(reason)", cause: POSIXErrorCode(rawValue: code).map { POSIXError($0) })
    }
}

@inline(__always)
private func posixWrite(_ fd: Int32, _ buf: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buf, count)
}
