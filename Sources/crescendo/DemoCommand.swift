import ArgumentParser
import CrescendoApp
import CrescendoCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Create a workspace with the sample hotel model and data, and show what it holds.",
        discussion: "Uses sqlite:crescendo-demo.db unless --store or $CRESCENDO_STORE says otherwise. Running it again is safe: the same rows come in as stale changes."
    )

    @Option(help: "How many profiles; hotels, reservations and loyalty rows scale from it.") var profiles = 10_000
    @Option(help: "The random seed: the same seed and day give the same data.") var seed: UInt64 = 42
    @Option(name: .customLong("data-dir"), help: "Where the generated CSV files go.") var dataDir = "crescendo-demo"
    @OptionGroup var options: StoreOptions

    func run() async throws {
        try await reporting(json: options.json) {
            let location = try options.location(default: "sqlite:crescendo-demo.db")
            let demo = DemoRun(profiles: profiles, seed: seed, dataFolder: dataDir, showProgress: !options.json && isatty(STDERR_FILENO) == 1)
            let json = options.json
            let report = try await Workspace.withStore(location) { store in
                try await demo.run(on: store, location: location) { line in if !json { print(line) } }
            }
            if options.json {
                Output.printJSON(report)
            } else {
                print("")
                print("workspace \(report.store) holds:")
                print(Output.table(["entity", "rows"], report.counts.sorted { $0.key < $1.key }.map { [$0.key, Format.count($0.value)] }))
                if let profile = report.sampleProfile {
                    print("")
                    print("profile P0000001:")
                    for (name, value) in profile.pairs { print("  \(name): \(value)") }
                }
                print("")
                print("audiences:")
                print(Output.table(
                    ["rows of", "rule", "count", "ms"],
                    report.audiences.map { example in
                        [example.to.map { "\(example.on) → \($0)" } ?? example.on,
                         example.rule + (example.savedAs.map { "  (saved as '\($0)')" } ?? ""), Format.count(example.count), String(example.milliseconds)]
                    }))
                print("")
                CampaignCommand.printReport(report.campaign, title: "campaign \(report.campaign.campaign), run in test mode (\(report.campaignFile)):")
                print("")
                print("done in \(Format.seconds(report.seconds)). Try:")
                let store = "--store \(report.store)"
                print("  crescendo model show \(store)")
                print("  crescendo data get reservation R00000001 \(store)")
                print("  crescendo audience preview --on profile --where \"tier = 'gold' and home_hotel.city = 'Lisbon'\" --fields id,first_name,home_hotel.name \(store)")
                print("  crescendo audience distribution --audience arriving-this-week --field home_hotel.city \(store)")
                print("  crescendo audience sql --on profile --where \"count(reservations where status = 'completed') >= 3\" \(store)")
                print("  crescendo ingest reservation \(dataDir)/reservation.csv \(store)   # again: every row is stale")
                print("  crescendo campaign test \(report.campaignFile) \(store)            # edit it and run it again")
                print("  crescendo campaign create \(report.campaignFile) \(store) && crescendo campaign publish stay-reminder \(store)")
                print("  crescendo campaign start stay-reminder \(store) && crescendo campaign status stay-reminder \(store)")
                print("  crescendo campaign schedule stay-reminder --preview 10 \(store)")
            }
            return .success
        }
    }
}

extension JSONValue: CustomStringConvertible {
    public var description: String {
        switch self {
        case .null: "∅"
        case .string(let text): text
        case .integer(let number): String(number)
        case .number(let number): String(number)
        case .bool(let flag): String(flag)
        }
    }
}

struct SampleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Generate the sample hotel dataset as CSV files.",
        subcommands: [Generate.self, Model.self]
    )

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write one CSV file per entity (deterministic from the seed and the day).")

        @Option(help: "How many profiles.") var profiles = 10_000
        @Option(help: "The random seed.") var seed: UInt64 = 42
        @Option(help: "The day the data is spread around, YYYY-MM-DD (default: today, UTC).") var anchor: String?
        @Option(help: "The output folder.") var out = "sample-data"
        @Option(name: .customLong("changes"), help: "Also write reservation_changes.csv with this many CDC changes.") var changes = 0
        @Flag(name: .long, help: "Print the result as JSON.") var json = false

        func run() async throws {
            try await reporting(json: json) {
                let day = try anchor.map { text in
                    guard let day = SampleDayParser.parse(text) else { throw CrescendoError(.invalidArgument, "--anchor \(text) is not a date (expected YYYY-MM-DD)") }
                    return day
                } ?? SampleDayParser.today()
                let written = try SampleGeneration.generate(profiles: profiles, seed: seed, anchor: day, folder: out, changes: changes)
                if json { Output.printJSON(written) } else {
                    for file in written { print("\(file.path)  \(Format.count(file.rows)) rows") }
                }
                return .success
            }
        }
    }

    struct Model: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the sample data model YAML.")

        @Flag(name: .long, help: "Print it inside a JSON object ({\"yaml\": …}).") var json = false

        func run() async throws {
            if json { Output.printJSON(["yaml": SampleGeneration.modelYAML]) } else { print(SampleGeneration.modelYAML) }
        }
    }
}
