/// Reservations: the high-volume fact table, and the benchmark's hot path.
///
/// Stays are spread from 400 days before the anchor to 180 days after, weighted by season and by a
/// booking curve (fewer bookings exist yet for far-future dates). Past stays are mostly completed,
/// future ones booked, a share of both cancelled; `booked_at` precedes `check_in`, and `updated_at`
/// lies between `booked_at` and the end of the anchor day.
extension SampleDataset {
    enum ReservationStatus: Int {
        case booked = 0, cancelled, completed

        var name: StaticString {
            switch self {
            case .booked: return "booked"
            case .cancelled: return "cancelled"
            case .completed: return "completed"
            }
        }
    }

    struct ReservationRow {
        var index: Int
        var profile: Int
        var hotel: Int
        var checkInDay: Int
        var nights: Int
        var amountCents: Int
        var currency: Int
        var status: ReservationStatus
        var bookedAt: Int
        var updatedAt: Int
    }

    /// Everything per-dataset a reservation needs, computed once per file instead of once per row.
    struct ReservationContext {
        let hotelStars: [Int]
        let hotelCurrency: [Int]
        let firstDay: Int
        /// Cumulative check-in weights for `firstDay + i`.
        let dayWeights: [Int]
        let profiles: SampleDataset.Permutation
    }

    static let pastDays = 400
    static let futureDays = 180

    /// Relative demand by month, January first: summer and December peak.
    private static let seasonality = [55, 60, 75, 85, 90, 100, 100, 100, 90, 80, 65, 85]
    private static let nightWeights = SampleRandom.cumulative([15, 20, 18, 12, 9, 6, 8, 3, 2, 2, 1, 1, 1, 2])
    /// Typical nightly rate in euros by star rating.
    private static let nightlyEUR: [Double] = [55, 80, 120, 190, 380]

    func reservationContext() -> ReservationContext {
        let hotelRows = hotelTable()
        let tables = SampleTables.shared
        let firstDay = anchorDay - Self.pastDays
        var weights: [Int] = []
        weights.reserveCapacity(Self.pastDays + Self.futureDays + 1)
        var total = 0
        for day in firstDay...(anchorDay + Self.futureDays) {
            var weight = Self.seasonality[SampleDay.civil(fromDays: day).month - 1] * 100
            if day > anchorDay {
                weight = weight * max(12, 100 - (day - anchorDay) * 100 / 200) / 100
            }
            total += weight
            weights.append(total)
        }
        return ReservationContext(
            hotelStars: hotelRows.map(\.stars),
            hotelCurrency: hotelRows.map { tables.hotelCities[$0.city].currency },
            firstDay: firstDay,
            dayWeights: weights,
            profiles: profilePermutation())
    }

    /// One reservation from its row number alone; the change file relies on regenerating originals.
    @inline(__always)
    func reservation(_ index: Int, _ context: ReservationContext) -> ReservationRow {
        var rng = random(.reservation, index)
        let profile = skewedProfile(&rng, context.profiles)
        let hotel = rng.below(context.hotelStars.count)
        let checkIn = context.firstDay + Self.pickDay(context.dayWeights, &rng)
        let nights = 1 + rng.pick(cumulative: Self.nightWeights)
        let currency = context.hotelCurrency[hotel]
        let amount = Self.amountCents(stars: context.hotelStars[hotel], nights: nights, currency: currency,
                                      checkInDay: checkIn, random: &rng)

        let anchorDay = self.anchorDay
        let anchorEnd = self.anchorEnd
        let checkOut = checkIn + nights
        let latestBookingDay = min(checkIn - 1, anchorDay)
        let u = rng.unit()
        let bookedAt = (latestBookingDay - Int(u * u * 240)) * 86_400 + rng.below(86_400)

        let status: ReservationStatus
        let updatedAt: Int
        if checkOut <= anchorDay {
            if rng.chance(0.12) {
                status = .cancelled
                updatedAt = Self.between(bookedAt + 60, min(checkIn * 86_400, anchorEnd), &rng)
            } else {
                status = .completed
                updatedAt = checkOut * 86_400 + rng.int(8 * 3600, 14 * 3600)
            }
        } else if checkIn <= anchorDay {
            status = .booked   // in house: checked in, not yet out
            updatedAt = checkIn * 86_400 + rng.int(14 * 3600, 23 * 3600)
        } else if rng.chance(0.10) {
            status = .cancelled
            updatedAt = Self.between(bookedAt + 60, anchorEnd, &rng)
        } else {
            status = .booked
            updatedAt = rng.chance(0.55) ? Self.between(bookedAt + 60, anchorEnd, &rng) : bookedAt
        }
        return ReservationRow(index: index, profile: profile, hotel: hotel, checkInDay: checkIn, nights: nights,
                              amountCents: amount, currency: currency, status: status,
                              bookedAt: bookedAt, updatedAt: max(bookedAt, min(updatedAt, anchorEnd)))
    }

    /// Uniform in `low...high`, or `high` when the window is empty.
    @inline(__always)
    static func between(_ low: Int, _ high: Int, _ rng: inout SampleRandom) -> Int {
        high <= low ? high : rng.int(low, high)
    }

    @inline(__always)
    static func pickDay(_ cumulative: [Int], _ rng: inout SampleRandom) -> Int {
        let target = rng.below(cumulative[cumulative.count - 1])
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let mid = (low + high) >> 1
            if cumulative[mid] <= target { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Total price in hundredths: star-based nightly rate, ±spread, seasonal surcharge, local currency
    /// with whole-unit nightly rates (hundreds for yen), and an occasional 10% discount.
    @inline(__always)
    static func amountCents(stars: Int, nights: Int, currency: Int, checkInDay: Int,
                            random rng: inout SampleRandom) -> Int {
        let month = SampleDay.civil(fromDays: checkInDay).month
        let peak = month >= 6 && month <= 8 || month == 12
        let nightly = nightlyEUR[stars - 1] * (0.8 + 0.55 * rng.unit()) * (peak ? 1.2 : 1.0)
            * SampleCatalog.eurRates[currency]
        let unit = currency == 4 ? 100.0 : 1.0
        let nightlyUnits = Int((nightly / unit).rounded()) * Int(unit)
        var cents = nightlyUnits * nights * 100
        if rng.chance(0.2) { cents = cents * 9 / 10 }
        return cents
    }

    /// Rescales an amount the way the currency is priced (yen stay whole hundreds), never to the same value.
    static func adjusted(_ cents: Int, by factor: Double, currency: Int) -> Int {
        let step = currency == 4 ? 10_000 : 1
        var result = Int((Double(cents) * factor / Double(step)).rounded()) * step
        if result == cents { result += factor >= 1 ? step : -step }
        return max(step, result)
    }

    func writeReservations(into buffer: inout CSVByteBuffer, sink: inout some CSVSink) throws {
        let context = reservationContext()
        for i in 0..<reservations {
            let row = reservation(i, context)
            buffer.row(maxBytes: 256) { w in
                Self.writeReservation(row, into: &w)
                w.newline()
            }
            try buffer.flushIfNeeded(into: &sink)
        }
    }

    /// The row without its line ending, so the change file can append its extra column.
    @inline(__always)
    static func writeReservation(_ r: ReservationRow, into w: inout CSVRowWriter) {
        w.byte(UInt8(ascii: "R"))
        w.unsigned(r.index + 1, width: 8)
        w.comma()
        w.byte(UInt8(ascii: "P"))
        w.unsigned(r.profile + 1, width: 7)
        w.comma()
        hotelID(r.hotel, into: &w)
        w.comma()
        w.date(r.checkInDay)
        w.comma()
        w.unsigned(r.nights)
        w.comma()
        w.cents(r.amountCents)
        w.comma()
        w.raw(SampleCatalog.currencyCode(r.currency))
        w.comma()
        w.raw(r.status.name)
        w.comma()
        w.timestamp(r.bookedAt)
        w.comma()
        w.timestamp(r.updatedAt)
    }
}
