/// A deterministic, realistic hotel-group dataset (regions, hotels, guest profiles, reservations,
/// loyalty transactions) for demos, tests and benchmarks.
///
/// Every row is derived from (seed, entity, row number) alone, so entities can be written in any order,
/// in parallel or partially, and the same seed, anchor and size always give byte-identical files.
public struct SampleDataset: Sendable {
    /// Entity names in load order: an entity only references entities before it.
    public static let entities = ["region", "hotel", "profile", "reservation", "loyalty_transaction"]

    /// The CDC column telling ingestion whether a row is an upsert (`u`) or a delete (`d`).
    public static let changeTypeColumn = "_change_request_type"

    public let profiles: Int
    public let seed: UInt64
    /// "Today" for the data: history lies before it, future bookings after it.
    public let anchor: SampleDay

    /// `anchor` is "today" for the data (dates are spread around it); the same seed, anchor and size
    /// give byte-identical output.
    public init(profiles: Int, seed: UInt64 = 42, anchor: SampleDay) {
        precondition(profiles >= 0, "profile count must not be negative")
        self.profiles = profiles
        self.seed = seed
        self.anchor = anchor
    }

    // Sizes scale from profiles so one knob sizes a demo or a benchmark; regions are a fixed list.
    public var regions: Int { SampleCatalog.regions.count }
    public var hotels: Int { max(10, profiles / 20) }
    public var reservations: Int { profiles * 5 }
    public var loyaltyTransactions: Int { profiles * 3 }

    /// Row counts in load order, for progress reporting and for checking a load.
    public var counts: [(entity: String, rows: Int)] {
        [("region", regions), ("hotel", hotels), ("profile", profiles),
         ("reservation", reservations), ("loyalty_transaction", loyaltyTransactions)]
    }

    /// The CSV header of an entity, identical to its field list in `SampleModel.yaml`.
    public static func columns(for entity: String) -> [String]? {
        switch entity {
        case "region": return ["id", "name", "updated_at"]
        case "hotel": return ["id", "name", "city", "country", "region_id", "stars", "rooms", "opened", "updated_at"]
        case "profile":
            return ["id", "email", "phone", "first_name", "last_name", "locale", "country", "time_zone", "tier",
                    "birth_date", "home_hotel_id", "address_line", "postal_code", "city",
                    "email_opt_in", "sms_opt_in", "push_opt_in", "push_token", "push_platform", "created_at", "updated_at"]
        case "reservation":
            return ["id", "profile_id", "hotel_id", "check_in", "nights", "amount", "currency", "status",
                    "booked_at", "updated_at"]
        case "loyalty_transaction": return ["id", "profile_id", "points", "kind", "date", "updated_at"]
        default: return nil
        }
    }

    /// Writes one entity as CSV: a header row, then one row per record, `\n` line endings, RFC 4180
    /// quoting only where a value needs it, and an empty field for null.
    public func writeCSV(entity: String, to sink: inout some CSVSink) throws {
        guard let columns = Self.columns(for: entity) else { throw SampleDatasetError.unknownEntity(entity) }
        try CSVByteBuffer.withBuffer { buffer in
            // Every date the generators produce, except far outliers, falls in this window.
            buffer.cacheDates((anchorDay - 7 * 365)...(anchorDay + 400))
            buffer.header(columns)
            switch entity {
            case "region": try writeRegions(into: &buffer, sink: &sink)
            case "hotel": try writeHotels(into: &buffer, sink: &sink)
            case "profile": try writeProfiles(into: &buffer, sink: &sink)
            case "reservation": try writeReservations(into: &buffer, sink: &sink)
            default: try writeLoyalty(into: &buffer, sink: &sink)
            }
            try buffer.flush(into: &sink)
        }
    }

    // MARK: - Shared derivations

    /// Independent random streams per entity, so rows of one entity never depend on another's.
    enum Stream: UInt64 {
        case region = 1, hotel, profile, reservation, loyalty, changes, layout, device
    }

    @inline(__always)
    func random(_ stream: Stream, _ index: Int) -> SampleRandom {
        SampleRandom(seed: seed, stream: stream.rawValue, index: index)
    }

    var anchorDay: Int { anchor.dayNumber }

    /// The last second of the anchor day: nothing in the base files happens after it.
    var anchorEnd: Int { (anchor.dayNumber + 1) * 86_400 - 1 }

    /// A seed-dependent bijection of `0..<n` (`i -> (a*i + b) mod n`), used to spread "heavy" rows over
    /// the id space and to visit distinct reservations in the change file.
    struct Permutation: Sendable {
        let n: Int
        let a: Int
        let b: Int

        init(n: Int, random: inout SampleRandom) {
            self.n = max(n, 1)
            var a = 1 + random.below(self.n)
            while Self.gcd(a, self.n) != 1 { a = a % self.n + 1 }
            self.a = a
            self.b = random.below(self.n)
        }

        @inline(__always)
        func callAsFunction(_ i: Int) -> Int {
            let (small, overflow) = a.multipliedReportingOverflow(by: i)
            if !overflow { return (small % n + b) % n }
            let product = a.multipliedFullWidth(by: i)
            let (_, remainder) = n.dividingFullWidth((product.high, product.low))
            return (remainder + b) % n
        }

        static func gcd(_ x: Int, _ y: Int) -> Int {
            var (x, y) = (x, y)
            while y != 0 { (x, y) = (y, x % y) }
            return x
        }
    }

    /// Chooses a profile so that a minority of guests account for most activity, as in real loyalty
    /// data, without the busy guests clustering at low ids.
    @inline(__always)
    func skewedProfile(_ random: inout SampleRandom, _ permutation: Permutation) -> Int {
        let u = random.unit()
        let position = random.chance(0.5) ? u : u * u * u
        return permutation(min(profiles - 1, Int(position * Double(profiles))))
    }

    func profilePermutation() -> Permutation {
        var rng = random(.layout, 1)
        return Permutation(n: profiles, random: &rng)
    }
}
