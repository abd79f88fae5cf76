import ArgumentParser
import CrescendoApp
import CrescendoBenchmarks
import Foundation

@main
struct CrescendoBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crescendo-bench",
        abstract: "Crescendo's benchmarks: each prints a table with a reference measured in the same run. Build with -c release.",
        subcommands: [Ingest.self, Audience.self, Orchestrate.self]
    )

    struct Ingest: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "CDC ingestion vs sqlite3 .import and PostgreSQL COPY.")

        @Option(help: "Reservations in the initial load.") var rows = 1_000_000
        @Option(help: "Changes in the second file (updates, deletes, stale rows, new rows).") var changes = 1_000_000
        @Option(help: "A PostgreSQL URL to benchmark too (default: $CRESCENDO_BENCH_POSTGRES).") var postgres: String?
        @Option(name: .customLong("work-dir"), help: "Where the files and workspaces go (default: a temporary folder).") var workDir: String?
        @Flag(help: "Keep the generated files and workspaces.") var keep = false
        @Flag(name: .long, help: "Print the results as JSON.") var json = false

        func run() throws {
            let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("crescendo").path
            guard FileManager.default.isExecutableFile(atPath: binary) else {
                throw ValidationError("\(binary) is missing: build it first (swift build -c release)")
            }
            let benchmark = IngestBenchmark(
                rows: rows, changes: changes,
                postgresURL: postgres ?? ProcessInfo.processInfo.environment["CRESCENDO_BENCH_POSTGRES"],
                workFolder: workDir ?? NSTemporaryDirectory() + "crescendo-bench-\(UUID().uuidString.prefix(8))",
                crescendoBinary: binary, keepFiles: keep
            )
            do {
                let results = try benchmark.run { line in
                    FileHandle.standardError.write(Data("· \(line)\n".utf8))
                }
                if json { Output.printJSON(results) } else { print(IngestBenchmark.table(results)) }
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    struct Audience: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Compiled rules vs an expert's hand-written SQL, on the full sample dataset.")

        @Option(help: "Profiles (reservations are 5x, loyalty rows 3x, hotels 1/20).") var profiles = 1_000_000
        @Option(help: "A PostgreSQL URL to benchmark too (default: $CRESCENDO_BENCH_POSTGRES).") var postgres: String?
        @Option(name: .customLong("work-dir"), help: "Where the files and workspaces go; with --keep, a second run reuses them.") var workDir: String?
        @Option(help: "Runs of each query; the best is reported.") var repeats = 3
        @Flag(name: .customLong("no-sqlite"), help: "Measure PostgreSQL only.") var noSQLite = false
        @Flag(help: "Keep the generated files and loaded workspaces.") var keep = false
        @Flag(name: .long, help: "Print the results as JSON.") var json = false

        func run() async throws {
            let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("crescendo").path
            guard FileManager.default.isExecutableFile(atPath: binary) else {
                throw ValidationError("\(binary) is missing: build it first (swift build -c release)")
            }
            let benchmark = AudienceBenchmark(
                profiles: profiles, postgresURL: postgres ?? ProcessInfo.processInfo.environment["CRESCENDO_BENCH_POSTGRES"],
                workFolder: workDir ?? NSTemporaryDirectory() + "crescendo-bench-audience", crescendoBinary: binary,
                keepFiles: keep, repeats: max(1, repeats), sqlite: !noSQLite)
            do {
                let results = try await benchmark.run { line in FileHandle.standardError.write(Data("· \(line)\n".utf8)) }
                if json { Output.printJSON(results) } else { print(AudienceBenchmark.table(results)) }
                if results.contains(where: { !$0.countsAgree }) { throw ExitCode(2) }
            } catch let error as ExitCode {
                throw error
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
    struct Orchestrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A 12-activity campaign execution vs the same work as an expert's SQL script, on the full sample dataset.")

        @Option(help: "Profiles (reservations are 5x, loyalty rows 3x, hotels 1/20).") var profiles = 1_000_000
        @Option(help: "A PostgreSQL URL to benchmark too (default: $CRESCENDO_BENCH_POSTGRES).") var postgres: String?
        @Option(name: .customLong("work-dir"), help: "Where the files and workspaces go; with --keep, a second run reuses them (the audience benchmark's work dir serves too).") var workDir: String?
        @Option(help: "Runs of the campaign and of the script; the best is reported.") var repeats = 3
        @Flag(name: .customLong("no-sqlite"), help: "Measure PostgreSQL only.") var noSQLite = false
        @Flag(help: "Keep the generated files and loaded workspaces.") var keep = false
        @Flag(name: .customLong("trace-sql"), help: "Print every unit of work the execution runs, with its time.") var traceSQL = false
        @Flag(name: .long, help: "Print the results as JSON.") var json = false

        func run() async throws {
            let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("crescendo").path
            guard FileManager.default.isExecutableFile(atPath: binary) else {
                throw ValidationError("\(binary) is missing: build it first (swift build -c release)")
            }
            let benchmark = OrchestrateBenchmark(
                profiles: profiles, postgresURL: postgres ?? ProcessInfo.processInfo.environment["CRESCENDO_BENCH_POSTGRES"],
                workFolder: workDir ?? NSTemporaryDirectory() + "crescendo-bench-audience", crescendoBinary: binary,
                keepFiles: keep, repeats: max(1, repeats), sqlite: !noSQLite, traceSQL: traceSQL)
            do {
                let results = try await benchmark.run { line in FileHandle.standardError.write(Data("· \(line)\n".utf8)) }
                // Differing counts are reported (a warning line and DIFFER in the table), not fatal.
                if json { Output.printJSON(results) } else { print(OrchestrateBenchmark.table(results)) }
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}
