import CrescendoCore

/// Which input column feeds which field, checked once per input (and again when JSON Lines adds keys).
struct ColumnMapping {
    static let changeTypeColumn = "_change_request_type"
    /// The columns a rejects file adds, so that a fixed rejects file can be fed back as it is.
    static let rejectsColumns: Set<String> = ["_line", "_field", "_reason"]

    var columnCount = 0
    var columnOfField: [Int?] = []
    var changeTypePosition: Int?
    var ignored: [String] = []

    init() {}

    init(columns: [String], entity: Entity, options: IngestOptions) throws(CrescendoError) {
        columnCount = columns.count
        var positions: [String: Int] = [:]
        for (index, column) in columns.enumerated() { positions[column] = positions[column] ?? index }
        changeTypePosition = positions[Self.changeTypeColumn]
        columnOfField = entity.fields.map { positions[$0.name] }
        let fieldNames = Set(entity.fields.map(\.name))
        let unknown = columns.filter { !fieldNames.contains($0) && $0 != Self.changeTypeColumn && !Self.rejectsColumns.contains($0) }
        if !unknown.isEmpty {
            if options.ignoreUnknownColumns {
                ignored = unknown
            } else {
                let described = unknown.map { column -> String in
                    Spelling.suggest(column, among: fieldNames).map { "\"\(column)\" (did you mean \"\($0)\"?)" } ?? "\"\(column)\""
                }
                throw CrescendoError(
                    .invalidArgument,
                    "\(options.sourceName): column\(unknown.count == 1 ? "" : "s") \(described.joined(separator: ", ")) not among the fields of \(entity.name); nothing was ingested (use --ignore-unknown-columns to skip them)"
                )
            }
        }
        let required = entity.key + [entity.version]
        let missing = required.filter { positions[$0] == nil }
        if !missing.isEmpty {
            throw CrescendoError(
                .invalidArgument,
                "\(options.sourceName): the input has no column for \(missing.joined(separator: ", ")) (the key and version of \(entity.name) are required); nothing was ingested"
            )
        }
    }
}
