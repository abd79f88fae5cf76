#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The JSON Lines state and hot path behind ``JSONLinesReader``, free of generics so it is
/// compiled once and fully optimised: line splitting, parsing, and mapping keys to columns.
///
/// Keys are matched to columns by comparing their raw bytes with the keys seen at the same
/// position on the previous differing line, so the common case (every line has the same key
/// order) costs one `memcmp` per key: no key strings, no hashing.
struct JSONLinesDecoder {
    let buffer: ChunkBuffer
    private(set) var columns: [String] = []
    private var parser = JSONLineParser()
    private var columnIndex: [String: Int] = [:]
    /// Per column, the number of the last line that set it (detects repeated keys without a set per line).
    private var seenOnLine: [Int] = []
    private var resolved: [Int] = []
    private var newKeys: [String] = []
    /// Raw key bytes of the cached line, back to back, and per member position where they are.
    private var cachedKeyBytes: [UInt8] = []
    private var cachedKeys: [(offset: Int, count: Int, column: Int)] = []
    private var values: [String?] = []
    /// Number of the last line read.
    private var line = 0
    /// A line longer than this is consumed without buffering and reported as malformed.
    let maxLineBytes: Int
    /// Set while consuming an oversized line.
    private var skippingLongLine = false

    enum Step {
        case item(ReadItem)
        case needMore
        case end
    }

    init(chunkSize: Int, maxLineBytes: Int) {
        self.buffer = ChunkBuffer(capacity: chunkSize)
        self.maxLineBytes = max(1, maxLineBytes)
    }

    /// Reads the next non-blank line; `.needMore` asks the caller to refill the buffer and call again.
    mutating func step() -> Step {
        while true {
            let base = buffer.base
            let start = buffer.start
            let lineEnd: Int
            if let hit = memchr(base + start, 0x0A, buffer.end - start) {
                lineEnd = hit.assumingMemoryBound(to: UInt8.self) - base
                buffer.start = lineEnd + 1
            } else if buffer.isAtEnd {
                if start == buffer.end { return .end }
                lineEnd = buffer.end
                buffer.start = lineEnd
            } else if buffer.end - start >= maxLineBytes || skippingLongLine {
                // Too long to buffer: drop what we have and keep looking for the line's end.
                if !skippingLongLine { line += 1 }
                skippingLongLine = true
                buffer.start = buffer.end
                return .needMore
            } else {
                return .needMore
            }
            if skippingLongLine {
                skippingLongLine = false
                return .item(.malformed(line: line, reason: "line is longer than \(maxLineBytes) bytes"))
            }
            line += 1
            // Skip the UTF-8 byte order mark some tools write.
            var first = start
            if line == 1, lineEnd - first >= 3, base[first] == 0xEF, base[first + 1] == 0xBB, base[first + 2] == 0xBF {
                first += 3
            }
            // Blank (whitespace-only) lines are skipped; leading whitespace stays so columns in messages are right.
            var last = lineEnd
            while last > first, base[last - 1] == 0x20 || base[last - 1] == 0x09 || base[last - 1] == 0x0D { last -= 1 }
            var firstNonBlank = first
            while firstNonBlank < last, base[firstNonBlank] == 0x20 || base[firstNonBlank] == 0x09 { firstNonBlank += 1 }
            if firstNonBlank == last { continue }

            do {
                try parser.parseObject(UnsafeBufferPointer(start: base + first, count: last - first))
            } catch {
                return .item(.malformed(line: line, reason: error.description))
            }
            return .item(record())
        }
    }

    /// Maps the parsed members onto columns, adding new columns only once the line is known good.
    private mutating func record() -> ReadItem {
        let count = parser.memberCount
        resolved.removeAll(keepingCapacity: true)
        newKeys.removeAll(keepingCapacity: true)
        var missed = false
        for j in 0..<count {
            var index: Int
            if let cached = cachedColumn(j) {
                index = cached
            } else {
                missed = true
                let key: String
                do {
                    key = try parser.keyText(j)
                } catch {
                    return .malformed(line: line, reason: error.description)
                }
                if let existing = columnIndex[key] {
                    index = existing
                } else {
                    if newKeys.contains(key) { return duplicate(key) }
                    index = columns.count + newKeys.count
                    newKeys.append(key)
                }
            }
            if index < columns.count {
                if seenOnLine[index] == line { return duplicate(columns[index]) }
                seenOnLine[index] = line
            }
            resolved.append(index)
        }
        for key in newKeys {
            columnIndex[key] = columns.count
            columns.append(key)
            seenOnLine.append(line)
        }
        if missed { cacheKeys(count) }

        if values.count < columns.count {
            values.append(contentsOf: repeatElement(nil, count: columns.count - values.count))
        }
        let parsed = parser.values
        let resolved = self.resolved
        values.withUnsafeMutableBufferPointer { out in
            for k in out.indices { out[k] = nil }
            for j in 0..<count { out[resolved[j]] = parsed[j] }
        }
        return .record(RawRecord(line: line, values: values))
    }

    /// The column of member `j` if its raw key bytes equal the cached key at that position.
    @inline(__always)
    private func cachedColumn(_ j: Int) -> Int? {
        guard j < cachedKeys.count, !parser.keys[j].escaped else { return nil }
        let entry = cachedKeys[j]
        let raw = parser.rawKey(j)
        guard entry.count == raw.count else { return nil }
        if raw.isEmpty { return entry.column }
        let same = cachedKeyBytes.withUnsafeBufferPointer { bytes in
            memcmp(bytes.baseAddress! + entry.offset, raw.baseAddress!, raw.count) == 0
        }
        return same ? entry.column : nil
    }

    /// Remembers this line's keys (escaped keys are never matched raw).
    private mutating func cacheKeys(_ count: Int) {
        cachedKeyBytes.removeAll(keepingCapacity: true)
        cachedKeys.removeAll(keepingCapacity: true)
        for j in 0..<count {
            let raw = parser.rawKey(j)
            cachedKeys.append((cachedKeyBytes.count, parser.keys[j].escaped ? -1 : raw.count, resolved[j]))
            cachedKeyBytes.append(contentsOf: raw)
        }
    }

    private func duplicate(_ key: String) -> ReadItem {
        .malformed(line: line, reason: "duplicate key \"\(key)\" in object")
    }
}
