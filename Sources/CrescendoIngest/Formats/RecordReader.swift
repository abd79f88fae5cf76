/// A pull-based, single-pass reader of records, so ingestion runs in constant memory whatever the input size.
///
/// Readers own buffered state: use one reader from one place and do not copy it and use both copies.
public protocol RecordReader {
    /// Column names in order; for CSV the header row; for JSON Lines it grows as new keys appear.
    var columns: [String] { get }
    /// Throws only when the input as a whole cannot be read (I/O error, corrupt gzip, missing/empty header): the caller then changes nothing.
    mutating func next() throws -> ReadItem?
}
