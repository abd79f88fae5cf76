/// Replays bytes that were read ahead (to sniff the format) before continuing with the base,
/// so detection never loses input, even on a pipe that cannot seek.
struct PeekedByteSource<Base: ByteSource>: ByteSource {
    private var base: Base
    private var prefix: [UInt8]
    private var offset = 0

    /// Reads up to `count` bytes from `base` so they can be inspected with ``peeked``.
    init(base: Base, peeking count: Int) throws {
        self.base = base
        self.prefix = []
        var scratch = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = try scratch.withUnsafeMutableBytes { raw in
                try self.base.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]))
            }
            if n == 0 { break }
            filled += n
        }
        self.prefix = Array(scratch[..<filled])
    }

    /// The bytes read ahead (fewer than requested only if the input is that short).
    var peeked: [UInt8] { prefix }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        if offset < prefix.count {
            let n = min(buffer.count, prefix.count - offset)
            prefix.withUnsafeBytes { raw in
                buffer.baseAddress!.copyMemory(from: raw.baseAddress! + offset, byteCount: n)
            }
            offset += n
            return n
        }
        return try base.read(into: buffer)
    }
}
