/// A record's values by column position (index i belongs to `reader.columns[i]`), nil = JSON null / absent.
///
/// Values stay untyped text so that the caller, which knows the target schema, decides how to
/// convert them; nothing is lost to an early guess (for example a number's exact literal).
/// For JSON Lines, `values.count` equals `columns.count` at the time the record was read;
/// columns discovered later are simply absent from earlier records.
public struct RawRecord: Sendable, Equatable {
    /// 1-based physical line on which the record starts, for error reports that point into the file.
    public var line: Int
    /// The values as text, positioned like the reader's columns (see the type's discussion).
    public var values: [String?]

    /// Builds a record, mainly for tests and for callers that synthesise rows.
    public init(line: Int, values: [String?]) {
        self.line = line
        self.values = values
    }
}
