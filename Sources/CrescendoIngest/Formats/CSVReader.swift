/// Streams RFC 4180 CSV (any single-byte ASCII delimiter) as records keyed by the header row.
///
/// Built for bulk ingestion: input is read in large chunks into one reusable buffer and scanned
/// with raw pointers; each field becomes a `String` straight from its UTF-8 bytes. Memory stays
/// constant whatever the file size: a record longer than 64 MiB (in practice, an unterminated
/// quote) is consumed without buffering and reported as malformed.
///
/// Row-level problems (wrong field count, stray quotes, invalid UTF-8, an unterminated quote)
/// are reported as ``ReadItem/malformed(line:reason:)`` and reading continues; only an unusable
/// input or header throws.
///
/// For speed the values array is reused between records when the caller no longer holds the
/// previous one (copy-on-write makes that safe either way).
///
/// Empty fields are `""`, never nil: whether empty means null is the caller's decision.
/// Records end at LF, CRLF or a lone CR; blank lines are skipped; a UTF-8 BOM is ignored.
/// `RawRecord.line` is the physical line where the record starts (the header is line 1),
/// counting line breaks inside quoted fields.
public struct CSVReader<Source: ByteSource>: RecordReader {
    /// Non-generic, so the hot path is compiled once, fully optimised, whatever `Source` is.
    private var parser: CSVParser
    private var source: Source
    /// The trimmed header names; fixed once the reader exists, so every record has this many values.
    public private(set) var columns: [String] = []
    /// How the input is named in error messages.
    public let name: String
    /// The field separator in use, for callers that report or echo the reading configuration.
    public var delimiter: UInt8 { parser.delimiter }

    /// - Parameters:
    ///   - source: the (already decompressed) bytes.
    ///   - delimiter: field separator; any ASCII byte except `"`, CR and LF.
    ///   - name: the input's name for error messages (usually its path).
    /// - Throws: ``InputError`` if the header is missing, malformed, or has empty/duplicate names,
    ///   or the input cannot be read.
    public init(source: Source, delimiter: UInt8 = UInt8(ascii: ","), name: String) throws {
        try self.init(source: source, delimiter: delimiter, name: name, chunkSize: 1 << 20)
    }

    /// `chunkSize` is the initial buffer size; tests use tiny values to force records across refills.
    /// A record longer than `maxRecordBytes` is skipped without buffering and reported as malformed.
    init(source: Source, delimiter: UInt8 = UInt8(ascii: ","), name: String, chunkSize: Int, maxRecordBytes: Int = 64 << 20) throws {
        guard delimiter < 0x80, delimiter != CSVByte.quote, delimiter != CSVByte.lf, delimiter != CSVByte.cr else {
            throw InputError(.invalidDelimiter, "invalid CSV delimiter byte \(delimiter) for '\(name)': use a single ASCII character other than a quote or line break")
        }
        self.parser = CSVParser(delimiter: delimiter, chunkSize: chunkSize, maxRecordBytes: maxRecordBytes)
        self.source = source
        self.name = name
        try readHeader()
    }

    /// Current buffer size, for tests of the memory bound.
    var bufferCapacity: Int { parser.buffer.capacity }

    /// The next record or malformed row; nil at the end of input. Throws only for input-wide failures.
    public mutating func next() throws -> ReadItem? {
        guard let row = try nextRow() else { return nil }
        if let problem = row.problem {
            return .malformed(line: row.line, reason: problem)
        }
        if row.fields != columns.count {
            return .malformed(line: row.line, reason: "expected \(columns.count) fields, found \(row.fields)")
        }
        return .record(RawRecord(line: row.line, values: parser.values))
    }

    private mutating func nextRow() throws -> CSVParser.Row? {
        while true {
            switch parser.step() {
            case .row(let row): return row
            case .end: return nil
            case .needMore:
                do {
                    _ = try parser.buffer.refill(from: &source)
                } catch let error as InputError {
                    throw error
                } catch {
                    throw InputError(.unreadable, "cannot read input '\(name)'", cause: error)
                }
            }
        }
    }

    // MARK: - Header

    private mutating func readHeader() throws {
        parser.skipByteOrderMarkAtStart = true
        // First pass counts the fields (nothing is stored), the second stores them.
        guard let counted = try nextRow() else {
            throw InputError(.missingHeader, "CSV input '\(name)' has no header row (it is empty)")
        }
        if let problem = counted.problem {
            throw InputError(.malformedHeader, "CSV input '\(name)' has an unreadable header on line \(counted.line): \(problem)")
        }
        parser.values = Array(repeating: nil, count: counted.fields)
        parser.rewind(to: counted)
        guard let header = try nextRow(), header.fields == counted.fields else {
            preconditionFailure("rescanning the CSV header gave a different result")
        }
        if let problem = header.problem {
            throw InputError(.malformedHeader, "CSV input '\(name)' has an unreadable header on line \(header.line): \(problem)")
        }
        var names: [String] = []
        var seen: Set<String> = []
        for (index, value) in parser.values.enumerated() {
            let trimmed = Self.trim(value ?? "")
            guard !trimmed.isEmpty else {
                throw InputError(.emptyColumn, "CSV input '\(name)' header (line \(header.line)) has an empty name for column \(index + 1)")
            }
            guard seen.insert(trimmed).inserted else {
                throw InputError(.duplicateColumn, "CSV input '\(name)' header (line \(header.line)) repeats the column name '\(trimmed)'")
            }
            names.append(trimmed)
        }
        columns = names
    }

    private static func trim(_ text: String) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = text.lastIndex(where: { !isSpace($0) })!
        return String(text[first...last])
    }
}
