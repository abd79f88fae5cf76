import CrescendoCore
import Testing

@Suite struct MigrationPlanTests {
    @Test func aNewWorkspaceCreatesEveryEntity() throws {
        let model = try Fixtures.model()
        let plan = MigrationPlan(from: nil, to: model)
        #expect(plan.steps.count == 3)
        #expect(plan.destructiveSteps.isEmpty)
        #expect(MigrationPlan(from: model, to: model).isEmpty)
    }

    @Test func additiveChangesNeedNoConfirmation() throws {
        let old = try Fixtures.model()
        let new = try Fixtures.model(Fixtures.hotelModel
            .replacingOccurrences(of: "city: {type: string, index: true}", with: "city: {type: string, index: true}\n      stars: {type: integer, nullable: true}")
            .replacingOccurrences(of: "nights: integer", with: "nights: decimal"))
        let plan = MigrationPlan(from: old, to: new)
        #expect(plan.destructiveSteps.isEmpty)
        #expect(plan.steps.contains(.addField(entity: "hotel", Field(name: "stars", type: .integer, nullable: true))))
        #expect(plan.steps.map(\.description).contains("change reservation.nights from integer to decimal (values kept)"))
    }

    @Test func droppingOrNarrowingIsDestructive() throws {
        let old = try Fixtures.model()
        let new = try Fixtures.model(Fixtures.hotelModel
            .replacingOccurrences(of: "      city: {type: string, index: true}\n", with: "")
            .replacingOccurrences(of: "amount: decimal", with: "amount: integer")
            .replacingOccurrences(of: "email: {type: email, nullable: true}", with: "email: email")
            .replacingOccurrences(of: "values: [basic, silver, gold]", with: "values: [basic, gold]"))
        let destructive = MigrationPlan(from: old, to: new).destructiveSteps.map(\.description)
        #expect(destructive.contains("drop field hotel.city and its values"))
        #expect(destructive.contains("change reservation.amount from decimal to integer, emptying its values"))
        #expect(destructive.contains { $0.hasPrefix("tighten profile.email") })
        #expect(destructive.contains { $0.hasPrefix("tighten profile.tier: enum values silver") })
        // The index on the dropped field goes first.
        let ordered = MigrationPlan(from: old, to: new).orderedSteps
        #expect(ordered.first == .dropIndex(StoredIndex(entity: "hotel", fields: ["city"])))
    }

    @Test func aChangedVersionTypeRecreatesTheEntity() throws {
        let old = try Fixtures.model()
        let new = try Fixtures.model(Fixtures.hotelModel.replacingOccurrences(of: "fields: {id: string, profile_id: string, hotel_id: string, check_in: date, nights: integer, amount: decimal, status: {type: enum, values: [booked, cancelled, completed]}, updated_at: timestamp}", with: "fields: {id: string, profile_id: string, hotel_id: string, check_in: date, nights: integer, amount: decimal, status: {type: enum, values: [booked, cancelled, completed]}, updated_at: integer}"))
        let steps = MigrationPlan(from: old, to: new).destructiveSteps.map(\.description)
        #expect(steps == ["recreate entity reservation, losing its rows: its key or version field changed"])
    }

    @Test func aRequiredFieldWithoutDefaultNeedsConfirmation() throws {
        let old = try Fixtures.model()
        let required = try Fixtures.model(Fixtures.hotelModel.replacingOccurrences(of: "city: {type: string, index: true}", with: "city: {type: string, index: true}\n      stars: integer"))
        #expect(MigrationPlan(from: old, to: required).destructiveSteps.count == 1)
        let defaulted = try Fixtures.model(Fixtures.hotelModel.replacingOccurrences(of: "city: {type: string, index: true}", with: "city: {type: string, index: true}\n      stars: {type: integer, default: \"3\"}"))
        #expect(MigrationPlan(from: old, to: defaulted).destructiveSteps.isEmpty)
    }

    @Test func droppedEntityAndChangedKeyAreDestructive() throws {
        let old = try Fixtures.model()
        var new = old
        new.entities.removeAll { $0.name == "hotel" }
        new.entities[new.entities.firstIndex { $0.name == "reservation" }!].links.removeAll { $0.target == "hotel" }
        new.entities[0].key = ["email"]
        let destructive = MigrationPlan(from: old, to: new).destructiveSteps.map(\.description)
        #expect(destructive.contains("drop entity hotel and all its rows"))
        #expect(destructive.contains { $0.hasPrefix("recreate entity profile") })
    }
}
