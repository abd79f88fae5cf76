import CrescendoApp
import CrescendoCore
import Foundation
import Testing

/// The audience portal on every engine: snapshots keep their members, dynamic audiences follow the
/// data, uploads report what did not match, and audiences work inside rules.
@Suite struct AudiencePortalTests {
    typealias D = AudienceDataset

    static func spec(_ entity: String, _ rule: String, to: String? = nil) throws -> PopulationSpec {
        PopulationSpec(entity: entity, rule: try RuleParser.parse(rule), dimension: to)
    }

    static func count(_ workbench: AudienceWorkbench, _ entity: String, _ rule: String) async throws -> Int {
        try await workbench.count(try await workbench.bind(try spec(entity, rule)))
    }

    @Test(arguments: Engine.available)
    func snapshotsKeepTheirMembersAndDynamicAudiencesFollowTheData(engine: Engine) async throws {
        let dataset = D()
        try await AudienceConformanceTests.withDataset(engine) { workbench, store, folder in
            let gold = Set(dataset.profiles.filter { $0.tier == "gold" }.map(\.id))
            let snapshot = try await workbench.saveSnapshot("gold", spec: try Self.spec("profile", "tier = 'gold'"), attributes: ["first_name", "home_hotel.city"])
            #expect(snapshot.kind == .snapshot)
            #expect(snapshot.size == gold.count)
            #expect(snapshot.attributes == ["first_name", "home_hotel.city"])
            #expect(snapshot.rule == "tier = 'gold'")
            let dynamic = try await workbench.saveDynamic("gold-live", spec: try Self.spec("profile", "tier = 'gold'"))
            #expect(dynamic.size == nil)

            // The stored attributes are the values at the time of the snapshot.
            let table = try #require(snapshot.table)
            let stored = try await store.rows(SQLQuery(text: "SELECT \"k0\", \"a0\", \"a1\" FROM \"\(table)\" ORDER BY \"k0\"", columns: [.text, .text, .text]))
            let first = try #require(stored.first)
            let firstID = try #require(first[0].text)
            let profile = try #require(dataset.profile(firstID))
            #expect(first[1].text == profile.firstName)
            #expect(first[2].text == dataset.hotel(profile.homeHotelID)?.city)

            // Two gold guests become basic, one basic guest becomes gold.
            let demoted = gold.sorted().prefix(2)
            let promoted = try #require(dataset.profiles.first { $0.tier == "basic" })
            var changes = "id,email,first_name,tier,birth_date,home_hotel_id,email_opt_in,score,created_at,updated_at\n"
            for id in demoted { changes += "\(id),,X,basic,,,true,,2026-06-01T00:00:00Z,2026-06-02T00:00:00Z\n" }
            changes += "\(promoted.id),,Y,gold,,,true,,2026-06-01T00:00:00Z,2026-06-02T00:00:00Z\n"
            try await ingest(store, folder, "profile", "changes.csv", changes)

            #expect(try await Self.count(workbench, "profile", "tier = 'gold'") == gold.count - 1)
            #expect(try await Self.count(workbench, "profile", "in audience 'gold'") == gold.count)
            #expect(try await Self.count(workbench, "profile", "in audience 'gold-live'") == gold.count - 1)
            #expect(try await workbench.show("gold").currentSize == gold.count)
            #expect(try await workbench.show("gold-live").currentSize == gold.count - 1)
            // Membership combines with anything, and follows links from another dimension.
            #expect(try await Self.count(workbench, "profile", "in audience 'gold' and not in audience 'gold-live'") == 2)
            let goldReservations = dataset.reservations.filter { gold.contains($0.profileID) }.count
            #expect(try await Self.count(workbench, "reservation", "customer in audience 'gold'") == goldReservations)

            // Saving again replaces the members and keeps the creation time.
            let again = try await workbench.saveSnapshot("gold", spec: try Self.spec("profile", "tier = 'gold'"), attributes: [])
            #expect(again.size == gold.count - 1)
            #expect(again.createdAt == snapshot.createdAt)
            #expect(try await Self.count(workbench, "profile", "in audience 'gold'") == gold.count - 1)
            #expect(try await store.audiences().map(\.name) == ["gold", "gold-live"])
        }
    }

    @Test(arguments: Engine.available)
    func audiencesAreCheckedWhereTheyAreUsed(engine: Engine) async throws {
        try await AudienceConformanceTests.withDataset(engine) { workbench, store, _ in
            _ = try await workbench.saveSnapshot("lisbon stays", spec: try Self.spec("hotel", "city = 'Lisbon'", to: "reservations"), attributes: [])
            let saved = try #require(try await store.audience(named: "lisbon stays"))
            #expect(saved.entity == "reservation")
            #expect(saved.sourceEntity == "hotel")
            // Wrong dimension, unknown name with a suggestion.
            await #expect(throws: CrescendoError.self) { try await Self.count(workbench, "profile", "in audience 'lisbon stays'") }
            do {
                _ = try await Self.count(workbench, "reservation", "in audience 'lisbon stay'")
                Issue.record("an unknown audience was accepted")
            } catch let error as CrescendoError {
                #expect(error.code == .invalidRule)
                #expect(error.message.contains("did you mean 'lisbon stays'?"))
            }
            // A dynamic audience cannot reach itself through another one.
            _ = try await workbench.saveDynamic("a", spec: try Self.spec("profile", "tier = 'gold'"))
            _ = try await workbench.saveDynamic("b", spec: try Self.spec("profile", "in audience 'a' and email_opt_in"))
            _ = try await workbench.saveDynamic("a", spec: try Self.spec("profile", "tier = 'gold'"))
            await #expect(throws: CrescendoError.self) { try await workbench.saveDynamic("a", spec: try Self.spec("profile", "in audience 'b'")) }
            await #expect(throws: CrescendoError.self) { try await workbench.saveDynamic("c", spec: try Self.spec("profile", "in audience 'c'")) }
            // Deleting an audience another one uses is refused; deleting the user first works.
            await #expect(throws: CrescendoError.self) { try await workbench.delete("a") }
            try await workbench.delete("b")
            try await workbench.delete("a")
            #expect(try await store.audience(named: "a") == nil)
            await #expect(throws: CrescendoError.self) { try await workbench.delete("a") }
        }
    }

    @Test(arguments: Engine.available)
    func uploadsReconcileToAFieldAndReportWhatDidNotMatch(engine: Engine) async throws {
        let dataset = D()
        try await AudienceConformanceTests.withDataset(engine) { workbench, store, folder in
            let known = dataset.profiles.compactMap(\.email).prefix(5)
            var list = "Email Address,source\n"
            for email in known { list += " \(email) ,fair\n" }
            list += "\(known.first!),duplicate\n"
            list += "nobody@nowhere.example,fair\n"
            list += "not-an-email,fair\n"
            list += ",empty\n"
            let file = try folder.write("list.csv", list)
            let saved = try await AudienceUpload.run(workbench: workbench, name: "fair leads", file: file, entity: "profile", field: "email", column: "Email Address")
            let summary = try #require(saved.upload)
            #expect(saved.kind == .upload)
            #expect(saved.size == known.count)
            #expect(summary.rows == known.count + 4)
            #expect(summary.matchedRows == known.count + 1)
            #expect(summary.unmatchedRows == 1)
            #expect(summary.invalidRows == 2)
            let unmatched = try String(contentsOfFile: try #require(summary.unmatchedFile), encoding: .utf8)
            let lines = unmatched.split(separator: "\n")
            #expect(lines.first == "_line,_field,_reason,Email Address,source")
            #expect(lines.count == 4)
            #expect(unmatched.contains("\(known.count + 3),Email Address,no profile has email = nobody@nowhere.example"))
            #expect(unmatched.contains("not an email address"))
            #expect(try await Self.count(workbench, "profile", "in audience 'fair leads'") == known.count)
            let ids = Set(dataset.profiles.filter { known.contains($0.email ?? "") }.map(\.id))
            let members = try await AudienceConformanceTests.members(workbench, try await workbench.population(ofAudience: "fair leads"))
            #expect(members == ids)
            // A column the file lacks is named, with a suggestion.
            do {
                _ = try await AudienceUpload.run(workbench: workbench, name: "x", file: file, entity: "profile", field: "email", column: "Email Adress")
                Issue.record("a missing column was accepted")
            } catch let error as CrescendoError {
                #expect(error.message.contains("did you mean \"Email Address\"?"))
            }
            #expect(try await store.audience(named: "x") == nil)
        }
    }
}

/// Values and names from users never change what the SQL means.
@Suite struct HostileInputTests {
    static let hostile = [
        "x'; DROP TABLE profile; --", "'; DELETE FROM reservation WHERE '1'='1", "/* comment */ OR 1=1", "$1 OR TRUE", "$$ $t $$",
        "\\'; --", "\"; DROP TABLE hotel; --", "Robert'); DROP TABLE profile;--", "%' OR '1'='1", "\u{10FFFF}'", "é'ü\"ö",
    ]

    @Test(arguments: Engine.available)
    func valuesNeverReachTheSQLText(engine: Engine) async throws {
        let dataset = AudienceDataset()
        try await AudienceConformanceTests.withDataset(engine) { workbench, store, _ in
            let model = workbench.model
            for value in Self.hostile {
                let quoted = "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
                for rule in [
                    "first_name = \(quoted)", "first_name contains \(quoted)", "first_name starts with \(quoted) ignore case",
                    "first_name like \(quoted)", "first_name in (\(quoted), 'Ana')", "home_hotel.name = \(quoted)",
                    "exists reservations(hotel.city = \(quoted))", "count(reservations where hotel.name = \(quoted)) = 0",
                    "tier = $v", "first_name = $v",
                ] {
                    var bench = workbench
                    bench.environment.variables = ["v": .text(value)]
                    let population: BoundPopulation
                    do {
                        population = try await bench.bind(PopulationSpec(entity: "profile", rule: try RuleParser.parse(rule)))
                    } catch let error as CrescendoError {
                        // `tier = $v` is refused: the value is not one of the enum's values.
                        #expect(rule == "tier = $v", "\(rule): \(error)")
                        continue
                    }
                    let query = PopulationSQL(dialect: store.dialect, model: model).count(population)
                    #expect(!query.text.contains(value), "\(rule) spliced a value into SQL: \(query.text)")
                    #expect(!query.text.contains("DROP") && !query.text.contains("DELETE"))
                    let count = try await bench.count(population)
                    let expectedMatches = rule.hasPrefix("count(") ? dataset.profiles.count : (rule.hasPrefix("first_name in") ? dataset.profiles.filter { $0.firstName == "Ana" }.count : 0)
                    #expect(count == expectedMatches, "\(rule)")
                }
            }
            // Every table is still there, with its rows.
            #expect(try await count(store, "profile") == dataset.profiles.count)
            #expect(try await count(store, "reservation") == dataset.reservations.count)
            #expect(try await count(store, "hotel") == dataset.hotels.count)
            // The one hotel whose name is itself an injection attempt is found by its exact name.
            #expect(try await AudiencePortalTests.count(workbench, "hotel", "name = 'The \"Grand\"; DROP TABLE hotel; --'") == 1)
        }
    }

    @Test(arguments: Engine.available)
    func namesOnlyComeFromTheModel(engine: Engine) async throws {
        try await AudienceConformanceTests.withDataset(engine) { workbench, _, _ in
            // Names that are not identifiers never get past the lexer; SQL comment or operator
            // spellings are no names the model has.
            for rule in ["\"first_name\" = 'x'", "first_name; DROP TABLE profile = 'x'", "first_name = 'x' /* c */", "first_name = 'x' # c"] {
                #expect(throws: CrescendoError.self, "\(rule)") { try RuleParser.parse(rule) }
            }
            for rule in ["first-name = 'x'", "first_name = 'x' -- comment", "first_name = 'x' or sqlite_master.name = 'x'"] {
                await #expect(throws: CrescendoError.self, "\(rule)") {
                    try await workbench.bind(PopulationSpec(entity: "profile", rule: try RuleParser.parse(rule)))
                }
            }
            // The JSON form can carry any text as a name: it is looked up in the model and refused.
            for path in ["first_name\"; DROP TABLE profile; --", "profile.id", "sqlite_master.name", "crescendo_audiences.definition", "id) OR (1=1"] {
                let json = #"{"type":"compare","operator":"=","left":{"type":"field","path":"\#(path.replacingOccurrences(of: "\"", with: "\\\""))"},"right":{"type":"value","value":"x"}}"#
                let rule = try RuleExpression.fromJSON(Data(json.utf8))
                await #expect(throws: CrescendoError.self, "\(path)") {
                    try await workbench.bind(PopulationSpec(entity: "profile", rule: rule))
                }
            }
            await #expect(throws: CrescendoError.self) { try await workbench.bind(PopulationSpec(entity: "profile; DROP TABLE profile")) }
            await #expect(throws: CrescendoError.self) {
                try await workbench.bind(PopulationSpec(entity: "reservation", rule: nil, dimension: "customer; DROP TABLE profile"))
            }
            // An audience name is data too: it picks a member table by id and never reaches SQL.
            let name = "vip'; DROP TABLE profile; --"
            _ = try await workbench.saveSnapshot(name, spec: PopulationSpec(entity: "profile", rule: try RuleParser.parse("tier = 'gold'")), attributes: [])
            let population = try await workbench.bind(PopulationSpec(entity: "profile", rule: .inAudience([], name, .unknown)))
            let query = PopulationSQL(dialect: workbench.store.dialect, model: workbench.model).count(population)
            #expect(!query.text.contains("vip"))
            #expect(try await workbench.count(population) == AudienceDataset().profiles.filter { $0.tier == "gold" }.count)
        }
    }
}
