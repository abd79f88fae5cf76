import ArgumentParser
import CrescendoApp
import CrescendoCore
import CrescendoIngest
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Apply a change-data-capture file (CSV or JSON Lines, optionally gzip) to an entity.",
        discussion: """
            Each row is an upsert of a full record, or a delete when its _change_request_type column is d.
            The version field decides: older changes never overwrite newer ones, and deletes leave tombstones.
            The file lands in one transaction: all its good rows, or (when it cannot be read to the end, or
            --max-errors is exceeded) nothing. Rejected rows go to the rejects file with line and reason.
            """
    )

    @Argument(help: "The entity to load.") var entity: String
    @Argument(help: "The input file; - reads standard input.") var file: String
    @Option(help: "csv or jsonl (default: from the file name; csv for standard input).") var format: String?
    @Option(help: "The CSV field delimiter: one character, or 'tab' (default: tab for .tsv files, else a comma).") var delimiter: String?
    @Option(help: "Where rejected rows go (default: beside the input, FILE.rejects.csv).") var rejects: String?
    @Option(name: .customLong("max-errors"), help: "Roll the whole file back when more rows than this are rejected.") var maxErrors: Int?
    @Option(name: .customLong("batch-size"), help: "Rows per write batch.") var batchSize: Int = 5_000
    @Flag(name: .customLong("ignore-unknown-columns"), help: "Skip input columns that are not fields instead of refusing the file.") var ignoreUnknownColumns = false
    @Flag(name: .customLong("no-progress"), help: "Do not draw a progress bar.") var noProgress = false
    @OptionGroup var options: StoreOptions

    func run() async throws {
        try await reporting(json: options.json) {
            let format = try format.map { name -> InputFormat in
                guard let format = InputFormat(rawValue: name.lowercased()) else {
                    throw CrescendoError(.invalidArgument, "--format \(name) is not csv or jsonl")
                }
                return format
            }
            let delimiterByte: UInt8
            switch delimiter {
            case nil: delimiterByte = InputFormat.defaultDelimiter(forPath: file)
            case "tab", "\\t", "\t": delimiterByte = 9
            case let text? where text.utf8.count == 1 && text.utf8.first! < 128: delimiterByte = text.utf8.first!
            case let text?: throw CrescendoError(.invalidArgument, "--delimiter \"\(text)\" must be one ASCII character or 'tab'")
            }
            if let maxErrors, maxErrors < 0 { throw CrescendoError(.invalidArgument, "--max-errors must be 0 or more") }
            let run = IngestRun(
                entity: entity, path: file, format: format, delimiter: delimiterByte, rejectsPath: rejects,
                maxErrors: maxErrors, batchSize: batchSize, ignoreUnknownColumns: ignoreUnknownColumns,
                showProgress: !noProgress && !options.json && isatty(STDERR_FILENO) == 1
            )
            let summary = try await Workspace.withStore(try options.location()) { store in try await run.run(on: store) }
            if options.json { Output.printJSON(summary) } else { print(summary.text) }
            return summary.counts.rejected > 0 ? .completedWithRejections : .success
        }
    }
}
