/// A source of bytes: a file, standard input, or a gzip stream wrapped around either.
///
/// Deliberately minimal (one pull call filling a caller-owned buffer) so that layers such as
/// decompression compose without intermediate allocations and readers can fill large chunks.
public protocol ByteSource {
    /// Fills a prefix of `buffer` and returns how many bytes were written; 0 means end of input.
    /// May return fewer bytes than requested before the end.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}
