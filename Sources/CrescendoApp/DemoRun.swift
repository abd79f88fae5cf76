import CrescendoCore
import CrescendoSample
import Foundation

/// `crescendo demo`: a workspace with the sample hotel model and data, loaded through the same
/// ingestion path as real feeds, ready for the next steps of the story (audiences, campaigns).
public struct DemoRun: Sendable {
    public var profiles: Int
    public var seed: UInt64
    public var dataFolder: String
    public var showProgress: Bool

    public init(profiles: Int = 10_000, seed: UInt64 = 42, dataFolder: String = "crescendo-demo", showProgress: Bool = false) {
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
        /// The sample campaign, run in test mode: counts on every transition, messages per channel.
        public var campaign: ExecutionReport
        public var campaignFile: String
        public var seconds: Double

        enum CodingKeys: String, CodingKey {
            case store, modelVersion = "model_version", modelChanged = "model_changed", ingestions, counts
            case sampleProfile = "sample_profile", audiences, campaign, campaignFile = "campaign_file", seconds
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
        // The sample campaign, written next to the data so it can be edited and run again.
        let campaignFile = (dataFolder as NSString).appendingPathComponent(SampleCampaigns.stayReminderFile)
        do {
            try Data(SampleCampaigns.stayReminder.utf8).write(to: URL(fileURLWithPath: campaignFile), options: .atomic)
        } catch {
            throw CrescendoError(.unwritableOutput, "\(campaignFile): cannot write the sample campaign", cause: ErrorDescription(error))
        }
        let definition = try CampaignLoader(sourceName: campaignFile).load(SampleCampaigns.stayReminder)
        let desk = try await CampaignDesk.open(store)
        log("running campaign \(definition.name) in test mode (nothing is sent)…")
        let campaign = try await desk.test(definition, source: campaignFile, variables: [:], sample: 3)
        return Report(
            store: location.description, modelVersion: outcome.version, modelChanged: outcome.changed, ingestions: ingestions,
            counts: counts, sampleProfile: sample, audiences: audiences, campaign: campaign, campaignFile: campaignFile,
            seconds: Date().timeIntervalSince(started)
        )
    }
}
