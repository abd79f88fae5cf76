import Foundation
import Testing
@testable import CrescendoSample

@Suite struct ReservationChangesTests {
    let anchor = GeneratedSample.anchor

    /// Classifies each change row against the base file the way versioned ingestion would.
    @Test func changeMixHasTheDocumentedSemantics() throws {
        let sample = GeneratedSample.shared
        let originals = Dictionary(uniqueKeysWithValues: sample.rows["reservation"]!.map { ($0["id"]!, $0) })
        let count = 2000
        var sink = StringCSVSink()
        try sample.dataset.writeReservationChangesCSV(count: count, to: &sink)
        let table = try CSVTestParser.table(sink.string)
        #expect(table.header == SampleDataset.columns(for: "reservation")! + ["_change_request_type"])
        #expect(table.rows.count == count)

        let model = ModelTestReader.fields(SampleModel.yaml)["reservation"]!
        let changeDayStart = (anchor.dayNumber + 1) * 86_400
        var kinds: [String: Int] = [:]
        var seen = Set<String>()
        for row in table.rows {
            let id = row["id"]!
            #expect(seen.insert(id).inserted, "\(id) changed twice in one batch")
            for field in model { #expect(ValueCheck.matches(row[field.name]!, field), "\(field.name) in \(row)") }
            let type = row["_change_request_type"]!
            #expect(type == "u" || type == "d")
            let updatedAt = ValueCheck.seconds(row["updated_at"]!)
            guard let original = originals[id] else {
                // brand new: an upsert booked on the change day for a future stay
                #expect(type == "u")
                #expect(ValueCheck.seconds(row["booked_at"]!) >= changeDayStart)
                #expect(ValueCheck.day(row["check_in"]!) > anchor.dayNumber + 1)
                #expect(row["status"] == "booked")
                kinds["new", default: 0] += 1
                continue
            }
            // Identity of the stay never changes.
            for column in ["profile_id", "hotel_id", "check_in", "nights", "currency", "booked_at"] {
                #expect(row[column] == original[column], "\(column) of \(id)")
            }
            let originalUpdatedAt = ValueCheck.seconds(original["updated_at"]!)
            if type == "d" {
                #expect(updatedAt > originalUpdatedAt, "delete of \(id) is not newer")
                kinds["delete", default: 0] += 1
            } else if updatedAt > originalUpdatedAt {
                #expect(row["status"] != original["status"] || row["amount"] != original["amount"], "no-op update \(id)")
                #expect(updatedAt >= changeDayStart)
                kinds["update", default: 0] += 1
            } else {
                // stale: strictly older than what is loaded, but still after the booking
                #expect(updatedAt < originalUpdatedAt)
                #expect(updatedAt >= ValueCheck.seconds(row["booked_at"]!))
                #expect(row["amount"] != original["amount"], "stale row indistinguishable from original \(id)")
                kinds["stale", default: 0] += 1
            }
        }
        func share(_ kind: String) -> Double { Double(kinds[kind, default: 0]) / Double(count) }
        #expect(abs(share("update") - 0.60) < 0.05, "\(kinds)")
        #expect(abs(share("delete") - 0.15) < 0.03, "\(kinds)")
        #expect(abs(share("stale") - 0.15) < 0.03, "\(kinds)")
        #expect(abs(share("new") - 0.10) < 0.03, "\(kinds)")
    }

    @Test func newReservationIdsContinueAfterTheBaseFile() throws {
        let dataset = SampleDataset(profiles: 2, anchor: anchor)   // 10 reservations
        var sink = StringCSVSink()
        try dataset.writeReservationChangesCSV(count: 40, to: &sink)
        let rows = try CSVTestParser.table(sink.string).rows
        let ids = rows.map { $0["id"]! }
        #expect(Set(ids).count == 40)
        #expect(rows.filter { Int($0["id"]!.dropFirst())! <= 10 }.count <= 10)
        #expect(ids.contains("R00000011"))
        #expect(rows.allSatisfy { ["P0000001", "P0000002"].contains($0["profile_id"]!) })
    }

    @Test func emptyDatasetCannotProduceChanges() throws {
        var sink = StringCSVSink()
        #expect(throws: SampleDatasetError.noProfiles) {
            try SampleDataset(profiles: 0, anchor: anchor).writeReservationChangesCSV(count: 1, to: &sink)
        }
        try SampleDataset(profiles: 0, anchor: anchor).writeReservationChangesCSV(count: 0, to: &sink)
        #expect(sink.string == (SampleDataset.columns(for: "reservation")! + ["_change_request_type"]).joined(separator: ",") + "\n")
    }

    @Test func changeFileThroughARealFile() throws {
        let dataset = SampleDataset(profiles: 200, seed: 5, anchor: anchor)
        var memory = StringCSVSink()
        try dataset.writeReservationChangesCSV(count: 500, to: &memory)
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("reservation_changes.csv").path
            var file = try FileCSVSink(path: path, bufferSize: 4096)
            try dataset.writeReservationChangesCSV(count: 500, to: &file)
            try file.close()
            #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) == memory.bytes)
        }
    }
}
