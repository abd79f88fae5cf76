/// Consumes a CSV record too long to buffer, tracking just enough state to find where it ends,
/// so one runaway record (typically an unterminated quote early in a large file) cannot make
/// memory grow with the file. The record is then reported as malformed.
///
/// Mirrors ``CSVParser``'s rules: quotes open only at a field start, `""` inside quotes is an
/// escaped quote, bytes after a closing quote run to the next delimiter or line break, and line
/// breaks (LF, CRLF, lone CR) inside quotes are counted.
struct CSVRecordSkipper {
    private enum State { case fieldStart, unquoted, quoted, afterQuote }

    enum Outcome {
        /// The record ended; the next record starts at `end`.
        case finished(end: Int)
        /// Bytes up to `upTo` were consumed without reaching the record's end.
        case consumed(upTo: Int)
    }

    let delimiter: UInt8
    /// Line on which the skipped record starts.
    let line: Int
    /// Line breaks inside the record plus its terminator, once finished.
    private(set) var lineBreaks = 0
    private(set) var fields = 1
    private var state = State.fieldStart
    /// The last byte seen inside quotes was CR, so an LF right after it is the same line break.
    private var pendingCR = false

    init(delimiter: UInt8, line: Int) {
        self.delimiter = delimiter
        self.line = line
    }

    /// Why the record is malformed.
    func problem(limit: Int) -> String {
        state == .quoted
            ? "unterminated quoted field \(fields) (its opening quote is never closed)"
            : "record is longer than \(limit) bytes"
    }

    mutating func consume(_ p: UnsafePointer<UInt8>, from start: Int, to end: Int, atEnd: Bool) -> Outcome {
        var i = start
        while i < end {
            let c = p[i]
            if state == .quoted {
                if c == CSVByte.quote {
                    state = .afterQuote
                } else if c == CSVByte.cr || (c == CSVByte.lf && !pendingCR) {
                    lineBreaks += 1
                }
                pendingCR = c == CSVByte.cr
                i += 1
                continue
            }
            if c == CSVByte.quote && (state == .fieldStart || state == .afterQuote) {
                state = .quoted
                pendingCR = false
            } else if c == delimiter {
                state = .fieldStart
                fields += 1
            } else if c == CSVByte.lf {
                lineBreaks += 1
                return .finished(end: i + 1)
            } else if c == CSVByte.cr {
                if i + 1 < end {
                    lineBreaks += 1
                    return .finished(end: p[i + 1] == CSVByte.lf ? i + 2 : i + 1)
                }
                if atEnd {
                    lineBreaks += 1
                    return .finished(end: i + 1)
                }
                return .consumed(upTo: i)  // keep the CR to see whether an LF follows
            } else {
                state = .unquoted
            }
            i += 1
        }
        return atEnd ? .finished(end: end) : .consumed(upTo: end)
    }
}
