/// The geography the sample data is drawn from: regions, hotel cities, and the countries guests live in
/// with their cities, IANA time zones, locales, phone and postal formats and street names.
///
/// Kept as plain readable tables so a reviewer can check a time zone or postcode format at a glance;
/// `SampleTables` compiles them into the byte arrays and weight tables the generators use.
///
/// Pattern tokens (phones, postal codes, address templates): `#` digit, `*` digit 1–9, `?` capital
/// letter, `!` lowercase letter a–d, `@` the city's dialling area code, `%` house number, `$` street,
/// `~` number 1–30. Everything else is literal.
enum SampleCatalog {
    struct Region: Sendable {
        let id: String
        let name: String
    }

    struct HotelCity: Sendable {
        let name: String
        let country: String
        let region: String
        let weight: Int
    }

    struct City: Sendable {
        let name: String
        let timeZone: String
        let areaCode: String
        /// Empty when the country has no postal codes (the UAE).
        let postal: String
        let weight: Int
    }

    struct Locale: Sendable {
        let tag: String
        let names: SampleNames
        let weight: Int
    }

    struct Country: Sendable {
        let code: String
        let weight: Int
        let locales: [Locale]
        let cities: [City]
        let phones: [String]
        let houseNumbers: Int
        let addresses: [(template: String, weight: Int)]
        let streets: [String]
        /// Named buildings that occasionally appear quoted in the address line, the data-entry habit that
        /// breaks naive CSV handling.
        let buildings: [String]
    }

    static let currencies = ["EUR", "USD", "GBP", "BRL", "JPY", "AED"]

    /// `currencies[index]` without touching an array in the per-row path.
    @inline(__always)
    static func currencyCode(_ index: Int) -> StaticString {
        switch index {
        case 0: return "EUR"
        case 1: return "USD"
        case 2: return "GBP"
        case 3: return "BRL"
        case 4: return "JPY"
        default: return "AED"
        }
    }

    /// Units of each currency per euro, to keep room rates plausible across markets.
    static let eurRates: [Double] = [1.0, 1.08, 0.85, 5.9, 162.0, 3.97]

    static func currencyIndex(country: String) -> Int {
        switch country {
        case "US", "MX", "DO": return 1   // Caribbean resorts price in dollars
        case "GB": return 2
        case "BR": return 3
        case "JP": return 4
        case "AE": return 5
        default: return 0
        }
    }

    static let regions: [Region] = [
        Region(id: "EU", name: "Europe"),
        Region(id: "UKI", name: "United Kingdom & Ireland"),
        Region(id: "NA", name: "North America"),
        Region(id: "LATAM", name: "Latin America & Caribbean"),
        Region(id: "APAC", name: "Asia Pacific"),
        Region(id: "MEA", name: "Middle East & Africa"),
    ]

    static let hotelCities: [HotelCity] = [
        HotelCity(name: "Lisbon", country: "PT", region: "EU", weight: 6),
        HotelCity(name: "Porto", country: "PT", region: "EU", weight: 4),
        HotelCity(name: "Faro", country: "PT", region: "EU", weight: 2),
        HotelCity(name: "Madrid", country: "ES", region: "EU", weight: 5),
        HotelCity(name: "Barcelona", country: "ES", region: "EU", weight: 5),
        HotelCity(name: "Seville", country: "ES", region: "EU", weight: 2),
        HotelCity(name: "Málaga", country: "ES", region: "EU", weight: 2),
        HotelCity(name: "Paris", country: "FR", region: "EU", weight: 7),
        HotelCity(name: "Lyon", country: "FR", region: "EU", weight: 2),
        HotelCity(name: "Nice", country: "FR", region: "EU", weight: 3),
        HotelCity(name: "Berlin", country: "DE", region: "EU", weight: 5),
        HotelCity(name: "Munich", country: "DE", region: "EU", weight: 3),
        HotelCity(name: "Düsseldorf", country: "DE", region: "EU", weight: 2),
        HotelCity(name: "Hamburg", country: "DE", region: "EU", weight: 2),
        HotelCity(name: "Rome", country: "IT", region: "EU", weight: 5),
        HotelCity(name: "Milan", country: "IT", region: "EU", weight: 3),
        HotelCity(name: "Florence", country: "IT", region: "EU", weight: 3),
        HotelCity(name: "Venice", country: "IT", region: "EU", weight: 2),
        HotelCity(name: "Amsterdam", country: "NL", region: "EU", weight: 4),
        HotelCity(name: "Vienna", country: "AT", region: "EU", weight: 3),
        HotelCity(name: "London", country: "GB", region: "UKI", weight: 8),
        HotelCity(name: "Edinburgh", country: "GB", region: "UKI", weight: 3),
        HotelCity(name: "Manchester", country: "GB", region: "UKI", weight: 2),
        HotelCity(name: "Dublin", country: "IE", region: "UKI", weight: 3),
        HotelCity(name: "New York", country: "US", region: "NA", weight: 8),
        HotelCity(name: "Chicago", country: "US", region: "NA", weight: 3),
        HotelCity(name: "San Francisco", country: "US", region: "NA", weight: 3),
        HotelCity(name: "Miami", country: "US", region: "NA", weight: 4),
        HotelCity(name: "Los Angeles", country: "US", region: "NA", weight: 4),
        HotelCity(name: "Boston", country: "US", region: "NA", weight: 2),
        HotelCity(name: "Las Vegas", country: "US", region: "NA", weight: 3),
        HotelCity(name: "São Paulo", country: "BR", region: "LATAM", weight: 4),
        HotelCity(name: "Rio de Janeiro", country: "BR", region: "LATAM", weight: 4),
        HotelCity(name: "Salvador", country: "BR", region: "LATAM", weight: 2),
        HotelCity(name: "Cancún", country: "MX", region: "LATAM", weight: 3),
        HotelCity(name: "Punta Cana", country: "DO", region: "LATAM", weight: 2),
        HotelCity(name: "Tokyo", country: "JP", region: "APAC", weight: 5),
        HotelCity(name: "Kyoto", country: "JP", region: "APAC", weight: 3),
        HotelCity(name: "Osaka", country: "JP", region: "APAC", weight: 3),
        HotelCity(name: "Sapporo", country: "JP", region: "APAC", weight: 1),
        HotelCity(name: "Dubai", country: "AE", region: "MEA", weight: 5),
        HotelCity(name: "Abu Dhabi", country: "AE", region: "MEA", weight: 3),
        HotelCity(name: "Ras Al Khaimah", country: "AE", region: "MEA", weight: 1),
    ]

    static let hotelSuffixes = [
        "Riverside", "Central", "Old Town", "Plaza", "Gardens", "Park", "Grand", "Boulevard", "Suites",
        "Palace", "Station", "Airport", "Downtown", "Square", "Waterfront", "Heritage",
    ]

    static let emailDomains: [(domain: String, weight: Int)] = [
        ("example.com", 60), ("example.org", 25), ("example.net", 15),
    ]

    static let countries: [Country] = [
        Country(
            code: "US", weight: 22,
            locales: [Locale(tag: "en-US", names: .english, weight: 92),
                      Locale(tag: "es-US", names: .mexican, weight: 8)],
            cities: [
                City(name: "New York", timeZone: "America/New_York", areaCode: "212", postal: "100##", weight: 8),
                City(name: "Boston", timeZone: "America/New_York", areaCode: "617", postal: "021##", weight: 3),
                City(name: "Miami", timeZone: "America/New_York", areaCode: "305", postal: "331##", weight: 3),
                City(name: "Atlanta", timeZone: "America/New_York", areaCode: "404", postal: "303##", weight: 3),
                City(name: "Chicago", timeZone: "America/Chicago", areaCode: "312", postal: "606##", weight: 5),
                City(name: "Houston", timeZone: "America/Chicago", areaCode: "713", postal: "770##", weight: 4),
                City(name: "Denver", timeZone: "America/Denver", areaCode: "303", postal: "802##", weight: 2),
                City(name: "Phoenix", timeZone: "America/Phoenix", areaCode: "602", postal: "850##", weight: 2),
                City(name: "Los Angeles", timeZone: "America/Los_Angeles", areaCode: "213", postal: "900##", weight: 6),
                City(name: "San Francisco", timeZone: "America/Los_Angeles", areaCode: "415", postal: "941##", weight: 3),
                City(name: "Seattle", timeZone: "America/Los_Angeles", areaCode: "206", postal: "981##", weight: 3),
                City(name: "Honolulu", timeZone: "Pacific/Honolulu", areaCode: "808", postal: "968##", weight: 1),
            ],
            // 555-0100..0199 is reserved for fictional use, so no real subscriber is ever generated.
            phones: ["+1@55501##"],
            houseNumbers: 4999,
            addresses: [("% $", 70), ("% $, Apt *?", 18), ("% $, Suite *##", 7), ("% $ Apt *#", 5)],
            streets: ["Main Street", "Oak Street", "Maple Avenue", "Park Avenue", "Washington Street", "Elm Street",
                      "Lake Shore Drive", "Sunset Boulevard", "Cedar Lane", "Broadway", "Pine Street", "Lincoln Avenue"],
            buildings: ["The Dakota", "Sunset Towers"]),
        Country(
            code: "GB", weight: 10,
            locales: [Locale(tag: "en-GB", names: .english, weight: 95),
                      Locale(tag: "fr-FR", names: .french, weight: 5)],
            cities: [
                City(name: "London", timeZone: "Europe/London", areaCode: "", postal: "SW* *??", weight: 8),
                City(name: "Manchester", timeZone: "Europe/London", areaCode: "", postal: "M* *??", weight: 3),
                City(name: "Birmingham", timeZone: "Europe/London", areaCode: "", postal: "B* *??", weight: 3),
                City(name: "Edinburgh", timeZone: "Europe/London", areaCode: "", postal: "EH* *??", weight: 2),
                City(name: "Glasgow", timeZone: "Europe/London", areaCode: "", postal: "G* *??", weight: 2),
                City(name: "Bristol", timeZone: "Europe/London", areaCode: "", postal: "BS* *??", weight: 1),
                City(name: "Leeds", timeZone: "Europe/London", areaCode: "", postal: "LS* *??", weight: 1),
            ],
            // Ofcom's drama range: 07700 900000–900999 never reaches a real phone.
            phones: ["+447700900###"],
            houseNumbers: 250,
            addresses: [("% $", 78), ("Flat *, % $", 22)],
            streets: ["High Street", "Station Road", "Church Lane", "Victoria Road", "Mill Lane", "King's Road",
                      "Queen Street", "Park Road", "Baker Street", "St John's Wood Road"],
            buildings: ["The Old Rectory", "Rose Cottage", "Ivy House"]),
        Country(
            code: "IE", weight: 2,
            locales: [Locale(tag: "en-IE", names: .irish, weight: 100)],
            cities: [
                City(name: "Dublin", timeZone: "Europe/Dublin", areaCode: "", postal: "D0* ?#?#", weight: 6),
                City(name: "Cork", timeZone: "Europe/Dublin", areaCode: "", postal: "T12 ?#?#", weight: 2),
                City(name: "Galway", timeZone: "Europe/Dublin", areaCode: "", postal: "H91 ?#?#", weight: 1),
            ],
            phones: ["+3538*#######"],
            houseNumbers: 200,
            addresses: [("% $", 85), ("Apartment *#, % $", 15)],
            streets: ["Grafton Street", "O'Connell Street", "Main Street", "Patrick Street", "Shop Street", "Dame Street"],
            buildings: []),
        Country(
            code: "FR", weight: 9,
            locales: [Locale(tag: "fr-FR", names: .french, weight: 96),
                      Locale(tag: "en-GB", names: .english, weight: 4)],
            cities: [
                City(name: "Paris", timeZone: "Europe/Paris", areaCode: "", postal: "7501#", weight: 8),
                City(name: "Lyon", timeZone: "Europe/Paris", areaCode: "", postal: "6900*", weight: 3),
                City(name: "Marseille", timeZone: "Europe/Paris", areaCode: "", postal: "1300*", weight: 3),
                City(name: "Toulouse", timeZone: "Europe/Paris", areaCode: "", postal: "3100*", weight: 2),
                City(name: "Nice", timeZone: "Europe/Paris", areaCode: "", postal: "0600*", weight: 2),
                City(name: "Bordeaux", timeZone: "Europe/Paris", areaCode: "", postal: "3300*", weight: 2),
                City(name: "Lille", timeZone: "Europe/Paris", areaCode: "", postal: "5900*", weight: 1),
            ],
            // ARCEP reserves 06 39 98 xx xx for fiction.
            phones: ["+3363998####"],
            houseNumbers: 180,
            addresses: [("% $", 80), ("% bis $", 5), ("% $, Bât. ?", 15)],
            streets: ["rue de Rivoli", "rue du Faubourg Saint-Honoré", "avenue Jean-Jaurès", "boulevard Saint-Germain",
                      "rue Victor-Hugo", "place Bellecour", "rue de la République", "avenue des Champs-Élysées",
                      "quai des Chartrons", "cours Mirabeau"],
            buildings: []),
        Country(
            code: "DE", weight: 10,
            locales: [Locale(tag: "de-DE", names: .german, weight: 97),
                      Locale(tag: "en-US", names: .english, weight: 3)],
            cities: [
                City(name: "Berlin", timeZone: "Europe/Berlin", areaCode: "", postal: "10###", weight: 6),
                City(name: "Hamburg", timeZone: "Europe/Berlin", areaCode: "", postal: "20###", weight: 3),
                City(name: "Munich", timeZone: "Europe/Berlin", areaCode: "", postal: "80###", weight: 4),
                City(name: "Cologne", timeZone: "Europe/Berlin", areaCode: "", postal: "50###", weight: 3),
                City(name: "Frankfurt am Main", timeZone: "Europe/Berlin", areaCode: "", postal: "60###", weight: 3),
                City(name: "Düsseldorf", timeZone: "Europe/Berlin", areaCode: "", postal: "40###", weight: 2),
                City(name: "Stuttgart", timeZone: "Europe/Berlin", areaCode: "", postal: "70###", weight: 2),
                City(name: "Leipzig", timeZone: "Europe/Berlin", areaCode: "", postal: "04###", weight: 2),
            ],
            phones: ["+49151#######", "+49160#######", "+49170#######", "+49171#######", "+49176#######"],
            houseNumbers: 220,
            addresses: [("$ %", 90), ("$ %!", 10)],
            streets: ["Hauptstraße", "Bahnhofstraße", "Schillerstraße", "Goethestraße", "Friedrichstraße", "Königsallee",
                      "Gartenstraße", "Lindenstraße", "Am Markt", "Schloßallee"],
            buildings: ["Haus Sonnenblick"]),
        Country(
            code: "PT", weight: 7,
            locales: [Locale(tag: "pt-PT", names: .portuguese, weight: 90),
                      Locale(tag: "en-GB", names: .english, weight: 5),
                      Locale(tag: "fr-FR", names: .french, weight: 3),
                      Locale(tag: "de-DE", names: .german, weight: 2)],
            cities: [
                City(name: "Lisbon", timeZone: "Europe/Lisbon", areaCode: "", postal: "1###-###", weight: 7),
                City(name: "Porto", timeZone: "Europe/Lisbon", areaCode: "", postal: "4###-###", weight: 4),
                City(name: "Braga", timeZone: "Europe/Lisbon", areaCode: "", postal: "47##-###", weight: 1),
                City(name: "Coimbra", timeZone: "Europe/Lisbon", areaCode: "", postal: "30##-###", weight: 1),
                City(name: "Faro", timeZone: "Europe/Lisbon", areaCode: "", postal: "80##-###", weight: 1),
                City(name: "Funchal", timeZone: "Atlantic/Madeira", areaCode: "", postal: "90##-###", weight: 1),
                City(name: "Ponta Delgada", timeZone: "Atlantic/Azores", areaCode: "", postal: "95##-###", weight: 1),
            ],
            phones: ["+35191#######", "+35192#######", "+35193#######", "+35196#######"],
            houseNumbers: 400,
            addresses: [("$, %", 55), ("$, %, *.º Esq.", 20), ("$, %, *.º Dto.", 20), ("$, % r/c", 5)],
            streets: ["Rua Augusta", "Avenida da Liberdade", "Rua de Santa Catarina", "Rua das Flores", "Rua do Carmo",
                      "Avenida dos Aliados", "Rua Garrett", "Travessa do Fala-Só", "Largo do Chiado"],
            buildings: ["Edifício Atlântico", "Residencial Tejo"]),
        Country(
            code: "BR", weight: 9,
            locales: [Locale(tag: "pt-BR", names: .brazilian, weight: 100)],
            cities: [
                City(name: "São Paulo", timeZone: "America/Sao_Paulo", areaCode: "11", postal: "0####-###", weight: 8),
                City(name: "Rio de Janeiro", timeZone: "America/Sao_Paulo", areaCode: "21", postal: "2####-###", weight: 5),
                City(name: "Belo Horizonte", timeZone: "America/Sao_Paulo", areaCode: "31", postal: "3####-###", weight: 3),
                City(name: "Porto Alegre", timeZone: "America/Sao_Paulo", areaCode: "51", postal: "9####-###", weight: 2),
                City(name: "Brasília", timeZone: "America/Sao_Paulo", areaCode: "61", postal: "7####-###", weight: 2),
                City(name: "Salvador", timeZone: "America/Bahia", areaCode: "71", postal: "4####-###", weight: 2),
                City(name: "Recife", timeZone: "America/Recife", areaCode: "81", postal: "5####-###", weight: 2),
                City(name: "Fortaleza", timeZone: "America/Fortaleza", areaCode: "85", postal: "6####-###", weight: 2),
                City(name: "Manaus", timeZone: "America/Manaus", areaCode: "92", postal: "69###-###", weight: 1),
            ],
            phones: ["+55@9########"],
            houseNumbers: 2000,
            addresses: [("$, %", 55), ("$, %, apto *#", 35), ("$, %, bloco ?, apto *0#", 10)],
            streets: ["Avenida Paulista", "Rua Oscar Freire", "Rua XV de Novembro", "Avenida Atlântica", "Rua da Consolação",
                      "Avenida Brasil", "Rua das Laranjeiras", "Avenida Sete de Setembro"],
            buildings: ["Edifício Copan", "Condomínio Jardim das Flores"]),
        Country(
            code: "ES", weight: 8,
            locales: [Locale(tag: "es-ES", names: .spanish, weight: 90),
                      Locale(tag: "en-GB", names: .english, weight: 6),
                      Locale(tag: "de-DE", names: .german, weight: 4)],
            cities: [
                City(name: "Madrid", timeZone: "Europe/Madrid", areaCode: "", postal: "280##", weight: 6),
                City(name: "Barcelona", timeZone: "Europe/Madrid", areaCode: "", postal: "080##", weight: 5),
                City(name: "Valencia", timeZone: "Europe/Madrid", areaCode: "", postal: "460##", weight: 2),
                City(name: "Seville", timeZone: "Europe/Madrid", areaCode: "", postal: "410##", weight: 2),
                City(name: "Bilbao", timeZone: "Europe/Madrid", areaCode: "", postal: "480##", weight: 1),
                City(name: "Málaga", timeZone: "Europe/Madrid", areaCode: "", postal: "290##", weight: 1),
                City(name: "Las Palmas de Gran Canaria", timeZone: "Atlantic/Canary", areaCode: "", postal: "350##", weight: 1),
                City(name: "Santa Cruz de Tenerife", timeZone: "Atlantic/Canary", areaCode: "", postal: "380##", weight: 1),
            ],
            phones: ["+346########", "+347########"],
            houseNumbers: 300,
            addresses: [("$, %", 50), ("$, %, *.º ?", 45), ("$, % bajo", 5)],
            streets: ["Calle Mayor", "Gran Vía", "Calle de Alcalá", "Paseo de la Castellana", "Calle de Serrano",
                      "Avinguda Diagonal", "Calle Real", "Rambla de Catalunya", "Calle Larios"],
            buildings: []),
        Country(
            code: "IT", weight: 6,
            locales: [Locale(tag: "it-IT", names: .italian, weight: 100)],
            cities: [
                City(name: "Rome", timeZone: "Europe/Rome", areaCode: "", postal: "001##", weight: 6),
                City(name: "Milan", timeZone: "Europe/Rome", areaCode: "", postal: "201##", weight: 5),
                City(name: "Naples", timeZone: "Europe/Rome", areaCode: "", postal: "801##", weight: 3),
                City(name: "Turin", timeZone: "Europe/Rome", areaCode: "", postal: "101##", weight: 2),
                City(name: "Florence", timeZone: "Europe/Rome", areaCode: "", postal: "501##", weight: 2),
                City(name: "Bologna", timeZone: "Europe/Rome", areaCode: "", postal: "401##", weight: 2),
                City(name: "Venice", timeZone: "Europe/Rome", areaCode: "", postal: "301##", weight: 1),
            ],
            phones: ["+393#########"],
            houseNumbers: 200,
            addresses: [("$ %", 85), ("$ %, int. *", 15)],
            streets: ["Via Roma", "Via del Corso", "Via Garibaldi", "Corso Vittorio Emanuele II", "Via Dante",
                      "Via Mazzini", "Via Toledo", "Corso Buenos Aires", "Via dei Mille"],
            buildings: ["Villa Serena", "Palazzo Bianchi"]),
        Country(
            code: "NL", weight: 4,
            locales: [Locale(tag: "nl-NL", names: .dutch, weight: 90),
                      Locale(tag: "en-GB", names: .english, weight: 10)],
            cities: [
                City(name: "Amsterdam", timeZone: "Europe/Amsterdam", areaCode: "", postal: "10## ??", weight: 5),
                City(name: "Rotterdam", timeZone: "Europe/Amsterdam", areaCode: "", postal: "30## ??", weight: 3),
                City(name: "The Hague", timeZone: "Europe/Amsterdam", areaCode: "", postal: "25## ??", weight: 2),
                City(name: "Utrecht", timeZone: "Europe/Amsterdam", areaCode: "", postal: "35## ??", weight: 2),
                City(name: "Eindhoven", timeZone: "Europe/Amsterdam", areaCode: "", postal: "56## ??", weight: 1),
            ],
            phones: ["+316########"],
            houseNumbers: 300,
            addresses: [("$ %", 85), ("$ %-?", 15)],
            streets: ["Keizersgracht", "Prinsengracht", "Damrak", "Coolsingel", "Oudegracht", "Lange Voorhout",
                      "Kalverstraat", "Stationsplein"],
            buildings: []),
        Country(
            code: "JP", weight: 7,
            locales: [Locale(tag: "ja-JP", names: .japanese, weight: 97),
                      Locale(tag: "en-US", names: .english, weight: 3)],
            cities: [
                City(name: "Tokyo", timeZone: "Asia/Tokyo", areaCode: "", postal: "1##-####", weight: 8),
                City(name: "Yokohama", timeZone: "Asia/Tokyo", areaCode: "", postal: "2##-####", weight: 3),
                City(name: "Osaka", timeZone: "Asia/Tokyo", areaCode: "", postal: "5##-####", weight: 4),
                City(name: "Nagoya", timeZone: "Asia/Tokyo", areaCode: "", postal: "45#-####", weight: 3),
                City(name: "Kyoto", timeZone: "Asia/Tokyo", areaCode: "", postal: "60#-####", weight: 2),
                City(name: "Sapporo", timeZone: "Asia/Tokyo", areaCode: "", postal: "06#-####", weight: 2),
                City(name: "Fukuoka", timeZone: "Asia/Tokyo", areaCode: "", postal: "81#-####", weight: 2),
            ],
            phones: ["+8170########", "+8180########", "+8190########"],
            houseNumbers: 9,
            addresses: [("%-~-~ $", 100)],
            streets: ["Chūō-ku", "Kita-ku", "Minato-ku", "Naka-ku", "Nishi-ku", "Higashi-ku"],
            buildings: []),
        Country(
            code: "AE", weight: 3,
            locales: [Locale(tag: "ar-AE", names: .emirati, weight: 40),
                      Locale(tag: "en-AE", names: .english, weight: 60)],
            cities: [
                City(name: "Dubai", timeZone: "Asia/Dubai", areaCode: "", postal: "", weight: 6),
                City(name: "Abu Dhabi", timeZone: "Asia/Dubai", areaCode: "", postal: "", weight: 3),
                City(name: "Sharjah", timeZone: "Asia/Dubai", areaCode: "", postal: "", weight: 2),
            ],
            phones: ["+97150#######", "+97152#######", "+97155#######", "+97156#######"],
            houseNumbers: 99,
            addresses: [("Villa %, $", 40), ("Apartment *#0*, $", 60)],
            streets: ["Sheikh Zayed Road", "Al Wasl Road", "Jumeirah Beach Road", "Corniche Road", "Al Maktoum Road",
                      "Hamdan Street"],
            buildings: []),
        Country(
            code: "MX", weight: 3,
            locales: [Locale(tag: "es-MX", names: .mexican, weight: 100)],
            cities: [
                City(name: "Mexico City", timeZone: "America/Mexico_City", areaCode: "55", postal: "0####", weight: 6),
                City(name: "Guadalajara", timeZone: "America/Mexico_City", areaCode: "33", postal: "44###", weight: 2),
                City(name: "Monterrey", timeZone: "America/Monterrey", areaCode: "81", postal: "64###", weight: 2),
            ],
            phones: ["+52@########"],
            houseNumbers: 2500,
            addresses: [("$ %", 70), ("$ %, Int. *#", 30)],
            streets: ["Paseo de la Reforma", "Calle Madero", "Avenida Insurgentes Sur", "Calle Hidalgo", "Avenida Juárez",
                      "Calle Morelos", "Avenida Chapultepec"],
            buildings: []),
        Country(
            code: "CA", weight: 2,
            locales: [Locale(tag: "en-CA", names: .english, weight: 75),
                      Locale(tag: "fr-CA", names: .french, weight: 25)],
            cities: [
                City(name: "Toronto", timeZone: "America/Toronto", areaCode: "416", postal: "M*? *?*", weight: 5),
                City(name: "Montréal", timeZone: "America/Toronto", areaCode: "514", postal: "H*? *?*", weight: 3),
                City(name: "Vancouver", timeZone: "America/Vancouver", areaCode: "604", postal: "V*? *?*", weight: 3),
                City(name: "Calgary", timeZone: "America/Edmonton", areaCode: "403", postal: "T*? *?*", weight: 2),
                City(name: "Halifax", timeZone: "America/Halifax", areaCode: "902", postal: "B*? *?*", weight: 1),
            ],
            phones: ["+1@55501##"],
            houseNumbers: 3000,
            addresses: [("% $", 75), ("% $, Apt *#", 15), ("*## - % $", 10)],
            streets: ["Yonge Street", "Rue Sainte-Catherine", "Robson Street", "Bay Street", "Queen Street West",
                      "Boulevard Saint-Laurent", "Granville Street"],
            buildings: []),
    ]
}
