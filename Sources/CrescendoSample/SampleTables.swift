/// `SampleCatalog` compiled once into one UTF-8 byte arena plus flat tables of plain structs.
///
/// The per-row code then only indexes arrays of trivial values and copies bytes out of the arena:
/// nested arrays or class references would cost a retain/release pair on every access, which at
/// millions of rows per second dominates the actual formatting.
struct SampleTables: Sendable {
    /// A slice of `text`.
    struct Span: Sendable {
        var start: Int
        var count: Int
    }

    /// A run of consecutive entries in one of the flat tables.
    struct Run: Sendable {
        var start: Int
        var count: Int
    }

    struct Name: Sendable {
        var display: Span
        /// Lowercase ASCII form for e-mail local parts.
        var slug: Span
    }

    struct Locale: Sendable {
        var tag: Span
        var first: Run   // into `names`
        var last: Run    // into `names`
    }

    struct City: Sendable {
        var name: Span
        var timeZone: Span
        var areaCode: Span
        var postal: Span
    }

    struct Country: Sendable {
        var codeText: Span
        var locales: Run      // into `locales`
        var localeWeights: Run
        var cities: Run       // into `cities`
        var cityWeights: Run
        var phones: Run       // into `patterns`
        var addresses: Run    // into `patterns`
        var addressWeights: Run
        var streets: Run      // into `patterns`
        var buildings: Run    // into `patterns`
        var houseNumbers: Int
    }

    struct HotelCity: Sendable {
        var name: Span
        var countryText: Span
        var region: Span
        var currency: Int
    }

    private(set) var text: [UInt8] = []
    private(set) var names: [Name] = []
    private(set) var locales: [Locale] = []
    private(set) var cities: [City] = []
    private(set) var countries: [Country] = []
    /// ISO codes of `countries`, kept apart so `Country` stays a trivial value.
    private(set) var countryCodes: [String] = []
    /// Phone and address templates, street and building names.
    private(set) var patterns: [Span] = []
    /// Cumulative weights, each table a `Run`.
    private(set) var weights: [Int] = []
    private(set) var regionIDs: [Span] = []
    private(set) var regionNames: [Span] = []
    private(set) var hotelCities: [HotelCity] = []
    /// ISO codes of `hotelCities`, kept apart so `HotelCity` stays a trivial value.
    private(set) var hotelCityCountries: [String] = []
    private(set) var hotelCityWeights = Run(start: 0, count: 0)
    private(set) var hotelSuffixes: [Span] = []
    private(set) var emailDomains: [Span] = []
    private(set) var emailDomainWeights = Run(start: 0, count: 0)
    private(set) var countryWeights = Run(start: 0, count: 0)

    static let shared = SampleTables()

    private init() {
        var nameSets: [String: (first: Run, last: Run)] = [:]
        for country in SampleCatalog.countries {
            let localeStart = locales.count
            for locale in country.locales {
                let key = locale.names.first.joined(separator: "|")
                let runs: (first: Run, last: Run)
                if let known = nameSets[key] {
                    runs = known
                } else {
                    runs = (addNames(locale.names.first), addNames(locale.names.last))
                    nameSets[key] = runs
                }
                locales.append(Locale(tag: add(locale.tag), first: runs.first, last: runs.last))
            }
            let cityStart = cities.count
            for city in country.cities {
                cities.append(City(name: add(city.name), timeZone: add(city.timeZone),
                                   areaCode: add(city.areaCode), postal: add(city.postal)))
            }
            countryCodes.append(country.code)
            countries.append(Country(
                codeText: add(country.code),
                locales: Run(start: localeStart, count: country.locales.count),
                localeWeights: addWeights(country.locales.map(\.weight)),
                cities: Run(start: cityStart, count: country.cities.count),
                cityWeights: addWeights(country.cities.map(\.weight)),
                phones: addPatterns(country.phones),
                addresses: addPatterns(country.addresses.map(\.template)),
                addressWeights: addWeights(country.addresses.map(\.weight)),
                streets: addPatterns(country.streets),
                buildings: addPatterns(country.buildings),
                houseNumbers: country.houseNumbers))
        }
        countryWeights = addWeights(SampleCatalog.countries.map(\.weight))
        regionIDs = SampleCatalog.regions.map { add($0.id) }
        regionNames = SampleCatalog.regions.map { add($0.name) }
        hotelCities = SampleCatalog.hotelCities.map {
            HotelCity(name: add($0.name), countryText: add($0.country), region: add($0.region),
                      currency: SampleCatalog.currencyIndex(country: $0.country))
        }
        hotelCityCountries = SampleCatalog.hotelCities.map(\.country)
        hotelCityWeights = addWeights(SampleCatalog.hotelCities.map(\.weight))
        hotelSuffixes = SampleCatalog.hotelSuffixes.map { add($0) }
        emailDomains = SampleCatalog.emailDomains.map { add($0.domain) }
        emailDomainWeights = addWeights(SampleCatalog.emailDomains.map(\.weight))
    }

    private mutating func add(_ string: String) -> Span {
        let span = Span(start: text.count, count: string.utf8.count)
        text.append(contentsOf: string.utf8)
        return span
    }

    private mutating func addNames(_ list: [String]) -> Run {
        let run = Run(start: names.count, count: list.count)
        for name in list {
            names.append(Name(display: add(name), slug: add(SampleText.asciiSlug(name))))
        }
        return run
    }

    private mutating func addPatterns(_ list: [String]) -> Run {
        let run = Run(start: patterns.count, count: list.count)
        for item in list { patterns.append(add(item)) }
        return run
    }

    private mutating func addWeights(_ list: [Int]) -> Run {
        let run = Run(start: weights.count, count: list.count)
        weights.append(contentsOf: SampleRandom.cumulative(list))
        return run
    }

    /// A weighted choice from one cumulative table, as an offset into that table's run.
    @inline(__always)
    func pick(_ run: Run, _ rng: inout SampleRandom) -> Int {
        weights.withUnsafeBufferPointer { w in
            let r = rng.below(w[run.start + run.count - 1])
            var i = run.start
            while w[i] <= r { i += 1 }
            return i - run.start
        }
    }

    /// The bytes of a span (only for non-hot paths and tests).
    func bytes(_ span: Span) -> ArraySlice<UInt8> {
        text[span.start..<span.start + span.count]
    }

    func string(_ span: Span) -> String {
        String(decoding: bytes(span), as: UTF8.self)
    }
}
