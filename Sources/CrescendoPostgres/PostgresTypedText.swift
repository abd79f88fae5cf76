import CrescendoCore
import NIOCore
import PostgresNIO

/// A bound value sent in PostgreSQL's text format but declared with its real type (date, numeric,
/// bigint, boolean, timestamptz), so the server parses it once at bind time.
///
/// Declared as `text` and cast in SQL (`$1::date`), the cast of a date is only stable, not
/// immutable, and PostgreSQL re-ran it for every row a sequential scan filtered: 1.5x slower on a
/// 3M-row aggregate in `crescendo-bench audience`.
struct PostgresTypedText: PostgresDynamicTypeEncodable {
    var text: String
    var psqlType: PostgresDataType

    init(_ text: String, _ kind: ValueKind) {
        self.text = text
        psqlType = switch kind {
        case .text: .text
        case .integer: .int8
        case .decimal: .numeric
        case .boolean: .bool
        case .date: .date
        case .timestamp: .timestamptz
        }
    }

    var psqlFormat: PostgresFormat { .text }

    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        buffer.writeString(text)
    }
}
