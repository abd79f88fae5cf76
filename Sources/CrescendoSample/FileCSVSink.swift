#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes CSV to a file through a large buffer with plain POSIX calls.
///
/// Going through `FileHandle`/`Data` per chunk would add copies and Objective-C-style errors that do not
/// say which file failed; this sink reports every failure with the path and the system's reason.
/// Call `close()` when done: it flushes the tail of the buffer, and only then is the file complete.
public struct FileCSVSink: CSVSink {
    /// The path the sink writes to, echoed in every error.
    public let path: String
    private var descriptor: Int32
    private var buffer: [UInt8]
    private let capacity: Int

    /// Creates or truncates the file. `bufferSize` trades memory for fewer system calls.
    public init(path: String, bufferSize: Int = 1 << 20) throws {
        self.path = path
        self.capacity = max(4096, bufferSize)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw CSVSinkError(path: path, operation: "open", code: errno) }
        self.descriptor = fd
        self.buffer = []
        buffer.reserveCapacity(capacity)
    }

    public mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard descriptor >= 0 else { throw CSVSinkError(path: path, message: "write after close") }
        if buffer.count + bytes.count > capacity {
            try flush()
        }
        if bytes.count >= capacity {
            try Self.writeFully(descriptor, bytes, path: path)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    /// Pushes buffered bytes to the operating system without closing.
    public mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        let fd = descriptor
        let path = self.path
        try buffer.withUnsafeBytes { try Self.writeFully(fd, $0, path: path) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes; safe to call twice. A failing close is reported because NFS and full disks
    /// can surface write errors only there.
    public mutating func close() throws {
        guard descriptor >= 0 else { return }
        defer { descriptor = -1 }
        do {
            try flush()
        } catch {
            _ = systemClose(descriptor)
            throw error
        }
        if systemClose(descriptor) != 0 {
            throw CSVSinkError(path: path, operation: "close", code: errno)
        }
    }

    private static func writeFully(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        guard var pointer = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let written = systemWrite(fd, pointer, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                throw CSVSinkError(path: path, operation: "write", code: errno)
            }
            pointer += written
            remaining -= written
        }
    }
}

@inline(__always)
private func systemWrite(_ fd: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, pointer, count)
}

@inline(__always)
private func systemClose(_ fd: Int32) -> Int32 {
    close(fd)
}
