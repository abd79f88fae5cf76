#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file sink failure; the message always names the path so a multi-file export says which one broke.
public struct CSVSinkError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    init(path: String, operation: String, code: Int32) {
        self.init(path: path, message: "cannot \(operation): \(String(cString: strerror(code)))")
    }

    public var description: String { "\(path): \(message)" }
}
