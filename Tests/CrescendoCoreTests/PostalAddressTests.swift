import Foundation
import Testing
@testable import CrescendoCore

/// A complete address in `country` with the given postal code. The other fields are plausible.
private func address(_ country: String?, _ code: String?) -> PostalAddress {
    PostalAddress(
        name: "Ada Lovelace",
        lines: ["12 Example Street"],
        postalCode: code,
        city: "Somewhere",
        country: country
    )
}

// MARK: - Postal codes per country

struct PostalCodeCase: CustomTestStringConvertible, Sendable {
    let country: String
    let code: String
    /// Expected canonical form (for valid cases).
    let canonical: String?
    var testDescription: String { "\(country) \"\(code)\"" }

    static func ok(_ country: String, _ code: String, _ canonical: String? = nil) -> Self {
        Self(country: country, code: code, canonical: canonical ?? code)
    }
    static func bad(_ country: String, _ code: String) -> Self {
        Self(country: country, code: code, canonical: nil)
    }
}

let validCodes: [PostalCodeCase] = [
    // US: USPS Publication 28
    .ok("US", "10001"), .ok("US", "02134"), .ok("US", "99501"), .ok("US", "20500-0005"),
    .ok("US", "205000005", "20500-0005"), .ok("US", "20500 0005", "20500-0005"),
    // CA: Canada Post
    .ok("CA", "K1A 0B1"), .ok("CA", "M5V 3L9"), .ok("CA", "V6B 4Y8"), .ok("CA", "T2P 2M5"),
    .ok("CA", "h2x1y4", "H2X 1Y4"), .ok("CA", "X0A 0H0"),
    // GB: Royal Mail, every outward shape + GIR 0AA
    .ok("GB", "M1 1AE"), .ok("GB", "B33 8TH"), .ok("GB", "CR2 6XH"), .ok("GB", "DN55 1PT"),
    .ok("GB", "W1A 0AX"), .ok("GB", "EC1A 1BB"), .ok("GB", "SW1A 1AA"), .ok("GB", "GIR 0AA"),
    .ok("GB", "sw1a1aa", "SW1A 1AA"), .ok("GB", "gir0aa", "GIR 0AA"), .ok("GB", "EH1 1YZ"),
    // IE: Eircode
    .ok("IE", "D02 X285"), .ok("IE", "A65 F4E2"), .ok("IE", "D6W 1234"), .ok("IE", "t12k8af", "T12 K8AF"),
    // FR / DE / ES / IT / MX: 5 digits
    .ok("FR", "75001"), .ok("FR", "20000"), .ok("FR", "97400"), .ok("FR", "01000"),
    .ok("DE", "10115"), .ok("DE", "01067"), .ok("DE", "80331"),
    .ok("ES", "28013"), .ok("ES", "08001"), .ok("ES", "52001"),
    .ok("IT", "00184"), .ok("IT", "20121"),
    .ok("MX", "06600"), .ok("MX", "44100"),
    // PT: CTT CP4-CP3
    .ok("PT", "1000-001"), .ok("PT", "4000-322"), .ok("PT", "1000001", "1000-001"),
    // NL: PostNL
    .ok("NL", "1012 JS"), .ok("NL", "2511 CV"), .ok("NL", "1234ab", "1234 AB"), .ok("NL", "3011-AD", "3011 AD"),
    // BR: CEP
    .ok("BR", "01310-100"), .ok("BR", "20040-002"), .ok("BR", "01310100", "01310-100"),
    // JP: Japan Post, including full-width input and the postal mark
    .ok("JP", "100-0001"), .ok("JP", "530-0001"), .ok("JP", "1000001", "100-0001"),
    .ok("JP", "〒100-0001", "100-0001"), .ok("JP", "１００－０００１", "100-0001"),
    // 4-digit countries
    .ok("AU", "2000"), .ok("AU", "0800"), .ok("BE", "1000"), .ok("AT", "1010"),
    .ok("CH", "8001"), .ok("DK", "1050"), .ok("NO", "0150"),
    // SE / PL
    .ok("SE", "114 55"), .ok("SE", "11455", "114 55"), .ok("SE", "411 01"),
    .ok("PL", "00-950"), .ok("PL", "31-001"), .ok("PL", "00950", "00-950"),
    // No specific rule: generic shape
    .ok("IN", "110001"), .ok("AR", "C1002AAR"), .ok("MT", "VLT 1117"), .ok("LU", "l-1234", "L-1234"),
]

let invalidCodes: [PostalCodeCase] = [
    .bad("US", "1234"), .bad("US", "123456"), .bad("US", "12-345"), .bad("US", "1234-56789"),
    .bad("US", "ABCDE"), .bad("US", "00000"),
    .bad("CA", "W1A 1A1"), .bad("CA", "D1A 1A1"), .bad("CA", "K1O 0B1"), .bad("CA", "K1A 0B"), .bad("CA", "123456"),
    .bad("GB", "QA1 1AA"), .bad("GB", "V1 1AA"), .bad("GB", "SW1A 1CA"), .bad("GB", "SW1A"),
    .bad("GB", "SW1A 1AAA"), .bad("GB", "12345"), .bad("GB", "GIR 0AB"),
    .bad("IE", "D02 X28"), .bad("IE", "B02 X285"), .bad("IE", "D02 XB85"), .bad("IE", "12345"),
    .bad("FR", "7501"), .bad("FR", "750011"), .bad("FR", "00123"), .bad("FR", "75 001"), .bad("FR", "F-75001"),
    .bad("DE", "1011"), .bad("DE", "00123"), .bad("DE", "D-10115"),
    .bad("ES", "53001"), .bad("ES", "00123"), .bad("ES", "2801"),
    .bad("IT", "0018"), .bad("IT", "I-00184"),
    .bad("MX", "6600"),
    .bad("PT", "1000"), .bad("PT", "0100-001"), .bad("PT", "1000-01"),
    .bad("NL", "1012 SA"), .bad("NL", "1012 SD"), .bad("NL", "1012 SS"), .bad("NL", "0123 AB"), .bad("NL", "1012"),
    .bad("BR", "1310-100"), .bad("BR", "01310-10"),
    .bad("JP", "100-001"), .bad("JP", "1000-001"),
    .bad("AU", "200"), .bad("AU", "20000"),
    .bad("BE", "0100"), .bad("CH", "800"), .bad("NO", "01500"), .bad("AT", "A-1010"),
    .bad("SE", "01455"), .bad("SE", "1145"),
    .bad("PL", "00-95"), .bad("PL", "009500"),
    .bad("IN", "N/A"), .bad("IN", "-"), .bad("IN", "1234567890123"), .bad("IN", "0000"),
]

@Test(arguments: validCodes)
func validPostalCodeIsAccepted(_ c: PostalCodeCase) {
    let a = address(c.country, c.code)
    #expect(a.completenessProblem() == nil)
    #expect(a.normalized().postalCode == c.canonical)
    #expect(PostalAddress.formatPostalCode(c.code, country: c.country) == c.canonical)
}

@Test(arguments: invalidCodes)
func invalidPostalCodeIsRejected(_ c: PostalCodeCase) {
    let problem = address(c.country, c.code).completenessProblem()
    #expect(problem?.field == "postal_code")
    #expect(problem?.message.contains(c.country) == true)
}

@Test func postalCodeMessageNamesValueCountryAndFormat() {
    let problem = address("FR", "7501").completenessProblem()
    #expect(problem == AddressProblem(field: "postal_code", message: "\"7501\" is not a postal code of FR (5 digits)"))
    #expect(problem?.description == "postal_code: \"7501\" is not a postal code of FR (5 digits)")
}

@Test func invalidCodeIsNotRewritten() {
    // A code that does not match is cleaned but not reformatted.
    #expect(address("FR", " 7501 ").normalized().postalCode == "7501")
    #expect(address("GB", "sw1a  1caa").normalized().postalCode == "SW1A 1CAA")
}

@Test func placeholderZerosAreRejected() {
    #expect(address("US", "00000").completenessProblem()?.message == "\"00000\" is a placeholder, not a postal code of US")
    #expect(address("IN", "000000").completenessProblem()?.field == "postal_code")
    // ...but tolerated where the country has no postal codes at all.
    #expect(address("AE", "00000").completenessProblem() == nil)
}

// MARK: - Missing postal codes

@Test(arguments: ["US", "GB", "FR", "DE", "JP", "IN", "AR", "ZA"])
func missingPostalCodeIsAProblem(_ country: String) {
    for code in [nil, "", "   "] as [String?] {
        #expect(address(country, code).completenessProblem() == AddressProblem(field: "postal_code", message: "missing"))
    }
}

@Test(arguments: ["AE", "HK", "QA", "IE", "ae", "hk"])
func missingPostalCodeIsFineWhereNotUsed(_ country: String) {
    #expect(address(country, nil).completenessProblem() == nil)
    #expect(address(country, " ").completenessProblem() == nil)
}

@Test func eircodeIsOptionalButMustBeValidWhenPresent() {
    #expect(address("IE", nil).completenessProblem() == nil)
    #expect(address("IE", "D02 X285").completenessProblem() == nil)
    #expect(address("IE", "Dublin 2").completenessProblem()?.field == "postal_code")
}

@Test func codeWhereNoneIsUsedMustStillLookLikeOne() {
    #expect(address("HK", "999077").completenessProblem() == nil)
    let problem = address("HK", "Kowloon/Central").completenessProblem()
    #expect(problem?.field == "postal_code")
    #expect(problem?.message.contains("does not use postal codes") == true)
}

// MARK: - Country

@Test(arguments: ["fr", " FR ", "Fr", "gb", "us"])
func countryIsCaseInsensitive(_ country: String) throws {
    let code = ["FR": "75001", "GB": "SW1A 1AA", "US": "10001"]
    let upper = country.trimmingCharacters(in: .whitespaces).uppercased()
    let a = address(country, code[upper])
    #expect(a.completenessProblem() == nil)
    #expect(a.normalized().country == upper)
}

@Test(arguments: ["XX", "France", "F", "FRA", "UN", "EU", "XK", "1A"])
func invalidCountryIsRejected(_ country: String) {
    let problem = address(country, "75001").completenessProblem()
    #expect(problem?.field == "country")
    #expect(problem?.message.contains("ISO 3166-1") == true)
}

@Test func commonWrongCountryCodesGetAHint() {
    #expect(address("UK", "SW1A 1AA").completenessProblem()?.message
        == "\"UK\" is not an ISO 3166-1 alpha-2 country code (did you mean GB?)")
    #expect(address("EL", "105 57").completenessProblem()?.message.contains("did you mean GR?") == true)
    // The hint is not applied silently.
    #expect(address("UK", "SW1A 1AA").normalized().country == "UK")
}

@Test func missingCountry() {
    #expect(address(nil, "75001").completenessProblem() == AddressProblem(field: "country", message: "missing"))
    #expect(address("  ", "75001").completenessProblem() == AddressProblem(field: "country", message: "missing"))
}

@Test func defaultCountryFillsMissingCountry() {
    let a = address(nil, "sw1a1aa")
    #expect(a.completenessProblem(defaultCountry: "gb") == nil)
    #expect(a.normalized(defaultCountry: "gb").country == "GB")
    #expect(a.normalized(defaultCountry: "gb").postalCode == "SW1A 1AA")
    // A blank country also falls back.
    #expect(address(" ", "75001").completenessProblem(defaultCountry: "FR") == nil)
    // An explicit country wins over the default: 75001 is not a UK postcode.
    #expect(address("GB", "75001").completenessProblem(defaultCountry: "FR")?.field == "postal_code")
    #expect(address("FR", "75001").completenessProblem(defaultCountry: "GB") == nil)
    // An invalid default is reported as a country problem.
    #expect(address(nil, "75001").completenessProblem(defaultCountry: "XX")?.field == "country")
}

@Test func allOfficialISOCodesAndOnlyThose() {
    #expect(PostalAddress.isoAlpha2.count == 249)
    #expect(PostalAddress.isISOCountryCode("SS"))  // South Sudan, 2011
    #expect(PostalAddress.isISOCountryCode("BQ"))
    #expect(!PostalAddress.isISOCountryCode("AN"))  // Netherlands Antilles, withdrawn 2010
    #expect(!PostalAddress.isISOCountryCode("fr"))  // callers upper-case first
}

@Test func everyFormatCountryIsAValidISOCode() {
    for country in PostalAddress.postalFormats.keys {
        #expect(PostalAddress.isISOCountryCode(country), "\(country)")
    }
    for country in PostalAddress.countriesWithoutPostalCodes.union(PostalAddress.countriesWithOptionalPostalCodes) {
        #expect(PostalAddress.isISOCountryCode(country), "\(country)")
        #expect(country == "IE" || PostalAddress.postalFormats[country] == nil, "\(country)")
    }
}

// MARK: - Name, street lines, city, region

@Test(arguments: [nil, "", "   ", "\t\n"] as [String?])
func nameIsRequired(_ name: String?) {
    var a = address("FR", "75001")
    a.name = name
    #expect(a.completenessProblem() == AddressProblem(field: "name", message: "missing"))
}

@Test(arguments: [[], [""], ["", "  "], ["\n"]] as [[String]])
func aStreetLineIsRequired(_ lines: [String]) {
    var a = address("FR", "75001")
    a.lines = lines
    #expect(a.completenessProblem() == AddressProblem(field: "address_line", message: "missing"))
}

@Test(arguments: [nil, "", "  "] as [String?])
func cityIsRequired(_ city: String?) {
    var a = address("FR", "75001")
    a.city = city
    #expect(a.completenessProblem() == AddressProblem(field: "city", message: "missing"))
}

@Test func regionOnlyRequiredOnRequest() {
    var a = address("US", "10001")
    #expect(a.completenessProblem() == nil)
    #expect(a.completenessProblem(requireRegion: true) == AddressProblem(field: "region", message: "missing"))
    a.region = "NY"
    #expect(a.completenessProblem(requireRegion: true) == nil)
}

@Test func blankLinesAreSkippedAndNumberedByPosition() {
    var a = address("FR", "75001")
    a.lines = ["", String(repeating: "x", count: 61)]
    let problem = a.completenessProblem()
    #expect(problem == AddressProblem(field: "address_line", message: "line 2 longer than 60 characters (61)"))
}

@Test func lengthLimit() {
    var a = address("FR", "75001")
    a.lines = [String(repeating: "x", count: 60)]
    #expect(a.completenessProblem() == nil)
    // Measured after whitespace collapsing: padding does not count.
    a.lines = ["   " + String(repeating: "x", count: 60) + "   "]
    #expect(a.completenessProblem() == nil)
    // Characters, not bytes or scalars: "é" written as e + combining accent is one.
    a.lines = [String(repeating: "e\u{301}", count: 60)]
    #expect(a.completenessProblem() == nil)

    a.name = String(repeating: "n", count: 61)
    #expect(a.completenessProblem() == AddressProblem(field: "name", message: "longer than 60 characters (61)"))
    a.name = "Ada Lovelace"
    a.city = String(repeating: "c", count: 70)
    #expect(a.completenessProblem()?.field == "city")
    a.city = "Paris"
    a.region = String(repeating: "r", count: 61)
    #expect(a.completenessProblem()?.field == "region")  // an optional region still has to fit
}

@Test func lengthLimitIsAParameter() {
    var a = address("FR", "75001")
    a.lines = ["36 rue de la République, Bâtiment B"]  // 35 characters
    #expect(a.completenessProblem(maxLineLength: 35) == nil)
    #expect(a.completenessProblem(maxLineLength: 34)?.message == "line 1 longer than 34 characters (35)")
}

struct ControlCase: Sendable, CustomTestStringConvertible {
    let field: String
    let apply: @Sendable (inout PostalAddress) -> Void
    var testDescription: String { field }
}

let controlCases: [ControlCase] = [
    ControlCase(field: "name") { $0.name = "Ada\u{0}Lovelace" },
    ControlCase(field: "address_line") { $0.lines = ["12 Example\u{1B}[31m Street"] },
    ControlCase(field: "city") { $0.city = "Paris\u{7F}" },
    ControlCase(field: "region") { $0.region = "\u{85}Île\u{9B}" },
    ControlCase(field: "postal_code") { $0.postalCode = "75\u{7}001" },
    ControlCase(field: "country") { $0.country = "F\u{0}R" },
]

@Test(arguments: controlCases)
func controlCharactersAreRejected(_ c: ControlCase) {
    var a = address("FR", "75001")
    c.apply(&a)
    let problem = a.completenessProblem()
    #expect(problem?.field == c.field)
    #expect(problem?.message.contains("control character U+") == true)
}

@Test func whitespaceControlsAreCollapsedNotRejected() {
    // Pasted multi-line data and tabs from spreadsheets: keep the mail.
    let a = PostalAddress(
        name: "  Ada\tLovelace ",
        lines: ["Flat 2\r\n10  Downing\u{00A0}Street", "", "  "],
        postalCode: " sw1a\t2aa ",
        city: "London\n",
        region: "\u{2028}",
        country: "gb "
    )
    #expect(a.completenessProblem() == nil)
    #expect(a.normalized() == PostalAddress(
        name: "Ada Lovelace",
        lines: ["Flat 2 10 Downing Street"],
        postalCode: "SW1A 2AA",
        city: "London",
        region: nil,
        country: "GB"
    ))
}

@Test func problemsComeInEnvelopeOrder() {
    let empty = PostalAddress()
    #expect(empty.completenessProblem()?.field == "name")
    #expect(empty.completenessProblems(requireRegion: true).map(\.field)
        == ["name", "address_line", "city", "region", "country"])
    // The postal code is checked once the country is known.
    #expect(PostalAddress().completenessProblems(defaultCountry: "US").map(\.field)
        == ["name", "address_line", "city", "postal_code"])
}

// MARK: - Normalisation

@Test(arguments: [
    ("GB", "sw1a1aa", "SW1A 1AA"),
    ("CA", "k1a0b1", "K1A 0B1"),
    ("NL", "1234ab", "1234 AB"),
    ("US", "12345-6789", "12345-6789"),
    ("BR", "01310100", "01310-100"),
    ("JP", "1000001", "100-0001"),
    ("PT", "1000001", "1000-001"),
])
func normalisationExamples(_ country: String, _ input: String, _ expected: String) {
    #expect(address(country, input).normalized().postalCode == expected)
}

@Test func normalisationIsIdempotent() {
    for c in validCodes + invalidCodes {
        let once = address(c.country.lowercased(), "  \(c.code) ").normalized()
        #expect(once.normalized() == once, "\(c.testDescription)")
        #expect(once.completenessProblem() == address(c.country, c.code).completenessProblem(), "\(c.testDescription)")
    }
}

@Test func normalisationKeepsCaseOfFreeText() {
    let a = PostalAddress(name: "  JEAN dupont ", lines: ["  5 rue  de Rivoli "], postalCode: "75001", city: " paris ", region: " Île-de-France ", country: "fr")
    let n = a.normalized()
    #expect(n.name == "JEAN dupont")
    #expect(n.lines == ["5 rue de Rivoli"])
    #expect(n.city == "paris")
    #expect(n.region == "Île-de-France")
    #expect(n.country == "FR")
}

@Test func realShapedAddresses() {
    let good: [PostalAddress] = [
        PostalAddress(name: "The White House", lines: ["1600 Pennsylvania Avenue NW"], postalCode: "20500-0005", city: "Washington", region: "DC", country: "US"),
        PostalAddress(name: "Buckingham Palace", lines: ["London"], postalCode: "SW1A 1AA", city: "London", country: "GB"),
        PostalAddress(name: "Jean Dupont", lines: ["55 rue du Faubourg Saint-Honoré"], postalCode: "75008", city: "Paris", country: "FR"),
        PostalAddress(name: "Max Mustermann", lines: ["Unter den Linden 77"], postalCode: "10117", city: "Berlin", country: "DE"),
        PostalAddress(name: "Seán Ó Briain", lines: ["Apartment 4", "25 Harcourt Street"], postalCode: "D02 X285", city: "Dublin 2", country: "IE"),
        PostalAddress(name: "Seán Ó Briain", lines: ["Main Street"], postalCode: nil, city: "Dingle", region: "Co. Kerry", country: "IE"),
        PostalAddress(name: "山田 太郎", lines: ["千代田区千代田1-1"], postalCode: "１００－０００１", city: "東京都", country: "JP"),
        PostalAddress(name: "João Silva", lines: ["Avenida Paulista, 1578"], postalCode: "01310-200", city: "São Paulo", region: "SP", country: "BR"),
        PostalAddress(name: "Anna Kowalska", lines: ["ul. Marszałkowska 1"], postalCode: "00-624", city: "Warszawa", country: "PL"),
        PostalAddress(name: "Ahmed Al Mansouri", lines: ["Villa 12, Street 5", "Al Wasl"], postalCode: nil, city: "Dubai", country: "AE"),
        PostalAddress(name: "Chan Tai Man", lines: ["Flat A, 12/F, 1 Queen's Road Central"], postalCode: nil, city: "Hong Kong", country: "HK"),
    ]
    for a in good {
        #expect(a.completenessProblem() == nil, "\(a)")
    }
}
