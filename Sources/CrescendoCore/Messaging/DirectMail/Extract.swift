/// One direct-mail extract: every letter of one execution's activity, for the print vendor.
/// Rows are in message id order, so writing the same extract twice gives the same bytes.
public struct Extract: Sendable, Hashable {
    public var campaign: String
    public var execution: Int64
    public var activity: String
    public var columns: [String]
    public var rows: [[String]]

    public init(campaign: String, execution: Int64, activity: String, columns: [String], rows: [[String]]) {
        self.campaign = campaign
        self.execution = execution
        self.activity = activity
        self.columns = columns
        self.rows = rows
    }
}

/// A provider that takes a whole activity at once instead of one message at a time: each
/// accepted letter's row is kept in the store as it is decided, and when the activity has
/// nothing left to decide the dispatcher hands all rows over in one piece.
public protocol ExtractTransport: MessageTransport {
    /// Delivers the extract whole (written atomically, or not at all) and says where it went.
    /// Called again with the same rows after a crash, it must give the same result.
    func deliver(_ extract: Extract) async throws -> String
}

/// A delivered extract, as the report shows it.
public struct ExtractRecord: Sendable, Hashable, Codable {
    public var execution: Int64
    public var activity: String
    public var provider: String
    public var location: String
    public var rows: Int
    /// Seconds since the epoch.
    public var writtenAt: Int64
}

/// One letter's row in an extract: columns by name in order, as the dispatcher made it.
public struct ExtractRow: Sendable, Hashable, Codable {
    public var columns: [String]
    public var values: [String]

    public init(columns: [String], values: [String]) {
        self.columns = columns
        self.values = values
    }
}
