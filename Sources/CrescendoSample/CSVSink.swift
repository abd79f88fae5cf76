/// Where generated CSV bytes go.
///
/// The generator hands over large pre-formatted chunks rather than rows or strings, so a sink only has
/// to move bytes; that keeps multi-million-row generation bound by formatting, not by the destination.
public protocol CSVSink {
    /// Receives the next chunk; the buffer is only valid for the duration of the call.
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws
}
