/// A line of a byte buffer, described by index ranges rather than copies.
///
/// Mail arrives with CRLF, bare LF, or a mixture of both (bounces are often
/// re-assembled by software that normalises inconsistently), so every reader
/// in this module walks lines through this one tolerant splitter instead of
/// searching for a fixed terminator.
struct ByteLine: Sendable, Equatable {
    /// First byte of the line.
    var start: Int
    /// One past the last content byte (terminator excluded).
    var contentEnd: Int
    /// First byte of the following line (terminator included before it).
    var next: Int
}

enum ByteLines {
    /// Splits `bytes[range]` into lines; a final line without terminator is kept.
    static func split(_ bytes: [UInt8], in range: Range<Int>? = nil) -> [ByteLine] {
        let r = range ?? 0..<bytes.count
        var lines: [ByteLine] = []
        var i = r.lowerBound
        var lineStart = i
        while i < r.upperBound {
            if bytes[i] == 0x0A {
                var end = i
                if end > lineStart && bytes[end - 1] == 0x0D { end -= 1 }
                lines.append(ByteLine(start: lineStart, contentEnd: end, next: i + 1))
                lineStart = i + 1
            }
            i += 1
        }
        if lineStart < r.upperBound {
            var end = r.upperBound
            if end > lineStart && bytes[end - 1] == 0x0D { end -= 1 }
            lines.append(ByteLine(start: lineStart, contentEnd: end, next: r.upperBound))
        }
        return lines
    }

    /// Whether the line holds only whitespace (an "empty" separator line).
    static func isBlank(_ bytes: [UInt8], _ line: ByteLine) -> Bool {
        var i = line.start
        while i < line.contentEnd {
            if bytes[i] != 0x20 && bytes[i] != 0x09 { return false }
            i += 1
        }
        return true
    }
}
