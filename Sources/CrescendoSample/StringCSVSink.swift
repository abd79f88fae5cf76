/// Collects CSV output in memory, for tests and small previews.
public struct StringCSVSink: CSVSink {
    /// The raw UTF-8 bytes, for byte-for-byte comparisons.
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        self.bytes.append(contentsOf: bytes)
    }

    /// The output decoded as UTF-8 (the generator only ever emits valid UTF-8).
    public var string: String { String(decoding: bytes, as: UTF8.self) }
}
