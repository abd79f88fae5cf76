/// Regions and hotels: the small reference entities everything else points at.
extension SampleDataset {
    struct HotelRow {
        var city: Int
        var suffix: Int
        var stars: Int
        var rooms: Int
        var openedDay: Int
        var updatedAt: Int
    }

    func writeRegions(into buffer: inout CSVByteBuffer, sink: inout some CSVSink) throws {
        let tables = SampleTables.shared
        tables.text.withUnsafeBufferPointer { text in
            for i in 0..<regions {
                var rng = random(.region, i)
                buffer.row(maxBytes: 256) { w in
                    w.raw(text, tables.regionIDs[i])
                    w.comma()
                    w.field(text, tables.regionNames[i])
                    w.comma()
                    w.timestamp((anchorDay - 900 - rng.below(400)) * 86_400 + rng.below(86_400))
                    w.newline()
                }
            }
        }
    }

    private static let starWeights = SampleRandom.cumulative([5, 13, 35, 35, 12])
    private static let roomRanges = [(20, 60), (30, 120), (60, 250), (100, 420), (80, 520)]

    /// One hotel, derived from its row number alone so reservations and profiles can look hotels up
    /// without the hotel file being generated first.
    func hotel(_ index: Int) -> HotelRow {
        var rng = random(.hotel, index)
        let city = SampleTables.shared.pick(SampleTables.shared.hotelCityWeights, &rng)
        let suffix = rng.below(SampleCatalog.hotelSuffixes.count)
        let stars = 1 + rng.pick(cumulative: Self.starWeights)
        let (low, high) = Self.roomRanges[stars - 1]
        let rooms = rng.int(low, high)
        let openedDay = anchorDay - rng.int(365, 365 * 60)
        let updatedAt = (anchorDay - rng.below(365)) * 86_400 + rng.below(86_400)
        return HotelRow(city: city, suffix: suffix, stars: stars, rooms: rooms, openedDay: openedDay, updatedAt: updatedAt)
    }

    func hotelTable() -> [HotelRow] {
        (0..<hotels).map(hotel)
    }

    func writeHotels(into buffer: inout CSVByteBuffer, sink: inout some CSVSink) throws {
        let tables = SampleTables.shared
        try tables.text.withUnsafeBufferPointer { text in
            for i in 0..<hotels {
                let h = hotel(i)
                let city = tables.hotelCities[h.city]
                buffer.row(maxBytes: 512) { w in
                    Self.hotelID(i, into: &w)
                    w.comma()
                    let nameStart = w.cursor
                    w.raw("Crescendo ")
                    w.raw(text, city.name)
                    w.byte(UInt8(ascii: " "))
                    w.raw(text, tables.hotelSuffixes[h.suffix])
                    w.quoteFieldIfNeeded(from: nameStart)
                    w.comma()
                    w.field(text, city.name)
                    w.comma()
                    w.raw(text, city.countryText)
                    w.comma()
                    w.raw(text, city.region)
                    w.comma()
                    w.unsigned(h.stars)
                    w.comma()
                    w.unsigned(h.rooms)
                    w.comma()
                    w.date(h.openedDay)
                    w.comma()
                    w.timestamp(h.updatedAt)
                    w.newline()
                }
                try buffer.flushIfNeeded(into: &sink)
            }
        }
    }

    @inline(__always)
    static func hotelID(_ index: Int, into w: inout CSVRowWriter) {
        w.byte(UInt8(ascii: "H"))
        w.unsigned(index + 1, width: 6)
    }
}
