import CrescendoApp
import CrescendoCore
import Foundation
import Testing

/// Every construct of the rule language, compiled for each engine, checked against members computed
/// in Swift over the raw rows of `AudienceDataset` (never against SQL).
@Suite struct AudienceConformanceTests {
    typealias D = AudienceDataset

    struct Case: Sendable {
        var on: String
        var rule: String
        var to: String?
        var variables: [String: Value] = [:]
        var expected: @Sendable (D) -> Set<String>
    }

    static func profiles(_ rule: String, _ keep: @escaping @Sendable (D, D.Profile) -> Bool) -> Case {
        Case(on: "profile", rule: rule, expected: { d in Set(d.profiles.filter { keep(d, $0) }.map(\.id)) })
    }

    static func reservations(_ rule: String, _ keep: @escaping @Sendable (D, D.Reservation) -> Bool) -> Case {
        Case(on: "reservation", rule: rule, expected: { d in Set(d.reservations.filter { keep(d, $0) }.map(\.id)) })
    }

    static func hotels(_ rule: String, _ keep: @escaping @Sendable (D, D.Hotel) -> Bool) -> Case {
        Case(on: "hotel", rule: rule, expected: { d in Set(d.hotels.filter { keep(d, $0) }.map(\.id)) })
    }

    static let today = D.today
    static func day(_ offset: Int) -> String { D.day(offset) }

    static let cases: [Case] = [
        // Comparisons on every type
        profiles("tier = 'gold'") { _, p in p.tier == "gold" },
        profiles("tier != 'gold'") { _, p in p.tier != "gold" },
        profiles("tier in ('gold', 'silver')") { _, p in p.tier != "basic" },
        profiles("tier not in ('basic')") { _, p in p.tier != "basic" },
        profiles("email is null") { _, p in p.email == nil },
        profiles("email is not null") { _, p in p.email != nil },
        profiles("email like '%@mail.pt'") { _, p in p.email?.hasSuffix("@mail.pt") == true },
        profiles("email like '%@example.com'") { _, p in p.email?.hasSuffix("@example.com") == true },
        profiles("email ilike '%@example.com'") { _, p in p.email?.lowercased().hasSuffix("@example.com") == true },
        profiles("email not like 'user1%'") { _, p in p.email.map { !$0.hasPrefix("user1") } ?? false },
        profiles("email starts with 'user1'") { _, p in p.email?.hasPrefix("user1") == true },
        profiles("first_name starts with 'an' ignore case") { _, p in p.firstName.lowercased().hasPrefix("an") },
        profiles("first_name = 'ângela' ignore case") { _, p in p.firstName.lowercased() == "ângela" },
        profiles("first_name in ('ana', 'BOB') ignore case") { _, p in ["ana", "bob"].contains(p.firstName.lowercased()) },
        profiles("first_name contains 'Brien'") { _, p in p.firstName.contains("Brien") },
        profiles("first_name contains ''''") { _, p in p.firstName.contains("'") },
        profiles("first_name contains 'ËM' ignore case") { _, p in p.firstName.lowercased().contains("ëm") },
        profiles("first_name like '_na'") { _, p in p.firstName.count == 3 && p.firstName.hasSuffix("na") },
        profiles("first_name > 'M'") { _, p in p.firstName > "M" },
        profiles("birth_date < '1990-01-01'") { _, p in p.birthDate.map { $0 < "1990-01-01" } ?? false },
        profiles("birth_date between '1980-01-01' and '1995-12-31'") { _, p in p.birthDate.map { $0 >= "1980-01-01" && $0 <= "1995-12-31" } ?? false },
        profiles("score > 50.5") { _, p in (p.score ?? -1) > 50.5 },
        profiles("score between 10 and 20.25") { _, p in p.score.map { $0 >= 10 && $0 <= 20.25 } ?? false },
        profiles("score is null") { _, p in p.score == nil },
        profiles("score * 2 >= 100") { _, p in p.score.map { $0 * 2 >= 100 } ?? false },
        profiles("email_opt_in") { _, p in p.emailOptIn },
        profiles("not email_opt_in") { _, p in !p.emailOptIn },
        profiles("email_opt_in = false") { _, p in !p.emailOptIn },
        profiles("created_at >= '2026-06-10'") { _, p in p.createdAt >= "2026-06-10" },
        profiles("created_at > now() - 3 days") { _, p in p.createdAt > "2026-06-12T10:00:00.000000Z" },
        profiles("created_at < today()") { _, p in p.createdAt < "2026-06-15" },
        profiles("created_at between '2026-06-05T00:00:00Z' and '2026-06-06T12:00:00Z'") { _, p in
            p.createdAt >= "2026-06-05T00:00:00.000000Z" && p.createdAt <= "2026-06-06T12:00:00.000000Z"
        },
        // Logic and null semantics: `not` is the complement, negated operators are false on null.
        profiles("tier = 'gold' or not exists reservations") { d, p in p.tier == "gold" || d.reservations(of: p).isEmpty },
        profiles("not (score > 50)") { _, p in !((p.score ?? -1) > 50) },
        profiles("score != 50") { _, p in p.score.map { $0 != 50 } ?? false },
        profiles("not (count(reservations) >= 2 or email is null)") { d, p in !(d.reservations(of: p).count >= 2 || p.email == nil) },
        profiles("(tier = 'gold' or tier = 'silver') and email_opt_in and not (email is null)") { _, p in
            p.tier != "basic" && p.emailOptIn && p.email != nil
        },
        // To-one navigation, to depth 2
        profiles("home_hotel.city = 'Lisbon'") { d, p in d.hotel(p.homeHotelID)?.city == "Lisbon" },
        profiles("home_hotel.region.name = 'Asia''s Pacific'") { d, p in d.region(d.hotel(p.homeHotelID)?.regionID)?.name == "Asia's Pacific" },
        profiles("home_hotel.city = 'málaga' ignore case") { d, p in d.hotel(p.homeHotelID)?.city == "Málaga" },
        profiles("home_hotel.stars >= 4 and home_hotel.region.name = 'Europe'") { d, p in
            let h = d.hotel(p.homeHotelID)
            return (h?.stars ?? 0) >= 4 && d.region(h?.regionID)?.name == "Europe"
        },
        profiles("home_hotel.city is null") { d, p in d.hotel(p.homeHotelID) == nil },
        profiles("home_hotel.city is not null") { d, p in d.hotel(p.homeHotelID) != nil },
        profiles("not (home_hotel.city = 'Lisbon')") { d, p in d.hotel(p.homeHotelID)?.city != "Lisbon" },
        profiles("home_hotel.name contains 'DROP TABLE'") { d, p in d.hotel(p.homeHotelID)?.name.contains("DROP TABLE") == true },
        profiles("home_hotel.stars > home_hotel.rooms") { d, p in d.hotel(p.homeHotelID).map { $0.stars > $0.rooms } ?? false },
        profiles("home_hotel.country = 'PT' or home_hotel.region.name = 'Americas'") { d, p in
            let h = d.hotel(p.homeHotelID)
            return h?.country == "PT" || d.region(h?.regionID)?.name == "Americas"
        },
        // 1-N: exists, nested
        profiles("exists reservations") { d, p in !d.reservations(of: p).isEmpty },
        profiles("not exists reservations") { d, p in d.reservations(of: p).isEmpty },
        profiles("exists reservations(status = 'booked' and check_in >= today())") { d, p in
            d.reservations(of: p).contains { $0.status == "booked" && $0.checkIn >= today }
        },
        profiles("exists reservations(hotel.city = 'Tokyo')") { d, p in d.reservations(of: p).contains { d.hotel($0.hotelID)?.city == "Tokyo" } },
        profiles("exists reservations(exists hotel.reservations(nights >= 9 and status = 'cancelled'))") { d, p in
            d.reservations(of: p).contains { r in d.reservations.contains { $0.hotelID == r.hotelID && $0.nights >= 9 && $0.status == "cancelled" } }
        },
        profiles("exists home_hotel(stars = 5)") { d, p in d.hotel(p.homeHotelID)?.stars == 5 },
        // 1-N aggregates
        profiles("count(reservations where status = 'completed') >= 3") { d, p in d.reservations(of: p).filter { $0.status == "completed" }.count >= 3 },
        profiles("count(reservations) = 0") { d, p in d.reservations(of: p).isEmpty },
        profiles("count(reservations where status = 'booked') < 2") { d, p in d.reservations(of: p).filter { $0.status == "booked" }.count < 2 },
        profiles("count(reservations) between 2 and 4") { d, p in (2...4).contains(d.reservations(of: p).count) },
        profiles("count(reservations) not between 1 and 4") { d, p in !(1...4).contains(d.reservations(of: p).count) },
        profiles("sum(loyalty.points where date > daysAgo(365)) > 300") { d, p in
            d.loyalty(of: p).filter { $0.date > day(-365) }.reduce(0) { $0 + $1.points } > 300
        },
        profiles("sum(loyalty.points) <= 0") { d, p in d.loyalty(of: p).reduce(0) { $0 + $1.points } <= 0 },
        profiles("avg(reservations.amount) > 1000") { d, p in
            let r = d.reservations(of: p)
            return !r.isEmpty && r.reduce(0) { $0 + $1.amount } / Double(r.count) > 1000
        },
        profiles("min(reservations.check_in) < '2026-04-01'") { d, p in d.reservations(of: p).map(\.checkIn).min().map { $0 < "2026-04-01" } ?? false },
        profiles("max(reservations.nights) between 5 and 7") { d, p in d.reservations(of: p).map(\.nights).max().map { (5...7).contains($0) } ?? false },
        profiles("count(distinct reservations.hotel_id) >= 3") { d, p in Set(d.reservations(of: p).map(\.hotelID)).count >= 3 },
        profiles("count(reservations) > count(loyalty)") { d, p in d.reservations(of: p).count > d.loyalty(of: p).count },
        profiles("sum(reservations.nights where status = 'completed') * 2 > 20") { d, p in
            d.reservations(of: p).filter { $0.status == "completed" }.reduce(0) { $0 + $1.nights } * 2 > 20
        },
        profiles("count(reservations where hotel.region.name = 'Europe' and amount > 500) >= 2") { d, p in
            d.reservations(of: p).filter { d.region(d.hotel($0.hotelID)?.regionID)?.name == "Europe" && $0.amount > 500 }.count >= 2
        },
        profiles("sum(reservations.amount) > 5000.75") { d, p in d.reservations(of: p).reduce(0) { $0 + $1.amount } > 5000.75 },
        // Relations next to plain conditions (SQLite correlates them; standalone they are memberships)
        profiles("tier = 'gold' and not exists reservations(check_in >= today())") { d, p in
            p.tier == "gold" && !d.reservations(of: p).contains { $0.checkIn >= today }
        },
        profiles("email_opt_in and count(reservations where status = 'completed') < 2") { d, p in
            p.emailOptIn && d.reservations(of: p).filter { $0.status == "completed" }.count < 2
        },
        profiles("tier = 'silver' and sum(loyalty.points) > 100 and exists reservations(hotel.city = 'Paris')") { d, p in
            p.tier == "silver" && d.loyalty(of: p).reduce(0) { $0 + $1.points } > 100 && d.reservations(of: p).contains { d.hotel($0.hotelID)?.city == "Paris" }
        },
        profiles("email is not null and not (home_hotel.city = 'Lisbon') and avg(reservations.nights) >= 4") { d, p in
            let nights = d.reservations(of: p).map(\.nights)
            return p.email != nil && d.hotel(p.homeHotelID)?.city != "Lisbon" && !nights.isEmpty && Double(nights.reduce(0, +)) / Double(nights.count) >= 4
        },
        profiles("email_opt_in and count(reservations) between 1 and 2") { d, p in p.emailOptIn && (1...2).contains(d.reservations(of: p).count) },
        profiles("email_opt_in and not (count(reservations) > 2)") { d, p in p.emailOptIn && !(d.reservations(of: p).count > 2) },
        // Variables
        Case(on: "profile", rule: "tier = $t and count(reservations) >= $n", variables: ["t": .text("silver"), "n": .text("3")]) { d in
            Set(d.profiles.filter { $0.tier == "silver" && d.reservations(of: $0).count >= 3 }.map(\.id))
        },
        // Reservations: relative dates, navigation both ways
        reservations("customer.home_hotel.country = 'PT'") { d, r in d.hotel(d.profile(r.profileID)?.homeHotelID)?.country == "PT" },
        reservations("hotel.region.name = 'Europe' and status = 'booked'") { d, r in d.region(d.hotel(r.hotelID)?.regionID)?.name == "Europe" && r.status == "booked" },
        reservations("check_in between today() and today() + 7 days") { _, r in r.checkIn >= today && r.checkIn <= day(7) },
        reservations("check_in = today()") { _, r in r.checkIn == today },
        reservations("check_in > today() - 1 month") { _, r in r.checkIn > "2026-05-15" },
        reservations("booked_at > daysAgo(14)") { _, r in r.bookedAt > "2026-06-01T00:00:00.000000Z" },
        reservations("booked_at >= daysAgo(14)") { _, r in r.bookedAt >= "2026-06-01T00:00:00.000000Z" },
        reservations("booked_at <= now()") { _, r in r.bookedAt <= "2026-06-15T10:00:00.000000Z" },
        reservations("amount > 1000.50 and nights * amount > 5000") { _, r in r.amount > 1000.5 && Double(r.nights) * r.amount > 5000 },
        reservations("customer.tier = 'gold' and customer.email_opt_in") { d, r in
            let p = d.profile(r.profileID)
            return p?.tier == "gold" && p?.emailOptIn == true
        },
        reservations("count(customer.reservations) >= 5") { d, r in d.reservations.filter { $0.profileID == r.profileID }.count >= 5 },
        // Hotels: reverse links, aggregates against fields
        hotels("rooms > count(reservations where status = 'booked' and check_in >= today())") { d, h in
            h.rooms > d.reservations.filter { $0.hotelID == h.id && $0.status == "booked" && $0.checkIn >= today }.count
        },
        hotels("count(home_guests) >= 5") { d, h in d.profiles.filter { $0.homeHotelID == h.id }.count >= 5 },
        hotels("exists reservations(customer.tier = 'gold' and customer.home_hotel.city = 'Paris')") { d, h in
            d.reservations.contains { r in
                guard r.hotelID == h.id, let p = d.profile(r.profileID) else { return false }
                return p.tier == "gold" && d.hotel(p.homeHotelID)?.city == "Paris"
            }
        },
        hotels("opened < today() - 5 years") { _, h in h.opened < "2021-06-15" },
        // Dimension changes
        Case(on: "reservation", rule: "status = 'booked'", to: "customer") { d in Set(d.reservations.filter { $0.status == "booked" }.map(\.profileID)) },
        Case(on: "reservation", rule: "status = 'booked'", to: "profile") { d in Set(d.reservations.filter { $0.status == "booked" }.map(\.profileID)) },
        Case(on: "hotel", rule: "city = 'Lisbon'", to: "reservations") { d in
            Set(d.reservations.filter { d.hotel($0.hotelID)?.city == "Lisbon" }.map(\.id))
        },
        Case(on: "profile", rule: "tier = 'gold'", to: "home_hotel") { d in Set(d.profiles.filter { $0.tier == "gold" }.compactMap(\.homeHotelID)) },
        Case(on: "reservation", rule: "amount > 1500", to: "hotel.region") { d in
            Set(d.reservations.filter { $0.amount > 1500 }.compactMap { d.hotel($0.hotelID)?.regionID })
        },
        Case(on: "region", rule: "name = 'Europe'", to: "hotels.reservations") { d in
            Set(d.reservations.filter { d.hotel($0.hotelID)?.regionID == "EU" }.map(\.id))
        },
        Case(on: "region", rule: "count(hotels where stars >= 4) >= 2", to: nil) { d in
            Set(d.regions.filter { r in d.hotels.filter { $0.regionID == r.id && $0.stars >= 4 }.count >= 2 }.map(\.id))
        },
        Case(on: "region", rule: "exists hotels(exists reservations(status = 'cancelled' and amount > 1900))", to: nil) { d in
            Set(d.regions.filter { g in
                d.hotels.contains { h in h.regionID == g.id && d.reservations.contains { $0.hotelID == h.id && $0.status == "cancelled" && $0.amount > 1900 } }
            }.map(\.id))
        },
    ]

    /// Loads the dataset into a fresh workspace on `engine` and runs `body` with a workbench.
    static func withDataset<T: Sendable>(_ engine: Engine, _ body: (AudienceWorkbench, any WorkspaceStore, TestFolder) async throws -> T) async throws -> T {
        try await withFreshStore(engine) { store, folder in
            try await TestModel.apply(store, D.yaml)
            for (entity, text) in D().files() {
                let summary = try await ingest(store, folder, entity, "\(entity).csv", text)
                #expect(summary.counts.rejected == 0, "\(entity): \(summary.firstRejections)")
            }
            let model = try #require(try await store.appliedModel()).model
            let environment = RuleEnvironment(now: ValueParser.utc.parseTimestamp(D.now)!, timeZone: TimeZone(identifier: "UTC")!)
            return try await body(AudienceWorkbench(store: store, model: model, environment: environment), store, folder)
        }
    }

    /// Members of a population as key strings, through the preview operation (every row).
    static func members(_ workbench: AudienceWorkbench, _ population: BoundPopulation) async throws -> Set<String> {
        let preview = try await workbench.preview(population, fields: [], limit: 100_000)
        return Set(preview.rows.map { $0.map { $0.text ?? "" }.joined(separator: "|") })
    }

    @Test(arguments: Engine.available)
    func everyConstructMatchesTheRowsComputedInSwift(engine: Engine) async throws {
        let dataset = D()
        try await Self.withDataset(engine) { workbench, _, _ in
            var checked = 0
            for item in Self.cases {
                var bench = workbench
                bench.environment.variables = item.variables
                let spec = PopulationSpec(entity: item.on, rule: try RuleParser.parse(item.rule), dimension: item.to)
                let population = try await bench.bind(spec)
                let expected = item.expected(dataset)
                let count = try await bench.count(population)
                let members = try await Self.members(bench, population)
                #expect(count == expected.count, "\(engine) \(item.on) [\(item.rule)] to \(item.to ?? "-"): count")
                #expect(members == expected, "\(engine) \(item.on) [\(item.rule)] to \(item.to ?? "-"): missing \(expected.subtracting(members).sorted().prefix(5)), extra \(members.subtracting(expected).sorted().prefix(5))")
                checked += 1
            }
            // The cases are not vacuous: most select some rows and leave others out.
            let discriminating = Self.cases.filter { let e = $0.expected(dataset); return !e.isEmpty }.count
            #expect(discriminating >= Self.cases.count - 4)
            #expect(checked == Self.cases.count)
        }
    }
}
