import CrescendoApp
import CrescendoCore
import Foundation
import Testing

/// Change-data-capture ingestion, on every engine, with the same expectations.
@Suite struct IngestConformanceTests {
    static let profiles = """
        id,email,phone,first_name,tier,vip,birth_date,prefs,updated_at
        P1,ana@example.com,+351 912 345 678,Ana,gold,true,1990-04-01,"{""lang"": ""pt""}",2026-01-01T10:00:00Z
        P2,,,"Zoë ""Zo"" Müller",basic,,,,2026-01-01T10:00:00+01:00
        P3,joao@example.org,,João,SILVER,no,,[],2026-01-01 10:00:00
        """

    @Test(arguments: Engine.available)
    func everyTypeIsStoredAndReadBack(engine: Engine) async throws {
        try await withFreshStore(engine) { store, folder in
            try await TestModel.apply(store)
            let summary = try await ingest(store, folder, "profile", "profiles.csv", Self.profiles)
            #expect(summary.counts.read == 3)
            #expect(summary.counts.inserted == 3)
            #expect(summary.counts.rejected == 0)
            #expect(try await count(store, "profile") == 3)
            let ana = try #require(try await storedRow(store, "profile", "P1"))
            #expect(ana["email"] == "ana@example.com")
            #expect(ana["phone"] == "+351912345678")
            #expect(ana["tier"] == "gold")
            #expect(ana["vip"] == "true")
            #expect(ana["birth_date"] == "1990-04-01")
            #expect(ana["prefs"]?.contains("\"lang\"") == true)
            #expect(ana["updated_at"] == "2026-01-01T10:00:00.000000Z")
            let zoe = try #require(try await storedRow(store, "profile", "P2"))
            #expect(zoe["first_name"] == "Zoë \"Zo\" Müller")
            #expect(zoe["email"] == "null")
            #expect(zoe["vip"] == "null")
            #expect(zoe["updated_at"] == "2026-01-01T09:00:00.000000Z")
            let joao = try #require(try await storedRow(store, "profile", "P3"))
            #expect(joao["tier"] == "silver")
            #expect(joao["vip"] == "false")
            // Lisbon is UTC+0 in January: a time without zone is read in the workspace zone.
            #expect(joao["updated_at"] == "2026-01-01T10:00:00.000000Z")
        }
    }

    @Test(arguments: Engine.available)
    func outOfOrderChangesAcrossFiles(engine: Engine) async throws {
        try await withFreshStore(engine) { store, folder in
            try await TestModel.apply(store)
            let header = "id,city,stars,updated_at,_change_request_type\n"
            var summary = try await ingest(store, folder, "hotel", "1.csv", header + "H1,Lisbon,3,2026-01-02T00:00:00Z,\nH2,Porto,4,2026-01-02T00:00:00Z,u\n")
            #expect(summary.counts.inserted == 2)
            // A stale upsert is skipped.
            summary = try await ingest(store, folder, "hotel", "2.csv", header + "H1,Faro,1,2026-01-01T00:00:00Z,U\n")
            #expect(summary.counts.stale == 1)
            #expect(try await storedRow(store, "hotel", "H1")?["city"] == "Lisbon")
            // A delete leaves a tombstone; a late, older upsert does not bring the row back.
            summary = try await ingest(store, folder, "hotel", "3.csv", header + "H2,,,2026-01-05T00:00:00Z,D\n")
            #expect(summary.counts.deleted == 1)
            #expect(try await storedRow(store, "hotel", "H2") == nil)
            summary = try await ingest(store, folder, "hotel", "4.csv", header + "H2,Porto,5,2026-01-04T00:00:00Z,u\n")
            #expect(summary.counts.stale == 1)
            #expect(try await storedRow(store, "hotel", "H2") == nil)
            let model = try #require(try await store.appliedModel()).model
            #expect(try await store.tombstone(try model.requireEntity("hotel"), key: [.text("H2")]) != nil)
            // A newer upsert after the delete does.
            summary = try await ingest(store, folder, "hotel", "5.csv", header + "H2,Braga,2,2026-01-06T00:00:00Z,u\n")
            #expect(summary.counts.inserted == 1)
            #expect(try await storedRow(store, "hotel", "H2")?["city"] == "Braga")
            #expect(try await store.tombstone(try model.requireEntity("hotel"), key: [.text("H2")]) == nil)
            // A newer update applies.
            summary = try await ingest(store, folder, "hotel", "6.csv", header + "H1,Sintra,5,2026-01-07T00:00:00Z,u\n")
            #expect(summary.counts.updated == 1)
            #expect(try await storedRow(store, "hotel", "H1")?["city"] == "Sintra")
        }
    }

    @Test(arguments: Engine.available)
    func outOfOrderChangesWithinOneFileAndAcrossBatches(engine: Engine) async throws {
        try await withFreshStore(engine) { store, folder in
            try await TestModel.apply(store)
            let rows = """
                id,city,stars,updated_at,_change_request_type
                H1,A,1,2026-01-02T00:00:00Z,u
                H1,B,1,2026-01-03T00:00:00Z,u
                H1,,,2026-01-04T00:00:00Z,d
                H1,C,1,2026-01-03T12:00:00Z,u
                H2,X,1,2026-01-01T00:00:00Z,d
                H2,Y,1,2025-12-31T00:00:00Z,u
                H1,D,2,2026-01-05T00:00:00Z,u
                H3,Z,3,2026-01-01T00:00:00Z,x
                """
            for batchSize in [1, 2, 100] {
                try await withFreshStore(engine) { store, folder in
                    try await TestModel.apply(store)
                    let summary = try await ingest(store, folder, "hotel", "mixed.csv", rows, batchSize: batchSize)
                    #expect(summary.counts.read == 8)
                    #expect(summary.counts.inserted == 2, "batch size \(batchSize)")
                    #expect(summary.counts.updated == 1, "batch size \(batchSize)")
                    #expect(summary.counts.deleted == 2, "batch size \(batchSize)")
                    #expect(summary.counts.absentDeletes == 1, "batch size \(batchSize)")
                    #expect(summary.counts.stale == 2, "batch size \(batchSize)")
                    #expect(summary.counts.rejected == 1)
                    #expect(summary.firstRejections.first?.description == "line 9, field _change_request_type: \"x\" is not a change type (expected u for upsert or d for delete)")
                    #expect(try await storedRow(store, "hotel", "H1")?["city"] == "D")
                    #expect(try await storedRow(store, "hotel", "H2") == nil)
                    #expect(try await count(store, "hotel") == 1)
                }
            }
            _ = (store, folder)
        }
    }

    /// A load into an empty table inserts without looking keys up; keys that come back in a later
    /// batch must still be planned against what the earlier batch stored.
    @Test(arguments: Engine.available)
    func aFreshLoadWithKeysRepeatedAcrossBatches(engine: Engine) async throws {
        try await withFreshStore(engine) { store, folder in
            try await TestModel.apply(store)
            try await ingest(store, folder, "profile", "p.csv", "id,first_name,tier,updated_at\nP1,Ana,gold,2026-01-01T00:00:00Z\n")
            let text = """
                id,profile_id,hotel_id,check_in,nights,amount,status,updated_at
                R1,P1,,2026-12-01,1,10,booked,2026-01-02T00:00:00Z
                R2,P9,,2026-12-01,1,10,booked,2026-01-02T00:00:00Z
                R1,P1,,2026-12-01,2,20,booked,2026-01-01T00:00:00Z
                R3,P1,,2026-12-01,1,10,booked,2026-01-02T00:00:00Z
                R2,P1,,2026-12-01,3,30,completed,2026-01-03T00:00:00Z
                R1,P1,,2026-12-01,4,40,cancelled,2026-01-04T00:00:00Z
                """
            let summary = try await ingest(store, folder, "reservation", "r.csv", text, batchSize: 2)
            #expect(summary.counts.inserted == 3)
            #expect(summary.counts.updated == 2)
            #expect(summary.counts.stale == 1)
            #expect(summary.counts.orphansByLink["customer"] == 1)
            #expect(try await storedRow(store, "reservation", "R1")?["nights"] == "4")
            #expect(try await storedRow(store, "reservation", "R2")?["status"] == "completed")
            #expect(try await count(store, "reservation") == 3)
        }
    }

    @Test(arguments: Engine.available)
    func rejectedRowsGoToTheRejectsFileWithLineAndReason(engine: Engine) async throws {
        try await withFreshStore(engine) { store, folder in
            try await TestModel.apply(store)
            let text = """
                id,profile_id,hotel_id,check_in,nights,amount,status,updated_at
                R1,P1,H1,2026-12-01,2,100.50,booked,2026-01-01T00:00:00Z
                R2,P1,H1,2026-13-01,2,100.50,booked,2026-01-01T00:00:00Z
                R3,P1,H1,2026-12-01,two,100.50,booked,2026-01-01T00:00:00Z
                R4,P1,H1,2026-12-01,2,100.50,lost,2026-01-01T00:00:00Z
                R5,P1,"H1
                with a newline",2026-12-01,2,1,booked,2026-01-01T00:00:00Z
                R6,P1,H1,2026-12-01,2
                R7,,H1,2026-12-01,2,1,booked,2026-01-01T00:00:00Z
                R8,P1,,2026-12-01,2,1,booked,2026-01-01T00:00:00Z
                """
            let summary = try await ingest(store, folder, "reservation", "reservations.csv", text)
            #expect(summary.counts.read == 8)
            #expect(summary.counts.inserted == 3)
            #expect(summary.counts.rejected == 5)
            let rejectsPath = try #require(summary.rejectsPath)
            #expect(rejectsPath == folder.file("reservations.csv.rejects.csv"))
            let rejects = try String(contentsOfFile: rejectsPath, encoding: .utf8)
            #expect(rejects.hasPrefix("_line,_field,_reason,id,profile_id"))
            #expect(rejects.contains("3,check_in,\"\"\"2026-13-01\"\" is not a date (expected YYYY-MM-DD)\",R2,"))
            #expect(rejects.contains("4,nights,\"\"\"two\"\" is not an integer\",R3"))
            #expect(rejects.contains("5,status,\"\"\"lost\"\" is not one of booked, cancelled, completed\",R4"))
            #expect(rejects.contains("8,,\"expected 8 fields, found 5\""))
            #expect(rejects.contains("9,profile_id,is required (empty),R7"))
            // The embedded newline counted as a line: R6 starts on line 8.
            #expect(summary.firstRejections.map(\.line) == [3, 4, 5, 8, 9])
            // The nullable hotel_id was empty: stored as null, not as "".
            #expect(try await storedRow(store, "reservation", "R8")?["hotel_id"] == "null")
            #expect(try await storedRow(store, "reservation", "R5")?["hotel_id"] == "H1\nwith a newline")
        }
    }

    @Test(arguments: Engine.available)
    func exceedingMaxErrorsRollsBackTheWholeFile(engine: Engine) async throws {
        try await withFreshStore(engine) { store, folder in
            try await TestModel.apply(store)
            try await ingest(store, folder, "hotel", "base.csv", "id,city,stars,updated_at\nH0,Lisbon,4,2026-01-01T00:00:00Z\n")
            var lines = ["id,city,stars,updated_at"]
            for index in 1...30 { lines.append("H\(index),City,\(index % 10 == 0 ? "bad" : "3"),2026-01-01T00:00:00Z") }
            lines.append("H0,Changed,1,2026-02-01T00:00:00Z")
            let text = lines.joined(separator: "\n")
            await #expect {
                try await ingest(store, folder, "hotel", "many.csv", text, maxErrors: 2, batchSize: 4)
            } throws: { error in
                (error as? CrescendoError)?.code == .errorBudgetExceeded
            }
            #expect(try await count(store, "hotel") == 1)
            #expect(try await storedRow(store, "hotel", "H0")?["city"] == "Lisbon")
            #expect(FileManager.default.fileExists(atPath: folder.file("many.csv.rejects.csv")))
            // Within the budget, the good rows land.
            let summary = try await ingest(store, folder, "hotel", "many.csv", text, maxErrors: 3, batchSize: 4)
            #expect(summary.counts.rejected == 3)
            #expect(try await count(store, "hotel") == 28)
        }
    }

    @Test(arguments: Engine.available)
    func anUnreadableOrCorruptInputChangesNothing(engine: Engine) async throws {
        try await withFreshStore(engine) { store, folder in
            try await TestModel.apply(store)
            await #expect {
                try await IngestRun(entity: "hotel", path: folder.file("missing.csv")).run(on: store)
            } throws: { error in
                (error as? CrescendoError)?.code == .unreadableInput && "\(error)".contains("missing.csv")
            }
            // A gzip file cut short: the good rows before the cut must not land either.
            var lines = ["id,city,stars,updated_at"]
            for index in 1...20_000 { lines.append("H\(index),City \(index),3,2026-01-01T00:00:00Z") }
            let plain = try folder.write("hotels.csv", lines.joined(separator: "\n"))
            let gzip = Process()
            gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
            gzip.arguments = ["-c", "gzip -c '\(plain)' > '\(plain).gz'"]
            try gzip.run()
            gzip.waitUntilExit()
            let whole = try Data(contentsOf: URL(fileURLWithPath: plain + ".gz"))
            try whole.prefix(whole.count * 2 / 3).write(to: URL(fileURLWithPath: folder.file("cut.csv.gz")))
            await #expect(throws: CrescendoError.self) {
                try await IngestRun(entity: "hotel", path: folder.file("cut.csv.gz"), batchSize: 500).run(on: store)
            }
            #expect(try await count(store, "hotel") == 0)
            // The whole gzip file lands.
            let summary = try await IngestRun(entity: "hotel", path: plain + ".gz").run(on: store)
            #expect(summary.counts.inserted == 20_000)
        }
    }

    @Test(arguments: Engine.available)
    func orphansAreAcceptedAndCountedPerLink(engine: Engine) async throws {
        try await withFreshStore(engine) { store, folder in
            try await TestModel.apply(store)
            try await ingest(store, folder, "hotel", "hotels.csv", "id,city,stars,updated_at\nH1,Lisbon,4,2026-01-01T00:00:00Z\n")
            try await ingest(store, folder, "profile", "profiles.csv", "id,first_name,tier,updated_at\nP1,Ana,gold,2026-01-01T00:00:00Z\n")
            let summary = try await ingest(store, folder, "reservation", "r.csv", """
                id,profile_id,hotel_id,check_in,nights,amount,status,updated_at
                R1,P1,H1,2026-12-01,2,1,booked,2026-01-01T00:00:00Z
                R2,P9,H1,2026-12-01,2,1,booked,2026-01-01T00:00:00Z
                R3,P9,H9,2026-12-01,2,1,booked,2026-01-01T00:00:00Z
                R4,P1,,2026-12-01,2,1,booked,2026-01-01T00:00:00Z
                R5,P1,H8,2026-12-01,2,1,booked,2026-01-01T00:00:00Z
                """)
            #expect(summary.counts.inserted == 5)
            #expect(summary.counts.orphans == 3)
            #expect(summary.counts.orphansByLink == ["customer": 2, "hotel": 2])
            #expect(try await count(store, "reservation") == 5)
        }
    }

    @Test(arguments: Engine.available)
    func compositeKeysJSONLinesAndDelimiters(engine: Engine) async throws {
        try await withFreshStore(engine) { store, folder in
            try await TestModel.apply(store)
            let jsonl = """
                {"hotel_id": "H1", "number": 101, "beds": 2, "revision": 1}
                {"hotel_id": "H1", "number": 102, "beds": 1, "revision": 1}
                {"hotel_id": "H1", "number": 101, "beds": 3, "revision": 2}
                {"hotel_id": "H1", "number": 102, "revision": 5, "_change_request_type": "d"}
                not json
                """
            let summary = try await ingest(store, folder, "room", "rooms.jsonl", jsonl)
            #expect(summary.counts.inserted == 2)
            #expect(summary.counts.updated == 1)
            #expect(summary.counts.deleted == 1)
            #expect(summary.counts.rejected == 1)
            #expect(try await storedRow(store, "room", "H1", "101")?["beds"] == "3")
            #expect(try await storedRow(store, "room", "H1", "102") == nil)
            let late = try await ingest(store, folder, "room", "late.csv", "hotel_id;number;beds;revision\nH1;102;9;4\n", delimiter: ";")
            #expect(late.counts.stale == 1)
            #expect(try await count(store, "room") == 1)
        }
    }

    @Test(arguments: Engine.available)
    func hostileValuesAreStoredVerbatim(engine: Engine) async throws {
        try await withFreshStore(engine) { store, folder in
            try await TestModel.apply(store)
            let evil = "x'); DROP TABLE hotel; -- $1 \"\" \\N \t tab \\t \r\n end"
            let text = "id,city,stars,updated_at\n\"H'1\",\"\(evil.replacingOccurrences(of: "\"", with: "\"\""))\",1,2026-01-01T00:00:00Z\n"
            try await ingest(store, folder, "hotel", "evil.csv", text)
            #expect(try await storedRow(store, "hotel", "H'1")?["city"] == evil)
            #expect(try await count(store, "hotel") == 1)
        }
    }

    @Test(arguments: Engine.available)
    func unknownAndMissingColumnsAreClearErrors(engine: Engine) async throws {
        try await withFreshStore(engine) { store, folder in
            try await TestModel.apply(store)
            await #expect {
                try await ingest(store, folder, "hotel", "typo.csv", "id,citty,stars,updated_at\nH1,Lisbon,4,2026-01-01T00:00:00Z\n")
            } throws: { error in
                "\(error)".contains("column \"citty\" (did you mean \"city\"?) not among the fields of hotel")
            }
            await #expect {
                try await ingest(store, folder, "hotel", "noversion.csv", "id,city,stars\nH1,Lisbon,4\n")
            } throws: { error in
                "\(error)".contains("no column for updated_at")
            }
            #expect(try await count(store, "hotel") == 0)
        }
    }
}
