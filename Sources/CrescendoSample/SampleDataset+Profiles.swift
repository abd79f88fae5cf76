/// Guest profiles: the profile dimension campaigns target.
///
/// Gaps are deliberate and proportioned like real CRM data: ~8% without e-mail, ~15% without phone,
/// ~18% with an incomplete or missing postal address, consent only where a channel exists.
extension SampleDataset {
    func writeProfiles(into buffer: inout CSVByteBuffer, sink: inout some CSVSink) throws {
        let tables = SampleTables.shared
        let hotelRows = hotelTable()
        // Guests mostly call a hotel in their own country "home".
        let localHotels: [[Int]] = tables.countryCodes.map { code in
            hotelRows.indices.filter { tables.hotelCityCountries[hotelRows[$0].city] == code }
        }
        let anchorDay = self.anchorDay
        let anchorEnd = self.anchorEnd
        let hotels = self.hotels

        try tables.text.withUnsafeBufferPointer { text in
            for i in 0..<profiles {
                var rng = random(.profile, i)
                let countryIndex = tables.pick(tables.countryWeights, &rng)
                let country = tables.countries[countryIndex]
                let locale = tables.locales[country.locales.start + tables.pick(country.localeWeights, &rng)]
                let first = tables.names[locale.first.start + rng.below(locale.first.count)]
                let last = tables.names[locale.last.start + rng.below(locale.last.count)]
                let city = tables.cities[country.cities.start + tables.pick(country.cityWeights, &rng)]

                buffer.row(maxBytes: 1024) { w in
                    // id
                    w.byte(UInt8(ascii: "P"))
                    w.unsigned(i + 1, width: 7)
                    w.comma()
                    // email: reserved example domains only, so a misconfigured send never reaches a person.
                    let hasEmail = rng.chance(0.92)
                    if hasEmail {
                        w.raw(text, first.slug)
                        w.byte(UInt8(ascii: "."))
                        w.raw(text, last.slug)
                        w.byte(UInt8(ascii: "+"))
                        w.unsigned(i + 1)
                        w.byte(UInt8(ascii: "@"))
                        w.raw(text, tables.emailDomains[tables.pick(tables.emailDomainWeights, &rng)])
                    }
                    w.comma()
                    // phone, E.164
                    let hasPhone = rng.chance(0.85)
                    if hasPhone {
                        let pattern = tables.patterns[country.phones.start + rng.below(country.phones.count)]
                        Self.expand(pattern, text, into: &w, &rng, areaCode: city.areaCode)
                    }
                    w.comma()
                    w.field(text, first.display)
                    w.comma()
                    w.field(text, last.display)
                    w.comma()
                    w.raw(text, locale.tag)
                    w.comma()
                    w.raw(text, country.codeText)
                    w.comma()
                    w.raw(text, city.timeZone)
                    w.comma()
                    // tier ~70/22/8
                    let tierRoll = rng.below(100)
                    w.raw(tierRoll < 70 ? "basic" : tierRoll < 92 ? "silver" : "gold")
                    w.comma()
                    // birth_date: adults 18–85
                    if rng.chance(0.8) {
                        w.date(anchorDay - 18 * 365 - rng.below(67 * 365))
                    }
                    w.comma()
                    // home_hotel_id
                    if rng.chance(0.6) {
                        let local = localHotels[countryIndex]
                        let hotelIndex = !local.isEmpty && rng.chance(0.75) ? local[rng.below(local.count)] : rng.below(hotels)
                        Self.hotelID(hotelIndex, into: &w)
                    }
                    w.comma()
                    // address_line, postal_code, city: full 82%, city only 6%, no postal code 3%, nothing 9%
                    let addressRoll = rng.below(100)
                    if addressRoll < 82 || (addressRoll >= 88 && addressRoll < 91) {
                        Self.addressLine(country, tables, text, into: &w, &rng)
                    }
                    w.comma()
                    if addressRoll < 82 && city.postal.count > 0 {
                        Self.expand(city.postal, text, into: &w, &rng, areaCode: city.areaCode)
                    }
                    w.comma()
                    if addressRoll < 91 {
                        w.field(text, city.name)
                    }
                    w.comma()
                    // consent, only where the channel exists
                    w.boolean(hasEmail && rng.chance(0.62))
                    w.comma()
                    w.boolean(hasPhone && rng.chance(0.35))
                    w.comma()
                    let pushOptIn = rng.chance(0.28)
                    w.boolean(pushOptIn)
                    w.comma()
                    // push_token, push_platform: the app is installed by everyone who opted in to
                    // push and by some who did not; its own stream leaves the other fields as they were.
                    var device = random(.device, i)
                    if pushOptIn || device.chance(0.15) {
                        let ios = device.chance(0.55)
                        Self.pushToken(ios: ios, into: &w, &device)
                        w.comma()
                        w.raw(ios ? "ios" : "android")
                    } else {
                        w.comma()
                    }
                    w.comma()
                    // created_at within six years, updated_at between it and the end of the anchor day
                    let createdAt = (anchorDay - rng.below(6 * 365)) * 86_400 + rng.below(86_400)
                    let updatedAt = rng.chance(0.4) ? createdAt : createdAt + rng.below(anchorEnd - createdAt + 1)
                    w.timestamp(createdAt)
                    w.comma()
                    w.timestamp(updatedAt)
                    w.newline()
                }
                try buffer.flushIfNeeded(into: &sink)
            }
        }
    }

    /// An APNs device token (64 hexadecimal digits) or an FCM registration token (an instance id,
    /// a colon, and a long URL-safe string), random like the real ones.
    private static func pushToken(ios: Bool, into w: inout CSVRowWriter, _ rng: inout SampleRandom) {
        let hex = Array("0123456789abcdef".utf8)
        let safe = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        if ios {
            for _ in 0..<64 { w.byte(hex[rng.below(16)]) }
        } else {
            for _ in 0..<22 { w.byte(safe[rng.below(64)]) }
            w.raw(":APA91b")
            for _ in 0..<134 { w.byte(safe[rng.below(64)]) }
        }
    }

    /// Writes a street address, occasionally led by a quoted building name, and CSV-quotes it when the
    /// result contains commas or quotes (most Portuguese, Spanish and Brazilian addresses do).
    private static func addressLine(_ country: SampleTables.Country, _ tables: SampleTables,
                                    _ text: UnsafeBufferPointer<UInt8>, into w: inout CSVRowWriter,
                                    _ rng: inout SampleRandom) {
        let start = w.cursor
        if country.buildings.count > 0 && rng.chance(0.01) {
            w.byte(UInt8(ascii: "\""))
            w.raw(text, tables.patterns[country.buildings.start + rng.below(country.buildings.count)])
            w.raw("\", ")
        }
        let template = tables.patterns[country.addresses.start + tables.pick(country.addressWeights, &rng)]
        let u = rng.unit()
        let house = 1 + Int(u * u * Double(country.houseNumbers))
        let street = tables.patterns[country.streets.start + rng.below(country.streets.count)]
        expand(template, text, into: &w, &rng, areaCode: .init(start: 0, count: 0), house: house, street: street)
        w.quoteFieldIfNeeded(from: start)
    }

    /// Fills a pattern from `SampleCatalog` (see its token list) straight into the row.
    private static func expand(_ pattern: SampleTables.Span, _ text: UnsafeBufferPointer<UInt8>,
                               into w: inout CSVRowWriter, _ rng: inout SampleRandom,
                               areaCode: SampleTables.Span, house: Int = 0,
                               street: SampleTables.Span = .init(start: 0, count: 0)) {
        for offset in pattern.start..<pattern.start + pattern.count {
            let token = text[offset]
            switch token {
            case UInt8(ascii: "#"): w.byte(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rng.below(10)))
            case UInt8(ascii: "*"): w.byte(UInt8(ascii: "1") &+ UInt8(truncatingIfNeeded: rng.below(9)))
            case UInt8(ascii: "?"): w.byte(postcodeLetters.utf8Start[rng.below(postcodeLetters.utf8CodeUnitCount)])
            case UInt8(ascii: "!"): w.byte(UInt8(ascii: "a") &+ UInt8(truncatingIfNeeded: rng.below(4)))
            case UInt8(ascii: "@"): w.raw(text, areaCode)
            case UInt8(ascii: "$"): w.raw(text, street)
            case UInt8(ascii: "%"): w.unsigned(house)
            case UInt8(ascii: "~"): w.unsigned(1 + rng.below(30))
            default: w.byte(token)
            }
        }
    }

    /// Letters valid in most alphanumeric postcodes (no easily confused C, I, K, M, O, V).
    private static let postcodeLetters: StaticString = "ABDEFGHJLNPQRSTUWXYZ"
}
