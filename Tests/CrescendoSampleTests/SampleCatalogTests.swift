import Testing
@testable import CrescendoSample

@Suite struct SampleCatalogTests {
    @Test func slugsFoldNamesToASCII() {
        let cases = ["João": "joao", "Zoë": "zoe", "Müller": "muller", "O'Brien": "obrien", "Weiß": "weiss",
                     "Ó Súilleabháin": "osuilleabhain", "van 't Hof": "vanthof", "Satō": "sato", "Yılmaz": "yilmaz",
                     "García-López": "garcialopez", "Ní Bhriain": "nibhriain"]
        for (name, slug) in cases {
            #expect(SampleText.asciiSlug(name) == slug, "\(name)")
        }
    }

    @Test func everyNameHasAUsableSlug() {
        let tables = SampleTables.shared
        for name in tables.names {
            let slug = tables.string(name.slug)
            #expect(!slug.isEmpty && slug.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) },
                    "\(tables.string(name.display)) -> \(slug)")
        }
    }

    @Test func namesIncludeAccentedUTF8() {
        let all = Set(SampleTables.shared.names.map { SampleTables.shared.string($0.display) })
        #expect(all.isSuperset(of: ["João", "Zoë", "Müller", "Gonçalves", "Lefèvre", "Satō"]))
    }

    @Test func catalogIsWellFormed() {
        #expect(Set(SampleCatalog.hotelCities.map(\.name)).count == SampleCatalog.hotelCities.count)
        #expect(Set(SampleCatalog.hotelCities.map(\.region)).isSubset(of: Set(SampleCatalog.regions.map(\.id))))
        for country in SampleCatalog.countries {
            #expect(!country.cities.isEmpty && !country.phones.isEmpty && !country.streets.isEmpty, "\(country.code)")
            #expect(country.addresses.allSatisfy { $0.template.contains("$") }, "\(country.code)")
            #expect(country.phones.allSatisfy { $0.hasPrefix("+") }, "\(country.code)")
        }
        #expect(SampleCatalog.currencies.count == SampleCatalog.eurRates.count)
        for (index, code) in SampleCatalog.currencies.enumerated() {
            #expect(SampleCatalog.currencyCode(index).description == code)
        }
    }
}
