import Foundation
import Testing
@testable import CrescendoSample

@Suite struct CSVOutputTests {
    private func format(_ body: (inout CSVRowWriter) -> Void) -> String {
        CSVByteBuffer.withBuffer { buffer in
            buffer.row(maxBytes: 256, body)
            var sink = StringCSVSink()
            try! buffer.flush(into: &sink)
            return sink.string
        }
    }

    @Test func fieldsAreQuotedOnlyWhenNeeded() {
        #expect(format { $0.field(Array("plain text".utf8)) } == "plain text")
        #expect(format { $0.field(Array("Rua Augusta, 145".utf8)) } == "\"Rua Augusta, 145\"")
        #expect(format { $0.field(Array("say \"hi\"".utf8)) } == "\"say \"\"hi\"\"\"")
        #expect(format { $0.field(Array("two\nlines".utf8)) } == "\"two\nlines\"")
        #expect(format { $0.field(Array("Zoë Müller".utf8)) } == "Zoë Müller")
    }

    @Test func inPlaceQuotingMatchesFieldQuoting() throws {
        for text in ["no quoting", "a,b", "\"Edifício Atlântico\", Rua Augusta, 12", "\"", ",", "x\"\"y"] {
            let inPlace = format { w in
                let start = w.cursor
                w.raw(Array(text.utf8))
                w.quoteFieldIfNeeded(from: start)
            }
            #expect(inPlace == format { $0.field(Array(text.utf8)) }, "\(text)")
            #expect(try CSVTestParser.parse(inPlace + "\n") == [[text]])
        }
    }

    @Test func numbersAndTimesAreFormattedExactly() {
        #expect(format { $0.unsigned(42, width: 8) } == "00000042")
        #expect(format { $0.unsigned(123_456_789, width: 8) } == "123456789")
        #expect(format { $0.unsigned(0) } == "0")
        #expect(format { $0.integer(-15000) } == "-15000")
        #expect(format { $0.cents(12345) } == "123.45")
        #expect(format { $0.cents(5) } == "0.05")
        #expect(format { $0.cents(-250) } == "-2.50")
        #expect(format { $0.date(0) } == "1970-01-01")
        #expect(format { $0.timestamp(-1) } == "1969-12-31T23:59:59Z")
        #expect(format { $0.timestamp(1_795_940_100) } == "2026-11-29T08:15:00Z")
    }

    @Test func cachedAndComputedDatesAgree() {
        let days = -800...30_000
        let cached = CSVByteBuffer.withBuffer { buffer in
            buffer.cacheDates(0...20_000)
            for day in days { buffer.row(maxBytes: 16) { $0.date(day); $0.newline() } }
            var sink = StringCSVSink()
            try! buffer.flush(into: &sink)
            return sink.string
        }
        let computed = days.map { SampleDay(dayNumber: $0).iso + "\n" }.joined()
        #expect(cached == computed)
    }

    @Test func addressesWithCommasAndQuotesSurviveARoundTrip() throws {
        let sample = GeneratedSample.shared
        let raw = sample.text["profile"]!
        let addresses = sample.rows["profile"]!.map { $0["address_line"]! }
        #expect(addresses.contains { $0.contains(",") })
        #expect(raw.contains("\"Rua ") || raw.contains("\"Avenida ") || raw.contains("\"Calle "))
        let quoted = addresses.filter { $0.contains("\"") }
        #expect(!quoted.isEmpty, "expected a few quoted building names")
        for address in quoted {
            let escaped = "\"" + address.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            #expect(raw.contains(escaped))
        }
        // Apostrophes need no quoting; check such names stay bare.
        if let name = sample.rows["profile"]!.map({ $0["last_name"]! }).first(where: { $0.contains("'") }) {
            #expect(raw.contains("," + name + ","))
        }
    }

    @Test func fileSinkWritesTheSameBytesAsMemory() throws {
        let dataset = SampleDataset(profiles: 250, seed: 3, anchor: GeneratedSample.anchor)
        try withTemporaryDirectory { dir in
            for entity in SampleDataset.entities {
                let path = dir.appendingPathComponent("\(entity).csv").path
                // A small buffer exercises the flush paths, including chunks larger than the buffer.
                var file = try FileCSVSink(path: path, bufferSize: 4096)
                try dataset.writeCSV(entity: entity, to: &file)
                try file.close()
                try file.close()   // idempotent
                let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
                #expect(written == (try GeneratedSample.bytes(dataset, entity)), "\(entity)")
            }
        }
    }

    @Test func fileSinkErrorsNameThePath() throws {
        let path = "/nonexistent-crescendo-dir/\(UUID().uuidString)/out.csv"
        do {
            _ = try FileCSVSink(path: path)
            Issue.record("opening \(path) should fail")
        } catch let error as CSVSinkError {
            #expect(error.path == path)
            #expect(error.description.contains(path))
            #expect(error.description.contains("No such file"))
        }
        try withTemporaryDirectory { dir in
            var sink = try FileCSVSink(path: dir.appendingPathComponent("x.csv").path)
            try sink.close()
            #expect(throws: CSVSinkError.self) {
                try Array("late".utf8).withUnsafeBytes { try sink.write($0) }
            }
        }
    }

    @Test func fileSinkTruncatesAnExistingFile() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("t.csv").path
            try Data(repeating: 65, count: 10_000).write(to: URL(fileURLWithPath: path))
            var sink = try FileCSVSink(path: path)
            try Array("a,b\n".utf8).withUnsafeBytes { try sink.write($0) }
            try sink.close()
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "a,b\n")
        }
    }
}
