/// Reads the file of a `load-file` activity. Core reads no files itself (the CSV and JSON Lines
/// readers live in CrescendoIngest); the app hands the executor a reader.
public protocol CampaignFileReader: Sendable {
    /// Every line of `path`, the declared `columns` parsed as their types the way ingestion parses
    /// them; lines with an invalid value are not returned but written to a rejects file.
    func read(path: String, columns: [PopulationAttribute]) async throws -> CampaignFileRows
}

public struct CampaignFileRows: Sendable {
    /// The line number, then the values in `columns` order.
    public var rows: [(line: Int, values: [Value])]
    public var rejected: Int
    public var rejectsFile: String?

    public init(rows: [(line: Int, values: [Value])], rejected: Int, rejectsFile: String?) {
        self.rows = rows
        self.rejected = rejected
        self.rejectsFile = rejectsFile
    }
}
