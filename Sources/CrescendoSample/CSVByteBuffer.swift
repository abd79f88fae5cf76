/// The output block every generator writes into, handed to a sink in large chunks.
///
/// Millions of rows per second rule out `String` interpolation and Foundation formatters. Rows are
/// formatted by a `CSVRowWriter` that holds its cursor in a local pointer: byte stores through a
/// pointer into this struct's own storage would otherwise force the compiler to reload `count` after
/// every byte. Create it with `withBuffer` so the memory is always released.
struct CSVByteBuffer {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0
    private var dates = CSVRowWriter.DateTable()

    /// Chunk size handed to sinks; large enough to amortise sink calls, small enough to stay in cache.
    static let flushThreshold = 256 * 1024

    private init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    static func withBuffer<R>(_ body: (inout CSVByteBuffer) throws -> R) rethrows -> R {
        var buffer = CSVByteBuffer(capacity: flushThreshold + 64 * 1024)
        defer {
            buffer.base.deallocate()
            buffer.dates.deallocate()
        }
        return try body(&buffer)
    }

    /// Pre-formats every date in `days` so hot loops copy 10 bytes instead of converting day numbers to
    /// civil dates; days outside the window are still converted on the fly.
    mutating func cacheDates(_ days: ClosedRange<Int>) {
        dates.deallocate()
        dates = CSVRowWriter.DateTable(days)
    }

    /// Formats one row (or part of one) with room for at least `maxBytes`.
    ///
    /// The writer does no bounds checks of its own, so overrunning the promise is a programming error;
    /// it is caught right after the body runs.
    @inline(__always)
    mutating func row(maxBytes: Int, _ body: (inout CSVRowWriter) -> Void) {
        if count + maxBytes > capacity { grow(count + maxBytes) }
        let start = base + count
        var writer = CSVRowWriter(start: start, dates: dates)
        body(&writer)
        let written = writer.cursor - start
        precondition(written <= maxBytes, "CSV row overran its \(maxBytes)-byte reservation")
        count += written
    }

    /// Hands everything written so far to `sink` once a chunk's worth has accumulated.
    @inline(__always)
    mutating func flushIfNeeded(into sink: inout some CSVSink) throws {
        if count >= Self.flushThreshold { try flush(into: &sink) }
    }

    mutating func flush(into sink: inout some CSVSink) throws {
        guard count > 0 else { return }
        try sink.write(UnsafeRawBufferPointer(start: base, count: count))
        count = 0
    }

    private mutating func grow(_ needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// A header row of plain column names.
    mutating func header(_ columns: [String]) {
        let names = columns.map { Array($0.utf8) }
        row(maxBytes: names.reduce(1) { $0 + 2 * $1.count + 3 }) { w in
            for (i, name) in names.enumerated() {
                if i > 0 { w.comma() }
                w.field(name)
            }
            w.newline()
        }
    }
}
