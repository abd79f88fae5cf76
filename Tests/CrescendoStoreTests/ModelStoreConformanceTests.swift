import CrescendoApp
import CrescendoCore
import Foundation
import Testing

/// Applying and migrating models, on every engine.
@Suite struct ModelStoreConformanceTests {
    @Test(arguments: Engine.available)
    func applyingRecordsVersionsAndIsIdempotent(engine: Engine) async throws {
        try await withFreshStore(engine) { store, _ in
            #expect(try await store.appliedModel() == nil)
            let first = try await TestModel.apply(store)
            #expect(first.version == 1)
            #expect(first.changed)
            let again = try await TestModel.apply(store)
            #expect(again.version == 1)
            #expect(!again.changed)
            let applied = try #require(try await store.appliedModel())
            #expect(applied.model == (try TestModel.model()))
            #expect(applied.source == TestModel.yaml)
        }
    }

    @Test(arguments: Engine.available)
    func additiveChangesApplyAndFillDefaults(engine: Engine) async throws {
        try await withFreshStore(engine) { store, folder in
            try await TestModel.apply(store)
            try await ingest(store, folder, "hotel", "hotels.csv", "id,city,stars,updated_at\nH1,Lisbon,4,2026-01-01T00:00:00Z\n")
            let grown = TestModel.yaml
                .replacingOccurrences(of: "fields: {id: string, city: string, stars: integer, updated_at: timestamp}",
                                      with: "fields: {id: string, city: {type: string, index: true}, stars: decimal, brand: {type: string, default: \"Crescendo\"}, updated_at: timestamp}")
            let outcome = try await TestModel.apply(store, grown)
            #expect(outcome.version == 2)
            #expect(outcome.plan.destructiveSteps.isEmpty)
            #expect(outcome.plan.steps.map(\.description).contains("add field hotel.brand (string)"))
            let row = try await storedRow(store, "hotel", "H1")
            #expect(row?["brand"] == "Crescendo")
            #expect(row?["stars"] == "4")
            // The widened column takes decimals now.
            try await ingest(store, folder, "hotel", "hotels2.csv", "id,city,stars,brand,updated_at\nH1,Lisbon,4.5,X,2026-02-01T00:00:00Z\n")
            #expect(try await storedRow(store, "hotel", "H1")?["stars"] == "4.5")
        }
    }

    @Test(arguments: Engine.available)
    func wideningKeepsValuesAndStoresLaterOnesAsTheNewType(engine: Engine) async throws {
        try await withFreshStore(engine) { store, folder in
            try await TestModel.apply(store)
            try await ingest(store, folder, "hotel", "h.csv", "id,city,stars,updated_at\nH1,Lisbon,4,2026-01-01T00:00:00Z\n")
            try await ingest(store, folder, "profile", "p.csv", "id,first_name,tier,vip,updated_at\nP1,Ana,gold,true,2026-01-01T00:00:00Z\n")
            let widened = TestModel.yaml
                .replacingOccurrences(of: "stars: integer", with: "stars: {type: string, index: true}")
                .replacingOccurrences(of: "vip: {type: boolean, nullable: true}", with: "vip: {type: string, nullable: true}")
            let outcome = try await TestModel.apply(store, widened)
            #expect(outcome.plan.destructiveSteps.isEmpty)
            #expect(try await storedRow(store, "hotel", "H1")?["stars"] == "4")
            #expect(try await storedRow(store, "profile", "P1")?["vip"] == "true")
            try await ingest(store, folder, "hotel", "h2.csv", "id,city,stars,updated_at\nH2,Porto,004,2026-01-01T00:00:00Z\n")
            #expect(try await storedRow(store, "hotel", "H2")?["stars"] == "004")
        }
    }

    @Test(arguments: Engine.available)
    func destructiveChangesNeedConfirmationAndChangeNothingWithout(engine: Engine) async throws {
        try await withFreshStore(engine) { store, folder in
            try await TestModel.apply(store)
            try await ingest(store, folder, "hotel", "hotels.csv", "id,city,stars,updated_at\nH1,Lisbon,4,2026-01-01T00:00:00Z\n")
            let shrunk = TestModel.yaml.replacingOccurrences(of: "fields: {id: string, city: string, stars: integer, updated_at: timestamp}", with: "fields: {id: string, city: string, updated_at: timestamp}")
            await #expect {
                try await TestModel.apply(store, shrunk)
            } throws: { error in
                guard let error = error as? CrescendoError else { return false }
                return error.code == .destructiveChange && error.message.contains("drop field hotel.stars")
            }
            #expect(try await store.appliedModel()?.version == 1)
            #expect(try await storedRow(store, "hotel", "H1")?["stars"] == "4")

            let outcome = try await TestModel.apply(store, shrunk, allowDestructive: true)
            #expect(outcome.version == 2)
            #expect(try await storedRow(store, "hotel", "H1") == ["id": "H1", "city": "Lisbon", "updated_at": "2026-01-01T00:00:00.000000Z"])
            // A later ingest with the dropped column is refused, naming it.
            await #expect(throws: CrescendoError.self) {
                try await ingest(store, folder, "hotel", "old.csv", "id,city,stars,updated_at\nH2,Porto,3,2026-01-01T00:00:00Z\n")
            }
        }
    }

    @Test(arguments: Engine.available)
    func droppingAnEntityAndChangingAKeyAreDestructive(engine: Engine) async throws {
        try await withFreshStore(engine) { store, folder in
            try await TestModel.apply(store)
            try await ingest(store, folder, "room", "rooms.csv", "hotel_id,number,beds,revision\nH1,101,2,1\n")
            let withoutRooms = TestModel.yaml.components(separatedBy: "  room:\n").first!
            let rekeyed = TestModel.yaml.replacingOccurrences(of: "key: [hotel_id, number]", with: "key: [number, hotel_id]")
            await #expect(throws: CrescendoError.self) { try await TestModel.apply(store, withoutRooms) }
            await #expect(throws: CrescendoError.self) { try await TestModel.apply(store, rekeyed) }
            #expect(try await count(store, "room") == 1)
            try await TestModel.apply(store, rekeyed, allowDestructive: true)
            #expect(try await count(store, "room") == 0)
            try await TestModel.apply(store, withoutRooms, allowDestructive: true)
            #expect(try await store.appliedModel()?.model.entity(named: "room") == nil)
        }
    }
}
