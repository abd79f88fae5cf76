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
    @Option(name: .customLong("data-dir"), help: "Where the generated CSV files, the campaigns and the outbox folder go.") var dataDir = "crescendo-demo"
    @Flag(name: .customLong("data-only"), help: "Only the model, the data and the audiences: no campaign, nothing sent.") var dataOnly = false
    @OptionGroup var options: StoreOptions

    func run() async throws {
        try await reporting(json: options.json) {
            let location = try options.location(default: "sqlite:crescendo-demo.db")
            let demo = DemoRun(profiles: profiles, seed: seed, dataFolder: dataDir, showProgress: !options.json && isatty(STDERR_FILENO) == 1, dataOnly: dataOnly)
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
                if let test = report.campaign, let file = report.campaignFile {
                    print("")
                    CampaignCommand.printReport(test, title: "campaign \(test.campaign), run in test mode (\(file)):")
                }
                if let live = report.live {
                    print("")
                    CampaignCommand.printReport(live, title: "campaign \(live.campaign), published and run (execution \(live.execution?.id ?? 0)):")
                }
                if let messages = report.messages, let sending = report.sending {
                    print("")
                    let outbox = report.outbox ?? ""
                    print("messages: \(sending.sent) sent into \(outbox)/ (emails as .eml files, texts in sms/ and pushes in push/ios|android/ as JSON, letters in letters/ as the print vendor's CSV), \(sending.excluded) excluded at send time")
                    CampaignCommand.Report.printTable(messages)
                }
                print("")
                print("done in \(Format.seconds(report.seconds)). Try:")
                let store = "--store \(report.store)"
                print("  crescendo model show \(store)")
                print("  crescendo data get reservation R00000001 \(store)")
                print("  crescendo audience preview --on profile --where \"tier = 'gold' and home_hotel.city = 'Lisbon'\" --fields id,first_name,home_hotel.name \(store)")
                print("  crescendo audience distribution --audience arriving-this-week --field home_hotel.city \(store)")
                print("  crescendo audience sql --on profile --where \"count(reservations where status = 'completed') >= 3\" \(store)")
                print("  crescendo ingest reservation \(dataDir)/reservation.csv \(store)   # again: every row is stale")
                if let file = report.campaignFile, let messaging = report.messagingFile {
                    print("  crescendo campaign test \(file) \(store)            # edit it and run it again")
                    print("  crescendo campaign status arrival-welcome \(store)")
                    print("  crescendo campaign report arrival-welcome \(store)      # --json, --csv")
                    print("  crescendo consent set P0000001 --channel email --status opted_out \(store)")
                    print("  crescendo campaign start arrival-welcome \(store) && crescendo worker --once --messaging \(messaging) \(store)")
                    print("  crescendo campaign schedule arrival-welcome --preview 10 \(store)")
                }
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
