import CrescendoCore
import Foundation

/// Turns the records of one input into validated change batches for a store, writing the rows it
/// cannot accept to a rejects file with their line and reason.
///
/// The store pulls batches inside its transaction (`ChangeBatchSource`), so a file either lands
/// whole (less its rejected rows) or, when it cannot be read to the end or the error budget is
/// spent, not at all.
public final class Ingestor<Reader: RecordReader>: ChangeBatchSource {
    public let entity: Entity
    public let options: IngestOptions
    public private(set) var counts = IngestCounts()
    /// Input columns that are not fields of the entity and were ignored (with `ignoreUnknownColumns`).
    public private(set) var ignoredColumns: [String] = []
    /// The first rejections, for the summary; all of them are in the rejects file.
    public private(set) var firstRejections: [Rejection] = []

    private var reader: Reader
    private let parser: ValueParser
    private var mapping = ColumnMapping()
    private var rejects: RejectsWriter?
    private var finished = false
    private let keyPositions: [Int]
    private let versionPosition: Int
    /// The fields an upsert (all) and a delete (key and version) read, computed once.
    private let upsertPositions: [Int]
    private let deletePositions: [Int]
    private let defaults: [Value?]

    public init(reader: Reader, entity: Entity, model: DataModel, options: IngestOptions) {
        self.reader = reader
        self.entity = entity
        self.options = options
        parser = ValueParser(timeZone: TimeZone(identifier: model.timeZone) ?? TimeZone(identifier: "UTC")!)
        keyPositions = entity.keyPositions
        versionPosition = entity.versionPosition
        upsertPositions = Array(entity.fields.indices)
        deletePositions = entity.keyPositions + [entity.versionPosition]
        let parser = parser
        defaults = entity.fields.map { field in
            guard let text = field.defaultValue, case .success(let value) = parser.parse(text, for: field) else { return nil }
            return value
        }
    }

    deinit {
        // A run that stopped early (the store failed) still leaves its rejects where they belong.
        try? rejects?.close()
    }

    public func nextBatch() throws -> ChangeBatch? {
        guard !finished else { return nil }
        var changes: [Change] = []
        changes.reserveCapacity(options.batchSize)
        while changes.count < options.batchSize {
            guard let item = try readItem() else {
                finished = true
                try finish()
                break
            }
            switch item {
            case .malformed(let line, let reason):
                counts.read += 1
                try reject(Rejection(line: line, field: nil, reason: reason), values: nil)
            case .record(let record):
                try mapColumnsIfNeeded()
                counts.read += 1
                switch change(from: record) {
                case .success(let change): changes.append(change)
                case .failure(let rejection): try reject(rejection, values: record.values)
                }
            }
        }
        options.progress?(counts.read, counts.rejected)
        if changes.isEmpty, finished { return nil }
        return ChangeBatch(changes: changes)
    }

    private func readItem() throws -> ReadItem? {
        do {
            return try reader.next()
        } catch let error as CrescendoError {
            throw error
        } catch {
            throw CrescendoError(.unreadableInput, "\(options.sourceName): \(error); nothing was ingested", cause: ErrorDescription(error))
        }
    }

    /// Where each field's value sits among the input's columns; checked again when JSON Lines
    /// brings a new key.
    private func mapColumnsIfNeeded() throws {
        let columns = reader.columns
        guard columns.count != mapping.columnCount else { return }
        mapping = try ColumnMapping(columns: columns, entity: entity, options: options)
        ignoredColumns = mapping.ignored
    }

    private func change(from record: RawRecord) -> Result<Change, Rejection> {
        var kind = Change.Kind.upsert
        if let position = mapping.changeTypePosition, position < record.values.count, let text = record.values[position], !text.isEmpty {
            switch text {
            case "u", "U": kind = .upsert
            case "d", "D": kind = .delete
            default:
                return .failure(Rejection(line: record.line, field: ColumnMapping.changeTypeColumn, reason: "\"\(text)\" is not a change type (expected u for upsert or d for delete)"))
            }
        }
        var values = [Value](repeating: .null, count: entity.fields.count)
        for fieldIndex in kind == .delete ? deletePositions : upsertPositions {
            let field = entity.fields[fieldIndex]
            let column = mapping.columnOfField[fieldIndex]
            let text = column.flatMap { $0 < record.values.count ? record.values[$0] : nil }
            if column == nil, let value = defaults[fieldIndex] {
                values[fieldIndex] = value
                continue
            }
            if column == nil, !field.nullable {
                return .failure(Rejection(line: record.line, field: field.name, reason: "is required, and the input has no \(field.name) column"))
            }
            switch parser.parse(text, for: field) {
            case .success(let value): values[fieldIndex] = value
            case .failure(let problem): return .failure(Rejection(line: record.line, field: field.name, reason: problem.reason))
            }
        }
        if keyPositions.count > 1, let position = keyPositions.first(where: { values[$0].text?.contains("\u{1F}") == true }) {
            return .failure(Rejection(line: record.line, field: entity.fields[position].name, reason: "a composite key part cannot contain the unit separator U+001F"))
        }
        let key = keyPositions.count == 1 ? (values[keyPositions[0]].text ?? "") : Change.keyText(keyPositions.map { values[$0] })
        guard let version = Change.versionNumber(values[versionPosition]) else {
            return .failure(Rejection(line: record.line, field: entity.version, reason: "the version is missing"))
        }
        return .success(Change(kind: kind, line: record.line, values: values, key: key, version: version))
    }

    private func reject(_ rejection: Rejection, values: [String?]?) throws {
        counts.rejected += 1
        if firstRejections.count < 10 { firstRejections.append(rejection) }
        if rejects == nil {
            rejects = try RejectsWriter(path: options.rejectsPath, columns: reader.columns)
        }
        try rejects?.write(rejection, values: values, columns: reader.columns)
        if let budget = options.maxErrors, counts.rejected > budget {
            try rejects?.close()
            let first = firstRejections.first.map { " First: \($0)." } ?? ""
            throw CrescendoError(
                .errorBudgetExceeded,
                "\(options.sourceName): more than \(budget) rows rejected (--max-errors); the whole file was rolled back.\(first) Rejected rows so far: \(options.rejectsPath)"
            )
        }
    }

    private func finish() throws {
        try rejects?.close()
    }

    /// Where the rejects went, if any row was rejected.
    public var rejectsPath: String? { counts.rejected > 0 ? options.rejectsPath : nil }
}

/// How one ingestion runs.
public struct IngestOptions: Sendable {
    /// The input's name in messages (a path, or "stdin").
    public var sourceName: String
    public var rejectsPath: String
    /// More rejected rows than this roll the whole file back; nil means no limit.
    public var maxErrors: Int?
    public var batchSize: Int
    /// Columns that are not fields are ignored instead of refusing the file.
    public var ignoreUnknownColumns: Bool
    /// Called after each batch with the rows read and rejected so far.
    public var progress: (@Sendable (Int, Int) -> Void)?

    public init(
        sourceName: String, rejectsPath: String, maxErrors: Int? = nil, batchSize: Int = 5_000,
        ignoreUnknownColumns: Bool = false, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) {
        self.sourceName = sourceName
        self.rejectsPath = rejectsPath
        self.maxErrors = maxErrors
        self.batchSize = max(1, batchSize)
        self.ignoreUnknownColumns = ignoreUnknownColumns
        self.progress = progress
    }

    /// The default rejects file: beside the input ("reservations.csv.rejects.csv"), or in the
    /// current folder for standard input.
    public static func defaultRejectsPath(forInput path: String, entity: String) -> String {
        path == "-" ? "\(entity)-stdin.rejects.csv" : path + ".rejects.csv"
    }
}

/// A row that was not ingested, and why.
public struct Rejection: Error, Sendable, Equatable, CustomStringConvertible, Codable {
    public var line: Int
    public var field: String?
    public var reason: String

    public init(line: Int, field: String?, reason: String) {
        self.line = line
        self.field = field
        self.reason = reason
    }

    public var description: String {
        if let field { return "line \(line), field \(field): \(reason)" }
        return "line \(line): \(reason)"
    }
}
