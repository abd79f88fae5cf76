/// One step of a reader: a record, or a row that could not be read as a record (reported, reading goes on).
///
/// Row-level problems are values rather than errors so that a single bad row in a large
/// change-data-capture file is reported with its line number while the remaining rows still load.
public enum ReadItem: Sendable, Equatable {
    /// A row read successfully.
    case record(RawRecord)
    /// A row that could not be read; `line` is where it starts, `reason` is fit to show a person.
    case malformed(line: Int, reason: String)
}
