import CrescendoCore
import CrescendoMessaging
import CrescendoSample
import Foundation

/// `crescendo demo`: a workspace with the sample hotel model and data, loaded through the same
/// ingestion path as real feeds, ready for the next steps of the story (audiences, campaigns).
public struct DemoRun: Sendable {
    public var profiles: Int
    public var seed: UInt64
    public var dataFolder: String
    public var showProgress: Bool
    /// Stop after the data and audiences (no campaign, nothing sent): a bare sample workspace.
    public var dataOnly: Bool

    public init(profiles: Int = 10_000, seed: UInt64 = 42, dataFolder: String = "crescendo-demo", showProgress: Bool = false, dataOnly: Bool = false) {
        self.dataOnly = dataOnly
        self.profiles = profiles
        self.seed = seed
        self.dataFolder = dataFolder
        self.showProgress = showProgress
    }

    public struct Report: Sendable, Encodable {
        public var store: String
        public var modelVersion: Int
        public var modelChanged: Bool
        public var ingestions: [IngestSummary]
        public var counts: [String: Int]
        public var sampleProfile: OrderedJSONObject?
        public var audiences: [AudienceExample]
        /// The demo campaign, run in test mode: counts on every transition, messages per channel.
        public var campaign: ExecutionReport?
        public var campaignFile: String?
        /// Then run for real: its execution, the messages it sent into the outbox folder, the report.
        public var live: ExecutionReport?
        public var sending: Dispatcher.Counts?
        public var messages: MessageReport?
        public var outbox: String?
        public var messagingFile: String?
        public var seconds: Double

        enum CodingKeys: String, CodingKey {
            case store, modelVersion = "model_version", modelChanged = "model_changed", ingestions, counts
            case sampleProfile = "sample_profile", audiences, campaign, campaignFile = "campaign_file", live, sending, messages, outbox
            case messagingFile = "messaging_file", seconds
        }
    }

    /// One of the demo's audiences, counted on the loaded data.
    public struct AudienceExample: Sendable, Encodable {
        public var on: String
        public var rule: String
        public var to: String?
        public var count: Int
        public var milliseconds: Int
        /// The name it was saved under in the portal, if it was.
        public var savedAs: String?

        enum CodingKeys: String, CodingKey { case on, rule, to, count, milliseconds, savedAs = "saved_as" }
    }

    /// Rules that show what the language reaches: links both ways, 1-N conditions, relative dates,
    /// a change of dimension. The last one is saved as a snapshot in the portal.
    static let examples: [(on: String, rule: String, to: String?, save: String?)] = [
        ("profile", "tier = 'gold' and home_hotel.city = 'Lisbon'", nil, nil),
        ("profile", "exists reservations(status = 'booked' and check_in >= today())", nil, nil),
        ("profile", "count(reservations where status = 'completed') >= 3", nil, nil),
        ("profile", "sum(loyalty.points where date > daysAgo(365)) > 1000", nil, nil),
        ("reservation", "status = 'booked' and check_in between today() and today() + 7 days", "customer", "arriving-this-week"),
    ]

    public func run(on store: any WorkspaceStore, location: StoreLocation, log: (String) -> Void) async throws -> Report {
        let started = Date()
        guard profiles > 0 else { throw CrescendoError(.invalidArgument, "--profiles must be at least 1") }
        let model = try ModelLoader(sourceName: "sample model").load(yaml: SampleModel.yaml)
        let outcome = try await store.apply(model, source: SampleModel.yaml, allowDestructive: false)
        log(outcome.changed ? "applied the sample model (version \(outcome.version)): \(model.entities.count) entities" : "the sample model is already applied (version \(outcome.version))")

        let anchor = SampleDay.today(in: TimeZone(identifier: model.timeZone) ?? TimeZone(identifier: "UTC")!)
        let dataset = SampleDataset(profiles: profiles, seed: seed, anchor: anchor)
        let files = try SampleFiles.write(dataset, to: dataFolder)
        log("generated \(files.map { "\(Format.count($0.rows)) \($0.entity)" }.joined(separator: ", ")) in \(dataFolder)/ (seed \(seed), around \(anchor.iso))")

        var ingestions: [IngestSummary] = []
        for file in files {
            let run = IngestRun(entity: file.entity, path: file.path, showProgress: showProgress)
            let summary = try await run.run(on: store)
            ingestions.append(summary)
            log(summary.text)
        }
        var counts: [String: Int] = [:]
        for entity in model.entities { counts[entity.name] = try await store.count(entity) }
        var sample: OrderedJSONObject?
        if case .found(let row) = try await RowLookup.find(entity: "profile", key: ["P0000001"], in: store) {
            sample = row.fields
        }
        let workbench = AudienceWorkbench(store: store, model: model, environment: .current(for: model))
        var audiences: [AudienceExample] = []
        for example in Self.examples {
            let spec = PopulationSpec(entity: example.on, rule: try RuleParser.parse(example.rule), dimension: example.to)
            let start = Date()
            let count = try await workbench.count(try await workbench.bind(spec))
            let milliseconds = Int(Date().timeIntervalSince(start) * 1000)
            if let name = example.save { _ = try await workbench.saveSnapshot(name, spec: spec, attributes: ["first_name", "email"]) }
            audiences.append(AudienceExample(on: example.on, rule: example.rule, to: example.to, count: count, milliseconds: milliseconds, savedAs: example.save))
        }
        var report = Report(
            store: location.description, modelVersion: outcome.version, modelChanged: outcome.changed, ingestions: ingestions,
            counts: counts, sampleProfile: sample, audiences: audiences, seconds: 0)
        if !dataOnly { try await story(on: store, into: &report, log: log) }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    /// The campaign story: written next to the data (so it can be edited and run again), tested,
    /// published, run, its messages sent into an outbox folder of .eml files, and reported.
    func story(on store: any WorkspaceStore, into report: inout Report, log: (String) -> Void) async throws {
        func write(_ name: String, _ text: String, private: Bool = false) throws -> String {
            let path = (dataFolder as NSString).appendingPathComponent(name)
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
                if `private` { try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path) }
            } catch {
                throw CrescendoError(.unwritableOutput, "\(path): cannot write it", cause: ErrorDescription(error))
            }
            return path
        }
        _ = try write(SampleCampaigns.stayReminderFile, SampleCampaigns.stayReminder)
        let campaignFile = try write(SampleCampaigns.arrivalWelcomeFile, SampleCampaigns.arrivalWelcome)
        let secretFile = (dataFolder as NSString).appendingPathComponent("link-secret")
        if !FileManager.default.fileExists(atPath: secretFile) {
            var generator = SystemRandomNumberGenerator()
            _ = try write("link-secret", (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined(), private: true)
        }
        let messagingFile = try write("messaging.yaml", MessagingConfiguration.demo(outbox: "outbox", secretFile: "link-secret"))
        let outboxFolder = (dataFolder as NSString).appendingPathComponent("outbox")

        let definition = try CampaignLoader(sourceName: campaignFile).load(SampleCampaigns.arrivalWelcome)
        let desk = try await CampaignDesk.open(store)
        log("running campaign \(definition.name) in test mode (nothing is sent)…")
        report.campaign = try await desk.test(definition, source: campaignFile, variables: [:], sample: 3)
        report.campaignFile = campaignFile

        log("publishing \(definition.name) and running it for real…")
        _ = try await desk.create(path: campaignFile)
        _ = try await desk.publish(definition.name)
        let execution = try await desk.start(definition.name, variables: [:])
        _ = try await desk.run(execution, holdWaits: false)
        report.live = try await desk.report(definition.name, execution: execution)

        let configuration = try MessagingConfiguration.load(path: messagingFile)
        let messaging = try await MessagingDesk.open(store)
        let dispatcher = try await messaging.dispatcher(configuration, worker: "demo")
        log("sending into \(outboxFolder)/ …")
        report.sending = try await messaging.drain(dispatcher)
        for transport in dispatcher.transports.values { await transport.shutdown() }
        report.messages = try await messaging.repository.report(campaign: definition.name, execution: execution)
        report.outbox = URL(fileURLWithPath: outboxFolder).standardizedFileURL.path
        report.messagingFile = messagingFile
    }
}
