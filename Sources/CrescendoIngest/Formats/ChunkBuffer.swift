/// The readers' input window: one reusable allocation refilled in large reads, so memory stays
/// constant and only a record that straddles a refill is moved.
///
/// Bytes `start..<end` are read but not yet consumed. A reader that finds a record cut off at
/// `end` leaves `start` at the record's beginning and calls ``refill(from:)``, which moves the
/// partial record to the front, grows the buffer only if that record fills it entirely, and reads
/// until the buffer is full or the input ends (so a long record is rescanned a logarithmic number
/// of times, not once per read).
final class ChunkBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    var start = 0
    private(set) var end = 0
    private(set) var isAtEnd = false

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        self.base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Reads more input; returns whether any bytes were added (false only at end of input).
    func refill<Source: ByteSource>(from source: inout Source) throws -> Bool {
        if isAtEnd { return false }
        if start > 0 {
            let pending = end - start
            if pending > 0 { base.update(from: base + start, count: pending) }
            start = 0
            end = pending
        }
        if end == capacity {
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            bigger.moveInitialize(from: base, count: end)
            base.deallocate()
            base = bigger
            capacity *= 2
        }
        let before = end
        while end < capacity {
            let n = try source.read(into: UnsafeMutableRawBufferPointer(start: base + end, count: capacity - end))
            if n == 0 {
                isAtEnd = true
                break
            }
            end += n
        }
        return end > before
    }
}
