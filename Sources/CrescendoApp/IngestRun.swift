import CrescendoCore
import CrescendoIngest
import Foundation

/// One `crescendo ingest`: reads a file (or standard input) into an entity and reports what it did.
public struct IngestRun: Sendable {
    public var entity: String
    public var path: String
    public var format: InputFormat?
    public var delimiter: UInt8
    public var rejectsPath: String?
    public var maxErrors: Int?
    public var batchSize: Int
    public var ignoreUnknownColumns: Bool
    public var showProgress: Bool

    public init(
        entity: String, path: String, format: InputFormat? = nil, delimiter: UInt8 = UInt8(ascii: ","),
        rejectsPath: String? = nil, maxErrors: Int? = nil, batchSize: Int = 5_000,
        ignoreUnknownColumns: Bool = false, showProgress: Bool = false
    ) {
        self.entity = entity
        self.path = path
        self.format = format
        self.delimiter = delimiter
        self.rejectsPath = rejectsPath
        self.maxErrors = maxErrors
        self.batchSize = batchSize
        self.ignoreUnknownColumns = ignoreUnknownColumns
        self.showProgress = showProgress
    }

    public func run(on store: any WorkspaceStore) async throws -> IngestSummary {
        let applied = try await Workspace.requireModel(store)
        let entity = try applied.model.requireEntity(self.entity)
        let sourceName = path == "-" ? "stdin" : path
        let format = try self.format ?? InputFormat.infer(fromPath: path) ?? {
            if path == "-" { return .csv }
            throw CrescendoError(.invalidArgument, "\(path): cannot tell the format from the name; pass --format csv or --format jsonl")
        }()
        let input: any ByteSource
        let readProgress = ReadProgress()
        let totalBytes = path == "-" ? nil : (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        do {
            input = try openInput(path: path, progress: readProgress)
        } catch {
            throw CrescendoError(.unreadableInput, "\(error)", cause: ErrorDescription(error))
        }
        let progress = ProgressBar(label: "ingest \(entity.name)", enabled: showProgress)
        let options = IngestOptions(
            sourceName: sourceName,
            rejectsPath: rejectsPath ?? IngestOptions.defaultRejectsPath(forInput: path, entity: entity.name),
            maxErrors: maxErrors, batchSize: batchSize, ignoreUnknownColumns: ignoreUnknownColumns,
            progress: { read, rejected in
                let fraction = totalBytes.map { Double(readProgress.bytes) / Double(max($0, 1)) }
                progress.update(read, fraction: fraction, note: rejected > 0 ? "\(rejected) rejected" : "")
            }
        )
        let started = ContinuousClock.now
        let (counts, ingestor) = try await ingest(input: input, format: format, entity: entity, model: applied.model, options: options, store: store)
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        progress.finish(counts.read, note: counts.rejected > 0 ? "\(counts.rejected) rejected" : "")
        return IngestSummary(
            entity: entity.name, source: sourceName, engine: store.engine, counts: counts, seconds: seconds,
            rejectsPath: ingestor.rejectsPath, firstRejections: ingestor.firstRejections, ignoredColumns: ingestor.ignoredColumns
        )
    }

    private func ingest(
        input: any ByteSource, format: InputFormat, entity: Entity, model: DataModel, options: IngestOptions, store: any WorkspaceStore
    ) async throws -> (IngestCounts, IngestorReport) {
        func open<Source: ByteSource>(_ source: Source) throws -> (any ChangeBatchSource & IngestorReporting) {
            do {
                switch format {
                case .csv:
                    return Ingestor(reader: try CSVReader(source: source, delimiter: delimiter, name: options.sourceName), entity: entity, model: model, options: options)
                case .jsonl:
                    return Ingestor(reader: try JSONLinesReader(source: source, name: options.sourceName), entity: entity, model: model, options: options)
                }
            } catch let error as CrescendoError {
                throw error
            } catch {
                throw CrescendoError(.unreadableInput, "\(error); nothing was ingested", cause: ErrorDescription(error))
            }
        }
        let ingestor = try open(input)
        var counts = try await store.ingest(entity, of: model, from: PrefetchingBatchSource(ingestor))
        counts.read = ingestor.report.counts.read
        counts.rejected = ingestor.report.counts.rejected
        return (counts, ingestor.report)
    }
}

/// What the ingestor knows after the store has pulled all batches.
struct IngestorReport {
    var counts: IngestCounts
    var rejectsPath: String?
    var firstRejections: [Rejection]
    var ignoredColumns: [String]
}

protocol IngestorReporting: AnyObject {
    var report: IngestorReport { get }
}

extension Ingestor: IngestorReporting {
    var report: IngestorReport {
        IngestorReport(counts: counts, rejectsPath: rejectsPath, firstRejections: firstRejections, ignoredColumns: ignoredColumns)
    }
}

/// The outcome of one ingestion, printed as a table or (with `--json`) one JSON object.
public struct IngestSummary: Sendable, Codable, Equatable {
    public var entity: String
    public var source: String
    public var engine: String
    public var counts: IngestCounts
    public var seconds: Double
    public var rejectsPath: String?
    public var firstRejections: [Rejection]
    public var ignoredColumns: [String]

    public var rowsPerSecond: Int { seconds > 0 ? Int(Double(counts.read) / seconds) : 0 }

    enum CodingKeys: String, CodingKey {
        case entity, source, engine, read, inserted, updated, deleted, absentDeletes = "absent_deletes", stale, rejected, orphans
        case orphansByLink = "orphans_by_link", seconds, rowsPerSecond = "rows_per_second", rejectsPath = "rejects_file"
        case firstRejections = "first_rejections", ignoredColumns = "ignored_columns"
    }

    public init(
        entity: String, source: String, engine: String, counts: IngestCounts, seconds: Double,
        rejectsPath: String?, firstRejections: [Rejection], ignoredColumns: [String]
    ) {
        self.entity = entity
        self.source = source
        self.engine = engine
        self.counts = counts
        self.seconds = seconds
        self.rejectsPath = rejectsPath
        self.firstRejections = firstRejections
        self.ignoredColumns = ignoredColumns
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(entity, forKey: .entity)
        try container.encode(source, forKey: .source)
        try container.encode(engine, forKey: .engine)
        try container.encode(counts.read, forKey: .read)
        try container.encode(counts.inserted, forKey: .inserted)
        try container.encode(counts.updated, forKey: .updated)
        try container.encode(counts.deleted, forKey: .deleted)
        try container.encode(counts.absentDeletes, forKey: .absentDeletes)
        try container.encode(counts.stale, forKey: .stale)
        try container.encode(counts.rejected, forKey: .rejected)
        try container.encode(counts.orphans, forKey: .orphans)
        try container.encode(counts.orphansByLink, forKey: .orphansByLink)
        try container.encode((seconds * 1000).rounded() / 1000, forKey: .seconds)
        try container.encode(rowsPerSecond, forKey: .rowsPerSecond)
        try container.encode(rejectsPath, forKey: .rejectsPath)
        try container.encode(firstRejections, forKey: .firstRejections)
        try container.encode(ignoredColumns, forKey: .ignoredColumns)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        entity = try container.decode(String.self, forKey: .entity)
        source = try container.decode(String.self, forKey: .source)
        engine = try container.decode(String.self, forKey: .engine)
        var counts = IngestCounts()
        counts.read = try container.decode(Int.self, forKey: .read)
        counts.inserted = try container.decode(Int.self, forKey: .inserted)
        counts.updated = try container.decode(Int.self, forKey: .updated)
        counts.deleted = try container.decode(Int.self, forKey: .deleted)
        counts.absentDeletes = try container.decode(Int.self, forKey: .absentDeletes)
        counts.stale = try container.decode(Int.self, forKey: .stale)
        counts.rejected = try container.decode(Int.self, forKey: .rejected)
        counts.orphans = try container.decode(Int.self, forKey: .orphans)
        counts.orphansByLink = try container.decode([String: Int].self, forKey: .orphansByLink)
        self.counts = counts
        seconds = try container.decode(Double.self, forKey: .seconds)
        rejectsPath = try container.decodeIfPresent(String.self, forKey: .rejectsPath)
        firstRejections = try container.decode([Rejection].self, forKey: .firstRejections)
        ignoredColumns = try container.decode([String].self, forKey: .ignoredColumns)
    }

    /// The summary as lines for a terminal.
    public var text: String {
        var lines = ["\(entity) ← \(source) (\(engine)) in \(Format.seconds(seconds)), \(Format.count(rowsPerSecond)) rows/s"]
        let c = counts
        lines.append("  read \(Format.count(c.read)) · inserted \(Format.count(c.inserted)) · updated \(Format.count(c.updated)) · deleted \(Format.count(c.deleted))\(c.absentDeletes > 0 ? " (\(Format.count(c.absentDeletes)) not present)" : "") · stale \(Format.count(c.stale)) · rejected \(Format.count(c.rejected)) · orphans \(Format.count(c.orphans))")
        if !c.orphansByLink.isEmpty {
            lines.append("  orphans by link: " + c.orphansByLink.sorted { $0.key < $1.key }.map { "\($0.key) \(Format.count($0.value))" }.joined(separator: ", ") + " (parents not present yet)")
        }
        if !ignoredColumns.isEmpty { lines.append("  ignored columns: \(ignoredColumns.joined(separator: ", "))") }
        if let rejectsPath {
            lines.append("  rejected rows written to \(rejectsPath); first:")
            lines += firstRejections.prefix(5).map { "    \(source) \($0)" }
        }
        return lines.joined(separator: "\n")
    }
}
