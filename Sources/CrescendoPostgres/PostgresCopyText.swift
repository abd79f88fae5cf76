import CrescendoCore
import NIOCore

/// Rows in the text format of `COPY … FROM STDIN`: tab-separated, one row a line, `\N` for NULL,
/// and backslash escapes for the four bytes the format reserves.
///
/// Inserts of rows the store does not hold go through COPY, which PostgreSQL ingests several times
/// faster than an INSERT of the same rows.
enum PostgresCopyText {
    static func appendRow(_ values: [Value], to buffer: inout ByteBuffer) {
        for (index, value) in values.enumerated() {
            if index > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
            guard let text = value.text else {
                buffer.writeStaticString("\\N")
                continue
            }
            appendEscaped(text, to: &buffer)
        }
        buffer.writeInteger(UInt8(ascii: "\n"))
    }

    static func appendEscaped(_ text: String, to buffer: inout ByteBuffer) {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == 9 || $0 == 10 || $0 == 13 }) else {
            buffer.writeString(text)
            return
        }
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case 9: buffer.writeStaticString("\\t")
            case 10: buffer.writeStaticString("\\n")
            case 13: buffer.writeStaticString("\\r")
            default: buffer.writeInteger(byte)
            }
        }
    }
}
