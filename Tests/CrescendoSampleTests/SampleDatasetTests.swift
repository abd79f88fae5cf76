import Foundation
import Testing
@testable import CrescendoSample

@Suite struct SampleDatasetTests {
    let anchor = GeneratedSample.anchor

    @Test func sameSeedAndAnchorGiveIdenticalBytes() throws {
        let a = SampleDataset(profiles: 400, seed: 7, anchor: anchor)
        let b = SampleDataset(profiles: 400, seed: 7, anchor: anchor)
        for entity in SampleDataset.entities {
            #expect(try GeneratedSample.bytes(a, entity) == GeneratedSample.bytes(b, entity), "\(entity)")
        }
        var first = StringCSVSink(), second = StringCSVSink()
        try a.writeReservationChangesCSV(count: 300, to: &first)
        try b.writeReservationChangesCSV(count: 300, to: &second)
        #expect(first.bytes == second.bytes)
    }

    @Test func rowsDoNotDependOnWhichEntitiesWereWrittenBefore() throws {
        let dataset = SampleDataset(profiles: 300, seed: 11, anchor: anchor)
        let reservationsFirst = try GeneratedSample.bytes(dataset, "reservation")
        for entity in SampleDataset.entities.reversed() { _ = try GeneratedSample.bytes(dataset, entity) }
        #expect(try GeneratedSample.bytes(dataset, "reservation") == reservationsFirst)
    }

    @Test func differentSeedOrAnchorGivesDifferentData() throws {
        let base = SampleDataset(profiles: 300, seed: 1, anchor: anchor)
        let otherSeed = SampleDataset(profiles: 300, seed: 2, anchor: anchor)
        let otherAnchor = SampleDataset(profiles: 300, seed: 1, anchor: SampleDay(year: 2025, month: 3, day: 1))
        for entity in ["hotel", "profile", "reservation", "loyalty_transaction"] {
            #expect(try GeneratedSample.bytes(base, entity) != GeneratedSample.bytes(otherSeed, entity), "\(entity)")
            #expect(try GeneratedSample.bytes(base, entity) != GeneratedSample.bytes(otherAnchor, entity), "\(entity)")
        }
    }

    @Test func countsScaleFromProfiles() throws {
        let big = SampleDataset(profiles: 1000, anchor: anchor)
        #expect(big.counts.map(\.entity) == SampleDataset.entities)
        #expect(big.counts.map(\.rows) == [6, 50, 1000, 5000, 3000])
        let small = SampleDataset(profiles: 100, anchor: anchor)
        #expect(small.counts.map(\.rows) == [6, 10, 100, 500, 300])
        let empty = SampleDataset(profiles: 0, anchor: anchor)
        #expect(empty.counts.map(\.rows) == [6, 10, 0, 0, 0])
        for (entity, rows) in empty.counts {
            let table = try CSVTestParser.table(String(decoding: GeneratedSample.bytes(empty, entity), as: UTF8.self))
            #expect(table.rows.count == rows, "\(entity)")
        }
    }

    @Test func writtenRowCountsMatchCounts() {
        let sample = GeneratedSample.shared
        for (entity, rows) in sample.dataset.counts {
            #expect(sample.rows[entity]?.count == rows, "\(entity)")
        }
    }

    @Test func unknownEntityIsRejected() {
        var sink = StringCSVSink()
        #expect(throws: SampleDatasetError.unknownEntity("guests")) {
            try SampleDataset(profiles: 10, anchor: anchor).writeCSV(entity: "guests", to: &sink)
        }
        #expect(sink.bytes.isEmpty)
    }

    @Test func headersMatchTheModelFields() {
        let model = ModelTestReader.fields(SampleModel.yaml)
        #expect(Set(model.keys) == Set(SampleDataset.entities))
        for entity in SampleDataset.entities {
            #expect(GeneratedSample.shared.headers[entity] == model[entity]?.map(\.name), "\(entity)")
            #expect(SampleDataset.columns(for: entity) == model[entity]?.map(\.name), "\(entity)")
        }
    }

    @Test func everyValueParsesAsItsModelType() throws {
        let model = ModelTestReader.fields(SampleModel.yaml)
        let sample = GeneratedSample.shared
        for entity in SampleDataset.entities {
            let fields = try #require(model[entity])
            var failures: [String] = []
            for (n, row) in sample.rows[entity]!.enumerated() {
                for field in fields where !ValueCheck.matches(row[field.name]!, field) {
                    failures.append("\(entity) row \(n + 1) \(field.name)=\(row[field.name]!) (\(field.type))")
                }
            }
            #expect(failures.isEmpty, "\(failures.prefix(10))")
        }
    }

    @Test func keysAreUniqueAndReferencesResolve() throws {
        let rows = GeneratedSample.shared.rows
        func ids(_ entity: String) -> Set<String> { Set(rows[entity]!.map { $0["id"]! }) }
        for entity in SampleDataset.entities {
            #expect(ids(entity).count == rows[entity]!.count, "duplicate ids in \(entity)")
        }
        let regions = ids("region"), hotels = ids("hotel"), profiles = ids("profile")
        #expect(rows["hotel"]!.allSatisfy { regions.contains($0["region_id"]!) })
        #expect(rows["profile"]!.allSatisfy { $0["home_hotel_id"]!.isEmpty || hotels.contains($0["home_hotel_id"]!) })
        #expect(rows["reservation"]!.allSatisfy { profiles.contains($0["profile_id"]!) && hotels.contains($0["hotel_id"]!) })
        #expect(rows["loyalty_transaction"]!.allSatisfy { profiles.contains($0["profile_id"]!) })
        // Ids have the documented shapes.
        #expect(rows["hotel"]!.first?["id"] == "H000001")
        #expect(rows["profile"]!.first?["id"] == "P0000001")
        #expect(rows["reservation"]!.first?["id"] == "R00000001")
        #expect(rows["loyalty_transaction"]!.first?["id"] == "L00000001")
        #expect(regions.isSuperset(of: ["EU", "NA", "LATAM", "APAC", "MEA"]))
    }

    @Test func reservationsFollowTheBookingTimeline() {
        let sample = GeneratedSample.shared
        let anchorDay = anchor.dayNumber
        let anchorEnd = (anchorDay + 1) * 86_400 - 1
        var statuses: [String: Int] = [:]
        for r in sample.rows["reservation"]! {
            let checkIn = ValueCheck.day(r["check_in"]!)
            let nights = Int(r["nights"]!)!
            let bookedAt = ValueCheck.seconds(r["booked_at"]!)
            let updatedAt = ValueCheck.seconds(r["updated_at"]!)
            let status = r["status"]!
            statuses[status, default: 0] += 1
            #expect((1...14).contains(nights))
            #expect((anchorDay - 400...anchorDay + 180).contains(checkIn), "\(r)")
            #expect(bookedAt < checkIn * 86_400, "booked on or after check-in: \(r)")
            #expect(bookedAt <= updatedAt && updatedAt <= anchorEnd, "\(r)")
            if checkIn > anchorDay { #expect(status != "completed", "\(r)") }
            if checkIn + nights <= anchorDay { #expect(status != "booked", "\(r)") }
            #expect(Decimal(string: r["amount"]!)! > 0)
        }
        #expect(statuses.keys.sorted() == ["booked", "cancelled", "completed"])
        let total = Double(sample.rows["reservation"]!.count)
        #expect(Double(statuses["cancelled"]!) / total > 0.05 && Double(statuses["cancelled"]!) / total < 0.2)
    }

    @Test func currencyFollowsTheHotelCountryAndPricesRiseWithStars() throws {
        let sample = GeneratedSample.shared
        let hotels = Dictionary(uniqueKeysWithValues: sample.rows["hotel"]!.map { ($0["id"]!, $0) })
        let expected = ["GB": "GBP", "US": "USD", "MX": "USD", "DO": "USD", "BR": "BRL", "JP": "JPY", "AE": "AED"]
        var eurPerNightByStars: [Int: [Double]] = [:]
        for r in sample.rows["reservation"]! {
            let hotel = try #require(hotels[r["hotel_id"]!])
            #expect(r["currency"] == expected[hotel["country"]!, default: "EUR"], "\(r)")
            if r["currency"] == "EUR" {
                let perNight = Double(r["amount"]!)! / Double(r["nights"]!)!
                eurPerNightByStars[Int(hotel["stars"]!)!, default: []].append(perNight)
            }
        }
        let means = (1...5).compactMap { stars in eurPerNightByStars[stars].map { $0.reduce(0, +) / Double($0.count) } }
        #expect(means == means.sorted(), "nightly EUR by stars: \(means)")
    }

    @Test func hotelsAreRealisticAndSpread() {
        let hotels = GeneratedSample.shared.rows["hotel"]!
        #expect(hotels.allSatisfy { $0["name"]!.hasPrefix("Crescendo \($0["city"]!) ") })
        #expect(hotels.allSatisfy { (1...5).contains(Int($0["stars"]!)!) && Int($0["rooms"]!)! >= 20 })
        #expect(Set(hotels.map { $0["city"]! }).count >= 20)
        #expect(SampleCatalog.hotelCities.count >= 30)
    }

    @Test func profilesLookLikeRealCRMData() throws {
        let profiles = GeneratedSample.shared.rows["profile"]!
        let n = Double(profiles.count)
        func share(_ predicate: ([String: String]) -> Bool) -> Double { Double(profiles.filter(predicate).count) / n }

        #expect(abs(share { $0["email"]!.isEmpty } - 0.08) < 0.03)
        #expect(abs(share { $0["phone"]!.isEmpty } - 0.15) < 0.03)
        #expect(abs(share { $0["tier"] == "basic" } - 0.70) < 0.04)
        #expect(abs(share { $0["tier"] == "gold" } - 0.08) < 0.03)
        #expect(share { $0["address_line"]!.isEmpty } > 0.05)
        #expect(share { $0["postal_code"]!.isEmpty } > 0.1)
        // Consent only where the channel exists.
        #expect(profiles.allSatisfy { $0["email_opt_in"] == "false" || !$0["email"]!.isEmpty })
        #expect(profiles.allSatisfy { $0["sms_opt_in"] == "false" || !$0["phone"]!.isEmpty })
        // The e-mail's number is the profile's own, so addresses are unique.
        let emails = profiles.map { $0["email"]! }.filter { !$0.isEmpty }
        #expect(Set(emails).count == emails.count)
        // Non-ASCII names really occur in the output.
        #expect(profiles.contains { $0["first_name"]!.unicodeScalars.contains { !$0.isASCII } })
        #expect(profiles.contains { $0["last_name"]!.unicodeScalars.contains { !$0.isASCII } })
        // created_at <= updated_at <= end of anchor day.
        let anchorEnd = (anchor.dayNumber + 1) * 86_400 - 1
        #expect(profiles.allSatisfy {
            let created = ValueCheck.seconds($0["created_at"]!), updated = ValueCheck.seconds($0["updated_at"]!)
            return created <= updated && updated <= anchorEnd
        })
    }

    @Test func profileGeographyIsConsistent() throws {
        let profiles = GeneratedSample.shared.rows["profile"]!
        let dialCodes = ["US": "+1", "CA": "+1", "GB": "+44", "IE": "+353", "FR": "+33", "DE": "+49", "PT": "+351",
                         "BR": "+55", "ES": "+34", "IT": "+39", "NL": "+31", "JP": "+81", "AE": "+971", "MX": "+52"]
        var zonesByCountry: [String: Set<String>] = [:]
        for country in SampleCatalog.countries {
            zonesByCountry[country.code] = Set(country.cities.map(\.timeZone))
        }
        for p in profiles {
            let country = p["country"]!
            #expect(zonesByCountry[country]?.contains(p["time_zone"]!) == true, "\(p)")
            if !p["phone"]!.isEmpty { #expect(p["phone"]!.hasPrefix(try #require(dialCodes[country])), "\(p)") }
            if country == "AE" { #expect(p["postal_code"]!.isEmpty) }
        }
        // Every zone is a real IANA identifier.
        for zone in zonesByCountry.values.joined() {
            #expect(TimeZone(identifier: zone) != nil, "\(zone)")
        }
        #expect(Set(profiles.map { $0["locale"]! }).isSuperset(of: ["en-US", "en-GB", "fr-FR", "de-DE", "pt-PT", "pt-BR", "es-ES", "ja-JP"]))
    }

    @Test func loyaltyPointsMatchTheirKind() {
        let rows = GeneratedSample.shared.rows["loyalty_transaction"]!
        #expect(rows.allSatisfy { ($0["kind"] == "earn") == (Int($0["points"]!)! > 0) })
        #expect(rows.allSatisfy { $0["updated_at"]!.hasPrefix($0["date"]!) })
        let earns = rows.filter { $0["kind"] == "earn" }.count
        #expect(earns > rows.count / 2 && earns < rows.count)
    }

    @Test func activityIsConcentratedOnSomeGuests() {
        let reservations = GeneratedSample.shared.rows["reservation"]!
        var perProfile: [String: Int] = [:]
        for r in reservations { perProfile[r["profile_id"]!, default: 0] += 1 }
        let busiest = perProfile.values.sorted(by: >)
        #expect(busiest.first! >= 15)
        #expect(perProfile.count < GeneratedSample.shared.dataset.profiles)   // some guests never stayed
    }
}
