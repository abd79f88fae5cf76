/// Streams JSON Lines (one JSON object per line) as records whose columns are the keys seen so far.
///
/// Values keep their source text so no precision or formatting is lost before the caller applies
/// its schema: strings as their text, numbers exactly as written ("12.50", "1e3"), booleans as
/// "true"/"false", null as nil, objects and arrays as compact JSON text. `columns` grows in
/// first-seen key order; a record's `values` has one entry per column known when it was read
/// (nil where the key is absent). A line that is not a valid JSON object, or repeats a key, is
/// reported as ``ReadItem/malformed(line:reason:)`` and leaves `columns` unchanged.
/// Blank lines are skipped and CRLF line ends are accepted. Memory stays constant: a line longer
/// than 64 MiB is skipped without buffering and reported as malformed.
public struct JSONLinesReader<Source: ByteSource>: RecordReader {
    /// Non-generic, so the hot path is compiled once, fully optimised, whatever `Source` is.
    private var decoder: JSONLinesDecoder
    private var source: Source
    /// How the input is named in error messages.
    public let name: String

    /// Keys in first-seen order; grows as lines introduce new keys, never shrinks or reorders.
    public var columns: [String] { decoder.columns }

    /// Current buffer size, for tests of the memory bound.
    var bufferCapacity: Int { decoder.buffer.capacity }

    /// - Parameters:
    ///   - source: the (already decompressed) bytes.
    ///   - name: the input's name for error messages (usually its path).
    public init(source: Source, name: String) throws {
        try self.init(source: source, name: name, chunkSize: 1 << 20)
    }

    /// `chunkSize` is the initial buffer size; tests use tiny values to force lines across refills.
    /// A line longer than `maxLineBytes` is skipped without buffering and reported as malformed.
    init(source: Source, name: String, chunkSize: Int, maxLineBytes: Int = 64 << 20) throws {
        self.decoder = JSONLinesDecoder(chunkSize: chunkSize, maxLineBytes: maxLineBytes)
        self.source = source
        self.name = name
    }

    /// The next record or malformed line; nil at the end of input. Throws only for input-wide failures.
    public mutating func next() throws -> ReadItem? {
        while true {
            switch decoder.step() {
            case .item(let item): return item
            case .end: return nil
            case .needMore:
                do {
                    _ = try decoder.buffer.refill(from: &source)
                } catch let error as InputError {
                    throw error
                } catch {
                    throw InputError(.unreadable, "cannot read input '\(name)'", cause: error)
                }
            }
        }
    }
}
