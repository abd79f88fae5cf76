/// The CSV scanning state and hot loop, kept free of generics so it is compiled once and fully
/// optimised; ``CSVReader`` only adds the byte source and the header logic on top.
struct CSVParser {
    let delimiter: UInt8
    let buffer: ChunkBuffer
    private let scratch = ScratchBytes()
    /// Physical line number of the byte at `buffer.start`.
    private(set) var line = 1
    /// Always `columns.count` long once the header is read; each row overwrites it in place.
    var values: [String?] = []
    /// Set until the first bytes are seen, so a UTF-8 BOM at the very start is skipped once.
    var skipByteOrderMarkAtStart = false
    /// A record longer than this is consumed without buffering and reported as malformed.
    let maxRecordBytes: Int
    private var skipper: CSVRecordSkipper?

    struct Row {
        var line: Int
        /// Buffer index of the row's first byte (valid until the next refill).
        var start: Int
        var fields: Int
        var problem: String?
    }

    enum Step {
        case row(Row)
        case needMore
        case end
    }

    init(delimiter: UInt8, chunkSize: Int, maxRecordBytes: Int) {
        self.delimiter = delimiter
        self.buffer = ChunkBuffer(capacity: chunkSize)
        self.maxRecordBytes = max(1, maxRecordBytes)
    }

    /// Makes the next ``step()`` scan `row` again (used to store the header after counting it).
    mutating func rewind(to row: Row) {
        buffer.start = row.start
        line = row.line
    }

    /// Scans the next non-blank row, storing its first `values.count` fields in `values`;
    /// `.needMore` asks the caller to refill the buffer and call again.
    mutating func step() -> Step {
        if skipper != nil { return skipStep() }
        let base = buffer.base
        let end = buffer.end
        let atEnd = buffer.isAtEnd
        var i = buffer.start
        if skipByteOrderMarkAtStart {
            if end - i < 3 && !atEnd { return .needMore }
            skipByteOrderMarkAtStart = false
            if end - i >= 3, base[i] == 0xEF, base[i + 1] == 0xBB, base[i + 2] == 0xBF {
                i += 3
                buffer.start = i
            }
        }
        // Skip blank lines.
        var needMore = false
        while i < end {
            let c = base[i]
            if c == CSVByte.lf {
                i += 1
                line += 1
            } else if c == CSVByte.cr {
                if i + 1 < end {
                    i += base[i + 1] == CSVByte.lf ? 2 : 1
                } else if atEnd {
                    i += 1
                } else {
                    needMore = true
                    break
                }
                line += 1
            } else {
                break
            }
        }
        buffer.start = i
        if needMore || (i == end && !atEnd) { return .needMore }
        if i == end { return .end }

        let start = i
        let delimiter = self.delimiter
        let scratch = self.scratch
        let scanned = values.withUnsafeMutableBufferPointer { out in
            Self.scanRecord(UnsafePointer(base), from: start, to: end, atEnd: atEnd, delimiter: delimiter, into: out, scratch: scratch)
        }
        guard let scan = scanned else {
            if end - start >= maxRecordBytes {
                skipper = CSVRecordSkipper(delimiter: delimiter, line: line)
                return skipStep()
            }
            return .needMore
        }
        let row = Row(line: line, start: start, fields: scan.fields, problem: scan.problem)
        buffer.start = scan.end
        line += scan.lineBreaks
        return .row(row)
    }

    /// Continues consuming an oversized record (see ``CSVRecordSkipper``).
    private mutating func skipStep() -> Step {
        guard var skipper else { return .needMore }
        switch skipper.consume(UnsafePointer(buffer.base), from: buffer.start, to: buffer.end, atEnd: buffer.isAtEnd) {
        case .consumed(let upTo):
            buffer.start = upTo
            self.skipper = skipper
            return .needMore
        case .finished(let end):
            buffer.start = end
            self.skipper = nil
            line = skipper.line + skipper.lineBreaks
            return .row(Row(line: skipper.line, start: end, fields: skipper.fields, problem: skipper.problem(limit: maxRecordBytes)))
        }
    }

    private struct Scan {
        /// Index just past the record's terminator.
        var end: Int
        /// Line breaks inside the record plus its terminator.
        var lineBreaks: Int
        var fields: Int
        var problem: String?
    }

    /// Parses one record starting at `start`, writing field k to `out[k]` while k < `out.count`;
    /// nil if the record runs past `end` and more input may follow (the caller refills and rescans).
    @inline(__always)
    private static func scanRecord(
        _ p: UnsafePointer<UInt8>, from start: Int, to end: Int, atEnd: Bool, delimiter: UInt8,
        into out: UnsafeMutableBufferPointer<String?>, scratch: ScratchBytes
    ) -> Scan? {
        let quote = CSVByte.quote, lf = CSVByte.lf, cr = CSVByte.cr
        let wDelimiter = CSVByte.broadcast(delimiter), wQuote = CSVByte.broadcast(quote)
        let wLF = CSVByte.broadcast(lf), wCR = CSVByte.broadcast(cr)
        let capacity = out.count
        var i = start
        var lineBreaks = 0
        var fields = 0
        var problem: String? = nil

        while true {
            var field: String? = nil
            if i < end && p[i] == quote {
                // Quoted field: runs to the matching quote; `""` is an escaped quote.
                i += 1
                let contentStart = i
                var doubled = false
                var closed = false
                var seen: UInt64 = 0
                while true {
                    i = CSVByte.skipPlain(p, from: i, to: end, quote, lf, cr, quote, wQuote, wLF, wCR, wQuote, seen: &seen)
                    if i == end { break }
                    let c = p[i]
                    if c == quote {
                        if i + 1 < end {
                            if p[i + 1] == quote {
                                doubled = true
                                i += 2
                                continue
                            }
                        } else if !atEnd {
                            return nil
                        }
                        closed = true
                        break
                    }
                    if c == lf {
                        lineBreaks += 1
                    } else if i + 1 < end {  // CR: a line break unless part of CRLF
                        if p[i + 1] != lf { lineBreaks += 1 }
                    } else if !atEnd {
                        return nil
                    } else {
                        lineBreaks += 1
                    }
                    i += 1
                }
                if !closed {
                    if !atEnd { return nil }
                    return Scan(end: end, lineBreaks: lineBreaks, fields: fields + 1,
                                problem: problem ?? "unterminated quoted field \(fields + 1) (its opening quote is never closed)")
                }
                let contentEnd = i
                i += 1
                if fields < capacity {
                    if doubled {
                        field = scratch.unescapingQuotes(UnsafeBufferPointer(start: p + contentStart, count: contentEnd - contentStart), ascii: CSVByte.isASCII(seen))
                    } else {
                        field = CSVByte.makeString(UnsafeBufferPointer(start: p + contentStart, count: contentEnd - contentStart), ascii: CSVByte.isASCII(seen))
                    }
                    if field == nil { problem = problem ?? "invalid UTF-8 in field \(fields + 1)" }
                }
                if i < end {
                    let c = p[i]
                    if c != delimiter && c != lf && c != cr {
                        problem = problem ?? "unexpected character after the closing quote of field \(fields + 1)"
                        var ignored: UInt64 = 0
                        i = CSVByte.skipPlain(p, from: i, to: end, delimiter, lf, cr, delimiter, wDelimiter, wLF, wCR, wDelimiter, seen: &ignored)
                        if i == end && !atEnd { return nil }
                    }
                }
            } else {
                // Unquoted field: up to the delimiter or line break; a quote here is an error.
                let fieldStart = i
                var seen: UInt64 = 0
                i = CSVByte.skipPlain(p, from: i, to: end, delimiter, quote, lf, cr, wDelimiter, wQuote, wLF, wCR, seen: &seen)
                if i < end && p[i] == quote {
                    problem = problem ?? "unexpected quote inside unquoted field \(fields + 1)"
                    i = CSVByte.skipPlain(p, from: i, to: end, delimiter, lf, cr, delimiter, wDelimiter, wLF, wCR, wDelimiter, seen: &seen)
                }
                if i == end && !atEnd { return nil }
                if fields < capacity {
                    field = CSVByte.makeString(UnsafeBufferPointer(start: p + fieldStart, count: i - fieldStart), ascii: CSVByte.isASCII(seen))
                    if field == nil { problem = problem ?? "invalid UTF-8 in field \(fields + 1)" }
                }
            }
            if fields < capacity { out[fields] = field }
            fields += 1

            // Field terminator: delimiter, line break, or end of input.
            if i == end { return Scan(end: i, lineBreaks: lineBreaks, fields: fields, problem: problem) }
            let c = p[i]
            if c == delimiter {
                i += 1
                continue
            }
            if c == lf {
                return Scan(end: i + 1, lineBreaks: lineBreaks + 1, fields: fields, problem: problem)
            }
            // CR, alone or followed by LF.
            if i + 1 < end {
                i += p[i + 1] == lf ? 2 : 1
            } else if !atEnd {
                return nil
            } else {
                i += 1
            }
            return Scan(end: i, lineBreaks: lineBreaks + 1, fields: fields, problem: problem)
        }
    }
}
