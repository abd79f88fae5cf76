#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Raw bytes of a file or of standard input, read with plain `read(2)` into the caller's buffer
/// so no copy or Foundation overhead sits between the kernel and the parser.
///
/// The descriptor is closed when the last copy of the source goes away (never for standard input).
public struct FileByteSource: ByteSource {
    /// Owns the descriptor so it is closed exactly once, whatever copies of the struct exist.
    private final class Descriptor {
        let fd: Int32
        let owned: Bool
        init(fd: Int32, owned: Bool) {
            self.fd = fd
            self.owned = owned
        }
        deinit { if owned { _ = close(fd) } }
    }

    private let descriptor: Descriptor
    /// How the input is named in error messages.
    public let name: String

    /// Opens `path` for reading; fails up front, naming the path, so a bad argument is reported
    /// before any work starts.
    public init(path: String) throws {
        var fd: Int32
        repeat {
            fd = open(path, O_RDONLY | O_CLOEXEC)
        } while fd < 0 && errno == EINTR
        guard fd >= 0 else {
            throw InputError(.unreadable, "cannot open input '\(path)': \(Self.errorText(errno))")
        }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            _ = close(fd)
            throw InputError(.unreadable, "cannot read input '\(path)': it is a directory")
        }
        self.descriptor = Descriptor(fd: fd, owned: true)
        self.name = path
    }

    /// Reads the process's standard input (for `-` on the command line); `name` is used in messages.
    public init(standardInput name: String) {
        self.descriptor = Descriptor(fd: 0, owned: false)
        self.name = name
    }

    /// Reads directly into `buffer`; retries on EINTR and reports failures naming the input.
    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            #if canImport(Darwin)
            let n = Darwin.read(descriptor.fd, base, buffer.count)
            #elseif canImport(Musl)
            let n = Musl.read(descriptor.fd, base, buffer.count)
            #else
            let n = Glibc.read(descriptor.fd, base, buffer.count)
            #endif
            if n >= 0 { return n }
            let code = errno
            if code == EINTR { continue }
            throw InputError(.unreadable, "cannot read input '\(name)': \(Self.errorText(code))")
        }
    }

    static func errorText(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
