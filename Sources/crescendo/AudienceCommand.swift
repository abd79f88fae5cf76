import ArgumentParser
import CrescendoApp
import CrescendoCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct AudienceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audience",
        abstract: "Build audiences with rules: count, preview, distribution, the SQL; the audience portal.",
        discussion: """
            Rules read like: tier = 'gold' and hotel.city = 'Lisbon'
              exists reservations(status = 'booked' and check_in >= today())
              count(reservations where status = 'completed') >= 3
              sum(loyalty.points where date > daysAgo(365)) > 1000
              in audience 'gold-lisbon'
            """,
        subcommands: [Count.self, Preview.self, Distribution.self, SQLView.self, Parse.self, Save.self, Upload.self, List.self, Show.self, Delete.self]
    )

    /// Which rows: a rule on an entity (optionally moved to another dimension), or a saved audience.
    struct PopulationOptions: ParsableArguments {
        @Option(name: .long, help: "The entity the rule is on (profile, reservation, …).") var on: String?
        @Option(name: .long, help: "The rule, in the rule language.") var `where`: String?
        @Option(name: .long, help: "Read the rule from a file (- for standard input).") var whereFile: String?
        @Option(name: .long, help: "Read the rule's JSON form from a file (- for standard input).") var whereJson: String?
        @Option(name: .long, help: "Move the rows to a linked dimension: a link path (customer) or an entity.") var to: String?
        @Option(name: .long, help: "A saved audience instead of --on/--where.") var audience: String?
        @Option(name: .customLong("var"), help: "A campaign variable, NAME=VALUE (repeatable).") var variables: [String] = []
        @Option(name: .long, help: "Evaluate today()/now() at this ISO 8601 time instead of now.") var now: String?
        @Option(name: .long, help: "Time zone for today() and dates (default: the model's).") var timeZone: String?

        var request: AudienceRequest {
            AudienceRequest(
                entity: on, ruleText: `where`, ruleFile: whereFile, ruleJSONFile: whereJson, dimension: to, audience: audience,
                variables: variables, now: now, timeZone: timeZone)
        }
    }

    /// Opens the workspace and hands `body` a workbench on its model (now, in the model's zone,
    /// unless `request` pins the clock, the zone or variables).
    static func withWorkbench<T: Sendable>(
        _ store: StoreOptions, request: AudienceRequest = AudienceRequest(), _ body: @Sendable (AudienceWorkbench) async throws -> T
    ) async throws -> T {
        try await Workspace.withStore(try store.location()) { store in
            // Rules may use the communication history (`messages` on the profile).
            let model = try await MessagingDesk.open(store).model.withMessageHistory()
            return try await body(AudienceWorkbench(store: store, model: model, environment: try request.environment(for: model)))
        }
    }

    /// Opens the workspace, binds the population and hands both to `body`.
    static func withPopulation<T: Sendable>(
        _ store: StoreOptions, _ population: PopulationOptions,
        _ body: @Sendable (AudienceWorkbench, BoundPopulation) async throws -> T
    ) async throws -> T {
        let showProgress = !store.json
        let request = population.request
        return try await withWorkbench(store, request: request) { workbench in
            let bound = try await request.population(in: workbench)
            return try await ElapsedIndicator.run("querying \(bound.target.name) rows…", enabled: showProgress && isatty(STDERR_FILENO) == 1) {
                try await body(workbench, bound)
            }
        }
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Int {
        let elapsed = ContinuousClock.now - start
        return Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
    }

    struct Count: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The exact number of rows.")
        @OptionGroup var population: PopulationOptions
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                let report = try await withPopulation(options, population) { workbench, population in
                    let start = ContinuousClock.now
                    let count = try await workbench.count(population)
                    return AudienceReports.Count(entity: population.target.name, count: count, milliseconds: milliseconds(since: start))
                }
                if options.json { Output.printJSON(report) } else { print(report.count) }
                return .success
            }
        }
    }

    struct Preview: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The first rows, with fields that may follow links (hotel.city).")
        @OptionGroup var population: PopulationOptions
        @Option(name: .long, help: "Comma-separated field paths (default: the key).") var fields: String?
        @Option(name: .long, help: "How many rows (1 to 10000).") var limit = 20
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                guard (1...10_000).contains(limit) else { throw CrescendoError(.invalidArgument, "--limit must be between 1 and 10000") }
                let paths = fields.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
                let preview = try await withPopulation(options, population) { workbench, population in
                    try await workbench.preview(population, fields: paths, limit: limit)
                }
                let report = AudienceReports.preview(preview)
                if options.json { Output.printJSON(report.json) } else { print(report.table) }
                return .success
            }
        }
    }

    struct Distribution: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The most frequent values of a field, with counts.")
        @OptionGroup var population: PopulationOptions
        @Option(name: .long, help: "The field path (hotel.city).") var field: String
        @Option(name: .long, help: "How many values (1 to 1000).") var top = 20
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                guard (1...1000).contains(top) else { throw CrescendoError(.invalidArgument, "--top must be between 1 and 1000") }
                let distribution = try await withPopulation(options, population) { workbench, population in
                    try await workbench.distribution(population, field: field, top: top)
                }
                let report = AudienceReports.Distribution(distribution)
                if options.json { Output.printJSON(report) } else { print(report.table) }
                return .success
            }
        }
    }

    struct SQLView: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "sql", abstract: "The SQL a count (or preview, distribution) runs, with its bound values.")
        @OptionGroup var population: PopulationOptions
        @Option(name: .long, help: "count, preview or distribution.") var operation = "count"
        @Option(name: .long, help: "Fields for preview.") var fields: String?
        @Option(name: .long, help: "Field for distribution.") var field: String?
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                let operation = self.operation
                let fields = self.fields.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
                let field = self.field
                let report = try await withPopulation(options, population) { workbench, population in
                    let sql = PopulationSQL(dialect: workbench.store.dialect, model: workbench.model)
                    let query: SQLQuery
                    switch operation {
                    case "count": query = sql.count(population)
                    case "preview": query = sql.preview(population, fields: try workbench.columns(fields, on: population), limit: 20)
                    case "distribution":
                        guard let field else { throw CrescendoError(.invalidArgument, "--operation distribution needs --field") }
                        query = sql.distribution(population, field: try RuleChecker.column(field, on: population.target, model: workbench.model), top: 20)
                    default: throw CrescendoError(.invalidArgument, "--operation must be count, preview or distribution")
                    }
                    return AudienceReports.SQL(engine: workbench.store.engine, query: query)
                }
                if options.json { Output.printJSON(report) } else { print(report.text) }
                return .success
            }
        }
    }

    struct Parse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a rule's syntax and print its JSON form (or, from JSON, its text).",
            discussion: "Needs no workspace: only the syntax is checked. Use count or sql to check names and types.")
        @Option(name: .long, help: "The rule.") var `where`: String?
        @Option(name: .long, help: "Read the rule from a file.") var whereFile: String?
        @Option(name: .long, help: "Read the JSON form from a file and print the rule as text.") var whereJson: String?
        @Flag(name: .long, help: "Print the result as JSON for scripts.") var json = false

        func run() async throws {
            try await reporting(json: json) {
                let request = AudienceRequest(ruleText: `where`, ruleFile: whereFile, ruleJSONFile: whereJson)
                guard let rule = try request.rule() else { throw CrescendoError(.invalidArgument, "give a rule: --where, --where-file or --where-json") }
                if whereJson != nil && !json {
                    print(rule.text)
                } else {
                    print(String(decoding: rule.jsonData(pretty: true), as: UTF8.self))
                }
                return .success
            }
        }
    }

    struct Save: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Save the rows under a name: a snapshot of the members (default) or, with --dynamic, the definition.")
        @Argument(help: "The audience name (unique; saving again replaces it).") var name: String
        @OptionGroup var population: PopulationOptions
        @Flag(name: .long, help: "Keep the definition and evaluate it whenever the audience is read.") var dynamic = false
        @Option(name: .long, help: "Comma-separated attribute paths to keep with a snapshot's members.") var attributes: String?
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                let name = self.name, dynamic = self.dynamic
                let attributes = self.attributes.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
                if dynamic && !attributes.isEmpty { throw CrescendoError(.invalidArgument, "--attributes are kept by snapshots; a dynamic audience reads them live") }
                let request = population.request
                guard let spec = try request.spec() else { throw CrescendoError(.invalidArgument, "save takes --on and --where (copy an audience by its rule)") }
                let saved = try await withWorkbench(options, request: request) { workbench in
                    try await ElapsedIndicator.run("saving audience '\(name)'…", enabled: !options.json && isatty(STDERR_FILENO) == 1) {
                        dynamic
                            ? try await workbench.saveDynamic(name, spec: spec)
                            : try await workbench.saveSnapshot(name, spec: spec, attributes: attributes)
                    }
                }
                let info = AudienceReports.AudienceInfo(saved)
                if options.json { Output.printJSON(info) } else { print(info.text) }
                return .success
            }
        }
    }

    struct Upload: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Save an outside list (CSV or JSON Lines) as an audience, matching one column to a field.",
            discussion: "Rows that match nothing, or hold a value that is not valid for the field, go to FILE.unmatched.csv; the exit code is then 3.")
        @Argument(help: "The audience name.") var name: String
        @Option(name: .long, help: "The list file (.csv, .tsv, .jsonl, optionally .gz; - for standard input).") var file: String
        @Option(name: .long, help: "The entity the list is made of (default: the model's profile).") var on: String?
        @Option(name: .long, help: "The field of that entity to match on (email, id, …).") var match: String
        @Option(name: .long, help: "The file's column holding the values (default: the field's name).") var column: String?
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                let (name, file, on, match, column) = (self.name, self.file, self.on, self.match, self.column)
                let saved = try await withWorkbench(options) { workbench in
                    guard let entity = on ?? workbench.model.profileEntity else { throw CrescendoError(.invalidArgument, "the model has no profile entity; say --on ENTITY") }
                    return try await ElapsedIndicator.run("matching \(file) to \(entity).\(match)…", enabled: !options.json && isatty(STDERR_FILENO) == 1) {
                        try await AudienceUpload.run(workbench: workbench, name: name, file: file, entity: entity, field: match, column: column)
                    }
                }
                let info = AudienceReports.AudienceInfo(saved)
                if options.json {
                    Output.printJSON(info)
                } else {
                    print(info.text)
                    if let path = saved.upload?.unmatchedFile { print("unmatched rows: \(path)") }
                }
                let upload = saved.upload
                return (upload?.unmatchedRows ?? 0) + (upload?.invalidRows ?? 0) > 0 ? .completedWithRejections : .success
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The saved audiences.")
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                let audiences = try await Workspace.withStore(try options.location()) { store in try await store.audiences() }
                if options.json {
                    Output.printJSON(audiences)
                } else if audiences.isEmpty {
                    print("no audiences yet; save one with `crescendo audience save NAME --on ENTITY --where RULE`")
                } else {
                    print(Output.table(
                        ["name", "kind", "rows of", "size", "computed", "updated"],
                        audiences.map { [$0.name, $0.kind.rawValue, $0.entity, $0.size.map(String.init) ?? "(live)", $0.computedAt ?? "", $0.updatedAt] }))
                }
                return .success
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One audience: kind, dimension, rule or source, size (counted now for a dynamic one).")
        @Argument(help: "The audience name.") var name: String
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                let name = self.name
                let info = try await withWorkbench(options) { workbench in
                    let (audience, size) = try await workbench.show(name)
                    return AudienceReports.AudienceInfo(audience, currentSize: size)
                }
                if options.json { Output.printJSON(info) } else { print(info.text) }
                return .success
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an audience and its members.")
        @Argument(help: "The audience name.") var name: String
        @OptionGroup var options: StoreOptions

        func run() async throws {
            struct Report: Encodable { var deleted: String }
            try await reporting(json: options.json) {
                let name = self.name
                try await withWorkbench(options) { workbench in try await workbench.delete(name) }
                if options.json { Output.printJSON(Report(deleted: name)) } else { print("deleted audience '\(name)'") }
                return .success
            }
        }
    }
}
