import CrescendoApp
import CrescendoCore
import CrescendoSample
import Foundation
import Testing

/// The sample dataset and a changes file give the same rows on every engine.
@Suite struct CrossEngineTests {
    @Test func sampleDataAndChangesGiveTheSameResultsOnEveryEngine() async throws {
        let folder = try TestFolder()
        defer { folder.remove() }
        let dataset = SampleDataset(profiles: 300, seed: 7, anchor: SampleDay(year: 2026, month: 11, day: 30))
        let files = try SampleFiles.write(dataset, to: folder.path)
        var sink = try FileCSVSink(path: folder.file("changes.csv"))
        try dataset.writeReservationChangesCSV(count: 1_000, to: &sink)
        try sink.close()
        let model = try ModelLoader().load(yaml: SampleModel.yaml)

        var results: [Engine: [String]] = [:]
        for engine in Engine.available {
            results[engine] = try await withFreshStore(engine) { store, _ -> [String] in
                _ = try await store.apply(model, source: SampleModel.yaml, allowDestructive: false)
                var lines: [String] = []
                for file in files {
                    let summary = try await IngestRun(entity: file.entity, path: file.path, batchSize: 97).run(on: store)
                    #expect(summary.counts.inserted == file.rows)
                    #expect(summary.counts.orphans == 0)
                }
                let changes = try await IngestRun(entity: "reservation", path: folder.file("changes.csv"), batchSize: 250).run(on: store)
                #expect(changes.counts.read == 1_000)
                #expect(changes.counts.stale > 0)
                #expect(changes.counts.deleted > 0)
                #expect(changes.counts.updated > 0)
                #expect(changes.counts.inserted > 0)
                #expect(changes.counts.rejected == 0)
                lines.append("changes \(changes.counts.inserted)/\(changes.counts.updated)/\(changes.counts.deleted)/\(changes.counts.stale)")
                for entity in model.entities {
                    lines.append("\(entity.name) \(try await store.count(entity))")
                }
                let reservation = try model.requireEntity("reservation")
                for index in stride(from: 1, through: 1_500, by: 37) {
                    let key = String(format: "R%08d", index)
                    let row = try await store.row(reservation, key: [.text(key)])
                    lines.append("\(key) " + (row.map { $0.map { canonical($0) }.joined(separator: "|") } ?? "absent"))
                }
                let profile = try await store.row(try model.requireEntity("profile"), key: [.text("P0000001")])
                lines.append("P0000001 " + (profile?.map { canonical($0) }.joined(separator: "|") ?? "absent"))
                return lines
            }
        }
        #expect(results[.sqlite]?.isEmpty == false)
        if let postgres = results[.postgres] {
            let sqlite = try #require(results[.sqlite])
            for (left, right) in zip(sqlite, postgres) { #expect(left == right) }
        }
    }
}

/// Decimals compare as numbers (SQLite keeps 100.5 where PostgreSQL keeps 100.50).
private func canonical(_ value: Value) -> String {
    if case .decimal(let text) = value, let number = Double(text) { return String(number) }
    return value.text ?? "null"
}
