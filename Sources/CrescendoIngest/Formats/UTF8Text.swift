#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Fast `String` creation from UTF-8 bytes that rejects invalid input instead of repairing it.
///
/// `String(validating:as:)` takes a generic path that is several times slower than
/// `String(decoding:as:)`; decoding (which replaces invalid sequences with U+FFFD) and checking
/// that the bytes came through unchanged gives the same answer at close to decoding speed.
enum UTF8Text {
    @inline(__always)
    static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return "" }
        var text = String(decoding: bytes, as: UTF8.self)
        let unchanged = text.withUTF8 { decoded in
            decoded.count == bytes.count && memcmp(decoded.baseAddress!, source, bytes.count) == 0
        }
        return unchanged ? text : nil
    }

    /// For bytes already known to be ASCII (no byte >= 0x80), which need no validation.
    @inline(__always)
    static func asciiString(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        bytes.isEmpty ? "" : String(decoding: bytes, as: UTF8.self)
    }

    static func string(_ bytes: [UInt8]) -> String? {
        bytes.withUnsafeBufferPointer { string($0) }
    }
}
