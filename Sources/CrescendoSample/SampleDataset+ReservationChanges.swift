/// A CDC batch for the reservation table, as a source system would export it the day after the anchor.
///
/// It exercises every branch of versioned ingestion: newer updates (~60%) and deletes (~15%) that must
/// win, stale upserts (~15%) carrying an `updated_at` older than the loaded row that must be skipped,
/// and brand-new reservations (~10%). Each existing reservation appears at most once, so the expected
/// outcome of every row is unambiguous.
extension SampleDataset {
    enum ChangeKind {
        case update, delete, stale, insert
    }

    /// Writes `count` change rows: the reservation columns plus `_change_request_type` (`u` upsert,
    /// `d` delete). Updates, deletes and new rows are timestamped on the day after the anchor, so they
    /// are newer than anything in the base file; stale rows fall between the original's `booked_at`
    /// and `updated_at`.
    public func writeReservationChangesCSV(count: Int, to sink: inout some CSVSink) throws {
        precondition(count >= 0, "change count must not be negative")
        if count > 0 && profiles == 0 { throw SampleDatasetError.noProfiles }
        let context = reservationContext()
        var layout = random(.layout, 2)
        let targets = Permutation(n: reservations, random: &layout)
        let changeDay = anchorDay + 1
        var nextExisting = 0
        var nextNew = 0

        try CSVByteBuffer.withBuffer { buffer in
            buffer.cacheDates((anchorDay - 2 * 365)...(anchorDay + 400))
            buffer.header(Self.columns(for: "reservation")! + [Self.changeTypeColumn])
            for k in 0..<count {
                var rng = random(.changes, k)
                let roll = rng.below(100)
                var kind: ChangeKind = roll < 60 ? .update : roll < 75 ? .delete : roll < 90 ? .stale : .insert
                if kind != .insert && nextExisting >= reservations { kind = .insert }

                var row: ReservationRow
                var upsert = true
                switch kind {
                case .insert:
                    row = newReservation(reservations + nextNew, changeDay: changeDay, context, &rng)
                    nextNew += 1
                case .delete:
                    row = reservation(targets(nextExisting), context)
                    nextExisting += 1
                    row.updatedAt = changeDay * 86_400 + rng.below(86_400)
                    upsert = false
                case .update, .stale:
                    row = reservation(targets(nextExisting), context)
                    nextExisting += 1
                    // A stale version needs room between booking and last update; look a little further
                    // for such a row, and fall back to an ordinary update when there is none.
                    var staleOK = row.updatedAt - row.bookedAt >= 2
                    var probes = 1
                    while kind == .stale && !staleOK && probes < 8 && nextExisting < reservations {
                        row = reservation(targets(nextExisting), context)
                        nextExisting += 1
                        probes += 1
                        staleOK = row.updatedAt - row.bookedAt >= 2
                    }
                    if kind == .stale && staleOK {
                        makeStale(&row, &rng)
                    } else {
                        makeUpdate(&row, changeDay: changeDay, &rng)
                    }
                }
                buffer.row(maxBytes: 256) { w in
                    Self.writeReservation(row, into: &w)
                    w.comma()
                    w.byte(upsert ? UInt8(ascii: "u") : UInt8(ascii: "d"))
                    w.newline()
                }
                try buffer.flushIfNeeded(into: &sink)
            }
            try buffer.flush(into: &sink)
        }
    }

    /// A later version: a status transition where one makes sense, otherwise a price change.
    private func makeUpdate(_ row: inout ReservationRow, changeDay: Int, _ rng: inout SampleRandom) {
        let checkOut = row.checkInDay + row.nights
        switch row.status {
        case .booked where checkOut <= changeDay:
            row.status = .completed   // checked out: extras added to the folio
            row.amountCents = Self.adjusted(row.amountCents, by: 1.03 + 0.12 * rng.unit(), currency: row.currency)
        case .booked where row.checkInDay > changeDay && rng.chance(0.5):
            row.status = .cancelled
        case .booked:
            row.amountCents = Self.adjusted(row.amountCents, by: 0.85 + 0.4 * rng.unit(), currency: row.currency)
        case .completed:
            let refund = rng.chance(0.3)
            let factor = refund ? 0.85 + 0.1 * rng.unit() : 1.02 + 0.08 * rng.unit()
            row.amountCents = Self.adjusted(row.amountCents, by: factor, currency: row.currency)
        case .cancelled where row.checkInDay > changeDay && rng.chance(0.4):
            row.status = .booked   // reinstated
        case .cancelled:
            // the cancellation fee (first night) is what remains charged
            row.amountCents = Self.adjusted(row.amountCents, by: 1.0 / Double(row.nights) * 0.999, currency: row.currency)
        }
        row.updatedAt = changeDay * 86_400 + rng.below(86_400)
    }

    /// An older version of the row, as a lagging replica or a replayed export would deliver it: still
    /// booked, at the price before later changes.
    private func makeStale(_ row: inout ReservationRow, _ rng: inout SampleRandom) {
        row.updatedAt = row.bookedAt + rng.below(row.updatedAt - row.bookedAt)
        row.status = .booked
        row.amountCents = Self.adjusted(row.amountCents, by: 0.9 + 0.07 * rng.unit(), currency: row.currency)
    }

    /// A reservation made on the change day for a future stay.
    private func newReservation(_ index: Int, changeDay: Int, _ context: ReservationContext,
                                _ rng: inout SampleRandom) -> ReservationRow {
        let profile = skewedProfile(&rng, context.profiles)
        let hotel = rng.below(context.hotelStars.count)
        let checkIn = changeDay + 1 + rng.below(Self.futureDays)
        let nights = 1 + rng.below(7)
        let currency = context.hotelCurrency[hotel]
        let amount = Self.amountCents(stars: context.hotelStars[hotel], nights: nights, currency: currency,
                                      checkInDay: checkIn, random: &rng)
        let bookedAt = changeDay * 86_400 + rng.below(86_400)
        return ReservationRow(index: index, profile: profile, hotel: hotel, checkInDay: checkIn, nights: nights,
                              amountCents: amount, currency: currency, status: .booked,
                              bookedAt: bookedAt, updatedAt: bookedAt)
    }
}
