import CrescendoApp
import CrescendoSample
import Foundation

/// `crescendo-bench ingest`: Crescendo's CDC ingestion against the engines' own bulk loaders, measured
/// in the same run on the same files.
///
/// Crescendo runs as the release `crescendo` binary, a separate process, so its wall time and peak
/// memory are those a user sees. The references are the `sqlite3` shell's `.import` and PostgreSQL's
/// `COPY` (through `psql`'s `\copy`), into tables with the same primary key; for the file of changes,
/// the reference is an expert's SQL merge from a staging table (no validation, no tombstones, no
/// orphan report: a lower bound).
public struct IngestBenchmark: Sendable {
    public var rows: Int
    public var changes: Int
    public var postgresURL: String?
    public var workFolder: String
    public var crescendoBinary: String
    public var keepFiles: Bool

    public init(rows: Int, changes: Int, postgresURL: String?, workFolder: String, crescendoBinary: String, keepFiles: Bool) {
        self.rows = rows
        self.changes = changes
        self.postgresURL = postgresURL
        self.workFolder = workFolder
        self.crescendoBinary = crescendoBinary
        self.keepFiles = keepFiles
    }

    public struct Row: Sendable, Encodable {
        public var engine: String
        public var work: String
        public var rows: Int
        public var crescendoSeconds: Double
        public var crescendoRowsPerSecond: Int
        public var crescendoPeakMB: Double
        public var reference: String
        public var referenceSeconds: Double
        public var referenceRowsPerSecond: Int
        /// Crescendo's rows/s divided by the reference's: 1.0 is as fast, 0.5 half as fast.
        public var ratio: Double
    }

    public func run(log: (String) -> Void) throws -> [Row] {
        try FileManager.default.createDirectory(atPath: workFolder, withIntermediateDirectories: true)
        defer { if !keepFiles { try? FileManager.default.removeItem(atPath: workFolder) } }
        let dataset = SampleDataset(profiles: max(1, rows / 5), seed: 2026, anchor: SampleDay(year: 2026, month: 11, day: 30))
        let base = path("reservation.csv"), changesFile = path("reservation_changes.csv")
        log("generating \(Format.count(dataset.reservations)) reservations and \(Format.count(changes)) changes in \(workFolder)")
        var sink = try FileCSVSink(path: base)
        try dataset.writeCSV(entity: "reservation", to: &sink)
        try sink.close()
        var changeSink = try FileCSVSink(path: changesFile)
        try dataset.writeReservationChangesCSV(count: changes, to: &changeSink)
        try changeSink.close()
        let modelFile = path("model.yaml")
        try SampleModel.yaml.write(toFile: modelFile, atomically: true, encoding: .utf8)

        let plainModelFile = path("model-keys-only.yaml")
        try Self.keysOnlyModel().write(toFile: plainModelFile, atomically: true, encoding: .utf8)

        var results: [Row] = []
        results += try sqlite(base: base, changesFile: changesFile, modelFile: modelFile, plainModelFile: plainModelFile, count: dataset.reservations, log: log)
        if let postgresURL {
            results += try postgres(url: postgresURL, base: base, changesFile: changesFile, modelFile: modelFile, count: dataset.reservations, log: log)
        }
        return results
    }

    private func path(_ name: String) -> String { (workFolder as NSString).appendingPathComponent(name) }

    // MARK: SQLite

    /// The sample model with the reservation's links and declared index removed, so that its table
    /// has the primary key only, like the plain `.import` reference.
    static func keysOnlyModel() throws -> String {
        var yaml = SampleModel.yaml
        let replacements = [
            ("check_in: {type: date, index: true}", "check_in: date"),
            ("    links:\n      customer: {to: profile, by: profile_id, reverse: reservations}\n      hotel: {to: hotel, by: hotel_id, reverse: reservations}\n", ""),
        ]
        for (old, new) in replacements {
            guard yaml.contains(old) else { throw BenchError("the sample model changed: cannot derive the keys-only model") }
            yaml = yaml.replacingOccurrences(of: old, with: new)
        }
        return yaml
    }

    private func sqlite(base: String, changesFile: String, modelFile: String, plainModelFile: String, count: Int, log: (String) -> Void) throws -> [Row] {
        let plainWorkspace = "sqlite:" + path("crescendo-keys-only.db")
        _ = try MeasuredProcess(crescendoBinary, ["model", "apply", plainModelFile, "--store", plainWorkspace]).check()
        log("sqlite: crescendo ingest (initial load, primary key only)")
        let plainLoad = try crescendoIngest(base, store: plainWorkspace)
        let workspace = "sqlite:" + path("crescendo.db")
        _ = try MeasuredProcess(crescendoBinary, ["model", "apply", modelFile, "--store", workspace]).check()
        log("sqlite: crescendo ingest (initial load)")
        let load = try crescendoIngest(base, store: workspace)
        log("sqlite: crescendo ingest (changes)")
        let update = try crescendoIngest(changesFile, store: workspace)

        let referenceDB = path("reference.db")
        let indexedDB = path("reference-indexed.db")
        log("sqlite: sqlite3 .import (reference)")
        let plain = try sqlite3(referenceDB, script: Self.sqliteTable + ".import --csv --skip 1 '\(base)' reservation\n")
        // The expert's way to an indexed table: load first, then build each index in one sorted pass.
        let indexed = try sqlite3(indexedDB, script: Self.sqliteTable + ".import --csv --skip 1 '\(base)' reservation\n" + Self.sqliteIndexes)
        log("sqlite: sqlite3 staging import + merge (reference for changes)")
        let merge = try sqlite3(indexedDB, script: """
            PRAGMA journal_mode = WAL;
            PRAGMA cache_size = -65536;
            BEGIN;
            CREATE TEMP TABLE changes (id TEXT, profile_id TEXT, hotel_id TEXT, check_in TEXT, nights INTEGER, amount REAL, currency TEXT, status TEXT, booked_at TEXT, updated_at TEXT, _change_request_type TEXT);
            .import --csv --skip 1 '\(changesFile)' changes
            INSERT INTO reservation SELECT id, profile_id, hotel_id, check_in, nights, amount, currency, status, booked_at, updated_at FROM changes WHERE lower(_change_request_type) <> 'd' AND true
              ON CONFLICT (id) DO UPDATE SET profile_id = excluded.profile_id, hotel_id = excluded.hotel_id, check_in = excluded.check_in, nights = excluded.nights, amount = excluded.amount, currency = excluded.currency, status = excluded.status, booked_at = excluded.booked_at, updated_at = excluded.updated_at
              WHERE excluded.updated_at > reservation.updated_at;
            DELETE FROM reservation WHERE id IN (SELECT c.id FROM changes c JOIN reservation r ON r.id = c.id WHERE lower(c._change_request_type) = 'd' AND c.updated_at >= r.updated_at);
            COMMIT;

            """)
        return [
            row("sqlite", "initial load, key only", count, plainLoad, "sqlite3 .import, same primary key", plain),
            row("sqlite", "initial load, sample model", count, load, "sqlite3 .import + CREATE INDEX, same indexes", indexed),
            row("sqlite", "changes", changes, update, "sqlite3 staging .import + SQL merge, same indexes", merge),
        ]
    }

    /// The reservation table as Crescendo's sample model declares it, written by hand.
    static let sqliteTable = """
        PRAGMA journal_mode = WAL;
        PRAGMA cache_size = -65536;
        CREATE TABLE reservation (id TEXT NOT NULL, profile_id TEXT, hotel_id TEXT, check_in TEXT, nights INTEGER, amount REAL, currency TEXT, status TEXT, booked_at TEXT, updated_at TEXT NOT NULL, PRIMARY KEY (id));

        """

    /// The secondary indexes Crescendo keeps: the declared one and one per link.
    static let sqliteIndexes = """
        CREATE INDEX r_check_in ON reservation (check_in);
        CREATE INDEX r_profile ON reservation (profile_id);
        CREATE INDEX r_hotel ON reservation (hotel_id);

        """

    private func sqlite3(_ database: String, script: String) throws -> MeasuredProcess.Result {
        let scriptFile = path("script-\(UUID().uuidString.prefix(6)).sql")
        try script.write(toFile: scriptFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: scriptFile) }
        let result = try MeasuredProcess("sqlite3", ["-bail", database], stdinPath: scriptFile).check()
        guard result.stderr.isEmpty else { throw BenchError("sqlite3: \(result.stderr.prefix(1_000))") }
        return result
    }

    // MARK: PostgreSQL

    private func postgres(url: String, base: String, changesFile: String, modelFile: String, count: Int, log: (String) -> Void) throws -> [Row] {
        let suffix = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(8).lowercased()
        let crescendoSchema = "bench_c_\(suffix)", referenceSchema = "bench_r_\(suffix)"
        let workspace = url + (url.contains("?") ? "&" : "?") + "schema=\(crescendoSchema)"
        defer { _ = try? psql(url, script: "DROP SCHEMA IF EXISTS \(crescendoSchema) CASCADE; DROP SCHEMA IF EXISTS \(referenceSchema) CASCADE;") }
        _ = try MeasuredProcess(crescendoBinary, ["model", "apply", modelFile, "--store", workspace]).check()
        log("postgres: crescendo ingest (initial load)")
        let load = try crescendoIngest(base, store: workspace)
        log("postgres: crescendo ingest (changes)")
        let update = try crescendoIngest(changesFile, store: workspace)

        let table = """
            CREATE TABLE reservation (id text NOT NULL, profile_id text, hotel_id text, check_in date, nights bigint, amount numeric, currency text, status text, booked_at timestamptz, updated_at timestamptz NOT NULL, PRIMARY KEY (id));
            """
        _ = try psql(url, script: "CREATE SCHEMA \(referenceSchema); SET search_path = \(referenceSchema);\n\(table)\n")
        log("postgres: COPY (reference)")
        // COPY into the keyed table, then each index built in one pass: the fast way to the same table.
        let copy = try psql(url, script: """
            SET search_path = \(referenceSchema);
            BEGIN;
            \\copy reservation FROM '\(base)' WITH (FORMAT csv, HEADER true)
            CREATE INDEX ON reservation (check_in); CREATE INDEX ON reservation (profile_id); CREATE INDEX ON reservation (hotel_id);
            COMMIT;

            """)
        log("postgres: COPY to staging + SQL merge (reference for changes)")
        let merge = try psql(url, script: """
            SET search_path = \(referenceSchema);
            BEGIN;
            CREATE TEMP TABLE changes (id text, profile_id text, hotel_id text, check_in date, nights bigint, amount numeric, currency text, status text, booked_at timestamptz, updated_at timestamptz, _change_request_type text);
            \\copy changes FROM '\(changesFile)' WITH (FORMAT csv, HEADER true)
            INSERT INTO reservation SELECT DISTINCT ON (id) id, profile_id, hotel_id, check_in, nights, amount, currency, status, booked_at, updated_at FROM changes WHERE lower(_change_request_type) <> 'd' ORDER BY id, updated_at DESC
              ON CONFLICT (id) DO UPDATE SET profile_id = excluded.profile_id, hotel_id = excluded.hotel_id, check_in = excluded.check_in, nights = excluded.nights, amount = excluded.amount, currency = excluded.currency, status = excluded.status, booked_at = excluded.booked_at, updated_at = excluded.updated_at
              WHERE excluded.updated_at > reservation.updated_at;
            DELETE FROM reservation r USING changes c WHERE r.id = c.id AND lower(c._change_request_type) = 'd' AND c.updated_at >= r.updated_at;
            COMMIT;

            """)
        return [
            row("postgres", "initial load", count, load, "COPY + CREATE INDEX, same indexes", copy),
            row("postgres", "changes", changes, update, "COPY to staging + SQL merge, same indexes", merge),
        ]
    }

    private func psql(_ url: String, script: String) throws -> MeasuredProcess.Result {
        let scriptFile = path("script-\(UUID().uuidString.prefix(6)).psql")
        try script.write(toFile: scriptFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: scriptFile) }
        let plain = url.components(separatedBy: "?").first ?? url
        return try MeasuredProcess("psql", [plain, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", scriptFile]).check()
    }

    // MARK: Crescendo

    private func crescendoIngest(_ file: String, store: String) throws -> MeasuredProcess.Result {
        let result = try MeasuredProcess(crescendoBinary, ["ingest", "reservation", file, "--store", store, "--json", "--no-progress"]).check()
        guard let data = result.stdout.data(using: .utf8),
            let summary = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            (summary["rejected"] as? Int) == 0
        else { throw BenchError("crescendo ingest rejected rows or printed no summary: \(result.stdout.prefix(2_000)) \(result.stderr.prefix(2_000))") }
        return result
    }

    private func row(_ engine: String, _ work: String, _ rows: Int, _ crescendo: MeasuredProcess.Result, _ reference: String, _ measured: MeasuredProcess.Result) -> Row {
        let ours = Double(rows) / crescendo.seconds, theirs = Double(rows) / measured.seconds
        return Row(
            engine: engine, work: work, rows: rows, crescendoSeconds: crescendo.seconds, crescendoRowsPerSecond: Int(ours),
            crescendoPeakMB: crescendo.peakMegabytes, reference: reference, referenceSeconds: measured.seconds,
            referenceRowsPerSecond: Int(theirs), ratio: ours / theirs
        )
    }

    /// The table the benchmark prints.
    public static func table(_ rows: [Row]) -> String {
        Output.table(
            ["engine", "work", "rows", "crescendo s", "crescendo rows/s", "peak MB", "reference", "ref s", "ref rows/s", "ratio"],
            rows.map { row in
                [
                    row.engine, row.work, Format.count(row.rows), String(format: "%.2f", row.crescendoSeconds),
                    Format.count(row.crescendoRowsPerSecond), String(format: "%.0f", row.crescendoPeakMB), row.reference,
                    String(format: "%.2f", row.referenceSeconds), Format.count(row.referenceRowsPerSecond), String(format: "%.2f", row.ratio),
                ]
            }
        )
    }
}
