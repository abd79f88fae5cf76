import CrescendoCore
import Foundation
import GRDB
import GRDBSQLite

/// Conversions between canonical values and what SQLite stores.
enum SQLiteValues {
    static func databaseValue(_ value: Value, _ type: FieldType) -> DatabaseValue {
        switch value {
        case .null: .null
        case .text(let text): text.databaseValue
        case .integer(let number): number.databaseValue
        case .decimal(let text): (Double(text) ?? 0).databaseValue
        case .boolean(let flag): (flag ? 1 : 0).databaseValue
        case .timestamp(let micros): CivilTime.iso8601(micros: micros).databaseValue
        }
    }

    static func value(_ stored: DatabaseValue, _ type: FieldType) -> Value {
        switch stored.storage {
        case .null: return .null
        case .int64(let number):
            switch type {
            case .boolean: return .boolean(number != 0)
            case .decimal: return .decimal(String(number))
            case .integer: return .integer(number)
            default: return .text(String(number))
            }
        case .double(let number):
            if type == .decimal { return .decimal(decimalText(number)) }
            if type == .integer { return .integer(Int64(number)) }
            return .text(String(number))
        case .string(let text):
            if type == .timestamp, let micros = ValueParser.utc.parseTimestamp(text) { return .timestamp(micros) }
            return .text(text)
        case .blob(let data):
            return .text(String(decoding: data, as: UTF8.self))
        }
    }

    /// Shortest text that reads back as the same Double, without a trailing ".0".
    static func decimalText(_ number: Double) -> String {
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return String(number)
    }

    /// The canonical key text of a stored key column, as `Change.keyText` spells it.
    static func keyText(_ stored: DatabaseValue) -> String {
        switch stored.storage {
        case .null: ""
        case .int64(let number): String(number)
        case .double(let number): String(number)
        case .string(let text): text
        case .blob(let data): String(decoding: data, as: UTF8.self)
        }
    }

    /// The version number of a stored version column.
    static func versionNumber(_ stored: DatabaseValue) -> Int64? {
        switch stored.storage {
        case .int64(let number): number
        case .string(let text): ValueParser.utc.parseTimestamp(text)
        default: nil
        }
    }
}

/// Binds canonical values straight to a prepared statement with `sqlite3_bind_*`.
///
/// Ingestion executes one statement per written row; GRDB's `StatementArguments` would allocate an
/// array of `DatabaseValue` per row, which costs more than SQLite's own insert work. This keeps the
/// statement GRDB prepared (and its transaction) and only replaces the per-row binding.
struct RawStatement {
    let statement: Statement
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ statement: Statement) { self.statement = statement }

    func bind(_ value: Value, at index: Int32) {
        let handle = statement.sqliteStatement
        switch value {
        case .null:
            sqlite3_bind_null(handle, index)
        case .text(let text):
            bindText(text, at: index)
        case .integer(let number):
            sqlite3_bind_int64(handle, index, number)
        case .decimal(let text):
            sqlite3_bind_double(handle, index, Double(text) ?? 0)
        case .boolean(let flag):
            sqlite3_bind_int64(handle, index, flag ? 1 : 0)
        case .timestamp(let micros):
            CivilTime.withISO8601(micros: micros) { bytes in
                _ = sqlite3_bind_text(handle, index, UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self), Int32(bytes.count), Self.transient)
            }
        }
    }

    func bindText(_ text: String, at index: Int32) {
        var text = text
        text.withUTF8 { buffer in
            _ = sqlite3_bind_text(statement.sqliteStatement, index, buffer.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, Int32(buffer.count), Self.transient)
        }
    }

    /// Binds one key value, runs the query and reads its first column as a version number
    /// (an integer, or a timestamp's text as microseconds); nil when there is no row.
    func fetchVersion(_ key: Value, _ db: Database) throws -> Int64? {
        let handle = statement.sqliteStatement
        bind(key, at: 1)
        defer { sqlite3_reset(handle) }
        switch sqlite3_step(handle) {
        case SQLITE_ROW:
            switch sqlite3_column_type(handle, 0) {
            case SQLITE_INTEGER:
                return sqlite3_column_int64(handle, 0)
            case SQLITE_TEXT:
                guard let text = sqlite3_column_text(handle, 0) else { return nil }
                let bytes = UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, 0)))
                return ValueParser.utc.parseTimestamp(String(decoding: bytes, as: UTF8.self))
            default:
                return nil
            }
        case SQLITE_DONE:
            return nil
        case let code:
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: statement.sql)
        }
    }

    /// Binds one key value and tells whether the query returns a row.
    func exists(_ key: Value, _ db: Database) throws -> Bool {
        let handle = statement.sqliteStatement
        bind(key, at: 1)
        defer { sqlite3_reset(handle) }
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code:
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: statement.sql)
        }
    }

    /// Runs the bound statement once and resets it for the next row.
    func step(_ db: Database) throws {
        let handle = statement.sqliteStatement
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: statement.sql)
        }
    }
}
