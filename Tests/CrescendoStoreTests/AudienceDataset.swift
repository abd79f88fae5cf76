import CrescendoCore
import Foundation

/// A small hotel-group dataset kept as Swift values, so that every rule's expected members can be
/// computed independently of SQL (plain Swift over the raw rows), then loaded into each engine.
///
/// It is built to hit the edges: profiles without reservations or without a home hotel, null
/// emails and birth dates, names with quotes and non-ASCII letters, amounts with cents, bookings on
/// the boundaries of relative dates.
struct AudienceDataset {
    struct Region { var id, name: String }
    struct Hotel { var id, name, city, country, regionID: String; var stars, rooms: Int; var opened: String }
    struct Profile {
        var id: String
        var email: String?
        var firstName: String
        var tier: String
        var birthDate: String?
        var homeHotelID: String?
        var emailOptIn: Bool
        var score: Double?
        var createdAt: String
    }
    struct Reservation { var id, profileID, hotelID, checkIn: String; var nights: Int; var amount: Double; var status, bookedAt: String }
    struct Loyalty { var id, profileID: String; var points: Int; var kind, date: String }

    /// "Now" for every rule in the tests: a Monday in June, UTC.
    static let now = "2026-06-15T10:00:00Z"
    static let today = "2026-06-15"

    var regions: [Region] = []
    var hotels: [Hotel] = []
    var profiles: [Profile] = []
    var reservations: [Reservation] = []
    var loyalty: [Loyalty] = []

    static let yaml = """
        profile: profile
        time_zone: UTC
        entities:
          region:
            key: id
            version: updated_at
            fields: {id: string, name: string, updated_at: timestamp}
          hotel:
            key: id
            version: updated_at
            fields: {id: string, name: string, city: string, country: string, region_id: string, stars: integer, rooms: integer, opened: date, updated_at: timestamp}
            links:
              region: {to: region, by: region_id, reverse: hotels}
          profile:
            key: id
            version: updated_at
            fields:
              id: string
              email: {type: email, nullable: true}
              first_name: string
              tier: {type: enum, values: [basic, silver, gold]}
              birth_date: {type: date, nullable: true}
              home_hotel_id: {type: string, nullable: true}
              email_opt_in: boolean
              score: {type: decimal, nullable: true}
              created_at: timestamp
              updated_at: timestamp
            links:
              home_hotel: {to: hotel, by: home_hotel_id, reverse: home_guests}
          reservation:
            key: id
            version: updated_at
            fields: {id: string, profile_id: string, hotel_id: string, check_in: date, nights: integer, amount: decimal, status: {type: enum, values: [booked, cancelled, completed]}, booked_at: timestamp, updated_at: timestamp}
            links:
              customer: {to: profile, by: profile_id, reverse: reservations}
              hotel: {to: hotel, by: hotel_id, reverse: reservations}
          loyalty_transaction:
            key: id
            version: updated_at
            fields: {id: string, profile_id: string, points: integer, kind: {type: enum, values: [earn, redeem]}, date: date, updated_at: timestamp}
            links:
              member: {to: profile, by: profile_id, reverse: loyalty}
        """

    /// A deterministic generator (64-bit LCG), so failures reproduce.
    struct Random {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static func day(_ offset: Int) -> String {
        let base = CivilTime.daysFromCivil(year: 2026, month: 6, day: 15)
        let (y, m, d) = CivilTime.civilFromDays(base + offset)
        return String(format: "%04d-%02d-%02d", y, m, d)
    }

    init() {
        var random = Random(state: 7)
        regions = [Region(id: "EU", name: "Europe"), Region(id: "AM", name: "Americas"), Region(id: "AP", name: "Asia's Pacific")]
        let cities: [(String, String, String)] = [
            ("Lisbon", "PT", "EU"), ("Porto", "PT", "EU"), ("Paris", "FR", "EU"), ("Málaga", "ES", "EU"),
            ("New York", "US", "AM"), ("São Paulo", "BR", "AM"), ("Tokyo", "JP", "AP"), ("Sydney", "AU", "AP"),
        ]
        for index in 0..<12 {
            let city = cities[index % cities.count]
            hotels.append(Hotel(
                id: "H\(index)", name: index == 3 ? "The \"Grand\"; DROP TABLE hotel; --" : "Hotel \(index)", city: city.0, country: city.1,
                regionID: city.2, stars: 1 + index % 5, rooms: 2 + random.next(6), opened: Self.day(-3000 + index * 200)))
        }
        let names = ["Ana", "ÂNGELA", "angela", "João", "O'Brien", "Zoë", "li", "Bob", "ana", "Émile"]
        let tiers = ["basic", "silver", "gold"]
        for index in 0..<60 {
            profiles.append(Profile(
                id: "P\(String(format: "%02d", index))",
                email: index % 7 == 3 ? nil : (index % 5 == 0 ? "user\(index)@Example.com" : "user\(index)@mail.pt"),
                firstName: names[index % names.count], tier: tiers[index % 3],
                birthDate: index % 4 == 1 ? nil : Self.day(-365 * (20 + index % 40) - index),
                homeHotelID: index % 6 == 5 ? nil : "H\(index % 12)", emailOptIn: index % 3 != 1,
                score: index % 9 == 4 ? nil : Double(index * 37 % 1000) / 10,
                createdAt: String(format: "2026-06-%02dT%02d:30:00.000000Z", 1 + index % 20, index % 24)))
        }
        // Reservations: about 4 per profile, none for every eighth profile, dates around today.
        var number = 0
        for profile in profiles.indices where profile % 8 != 7 {
            for _ in 0..<(1 + random.next(7)) {
                let offset = random.next(120) - 80
                let status = offset >= 0 ? (random.next(5) == 0 ? "cancelled" : "booked") : (random.next(4) == 0 ? "cancelled" : "completed")
                reservations.append(Reservation(
                    id: "R\(String(format: "%04d", number))", profileID: profiles[profile].id, hotelID: "H\(random.next(12))",
                    checkIn: Self.day(offset), nights: 1 + random.next(9), amount: Double(random.next(200_000)) / 100, status: status,
                    bookedAt: String(format: "%@T%02d:00:00.000000Z", Self.day(offset - 1 - random.next(60)), random.next(24))))
                number += 1
            }
        }
        // Boundary bookings: exactly today, exactly a week ahead.
        reservations.append(Reservation(id: "R9000", profileID: "P00", hotelID: "H0", checkIn: Self.day(0), nights: 2, amount: 100.5, status: "booked", bookedAt: "2026-06-01T00:00:00.000000Z"))
        reservations.append(Reservation(id: "R9001", profileID: "P01", hotelID: "H1", checkIn: Self.day(7), nights: 2, amount: 99.99, status: "booked", bookedAt: "2026-06-14T23:59:59.000000Z"))
        for index in 0..<150 {
            let earn = random.next(4) != 0
            loyalty.append(Loyalty(
                id: "L\(index)", profileID: profiles[random.next(50)].id, points: earn ? 10 * (1 + random.next(80)) : -100 * (1 + random.next(3)),
                kind: earn ? "earn" : "redeem", date: Self.day(-random.next(500))))
        }
    }

    // MARK: CSV

    static func csv(_ value: String?) -> String {
        guard let value else { return "" }
        if value.contains(",") || value.contains("\"") || value.contains("\n") { return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        return value
    }

    func files() -> [(entity: String, text: String)] {
        let stamp = "2026-06-01T00:00:00Z"
        func lines(_ header: String, _ rows: [[String?]]) -> String {
            ([header] + rows.map { $0.map(Self.csv).joined(separator: ",") }).joined(separator: "\n") + "\n"
        }
        return [
            ("region", lines("id,name,updated_at", regions.map { [$0.id, $0.name, stamp] })),
            ("hotel", lines("id,name,city,country,region_id,stars,rooms,opened,updated_at", hotels.map {
                [$0.id, $0.name, $0.city, $0.country, $0.regionID, String($0.stars), String($0.rooms), $0.opened, stamp]
            })),
            ("profile", lines("id,email,first_name,tier,birth_date,home_hotel_id,email_opt_in,score,created_at,updated_at", profiles.map {
                [$0.id, $0.email, $0.firstName, $0.tier, $0.birthDate, $0.homeHotelID, $0.emailOptIn ? "true" : "false",
                 $0.score.map { String($0) }, $0.createdAt, stamp]
            })),
            ("reservation", lines("id,profile_id,hotel_id,check_in,nights,amount,status,booked_at,updated_at", reservations.map {
                [$0.id, $0.profileID, $0.hotelID, $0.checkIn, String($0.nights), String(format: "%.2f", $0.amount), $0.status, $0.bookedAt, stamp]
            })),
            ("loyalty_transaction", lines("id,profile_id,points,kind,date,updated_at", loyalty.map {
                [$0.id, $0.profileID, String($0.points), $0.kind, $0.date, stamp]
            })),
        ]
    }

    // MARK: Lookups for expectations

    func hotel(_ id: String?) -> Hotel? { hotels.first { $0.id == id } }
    func region(_ id: String?) -> Region? { regions.first { $0.id == id } }
    func profile(_ id: String) -> Profile? { profiles.first { $0.id == id } }
    func reservations(of profile: Profile) -> [Reservation] { reservations.filter { $0.profileID == profile.id } }
    func loyalty(of profile: Profile) -> [Loyalty] { loyalty.filter { $0.profileID == profile.id } }
}
