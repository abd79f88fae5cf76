import CrescendoApp
import CrescendoCore
import Foundation
import Testing

/// Every activity kind, run as small campaigns over `AudienceDataset` on every engine — in test
/// mode and as real published executions — with the counts on transitions and the rows of the work
/// and message tables checked against sets computed in Swift from the dataset's raw values.
@Suite struct CampaignActivityTests {
    typealias D = AudienceDataset
    static let d = D()

    // MARK: Harness

    /// A workspace holding the dataset, with the campaign desk over it.
    struct Bench {
        let desk: CampaignDesk
        let folder: TestFolder
        var store: any WorkspaceStore { desk.store }

        /// The whole campaign in test mode.
        func test(_ yaml: String, _ variables: [String: String] = [:], sample: Int = 0) async throws -> ExecutionReport {
            let definition = try CampaignLoader(sourceName: "test.yaml").load(yaml)
            return try await desk.test(definition, source: "test.yaml", variables: variables, sample: sample)
        }

        /// Creates the campaign from a file and publishes it; returns its name.
        @discardableResult
        func publish(_ yaml: String) async throws -> String {
            let name = try CampaignLoader(sourceName: "campaign").load(yaml).name
            let (_, problems) = try await desk.create(path: try folder.write("\(name).yaml", yaml))
            #expect(problems.isEmpty, "\(name): \(problems)")
            _ = try await desk.publish(name)
            return name
        }

        /// Starts a real execution and runs it until it ends or parks at a wait.
        func run(_ name: String, _ variables: [String: String] = [:]) async throws -> (id: Int64, result: ExecutionDriver.Result, report: ExecutionReport) {
            let id = try await desk.start(name, variables: variables)
            let result = try await desk.run(id, holdWaits: false)
            return (id, result, try await desk.report(name, execution: id, sample: 1000))
        }

        /// Columns of the work table behind an output of a real execution, as text.
        func rows(_ id: Int64, _ activity: String, _ output: String = "out", _ columns: [String] = ["k0"]) async throws -> [[String?]] {
            let record = try await desk.repository.activityRecords(id).first { $0.activity == activity }
            let table = try #require(record?.outcome?.outputs[output]?.table, "\(activity).\(output) has no work table")
            let dialect = store.dialect
            let list = columns.map { dialect.output(dialect.quote($0)) }.joined(separator: ", ")
            let rows = try await store.rows(SQLQuery(text: "SELECT \(list) FROM \(dialect.quote(table)) ORDER BY 1", columns: columns.map { _ in .text }))
            return rows.map { $0.map(\.text) }
        }

        func keys(_ id: Int64, _ activity: String, _ output: String = "out") async throws -> Set<String> {
            Set(try await rows(id, activity, output).compactMap { $0[0] })
        }
    }

    /// The dataset loaded on `engine`, with a saved snapshot `silver-snap` of the silver profiles.
    static func withBench(_ engine: Engine, _ body: (Bench) async throws -> Void) async throws {
        try await AudienceConformanceTests.withDataset(engine) { workbench, store, folder in
            _ = try await workbench.saveSnapshot("silver-snap", spec: PopulationSpec(entity: "profile", rule: try RuleParser.parse("tier = 'silver'")), attributes: [])
            try await body(Bench(desk: try await CampaignDesk.open(store), folder: folder))
        }
    }

    // MARK: Expectations

    static func profiles(_ keep: (D.Profile) -> Bool) -> Set<String> { Set(d.profiles.filter(keep).map(\.id)) }
    static func reservations(_ keep: (D.Reservation) -> Bool) -> Set<String> { Set(d.reservations.filter(keep).map(\.id)) }
    static func city(_ profile: D.Profile) -> String? { d.hotel(profile.homeHotelID)?.city }
    static func spend(_ profile: D.Profile) -> Double? {
        let stays = d.reservations(of: profile)
        return stays.isEmpty ? nil : stays.reduce(0) { $0 + $1.amount }
    }
    static func completed(_ profile: D.Profile) -> Int { d.reservations(of: profile).filter { $0.status == "completed" }.count }

    /// The first `keep` items of each group, in the order `before` gives.
    static func firstOfEachGroup<T, K: Hashable>(_ items: [T], by key: (T) -> K, keep: Int = 1, _ before: (T, T) -> Bool) -> [T] {
        Dictionary(grouping: items, by: key).values.flatMap { $0.sorted(by: before).prefix(keep) }
    }

    static func expectSame(_ actual: Set<String>, _ expected: Set<String>, _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual == expected, "\(label): missing \(expected.subtracting(actual).sorted().prefix(6)), extra \(actual.subtracting(expected).sorted().prefix(6))", sourceLocation: sourceLocation)
    }

    /// The rows on transitions, keyed `from` or `from.output`.
    static func expectCounts(_ report: ExecutionReport, _ expected: [String: Int], sourceLocation: SourceLocation = #_sourceLocation) {
        for (key, count) in expected.sorted(by: { $0.key < $1.key }) {
            let dot = key.lastIndex(of: ".")
            let from = dot.map { String(key[..<$0]) } ?? key
            let output = dot.map { String(key[key.index(after: $0)...]) } ?? "out"
            let actual = report.transitions.first { $0.from == from && $0.output == output }?.count
            #expect(actual == count, "\(report.execution?.test == true ? "test mode" : "execution") \(report.campaign): \(key)", sourceLocation: sourceLocation)
        }
    }

    static func expectStates(_ report: ExecutionReport, _ expected: [String: String], sourceLocation: SourceLocation = #_sourceLocation) {
        for (name, state) in expected.sorted(by: { $0.key < $1.key }) {
            #expect(report.activities.first { $0.name == name }?.state == state, "\(report.campaign): \(name)", sourceLocation: sourceLocation)
        }
    }

    /// End activities `e<first>`…`e<last>`, one per line of a campaign's `activities:`.
    static func ends(_ numbers: ClosedRange<Int>) -> String { numbers.map { "e\($0): {type: end}" }.joined(separator: "\n  ") }

    static func close(_ text: String?, _ value: Double?) -> Bool {
        guard let value else { return text == nil }
        guard let number = text.flatMap(Double.init) else { return false }
        return abs(number - value) < 0.005
    }

    // MARK: Targeting, dimensions, saving

    static let targeting = """
        name: targeting
        activities:
          start: {type: start}
          gold: {type: build-audience, entity: profile, rule: "tier = 'gold'"}
          with city: {type: enrichment, add: {city: home_hotel.city}}
          save gold: {type: save-audience, audience: gold-saved, attributes: [city]}
          booked guests: {type: build-audience, entity: reservation, rule: "status = 'booked'", dimension: customer}
          silver: {type: build-audience, audience: silver-snap}
          silver read: {type: read-audience, audience: silver-snap, attributes: {town: home_hotel.city, name: first_name}}
          long stays: {type: build-audience, entity: reservation, rule: "nights >= 8"}
          long guests: {type: change-dimension, to: customer}
          lisbon: {type: build-audience, entity: profile, rule: "home_hotel.city = 'Lisbon'"}
          lisbon stays: {type: change-dimension, to: reservations}
          nobody: {type: build-audience, entity: profile, rule: "first_name = 'Nobody'"}
          nobody saved: {type: save-audience, audience: never-saved}
          nobody kept: {type: build-audience, entity: profile, rule: "first_name = 'Nobody'", continue_if_empty: true}
          kept split: {type: split, subsets: [{name: all}]}
          \(ends(1...8))
        transitions: [
            start -> gold, gold -> with city, with city -> save gold, save gold -> e1, booked guests -> e2, silver -> e3,
            silver read -> e4, long stays -> long guests, long guests -> e5, lisbon -> lisbon stays, lisbon stays -> e6,
            nobody -> nobody saved, nobody saved -> e7, nobody kept -> kept split, kept split.all -> e8,
        ]
        """

    @Test(arguments: Engine.available)
    func targetingDimensionsAndSavedAudiences(engine: Engine) async throws {
        try await Self.withBench(engine) { bench in
            let gold = Self.profiles { $0.tier == "gold" }
            let silver = Self.profiles { $0.tier == "silver" }
            let bookedGuests = Set(Self.d.reservations.filter { $0.status == "booked" }.map(\.profileID))
            let longStays = Self.reservations { $0.nights >= 8 }
            let longGuests = Set(Self.d.reservations.filter { $0.nights >= 8 }.map(\.profileID))
            let lisbon = Self.profiles { Self.city($0) == "Lisbon" }
            let lisbonStays = Self.reservations { lisbon.contains($0.profileID) }
            #expect(!lisbonStays.isEmpty && bookedGuests.count < Self.d.profiles.count)
            let counts = [
                "gold": gold.count, "with city": gold.count, "save gold": gold.count, "booked guests": bookedGuests.count, "silver": silver.count,
                "silver read": silver.count, "long stays": longStays.count, "long guests": longGuests.count, "lisbon": lisbon.count,
                "lisbon stays": lisbonStays.count, "nobody": 0, "nobody kept": 0, "kept split.all": 0,
            ]
            let states = ["nobody": "done", "nobody saved": "skipped", "e7": "skipped", "nobody kept": "done", "kept split": "done", "e8": "done", "e1": "done"]

            // Test mode: same counts, nothing saved.
            let test = try await bench.test(Self.targeting)
            #expect(test.execution?.status == .completed)
            Self.expectCounts(test, counts)
            Self.expectStates(test, states)
            #expect(try await bench.store.audience(named: "gold-saved") == nil, "test mode saves no audience")

            // A real execution: the rows, and the saved audience with its attribute.
            try await bench.publish(Self.targeting)
            let run = try await bench.run("targeting")
            #expect(run.result == .finished(.completed))
            Self.expectCounts(run.report, counts)
            Self.expectStates(run.report, states)
            Self.expectSame(try await bench.keys(run.id, "gold"), gold, "gold")
            Self.expectSame(try await bench.keys(run.id, "booked guests"), bookedGuests, "build-audience with dimension")
            Self.expectSame(try await bench.keys(run.id, "silver"), silver, "build-audience of a saved audience")
            Self.expectSame(try await bench.keys(run.id, "long guests"), longGuests, "change-dimension reservation → customer")
            Self.expectSame(try await bench.keys(run.id, "lisbon stays"), lisbonStays, "change-dimension profile → reservations")
            let read = try await bench.rows(run.id, "silver read", "out", ["k0", "town", "name"])
            #expect(Set(read.compactMap { $0[0] }) == silver)
            for row in read {
                let profile = try #require(Self.d.profile(row[0] ?? ""))
                #expect(row[1] == Self.city(profile) && row[2] == profile.firstName, "read-audience attributes of \(profile.id): \(row)")
            }
            let saved = try #require(try await bench.store.audience(named: "gold-saved"))
            #expect(saved.size == gold.count && saved.entity == "profile" && saved.attributes == ["city"])
            let members = try await bench.store.rows(SQLQuery(text: "SELECT \"k0\", \"a0\" FROM \"\(try #require(saved.table))\"", columns: [.text, .text]))
            #expect(Set(members.compactMap { $0[0].text }) == gold)
            for member in members {
                #expect(member[1].text == Self.d.profile(member[0].text ?? "").flatMap(Self.city), "saved attribute of \(member[0])")
            }
            #expect(try await bench.store.audience(named: "never-saved") == nil)

            // A later test-mode run drops its own work tables, not those of the real execution.
            _ = try await bench.test(Self.targeting)
            Self.expectSame(try await bench.keys(run.id, "gold"), gold, "real work table after a test-mode run")
        }
    }

    // MARK: Incremental query

    static let incremental = """
        name: fresh
        activities:
          start: {type: start}
          new bookings: {type: incremental-query, entity: reservation, rule: "status = 'booked'", since: booked_at}
          pass: {type: split, subsets: [{name: all}]}
          new guests: {type: incremental-query, entity: reservation, rule: "status = 'booked'", since: booked_at, dimension: customer}
          \(ends(1...2))
        transitions: [start -> new bookings, new bookings -> pass, pass.all -> e1, new guests -> e2]
        """

    @Test(arguments: Engine.available)
    func incrementalQuerySeesOnlyRowsNewerThanThePreviousMark(engine: Engine) async throws {
        try await Self.withBench(engine) { bench in
            try await bench.publish(Self.incremental)
            let booked = Self.reservations { $0.status == "booked" }
            let first = try await bench.run("fresh")
            #expect(first.result == .finished(.completed))
            Self.expectSame(try await bench.keys(first.id, "new bookings"), booked, "first execution: every booked row")
            Self.expectSame(try await bench.keys(first.id, "new guests"), Set(Self.d.reservations.filter { $0.status == "booked" }.map(\.profileID)), "first execution, dimension customer")

            // New rows: one later than the mark, one cancelled, one booked but dated before the mark.
            let mark = try #require(Self.d.reservations.filter { $0.status == "booked" }.map(\.bookedAt).max())
            #expect(mark < "2026-10-01" && mark > "2026-01-01")
            let header = "id,profile_id,hotel_id,check_in,nights,amount,status,booked_at,updated_at\n"
            try await ingest(bench.store, bench.folder, "reservation", "new.csv", header + """
                R9100,P02,H1,2026-12-01,2,120.00,booked,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z
                R9101,P03,H1,2026-12-01,2,120.00,cancelled,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z
                R9102,P04,H1,2026-12-01,2,120.00,booked,2026-01-01T00:00:00Z,2026-10-02T00:00:00Z
                """)
            // Test mode sees what the next execution will, and does not move the mark.
            let test = try await bench.test(Self.incremental)
            Self.expectCounts(test, ["new bookings": 1, "pass.all": 1])
            let second = try await bench.run("fresh")
            Self.expectCounts(second.report, ["new bookings": 1, "pass.all": 1])
            Self.expectSame(try await bench.keys(second.id, "new bookings"), ["R9100"], "second execution")
            Self.expectSame(try await bench.keys(second.id, "new guests"), ["P02"], "second execution, dimension customer")

            // Nothing new: the branch ends, what follows is skipped.
            let third = try await bench.run("fresh")
            #expect(third.result == .finished(.completed))
            Self.expectCounts(third.report, ["new bookings": 0])
            Self.expectStates(third.report, ["new bookings": "done", "pass": "skipped", "e1": "skipped", "new guests": "done", "e2": "skipped"])
            #expect(third.report.transitions.first { $0.from == "new bookings" }?.ended == true)
        }
    }

    // MARK: Combine

    static let combining = """
        name: combining
        activities:
          start: {type: start}
          a: {type: build-audience, entity: profile, rule: "tier != 'basic'"}
          b: {type: build-audience, entity: profile, rule: "email is null"}
          c: {type: build-audience, entity: profile, rule: "not exists reservations"}
          fa: {type: fork, branches: [u, i, x, p]}
          fb: {type: fork, branches: [u, i, x, p]}
          union: {type: combine, operation: union, complement: true}
          inter: {type: combine, operation: intersection, complement: true}
          excl: {type: combine, operation: exclusion, complement: true}
          excl b: {type: combine, operation: exclusion, primary: fb, complement: true}
          \(ends(1...8))
        transitions: [
            start -> a, a -> fa, b -> fb, fa.u -> union, fb.u -> union, fa.i -> inter, fb.i -> inter, c -> inter,
            fa.x -> excl, fb.x -> excl, fa.p -> excl b, fb.p -> excl b, union -> e1, union.complement -> e2, inter -> e3,
            inter.complement -> e4, excl -> e5, excl.complement -> e6, excl b -> e7, excl b.complement -> e8,
        ]
        """

    @Test(arguments: Engine.available)
    func combineUnionIntersectionExclusionWithComplementsAndPrimary(engine: Engine) async throws {
        try await Self.withBench(engine) { bench in
            let a = Self.profiles { $0.tier != "basic" }
            let b = Self.profiles { $0.email == nil }
            let c = Self.profiles { Self.d.reservations(of: $0).isEmpty }
            let inter = a.intersection(b).intersection(c)
            #expect(!inter.isEmpty && !a.subtracting(b).isEmpty && !b.subtracting(a).isEmpty)
            let expected: [String: Set<String>] = [
                "union": a.union(b), "union.complement": [], "inter": inter, "inter.complement": a.union(b).union(c).subtracting(inter),
                "excl": a.subtracting(b), "excl.complement": b, "excl b": b.subtracting(a), "excl b.complement": a,
            ]
            let counts = expected.mapValues(\.count).merging(["fa.u": a.count, "fb.p": b.count, "c": c.count]) { x, _ in x }
            Self.expectCounts(try await bench.test(Self.combining), counts)
            try await bench.publish(Self.combining)
            let run = try await bench.run("combining")
            Self.expectCounts(run.report, counts)
            for (key, rows) in expected {
                let parts = key.split(separator: ".").map(String.init)
                Self.expectSame(try await bench.keys(run.id, parts[0], parts.count > 1 ? parts[1] : "out"), rows, key)
            }
        }
    }

    // MARK: Dedup

    static let dedup = """
        name: dedup
        activities:
          start: {type: start}
          stays: {type: build-audience, entity: reservation}
          f: {type: fork, branches: [hi, two, rnd]}
          best: {type: dedup, by: [profile_id], choose: highest, expression: "amount * nights", duplicates: true}
          earliest two: {type: dedup, by: [customer.id], keep: 2, choose: lowest, expression: check_in, duplicates: true}
          random two: {type: dedup, by: [hotel_id], keep: 2, choose: random, duplicates: true}
          people: {type: build-audience, entity: profile}
          g: {type: fork, branches: [ne, pref, spend]}
          filled: {type: dedup, by: [first_name], choose: non_empty, fields: [email, birth_date]}
          preferred: {type: dedup, by: [home_hotel.city], choose: preference, expression: tier, values: [gold, silver]}
          value: {type: enrichment, add: {spend: sum(reservations.amount)}}
          top spender: {type: dedup, by: [tier], choose: highest, expression: spend}
          \(ends(1...9))
        transitions: [
            start -> stays, stays -> f, f.hi -> best, f.two -> earliest two, f.rnd -> random two, best -> e1,
            best.duplicates -> e2, earliest two -> e3, earliest two.duplicates -> e4, random two -> e5,
            random two.duplicates -> e6, people -> g, g.ne -> filled, g.pref -> preferred, g.spend -> value,
            value -> top spender, filled -> e7, preferred -> e8, top spender -> e9,
        ]
        """

    @Test(arguments: Engine.available)
    func dedupKeepsTheChosenRowsOfEachGroup(engine: Engine) async throws {
        try await Self.withBench(engine) { bench in
            let all = Self.d.reservations
            let allIDs = Set(all.map(\.id))
            let best = Set(Self.firstOfEachGroup(all, by: \.profileID) { ($0.amount * Double($0.nights), $1.id) > ($1.amount * Double($1.nights), $0.id) }.map(\.id))
            let earliest = Set(Self.firstOfEachGroup(all, by: \.profileID, keep: 2) { ($0.checkIn, $0.id) < ($1.checkIn, $1.id) }.map(\.id))
            func empties(_ p: D.Profile) -> Int { (p.email == nil ? 2 : 0) + (p.birthDate == nil ? 1 : 0) }
            let filled = Set(Self.firstOfEachGroup(Self.d.profiles, by: \.firstName) { (empties($0), $0.id) < (empties($1), $1.id) }.map(\.id))
            func rank(_ p: D.Profile) -> Int { ["gold": 0, "silver": 1][p.tier] ?? 2 }
            let preferred = Set(Self.firstOfEachGroup(Self.d.profiles, by: Self.city) { (rank($0), $0.id) < (rank($1), $1.id) }.map(\.id))
            func spendKey(_ p: D.Profile) -> (Int, Double) { (Self.spend(p) == nil ? 1 : 0, -(Self.spend(p) ?? 0)) }
            let top = Set(Self.firstOfEachGroup(Self.d.profiles, by: \.tier) { (spendKey($0).0, spendKey($0).1, $0.id) < (spendKey($1).0, spendKey($1).1, $1.id) }.map(\.id))
            // The choices are not what key order alone would give.
            let firstByKey = Set(Self.firstOfEachGroup(Self.d.profiles, by: \.firstName) { $0.id < $1.id }.map(\.id))
            #expect(filled != firstByKey && earliest.count > best.count)
            let hotels = Set(all.map(\.hotelID)).count
            let counts = [
                "best": best.count, "best.duplicates": all.count - best.count, "earliest two": earliest.count, "earliest two.duplicates": all.count - earliest.count,
                "random two": 2 * hotels, "random two.duplicates": all.count - 2 * hotels, "filled": filled.count, "preferred": preferred.count, "top spender": 3,
            ]
            Self.expectCounts(try await bench.test(Self.dedup), counts)
            try await bench.publish(Self.dedup)
            let run = try await bench.run("dedup")
            Self.expectCounts(run.report, counts)
            Self.expectSame(try await bench.keys(run.id, "best"), best, "highest amount * nights per profile")
            Self.expectSame(try await bench.keys(run.id, "best", "duplicates"), allIDs.subtracting(best), "best.duplicates")
            Self.expectSame(try await bench.keys(run.id, "earliest two"), earliest, "two lowest check_in per customer")
            Self.expectSame(try await bench.keys(run.id, "earliest two", "duplicates"), allIDs.subtracting(earliest), "earliest two.duplicates")
            Self.expectSame(try await bench.keys(run.id, "filled"), filled, "non_empty email, birth_date per first_name")
            Self.expectSame(try await bench.keys(run.id, "preferred"), preferred, "preference gold, silver per home city")
            Self.expectSame(try await bench.keys(run.id, "top spender"), top, "highest spend (an enrichment alias) per tier")
            // Random: two of each hotel's rows, the rest are the duplicates.
            let kept = try await bench.keys(run.id, "random two")
            let dropped = try await bench.keys(run.id, "random two", "duplicates")
            #expect(kept.isDisjoint(with: dropped) && kept.union(dropped) == allIDs)
            let perHotel = Dictionary(grouping: all.filter { kept.contains($0.id) }, by: \.hotelID).mapValues(\.count)
            #expect(perHotel.count == hotels && perHotel.values.allSatisfy { $0 == 2 }, "\(perHotel)")
        }
    }

    // MARK: Enrichment and split

    static let enrichment = """
        name: enrich
        activities:
          start: {type: start}
          stays: {type: build-audience, entity: reservation, rule: "status = 'completed'"}
          with city: {type: enrichment, add: {city: hotel.city, total: amount * nights}}
          guests: {type: build-audience, entity: profile}
          value:
            type: enrichment
            add: {completed: "count(reservations where status = 'completed')", spend: sum(reservations.amount)}
            collect:
              - {alias: last, link: reservations, count: 2, filter: "status != 'cancelled'", sort: check_in desc, fields: [id, hotel.city]}
          f: {type: fork, branches: [ordered, overlapping]}
          segments:
            type: split
            subsets:
              - {name: loyal, filter: "completed >= 2"}
              - {name: opted, filter: email_opt_in, limit: "5"}
              - {name: top, sort: spend desc, limit: "3"}
              - {name: quarter, filter: "tier = 'silver'", limit: 25%}
              - {name: lucky, random: true, limit: "4"}
            complement: rest
          overlap:
            type: split
            overlap: true
            subsets:
              - {name: gold, filter: "tier = 'gold'"}
              - {name: opted, filter: email_opt_in, limit: "5"}
            complement: rest
          \(ends(0...9))
        transitions: [
            start -> stays, stays -> with city, with city -> e0, guests -> value, value -> f, f.ordered -> segments,
            f.overlapping -> overlap, segments.loyal -> e1, segments.opted -> e2, segments.top -> e3,
            segments.quarter -> e4, segments.lucky -> e5, segments.rest -> e6, overlap.gold -> e7, overlap.opted -> e8,
            overlap.rest -> e9,
        ]
        """

    @Test(arguments: Engine.available)
    func enrichmentValuesAndSplitSubsets(engine: Engine) async throws {
        try await Self.withBench(engine) { bench in
            let everyone = Self.d.profiles.sorted { $0.id < $1.id }
            // Ordered subsets, each from what the earlier ones left.
            var left = everyone
            func take(_ rows: [D.Profile]) -> Set<String> {
                let ids = Set(rows.map(\.id))
                left.removeAll { ids.contains($0.id) }
                return ids
            }
            let loyal = take(left.filter { Self.completed($0) >= 2 })
            let opted = take(Array(left.filter(\.emailOptIn).prefix(5)))
            let top = take(Array(left.sorted { ((Self.spend($0) ?? -1), $1.id) > ((Self.spend($1) ?? -1), $0.id) }.prefix(3)))
            let silverLeft = left.filter { $0.tier == "silver" }
            let quarter = take(Array(silverLeft.prefix(silverLeft.count / 4)))
            let beforeLucky = Set(left.map(\.id))
            #expect(!loyal.isEmpty && silverLeft.count % 4 != 0 && beforeLucky.count > 4)
            let gold = Self.profiles { $0.tier == "gold" }
            let optedAll = Set(everyone.filter(\.emailOptIn).prefix(5).map(\.id))
            #expect(!optedAll.isDisjoint(with: gold), "overlap is visible")
            let completedStays = Self.d.reservations.filter { $0.status == "completed" }
            let counts = [
                "stays": completedStays.count, "with city": completedStays.count, "value": everyone.count, "segments.loyal": loyal.count,
                "segments.opted": 5, "segments.top": 3, "segments.quarter": quarter.count, "segments.lucky": 4, "segments.rest": beforeLucky.count - 4,
                "overlap.gold": gold.count, "overlap.opted": 5, "overlap.rest": everyone.count - gold.union(optedAll).count,
            ]
            Self.expectCounts(try await bench.test(Self.enrichment), counts)
            try await bench.publish(Self.enrichment)
            let run = try await bench.run("enrich")
            Self.expectCounts(run.report, counts)

            // N-1 field and arithmetic on reservations.
            for row in try await bench.rows(run.id, "with city", "out", ["k0", "city", "total"]) {
                let stay = try #require(Self.d.reservations.first { $0.id == row[0] })
                #expect(row[1] == Self.d.hotel(stay.hotelID)?.city && Self.close(row[2], stay.amount * Double(stay.nights)), "\(row)")
            }
            // Aggregates and the first two non-cancelled stays, latest check-in first.
            let columns = ["k0", "completed", "spend", "last_1_id", "last_1_hotel_city", "last_2_id", "last_2_hotel_city"]
            let values = try await bench.rows(run.id, "value", "out", columns)
            #expect(values.count == everyone.count)
            for row in values {
                let profile = try #require(Self.d.profile(row[0] ?? ""))
                let stays = Self.d.reservations(of: profile).filter { $0.status != "cancelled" }.sorted { ($0.checkIn, $1.id) > ($1.checkIn, $0.id) }
                let expected = [0, 1].flatMap { i -> [String?] in i < stays.count ? [stays[i].id, Self.d.hotel(stays[i].hotelID)?.city] : [nil, nil] }
                #expect(row[1] == String(Self.completed(profile)), "completed of \(profile.id)")
                #expect(Self.close(row[2], Self.spend(profile)) || (Self.spend(profile) == nil && Self.close(row[2], 0)), "spend of \(profile.id): \(row[2] ?? "null")")
                #expect(Array(row[3...]) == expected, "collect of \(profile.id)")
            }
            let subsets = ["loyal": loyal, "opted": opted, "top": top, "quarter": quarter]
            for (name, expected) in subsets { Self.expectSame(try await bench.keys(run.id, "segments", name), expected, "segments.\(name)") }
            let lucky = try await bench.keys(run.id, "segments", "lucky")
            #expect(lucky.count == 4 && lucky.isSubset(of: beforeLucky), "random subset draws from what is left")
            Self.expectSame(try await bench.keys(run.id, "segments", "rest"), beforeLucky.subtracting(lucky), "segments.rest")
            Self.expectSame(try await bench.keys(run.id, "overlap", "gold"), gold, "overlap.gold")
            Self.expectSame(try await bench.keys(run.id, "overlap", "opted"), optedAll, "overlap.opted takes from every row")
            Self.expectSame(try await bench.keys(run.id, "overlap", "rest"), Set(everyone.map(\.id)).subtracting(gold).subtracting(optedAll), "overlap.rest")
        }
    }

    @Test(arguments: Engine.available)
    func enrichmentAliasesOfOneActivityCannotUseEachOther(engine: Engine) async throws {
        let yaml = """
            name: chained
            activities:
              start: {type: start}
              guests: {type: build-audience, entity: profile}
              value: {type: enrichment, add: {stays: count(reservations), twice: stays * 2}}
              done: {type: end}
            transitions: [start -> guests, guests -> value, value -> done]
            """
        try await Self.withBench(engine) { bench in
            // Aliases of one enrichment are computed side by side: using one in another is refused
            // with the way out (a second enrichment).
            await #expect {
                try await bench.test(yaml)
            } throws: { error in
                "\(error)".contains("\"stays\" is an alias of this same enrichment")
            }
        }
    }

    // MARK: Flow

    static let listener = """
        name: listener
        variables: {n: {type: integer, default: "0"}, origin: {type: string, default: "none"}}
        activities: {start: {type: start}, done: {type: end}}
        transitions: [start -> done]
        """

    static let flow = """
        name: flow
        variables:
          threshold: {type: integer, default: "100"}
          least: {type: integer, default: "2"}
          mode: {type: string, default: "normal"}
        activities:
          start: {type: start}
          gold: {type: build-audience, entity: profile, rule: "tier = 'gold'"}
          both: {type: fork, branches: [left, right]}
          born: {type: split, subsets: [{name: yes, filter: "birth_date is not null"}]}
          no email: {type: split, subsets: [{name: yes, filter: "email is null"}]}
          join: {type: and-join, population: no email}
          check:
            type: test
            branches:
              - {name: urgent, when: "$mode = 'urgent'"}
              - {name: many, when: "count >= $threshold"}
              - {name: some, when: "count >= $least"}
            default: few
          shout: {type: alert, level: warning, message: "{{count}} rows in {{campaign}} execution {{execution}}"}
          urgent end: {type: end}
          many end: {type: end}
          some end: {type: end, signal: listener, variables: {n: "{{count}}", origin: flow}}
          few end: {type: end}
        transitions: [
            start -> gold, gold -> both, both.left -> born, both.right -> no email, born.yes -> join, no email.yes -> join,
            join -> check, check.urgent -> urgent end, check.many -> many end, check.some -> shout, shout -> some end,
            check.few -> few end,
        ]
        """

    @Test(arguments: Engine.available)
    func forkJoinTestAlertAndSignal(engine: Engine) async throws {
        try await Self.withBench(engine) { bench in
            let gold = Self.d.profiles.filter { $0.tier == "gold" }
            let born = gold.filter { $0.birthDate != nil }.count
            let noEmail = gold.filter { $0.email == nil }.count
            #expect(born != noEmail && noEmail >= 2 && noEmail < 10)
            let branches = ["urgent", "many", "some", "few"]
            let cases: [([String: String], String)] = [([:], "some"), (["threshold": "\(noEmail)"], "many"), (["mode": "urgent", "threshold": "0"], "urgent"), (["least": "10"], "few")]
            for (variables, taken) in cases {
                let report = try await bench.test(Self.flow, variables)
                Self.expectCounts(report, ["both.left": gold.count, "both.right": gold.count, "born.yes": born, "no email.yes": noEmail, "join": noEmail, "check.\(taken)": noEmail])
                for branch in branches {
                    #expect(report.transitions.first { $0.from == "check" && $0.output == branch }?.ended == (branch != taken), "\(variables): \(branch)")
                }
                Self.expectStates(report, ["\(taken) end": "done", "shout": taken == "some" ? "done" : "skipped"])
                Self.expectStates(report, Dictionary(uniqueKeysWithValues: branches.filter { $0 != taken }.map { ("\($0) end", "skipped") }))
            }
            #expect(try await bench.desk.repository.executions(of: "listener").isEmpty, "test mode signals no campaign")

            try await bench.publish(Self.listener)
            try await bench.publish(Self.flow)
            let run = try await bench.run("flow")
            #expect(run.result == .finished(.completed))
            Self.expectCounts(run.report, ["both.left": gold.count, "both.right": gold.count, "join": noEmail, "check.some": noEmail, "shout": noEmail])
            // The join ran once both of its inputs had finished.
            let records = Dictionary(uniqueKeysWithValues: try await bench.desk.repository.activityRecords(run.id).map { ($0.activity, $0) })
            let joinStart = try #require(records["join"]?.startedAt)
            let bornEnd = try #require(records["born"]?.finishedAt)
            let noEmailEnd = try #require(records["no email"]?.finishedAt)
            #expect(bornEnd <= joinStart && noEmailEnd <= joinStart)
            // The alert's line, and the signalled execution with its variables.
            let logs = try await bench.desk.repository.logs(run.id)
            #expect(logs.contains { $0.level == "warning" && $0.activity == "shout" && $0.message == "alert (warning): \(noEmail) rows in flow execution \(run.id)" }, "\(logs.map(\.message))")
            let signalled = try await bench.desk.repository.executions(of: "listener")
            #expect(signalled.count == 1)
            #expect(signalled.first?.variables == ["n": "\(noEmail)", "origin": "flow"])
            #expect(signalled.first?.launchedBy == "signal from flow execution \(run.id)")
            #expect(signalled.first?.status == .queued)
        }
    }

    static let pause = """
        name: pause
        activities:
          start: {type: start}
          gold: {type: build-audience, entity: profile, rule: "tier = 'gold'"}
          hold: {type: wait, duration: 3s}
          after: {type: split, subsets: [{name: all}]}
          done: {type: end}
        transitions: [start -> gold, gold -> hold, hold -> after, after.all -> done]
        """

    @Test(arguments: Engine.available)
    func waitParksTheExecutionForItsWholeDuration(engine: Engine) async throws {
        try await Self.withBench(engine) { bench in
            let gold = Self.profiles { $0.tier == "gold" }.count
            try await bench.publish(Self.pause)
            let begun = Int64(Date().timeIntervalSince1970)
            let id = try await bench.desk.start("pause", variables: [:])
            let first = try await bench.desk.run(id, holdWaits: false)
            guard case .waiting(let until) = first else {
                Issue.record("the execution should park at the wait, got \(first)")
                return
            }
            #expect(until >= begun + 3)
            #expect(try await bench.desk.repository.execution(id)?.status == .waiting)
            Self.expectStates(try await bench.desk.report("pause", execution: id), ["gold": "done", "hold": "waiting", "after": "pending"])
            // Not before its time (unless this machine took the whole wait to get here).
            if Int64(Date().timeIntervalSince1970) < until - 1 {
                await #expect(throws: CrescendoError.self) { try await bench.desk.run(id, holdWaits: false) }
            }
            while Int64(Date().timeIntervalSince1970) < until { try await Task.sleep(for: .milliseconds(200)) }
            #expect(try await bench.desk.run(id, holdWaits: false) == .finished(.completed))
            let report = try await bench.desk.report("pause", execution: id)
            Self.expectCounts(report, ["gold": gold, "hold": gold, "after.all": gold])
            let hold = try #require(try await bench.desk.repository.activityRecords(id).first { $0.activity == "hold" })
            #expect(try #require(hold.finishedAt) >= until * 1000)

            // Test mode shows the whole graph at once: the wait is reported, not slept through.
            let test = try await bench.test(Self.pause)
            #expect(test.execution?.status == .completed)
            Self.expectCounts(test, ["hold": gold, "after.all": gold])
            Self.expectStates(test, ["hold": "done", "done": "done"])
        }
    }

    // MARK: Channels

    static let messages = """
        name: messages
        activities:
          start: {type: start}
          booked: {type: build-audience, entity: reservation, rule: "status = 'booked'"}
          f: {type: fork, branches: [mail, text]}
          mail:
            type: email
            fields: [customer.first_name, hotel.city]
            content: {subject: "Hello {{customer.first_name}}", text: "See you in {{hotel.city}}"}
          text:
            type: sms
            per: row
            recipient: email
            fields: [id, check_in]
            content: {text: "Booking {{id}} on {{check_in}}"}
          \(ends(1...2))
        transitions: [start -> booked, booked -> f, f.mail -> mail, f.text -> text, mail -> e1, text -> e2]
        """

    /// Checks both message populations of a report against the booked reservations.
    static func expectMessages(_ report: ExecutionReport, sourceLocation: SourceLocation = #_sourceLocation) {
        let booked = d.reservations.filter { $0.status == "booked" }
        let guests = Set(booked.map(\.profileID)).compactMap(d.profile)
        let mail = report.messages.first { $0.activity == "mail" }
        #expect(mail?.channel == "email" && mail?.per == "profile", sourceLocation: sourceLocation)
        #expect(mail?.targeted == guests.filter { $0.email != nil }.count, sourceLocation: sourceLocation)
        #expect(mail?.excluded == ["no_address": guests.filter { $0.email == nil }.count], sourceLocation: sourceLocation)
        #expect(mail?.columns == ["profile.id", "address", "customer.first_name", "hotel.city", "excluded"], sourceLocation: sourceLocation)
        #expect(mail?.sample.count == guests.count, "one message per profile", sourceLocation: sourceLocation)
        for row in mail?.sample ?? [] {
            guard let profile = d.profile(row[0] ?? "") else { Issue.record("unknown profile \(row)"); continue }
            // The profile's booked reservation with the lowest key speaks for it.
            let first = booked.filter { $0.profileID == profile.id }.min { $0.id < $1.id }
            let expected = [profile.id, profile.email, profile.firstName, d.hotel(first?.hotelID)?.city, profile.email == nil ? "no_address" : nil]
            #expect(row == expected, sourceLocation: sourceLocation)
        }
        let text = report.messages.first { $0.activity == "text" }
        #expect(text?.per == "row" && text?.sample.count == booked.count, sourceLocation: sourceLocation)
        #expect(text?.targeted == booked.filter { d.profile($0.profileID)?.email != nil }.count, sourceLocation: sourceLocation)
        #expect(text?.columns == ["profile.id", "reservation.id", "address", "id", "check_in", "excluded"], sourceLocation: sourceLocation)
        for row in text?.sample ?? [] {
            guard let stay = booked.first(where: { $0.id == row[1] }) else { Issue.record("not a booked reservation: \(row)"); continue }
            let email = d.profile(stay.profileID)?.email
            #expect(row == [stay.profileID, stay.id, email, stay.id, stay.checkIn, email == nil ? "no_address" : nil], sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: Engine.available)
    func channelsRecordOneMessagePerProfileOrRow(engine: Engine) async throws {
        try await Self.withBench(engine) { bench in
            let booked = Self.d.reservations.filter { $0.status == "booked" }.count
            let test = try await bench.test(Self.messages, sample: 1000)
            Self.expectCounts(test, ["f.mail": booked, "mail": booked, "text": booked])
            Self.expectMessages(test)
            try await bench.publish(Self.messages)
            let run = try await bench.run("messages")
            Self.expectMessages(run.report)
            // The message table stays for message execution to send from.
            let recorded = try await bench.desk.repository.messagePopulations(run.id)
            let table = try #require(recorded["mail"]?.table)
            let rows = try await bench.store.rows(SQLQuery(text: "SELECT count(*) FROM \"\(table)\" WHERE \"crescendo_excluded\" IS NULL", columns: [.integer]))
            #expect(rows.first?.first == .integer(Int64(recorded["mail"]?.targeted ?? -1)))

            // Templates may only use the activity's fields; SMS needs a phone field by default.
            let unknown = Self.messages.replacingOccurrences(of: "See you in {{hotel.city}}", with: "Dear {{last_name}}")
            await Self.expectRefusal(bench, unknown, containing: "{{last_name}} is not among the activity's fields")
            let noPhone = Self.messages.replacingOccurrences(of: "    recipient: email\n", with: "")
            await Self.expectRefusal(bench, noPhone, containing: "recipient: no field \"phone\"")
        }
    }

    static func expectRefusal(_ bench: Bench, _ yaml: String, containing text: String, sourceLocation: SourceLocation = #_sourceLocation) async {
        do {
            _ = try await bench.test(yaml)
            Issue.record("validation should refuse the campaign", sourceLocation: sourceLocation)
        } catch let error as CrescendoError {
            #expect(error.message.contains(text), "\(error.message)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }
}
