/// A reusable byte buffer for the rare quoted CSV field containing `""`, held by reference so
/// the scanner can use it without exclusive access to the whole reader.
final class ScratchBytes {
    private var bytes: [UInt8] = []

    /// The field text with each `""` collapsed to `"`; nil if it is not valid UTF-8.
    func unescapingQuotes(_ raw: UnsafeBufferPointer<UInt8>, ascii: Bool) -> String? {
        bytes.removeAll(keepingCapacity: true)
        var j = 0
        while j < raw.count {
            let c = raw[j]
            bytes.append(c)
            j += c == CSVByte.quote ? 2 : 1
        }
        return bytes.withUnsafeBufferPointer { CSVByte.makeString($0, ascii: ascii) }
    }
}
