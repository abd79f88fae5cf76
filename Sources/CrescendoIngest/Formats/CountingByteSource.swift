import Synchronization

/// How many bytes of an input have been read so far, shared with whoever draws progress.
public final class ReadProgress: Sendable {
    private let counter = Atomic<Int>(0)

    public init() {}

    public var bytes: Int { counter.load(ordering: .relaxed) }

    func add(_ count: Int) { counter.add(count, ordering: .relaxed) }
}

/// Counts the bytes its base delivers, so a progress bar can show how much of a file (the
/// compressed file, for gzip) has been read.
public struct CountingByteSource<Base: ByteSource>: ByteSource {
    private var base: Base
    private let progress: ReadProgress

    public init(base: Base, progress: ReadProgress) {
        self.base = base
        self.progress = progress
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = try base.read(into: buffer)
        progress.add(count)
        return count
    }
}
