/// What one output of a finished activity holds: the work table (an input's, when the activity
/// passes its population on), how many rows, or that the branch ends here.
public struct OutputRecord: Sendable, Hashable, Codable {
    public var table: String?
    public var shape: PopulationShape?
    public var count: Int
    /// The branch ends: nothing runs from this output (an empty result, a test branch not taken).
    public var ended: Bool

    public init(table: String?, shape: PopulationShape?, count: Int, ended: Bool = false) {
        self.table = table
        self.shape = shape
        self.count = count
        self.ended = ended
    }

    public static let noPopulation = OutputRecord(table: nil, shape: nil, count: 0)
    public static let endedBranch = OutputRecord(table: nil, shape: nil, count: 0, ended: true)

    public var workTable: WorkTable? {
        guard let table, let shape else { return nil }
        return WorkTable(name: table, shape: shape)
    }
}

/// The message population a channel activity recorded: what message execution sends from.
public struct MessagePopulation: Sendable, Hashable, Codable {
    public var channel: Channel
    public var category: MessageCategory
    /// `profile` or `row`.
    public var per: String
    /// The entity of the rows the activity received (the `r…` key columns are its key).
    public var entity: String
    public var table: String
    /// Columns of the table: profile key `p0…`, row key `r0…` (per row), `crescendo_address`, the
    /// template fields as `f0…` (named by `fields`), `crescendo_excluded`.
    public var fields: [String]
    /// Fields holding JSON (collected rows), which templates see as lists and objects.
    public var jsonFields: [String]?
    public var targeted: Int
    public var excluded: [String: Int]
    public var options: ChannelOptions

    public init(channel: Channel, category: MessageCategory, per: String, entity: String, table: String, fields: [String], targeted: Int, excluded: [String: Int], options: ChannelOptions) {
        self.channel = channel
        self.category = category
        self.per = per
        self.entity = entity
        self.table = table
        self.fields = fields
        self.targeted = targeted
        self.excluded = excluded
        self.options = options
    }
}

/// The result of running an activity once, recorded with it.
public struct ActivityOutcome: Sendable, Hashable, Codable {
    public var outputs: [String: OutputRecord]
    /// A wait's end, seconds since the epoch.
    public var waitUntil: Int64?
    /// An incremental query's highest value, for the next execution.
    public var mark: Value?
    public var messages: MessagePopulation?
    /// Operations worth a line in the execution's log.
    public var notes: [String]
    /// Rows the activity produced (the sum of its fresh outputs).
    public var rows: Int

    public init(outputs: [String: OutputRecord], waitUntil: Int64? = nil, mark: Value? = nil, messages: MessagePopulation? = nil, notes: [String] = [], rows: Int = 0) {
        self.outputs = outputs
        self.waitUntil = waitUntil
        self.mark = mark
        self.messages = messages
        self.notes = notes
        self.rows = rows
    }
}
