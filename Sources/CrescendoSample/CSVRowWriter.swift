/// Formats CSV values at a raw cursor inside a `CSVByteBuffer` row reservation.
///
/// No bounds checks: `CSVByteBuffer.row(maxBytes:_:)` reserves the space and verifies the total, so
/// the per-value cost is just the formatting.
struct CSVRowWriter {
    private(set) var cursor: UnsafeMutablePointer<UInt8>
    private let dates: DateTable

    init(start: UnsafeMutablePointer<UInt8>, dates: DateTable) {
        cursor = start
        self.dates = dates
    }

    /// Pre-formatted `YYYY-MM-DD` texts for a window of day numbers, owned by the `CSVByteBuffer`.
    struct DateTable {
        let text: UnsafeMutablePointer<UInt8>?
        let firstDay: Int
        let days: Int

        init() {
            text = nil
            firstDay = 0
            days = 0
        }

        init(_ range: ClosedRange<Int>) {
            let table = UnsafeMutablePointer<UInt8>.allocate(capacity: range.count * 10)
            for (i, day) in range.enumerated() {
                CSVRowWriter.formatDate(day, at: table + i * 10)
            }
            text = table
            firstDay = range.lowerBound
            days = range.count
        }

        func deallocate() { text?.deallocate() }
    }

    // MARK: - Separators

    @inline(__always)
    mutating func byte(_ b: UInt8) {
        cursor.pointee = b
        cursor += 1
    }

    @inline(__always) mutating func comma() { byte(UInt8(ascii: ",")) }
    @inline(__always) mutating func newline() { byte(UInt8(ascii: "\n")) }

    // MARK: - Text

    /// Bytes known not to need CSV quoting (identifiers, codes, ASCII literals).
    @inline(__always)
    mutating func raw(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { raw($0) }
    }

    @inline(__always)
    mutating func raw(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        cursor.update(from: source, count: bytes.count)
        cursor += bytes.count
    }

    @inline(__always)
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { raw($0) }
    }

    /// A catalog string that needs no quoting.
    @inline(__always)
    mutating func raw(_ arena: UnsafeBufferPointer<UInt8>, _ span: SampleTables.Span) {
        (cursor).update(from: arena.baseAddress! + span.start, count: span.count)
        cursor += span.count
    }

    /// A catalog string as a CSV field (quoted if needed).
    @inline(__always)
    mutating func field(_ arena: UnsafeBufferPointer<UInt8>, _ span: SampleTables.Span) {
        field(UnsafeBufferPointer(rebasing: arena[span.start..<span.start + span.count]))
    }

    /// Quotes, in place, a field whose raw bytes were written starting at `start`, if it needs it.
    /// Needs up to `count + 2` more bytes.
    mutating func quoteFieldIfNeeded(from start: UnsafeMutablePointer<UInt8>) {
        let length = cursor - start
        var quotes = 0
        var special = false
        for i in 0..<length {
            let b = start[i]
            if b == 0x22 { quotes += 1; special = true } else if b == 0x2C || b == 0x0A || b == 0x0D { special = true }
        }
        guard special else { return }
        // Shift right from the end so nothing is overwritten before it is moved.
        var source = length - 1
        var target = length + quotes + 1
        start[target] = 0x22
        target -= 1
        while source >= 0 {
            let b = start[source]
            start[target] = b
            target -= 1
            if b == 0x22 { start[target] = 0x22; target -= 1 }
            source -= 1
        }
        start[0] = 0x22
        cursor = start + length + quotes + 2
    }

    /// A text field, quoted per RFC 4180 only when it contains a comma, quote, CR or LF.
    /// Needs up to `2 * count + 2` bytes.
    @inline(__always)
    mutating func field(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { field($0) }
    }

    mutating func field(_ bytes: UnsafeBufferPointer<UInt8>) {
        var needsQuotes = false
        for b in bytes where b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D {
            needsQuotes = true
            break
        }
        guard needsQuotes else { return raw(bytes) }
        byte(0x22)
        for b in bytes {
            if b == 0x22 { byte(0x22) }
            byte(b)
        }
        byte(0x22)
    }

    // MARK: - Numbers

    /// A non-negative integer, left-padded with zeros to `width` digits (ids like `R00000001`).
    @inline(__always)
    mutating func unsigned(_ value: Int, width: Int = 1) {
        precondition(value >= 0, "negative value for an unsigned column")
        var v = UInt(bitPattern: value)
        let n = v < Self.powerOf10(width) ? width : max(width, Self.digitCount(v))
        let start = cursor
        var p = cursor + n
        while p - start >= 2 {
            p -= 2
            Self.pair(v % 100, at: p)
            v /= 100
        }
        if p > start {
            start.pointee = 48 &+ UInt8(truncatingIfNeeded: v)
        }
        cursor += n
    }

    @inline(__always)
    mutating func integer(_ value: Int) {
        if value < 0 {
            byte(UInt8(ascii: "-"))
            unsigned(-value)
        } else {
            unsigned(value)
        }
    }

    /// A fixed two-decimal amount from integer hundredths, e.g. 12345 -> `123.45`.
    @inline(__always)
    mutating func cents(_ value: Int) {
        if value < 0 { byte(UInt8(ascii: "-")) }
        let v = value.magnitude
        unsigned(Int(v / 100))
        cursor[0] = UInt8(ascii: ".")
        Self.pair(v % 100, at: cursor + 1)
        cursor += 3
    }

    @inline(__always)
    mutating func boolean(_ value: Bool) {
        if value { raw("true") } else { raw("false") }
    }

    @inline(__always)
    private static func powerOf10(_ exponent: Int) -> UInt {
        switch exponent {
        case ...1: return 10
        case 2: return 100
        case 3: return 1_000
        case 4: return 10_000
        case 5: return 100_000
        case 6: return 1_000_000
        case 7: return 10_000_000
        case 8: return 100_000_000
        case 9: return 1_000_000_000
        default: return 10_000_000_000
        }
    }

    @inline(__always)
    private static func digitCount(_ value: UInt) -> Int {
        var digits = 1
        var v = value
        while v >= 100 { v /= 100; digits += 2 }
        return v >= 10 ? digits + 1 : digits
    }

    /// Two decimal digits of `v` (< 100).
    @inline(__always)
    private static func pair(_ v: UInt, at p: UnsafeMutablePointer<UInt8>) {
        let tens = v / 10
        p[0] = 48 &+ UInt8(truncatingIfNeeded: tens)
        p[1] = 48 &+ UInt8(truncatingIfNeeded: v &- tens &* 10)
    }

    // MARK: - Dates

    /// `YYYY-MM-DD` from days since 1970-01-01 (years 0–9999).
    @inline(__always)
    mutating func date(_ dayNumber: Int) {
        writeDate(dayNumber, at: cursor)
        cursor += 10
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` from seconds since the Unix epoch (UTC).
    @inline(__always)
    mutating func timestamp(_ seconds: Int) {
        let day = SampleDay.floorDiv(seconds, 86_400)
        let second = UInt(bitPattern: seconds &- day &* 86_400)
        let p = cursor
        writeDate(day, at: p)
        let hours = second / 3600
        let rest = second &- hours &* 3600
        let minutes = rest / 60
        p[10] = UInt8(ascii: "T")
        Self.pair(hours, at: p + 11)
        p[13] = UInt8(ascii: ":")
        Self.pair(minutes, at: p + 14)
        p[16] = UInt8(ascii: ":")
        Self.pair(rest &- minutes &* 60, at: p + 17)
        p[19] = UInt8(ascii: "Z")
        cursor += 20
    }

    @inline(__always)
    private func writeDate(_ dayNumber: Int, at p: UnsafeMutablePointer<UInt8>) {
        let offset = dayNumber &- dates.firstDay
        if let table = dates.text, offset >= 0, offset < dates.days {
            let source = UnsafeRawPointer(table + offset * 10)
            let target = UnsafeMutableRawPointer(p)
            target.storeBytes(of: source.loadUnaligned(as: UInt64.self), as: UInt64.self)
            target.storeBytes(of: source.loadUnaligned(fromByteOffset: 8, as: UInt16.self), toByteOffset: 8, as: UInt16.self)
        } else {
            Self.formatDate(dayNumber, at: p)
        }
    }

    static func formatDate(_ dayNumber: Int, at p: UnsafeMutablePointer<UInt8>) {
        let (y, m, d) = SampleDay.civil(fromDays: dayNumber)
        precondition(y >= 0 && y <= 9999, "year out of range for YYYY")
        let year = UInt(y)
        pair(year / 100, at: p)
        pair(year % 100, at: p + 2)
        p[4] = UInt8(ascii: "-")
        pair(UInt(m), at: p + 5)
        p[7] = UInt8(ascii: "-")
        pair(UInt(d), at: p + 8)
    }
}
