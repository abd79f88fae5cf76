import CrescendoApp
import CrescendoCore
import CrescendoPostgres
import Foundation
import Testing

/// The engines the conformance suite runs on: SQLite always, PostgreSQL when
/// `CRESCENDO_TEST_POSTGRES` names a server (`.ci/run` starts one and sets it).
enum Engine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    static var postgresURL: String? { ProcessInfo.processInfo.environment["CRESCENDO_TEST_POSTGRES"] }
    static var available: [Engine] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }
    var testDescription: String { rawValue }
}

/// A temporary folder for a test's files.
struct TestFolder: Sendable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "crescendo-test-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let target = file(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: target))
        return target
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A fresh, empty workspace on `engine`: a new SQLite file, or a new PostgreSQL schema dropped after.
func withFreshStore<T: Sendable>(
    _ engine: Engine, _ body: (any WorkspaceStore, TestFolder) async throws -> T
) async throws -> T {
    let folder = try TestFolder()
    defer { folder.remove() }
    let location = try freshLocation(engine, folder: folder)
    let result = try await Workspace.withStore(location) { store in try await body(store, folder) }
    if case .postgres(var postgres) = location, let schema = postgres.schema {
        postgres.schema = nil
        try await PostgresStore.withStore(postgres) { store in try await store.dropSchema(schema) }
    }
    return result
}

func freshLocation(_ engine: Engine, folder: TestFolder) throws -> StoreLocation {
    switch engine {
    case .sqlite:
        return .sqlite(path: folder.file("workspace.db"))
    case .postgres:
        let url = try #require(Engine.postgresURL)
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        return try StoreLocation.parse(url + (url.contains("?") ? "&" : "?") + "schema=\(schema)")
    }
}

/// The model the conformance suite loads: every field type, links, a composite key.
enum TestModel {
    static let yaml = """
        profile: profile
        time_zone: Europe/Lisbon
        entities:
          profile:
            key: id
            version: updated_at
            fields:
              id: string
              email: {type: email, nullable: true}
              phone: {type: phone, nullable: true}
              first_name: string
              tier: {type: enum, values: [basic, silver, gold]}
              vip: {type: boolean, nullable: true}
              birth_date: {type: date, nullable: true}
              prefs: {type: json, nullable: true}
              updated_at: timestamp
          hotel:
            key: id
            version: updated_at
            fields: {id: string, city: string, stars: integer, updated_at: timestamp}
          reservation:
            key: id
            version: updated_at
            fields: {id: string, profile_id: string, hotel_id: {type: string, nullable: true}, check_in: date, nights: integer, amount: decimal, status: {type: enum, values: [booked, cancelled, completed]}, updated_at: timestamp}
            links:
              customer: {to: profile, by: profile_id, reverse: reservations}
              hotel: {to: hotel, by: hotel_id, reverse: reservations}
          room:
            key: [hotel_id, number]
            version: revision
            fields: {hotel_id: string, number: integer, beds: integer, revision: integer}
            links:
              hotel: {to: hotel, by: hotel_id, reverse: rooms}
        """

    static func model(_ yaml: String = yaml) throws -> DataModel {
        try ModelLoader(sourceName: "test-model.yaml").load(yaml: yaml)
    }

    @discardableResult
    static func apply(_ store: any WorkspaceStore, _ yaml: String = yaml, allowDestructive: Bool = false) async throws -> MigrationOutcome {
        try await store.apply(try model(yaml), source: yaml, allowDestructive: allowDestructive)
    }
}

/// Ingests `text` written to a file named `name` in the test folder.
@discardableResult
func ingest(
    _ store: any WorkspaceStore, _ folder: TestFolder, _ entity: String, _ name: String, _ text: String,
    maxErrors: Int? = nil, batchSize: Int = 5_000, delimiter: Character = ","
) async throws -> IngestSummary {
    let path = try folder.write(name, text)
    let run = IngestRun(entity: entity, path: path, delimiter: delimiter.asciiValue!, maxErrors: maxErrors, batchSize: batchSize)
    return try await run.run(on: store)
}

/// A stored row as `field: text` pairs, for comparisons that read well in failures.
func storedRow(_ store: any WorkspaceStore, _ entity: String, _ key: String...) async throws -> [String: String]? {
    let model = try #require(try await store.appliedModel()).model
    let definition = try model.requireEntity(entity)
    let keyValues = zip(key, definition.keyPositions).map { text, position -> Value in
        definition.fields[position].type == .integer ? .integer(Int64(text)!) : .text(text)
    }
    guard let values = try await store.row(definition, key: keyValues) else { return nil }
    var result: [String: String] = [:]
    for (field, value) in zip(definition.fields, values) { result[field.name] = value.text ?? "null" }
    return result
}

func count(_ store: any WorkspaceStore, _ entity: String) async throws -> Int {
    let model = try #require(try await store.appliedModel()).model
    return try await store.count(try model.requireEntity(entity))
}
