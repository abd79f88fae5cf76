import NIOCore
import PostgresNIO

/// A `text[]` parameter whose elements may be NULL.
///
/// postgres-nio encodes `[String]` but not `[String?]`; bulk writes bind one such array per column
/// and `unnest` them, so every value travels as a bound parameter in PostgreSQL's binary array format
/// (header, one dimension, then each element's length, or -1 for NULL, and bytes).
struct PostgresTextArray: PostgresDynamicTypeEncodable {
    var elements: [String?]

    init(_ elements: [String?]) { self.elements = elements }

    var psqlType: PostgresDataType { .textArray }
    var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        buffer.writeInteger(elements.isEmpty ? 0 : 1, as: Int32.self)
        buffer.writeInteger(elements.contains { $0 == nil } ? 1 : 0, as: Int32.self)
        buffer.writeInteger(PostgresDataType.text.rawValue)
        guard !elements.isEmpty else { return }
        buffer.writeInteger(Int32(elements.count), as: Int32.self)
        buffer.writeInteger(1, as: Int32.self)
        for element in elements {
            guard let element else {
                buffer.writeInteger(-1, as: Int32.self)
                continue
            }
            buffer.writeInteger(Int32(element.utf8.count), as: Int32.self)
            buffer.writeString(element)
        }
    }
}
