/// Byte values and word-at-a-time scanning for the CSV reader.
///
/// Fields are located by testing 8 bytes at a time for any of four "special" bytes (delimiter,
/// quote, CR, LF), which keeps the per-byte cost of the hot loop well below one comparison.
enum CSVByte {
    static let quote = UInt8(ascii: "\"")
    static let lf = UInt8(ascii: "\n")
    static let cr = UInt8(ascii: "\r")

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    @inline(__always)
    static func broadcast(_ byte: UInt8) -> UInt64 { UInt64(byte) &* ones }

    /// High bit set in each byte of `v` that is zero; the lowest flagged byte is always a true zero.
    @inline(__always)
    static func zeroBytes(_ v: UInt64) -> UInt64 { (v &- ones) & ~v & highs }

    /// Index of the first byte in `i..<end` equal to any of `a`, `b`, `c`, `d` (given also as
    /// broadcast words), or `end`. ORs every skipped byte into `seen`, so the caller learns
    /// whether the run was pure ASCII without a second pass.
    @inline(__always)
    static func skipPlain(
        _ p: UnsafePointer<UInt8>, from start: Int, to end: Int,
        _ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8,
        _ wa: UInt64, _ wb: UInt64, _ wc: UInt64, _ wd: UInt64,
        seen: inout UInt64
    ) -> Int {
        var i = start
        while i &+ 8 <= end {
            let w = UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
            let hits = zeroBytes(w ^ wa) | zeroBytes(w ^ wb) | zeroBytes(w ^ wc) | zeroBytes(w ^ wd)
            if hits != 0 {
                let k = hits.trailingZeroBitCount &>> 3
                if k > 0 { seen |= w & (UInt64.max &>> UInt64(64 &- 8 &* k)) }
                return i &+ k
            }
            seen |= w
            i &+= 8
        }
        while i < end {
            let x = p[i]
            if x == a || x == b || x == c || x == d { return i }
            seen |= UInt64(x)
            i &+= 1
        }
        return i
    }

    @inline(__always)
    static func isASCII(_ seen: UInt64) -> Bool { seen & highs == 0 }

    /// A string from field bytes; ASCII (the common case, known from the scan) skips validation.
    @inline(__always)
    static func makeString(_ bytes: UnsafeBufferPointer<UInt8>, ascii: Bool) -> String? {
        ascii ? UTF8Text.asciiString(bytes) : UTF8Text.string(bytes)
    }
}
