import ArgumentParser
import CrescendoApp
import CrescendoCore
import CrescendoMessaging
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct CampaignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaign",
        abstract: "Design, test, publish and run campaigns: graphs of activities on your data.",
        discussion: """
            A campaign file (YAML, or its JSON form) lists activities and the transitions between them;
            README.md describes every activity. A typical session:
              crescendo campaign validate welcome.yaml
              crescendo campaign test welcome.yaml          # counts and sample messages, nothing sent
              crescendo campaign create welcome.yaml && crescendo campaign publish welcome
              crescendo campaign start welcome               # or let `crescendo worker` follow its schedule
              crescendo campaign status welcome
            """,
        subcommands: [
            Validate.self, Create.self, Publish.self, Start.self, Trigger.self, Pause.self, Resume.self, Stop.self, Close.self, Archive.self,
            Test.self, Status.self, Logs.self, List.self, Schedule.self, Report.self,
        ]
    )

    static func withDesk<T: Sendable>(_ options: StoreOptions, _ body: @Sendable (CampaignDesk) async throws -> T) async throws -> T {
        try await Workspace.withStore(try options.location()) { store in try await body(try await CampaignDesk.open(store)) }
    }

    static func parseVariables(_ pairs: [String]) throws(CrescendoError) -> [String: String] {
        var result: [String: String] = [:]
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw CrescendoError(.invalidArgument, "--var \(pair): expected NAME=VALUE")
            }
            result[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        return result
    }

    static var terminal: Bool { isatty(STDOUT_FILENO) == 1 }

    static func progressPrinter(_ json: Bool) -> (@Sendable (String) -> Void)? {
        guard !json, isatty(STDERR_FILENO) == 1 else { return nil }
        return { line in FileHandle.standardError.write(Data("  · \(line)\n".utf8)) }
    }

    struct ProblemsReport: Encodable {
        var file: String
        var valid: Bool
        var problems: [CampaignProblem]
    }

    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check a campaign file against the workspace's model; every problem names its activity.")
        @Argument(help: "The campaign file (YAML or JSON).") var file: String
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                let (definition, _) = try CampaignLoader.load(path: file)
                let problems = try await withDesk(options) { desk in await CampaignValidator(store: desk.store, model: desk.model, templateCheck: TemplateMessageRenderer.check).problems(definition) }
                if options.json {
                    Output.printJSON(ProblemsReport(file: file, valid: problems.isEmpty, problems: problems))
                } else if problems.isEmpty {
                    print("\(file): campaign \(definition.name) is valid (\(definition.activities.count) activities, \(definition.transitions.count) transitions)")
                } else {
                    Output.printError("\(file): \(problems.count) problem\(problems.count == 1 ? "" : "s"):\n" + problems.map { "  \($0)" }.joined(separator: "\n"))
                }
                return problems.isEmpty ? .success : .invalidInput
            }
        }
    }

    struct CampaignInfo: Encodable {
        var name: String
        var version: Int64
        var state: String
        var schedule: String
        var nextLaunch: String?
        var lastLaunch: String?
        var problems: [CampaignProblem]?

        init(_ campaign: StoredCampaign, problems: [CampaignProblem]? = nil) {
            name = campaign.name
            version = campaign.version
            state = campaign.state.rawValue
            let definition = try? campaign.definition()
            schedule = definition?.schedule?.summary ?? "as soon as possible (manual start)"
            if [.scheduled, .live].contains(campaign.state), let launch = (try? definition?.schedule?.schedule())??.next(after: Int64(Date().timeIntervalSince1970)) {
                nextLaunch = CivilTime.iso8601(micros: launch * 1_000_000)
            }
            lastLaunch = campaign.lastLaunch.map { CivilTime.iso8601(micros: $0 * 1_000_000) }
            self.problems = problems
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Store a campaign file as a draft (a new version when the campaign is published).")
        @Argument(help: "The campaign file (YAML or JSON).") var file: String
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                let (campaign, problems) = try await withDesk(options) { desk in try await desk.create(path: file) }
                if options.json {
                    Output.printJSON(CampaignInfo(campaign, problems: problems))
                } else {
                    print("campaign \(campaign.name) v\(campaign.version): draft saved")
                    if !problems.isEmpty {
                        print("it cannot be published yet:\n" + problems.map { "  \($0)" }.joined(separator: "\n"))
                    }
                }
                return .success
            }
        }
    }

    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Publish a valid draft: it is read-only from now on and follows its schedule.")
        @Argument(help: "The campaign name.") var name: String
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                let campaign = try await withDesk(options) { desk in try await desk.publish(name) }
                let info = CampaignInfo(campaign)
                if options.json { Output.printJSON(info) } else {
                    print("campaign \(campaign.name) v\(campaign.version): published (\(info.schedule))\(info.nextLaunch.map { "; next launch \($0)" } ?? "; start it with `crescendo campaign start \(name)`")")
                }
                return .success
            }
        }
    }

    struct ExecutionResult: Encodable {
        var campaign: String
        var execution: Int64
        var status: String
        var waitUntil: String?
    }

    static func runExecution(_ desk: CampaignDesk, campaign: String, id: Int64, detach: Bool, json: Bool) async throws -> (ExecutionResult, ExitStatus) {
        if detach { return (ExecutionResult(campaign: campaign, execution: id, status: "queued"), .success) }
        let result = try await desk.run(id, holdWaits: false, progress: progressPrinter(json))
        switch result {
        case .finished(let status): return (ExecutionResult(campaign: campaign, execution: id, status: status.rawValue), status == .completed ? .success : .executionFailed)
        case .waiting(let until): return (ExecutionResult(campaign: campaign, execution: id, status: "waiting", waitUntil: CivilTime.iso8601(micros: until * 1_000_000)), .executionWaiting)
        case .paused: return (ExecutionResult(campaign: campaign, execution: id, status: "paused"), .success)
        case .released: return (ExecutionResult(campaign: campaign, execution: id, status: "running"), .success)
        }
    }

    static func printResult(_ result: ExecutionResult, json: Bool) {
        if json { Output.printJSON(result); return }
        switch result.status {
        case "queued": print("execution \(result.execution) of \(result.campaign) queued; `crescendo worker` runs it")
        case "waiting": print("execution \(result.execution) of \(result.campaign) waits until \(result.waitUntil ?? "?"); `crescendo worker` carries it on")
        default: print("execution \(result.execution) of \(result.campaign): \(result.status) — `crescendo campaign status \(result.campaign)` shows the counts")
        }
    }

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Launch a published campaign now and run it here (until it ends or reaches a wait).")
        @Argument(help: "The campaign name.") var name: String
        @Option(name: .customLong("var"), help: "A campaign variable, NAME=VALUE (repeatable).") var variables: [String] = []
        @Flag(name: .long, help: "Only queue the execution; a worker runs it.") var detach = false
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                let variables = try parseVariables(self.variables)
                let (result, status) = try await withDesk(options) { desk in
                    let id = try await desk.start(name, variables: variables)
                    return try await runExecution(desk, campaign: name, id: id, detach: detach, json: options.json)
                }
                printResult(result, json: options.json)
                return status
            }
        }
    }

    struct Trigger: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Launch a published campaign on demand with variables (respecting its minimum gap).")
        @Argument(help: "The campaign name.") var name: String
        @Option(name: .customLong("var"), help: "A campaign variable, NAME=VALUE (repeatable).") var variables: [String] = []
        @Flag(name: .long, help: "Run the execution here instead of leaving it to a worker.") var wait = false
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                let variables = try parseVariables(self.variables)
                let (result, status) = try await withDesk(options) { desk in
                    let id = try await desk.trigger(name, variables: variables)
                    return try await runExecution(desk, campaign: name, id: id, detach: !wait, json: options.json)
                }
                printResult(result, json: options.json)
                return status
            }
        }
    }

    /// pause, resume, stop, close and archive: one lifecycle move each.
    struct Move {
        static func run(_ name: String, _ event: CampaignEvent, _ options: StoreOptions) async throws {
            try await reporting(json: options.json) {
                let campaign = try await withDesk(options) { desk in try await desk.move(name, event) }
                if options.json { Output.printJSON(CampaignInfo(campaign)) } else { print("campaign \(campaign.name) v\(campaign.version): \(campaign.state.rawValue)") }
                return .success
            }
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Hold launches and running executions until resumed.")
        @Argument var name: String
        @OptionGroup var options: StoreOptions
        func run() async throws { try await Move.run(name, .pause, options) }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a paused campaign.")
        @Argument var name: String
        @OptionGroup var options: StoreOptions
        func run() async throws { try await Move.run(name, .resume, options) }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a campaign: no further launch; running executions stop after their current activity.")
        @Argument var name: String
        @OptionGroup var options: StoreOptions
        func run() async throws { try await Move.run(name, .stop, options) }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close a completed or stopped campaign (kept for reporting).")
        @Argument var name: String
        @OptionGroup var options: StoreOptions
        func run() async throws { try await Move.run(name, .close, options) }
    }

    struct Archive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Archive a campaign that no longer runs.")
        @Argument var name: String
        @OptionGroup var options: StoreOptions
        func run() async throws { try await Move.run(name, .archive, options) }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run a campaign file on the real data without sending or saving anything: counts on every transition, every channel's messages.")
        @Argument(help: "The campaign file (YAML or JSON).") var file: String
        @Option(name: .customLong("var"), help: "A campaign variable, NAME=VALUE (repeatable).") var variables: [String] = []
        @Option(name: .long, help: "Sample messages to show per channel activity (0 to 100).") var sample = 5
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                guard (0...100).contains(sample) else { throw CrescendoError(.invalidArgument, "--sample must be between 0 and 100") }
                let variables = try parseVariables(self.variables)
                let (definition, source) = try CampaignLoader.load(path: file)
                let report = try await withDesk(options) { desk in
                    try await desk.test(definition, source: source, variables: variables, sample: sample, progress: progressPrinter(options.json))
                }
                if options.json { Output.printJSON(report) } else { printReport(report, title: "test of \(definition.name) (nothing sent, nothing saved)") }
                return report.execution?.status == .completed ? .success : .executionFailed
            }
        }
    }

    static func printReport(_ report: ExecutionReport, title: String) {
        print(title)
        if let execution = report.execution {
            print("execution \(execution.id): \(execution.status.rawValue) (\(execution.launchedBy))\(execution.error.map { " — \($0)" } ?? "")")
        }
        print("")
        for line in report.drawing(color: terminal) { print(line) }
        for messages in report.messages {
            print("")
            let excluded = messages.excluded.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            print("\(messages.activity) (\(messages.channel), \(messages.category), per \(messages.per)): \(messages.targeted) messages\(excluded.isEmpty ? "" : "; excluded: \(excluded)")")
            if let segments = messages.segments {
                print("  SMS segments\(segments.estimated ? " (estimated from \(segments.rendered) texts)" : ""): \(segments.segments) in all, \(segments.unicode) text(s) in UCS-2, the longest \(segments.longest) segment(s)")
                for failure in segments.failures { print("  could not render: \(failure)") }
            }
            if !messages.sample.isEmpty {
                print(Output.table(messages.columns, messages.sample.map { $0.map { $0 ?? "–" } }))
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The campaign's state and its latest (or a given) execution drawn as a graph with counts.")
        @Argument var name: String
        @Option(name: .long, help: "An execution id (default: the latest).") var execution: Int64?
        @Option(name: .long, help: "Sample messages to show per channel activity.") var sample = 0
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                let (report, info) = try await withDesk(options) { desk in
                    (try await desk.report(name, execution: execution, sample: sample), CampaignInfo(try await desk.requireOperational(name)))
                }
                if options.json {
                    struct Body: Encodable { var campaign: CampaignInfo; var report: ExecutionReport }
                    Output.printJSON(Body(campaign: info, report: report))
                } else {
                    print("campaign \(info.name) v\(info.version): \(info.state) — \(info.schedule)\(info.nextLaunch.map { "; next launch \($0)" } ?? "")")
                    if report.execution == nil { print("no execution yet") }
                    printReport(report, title: "")
                }
                return .success
            }
        }
    }

    struct Logs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The log of an execution (operations, warnings, errors) and its tasks.")
        @Argument var name: String
        @Option(name: .long, help: "An execution id (default: the latest).") var execution: Int64?
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                let (logs, report) = try await withDesk(options) { desk in
                    let report = try await desk.report(name, execution: execution)
                    guard let id = report.execution?.id else { throw CrescendoError(.notFound, "campaign '\(name)' has no execution yet") }
                    return (try await desk.repository.logs(id), report)
                }
                if options.json {
                    struct Body: Encodable { var execution: StoredExecution?; var logs: [ExecutionLog]; var tasks: [ExecutionReport.Activity] }
                    Output.printJSON(Body(execution: report.execution, logs: logs, tasks: report.activities))
                } else {
                    for log in logs {
                        print("\(CivilTime.iso8601(micros: log.at * 1_000_000)) \(log.level.uppercased().padding(toLength: 7, withPad: " ", startingAt: 0)) \(log.activity.map { "[\($0)] " } ?? "")\(log.message)")
                    }
                    print("")
                    print(Output.table(["task", "state", "rows", "started", "ms"], report.activities.map { [$0.name, $0.state, $0.rows.map(String.init) ?? "–", $0.startedAt ?? "–", $0.milliseconds.map(String.init) ?? "–"] }))
                }
                return .success
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every campaign with its state and schedule.")
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                let campaigns = try await withDesk(options) { desk in try await desk.repository.campaigns() }.map { CampaignInfo($0) }
                if options.json { Output.printJSON(campaigns) } else if campaigns.isEmpty { print("no campaigns yet") } else {
                    print(Output.table(["name", "version", "state", "schedule", "next launch"], campaigns.map { [$0.name, String($0.version), $0.state, $0.schedule, $0.nextLaunch ?? "–"] }))
                }
                return .success
            }
        }
    }

    struct Schedule: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The next launch times of a campaign (a name, or a file).")
        @Argument(help: "A campaign name, or a campaign file.") var name: String
        @Option(name: .long, help: "How many launches to list (1 to 1000).") var preview = 10
        @Option(name: .long, help: "Count from this ISO 8601 instant instead of now.") var from: String?
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                guard (1...1000).contains(preview) else { throw CrescendoError(.invalidArgument, "--preview must be between 1 and 1000") }
                let definition: CampaignDefinition
                if FileManager.default.fileExists(atPath: name) {
                    definition = try CampaignLoader.load(path: name).definition
                } else {
                    definition = try await withDesk(options) { desk in try await desk.require(name) }.definition()
                }
                var start = Int64(Date().timeIntervalSince1970)
                if let from {
                    guard let micros = ValueParser().parseTimestamp(from) else { throw CrescendoError(.invalidArgument, "--from \(from): not an ISO 8601 instant") }
                    start = micros / 1_000_000
                }
                let spec = definition.schedule
                let zone = TimeZone(identifier: spec?.timeZone ?? "UTC") ?? TimeZone(identifier: "UTC")!
                let launches = try spec?.schedule()?.launches(after: start, count: preview) ?? []
                struct Launch: Encodable { var utc: String; var local: String }
                let formatter = DateFormatter()
                formatter.timeZone = zone
                formatter.dateFormat = "yyyy-MM-dd HH:mm EEE zzz"
                formatter.locale = Locale(identifier: "en_US_POSIX")
                let rows = launches.map { Launch(utc: CivilTime.iso8601(micros: $0 * 1_000_000), local: formatter.string(from: Date(timeIntervalSince1970: TimeInterval($0)))) }
                if options.json {
                    struct Body: Encodable { var campaign: String; var schedule: String; var launches: [Launch] }
                    Output.printJSON(Body(campaign: definition.name, schedule: spec?.summary ?? "as soon as possible (manual start)", launches: rows))
                } else {
                    print("\(definition.name): \(spec?.summary ?? "as soon as possible (manual start)")")
                    if rows.isEmpty { print("no launch ahead") } else { print(Output.table(["local time", "UTC"], rows.map { [$0.local, $0.utc] })) }
                }
                return .success
            }
        }
    }
}
