/// A type-erased ``ByteSource``, so that an input chosen at run time (plain or gzip, file or
/// standard input) can feed the generic readers; the dynamic dispatch costs one call per chunk.
public struct AnyByteSource: ByteSource {
    private var base: any ByteSource

    /// Wraps `base` (an `AnyByteSource` is not wrapped twice).
    public init(_ base: any ByteSource) {
        if let erased = base as? AnyByteSource {
            self = erased
        } else {
            self.base = base
        }
    }

    /// Forwards to the wrapped source.
    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try base.read(into: buffer)
    }
}
