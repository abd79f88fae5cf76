import Testing
@testable import CrescendoSample

@Suite struct SampleModelTests {
    @Test func yamlDeclaresEveryEntityAndLink() {
        let yaml = SampleModel.yaml
        #expect(yaml.hasPrefix("# Crescendo sample"))
        #expect(yaml.contains("\nprofile: profile\n"))
        #expect(yaml.contains("\ntime_zone: UTC\n"))
        for entity in SampleDataset.entities {
            #expect(yaml.contains("\n  \(entity):\n"), "\(entity)")
        }
        for link in ["region: {to: region, by: region_id, reverse: hotels}",
                     "home_hotel: {to: hotel, by: home_hotel_id, reverse: home_guests}",
                     "customer: {to: profile, by: profile_id, reverse: reservations}",
                     "hotel: {to: hotel, by: hotel_id, reverse: reservations}",
                     "member: {to: profile, by: profile_id, reverse: loyalty}"] {
            #expect(yaml.contains(link), "\(link)")
        }
        #expect(!yaml.contains("\t"))
    }

    @Test func everyEntityIsVersionedAndKeyed() {
        // Split at the entity headers (exactly two spaces of indentation).
        var blocks: [String: String] = [:]
        var current: String?
        for line in SampleModel.yaml.split(separator: "\n") {
            if line.hasPrefix("  ") && !line.hasPrefix("   ") {
                current = String(line.dropFirst(2).dropLast())
            } else if let current, line.hasPrefix("    ") {
                blocks[current, default: ""] += line + "\n"
            }
        }
        #expect(blocks.keys.sorted() == SampleDataset.entities.sorted())
        for (entity, block) in blocks {
            #expect(block.contains("    key: id\n"), "\(entity)")
            #expect(block.contains("    version: updated_at\n"), "\(entity)")
            #expect(block.contains("      updated_at: timestamp\n"), "\(entity)")
        }
    }

    @Test func linkFieldsAndIndexesAreDeclaredFields() {
        let fields = ModelTestReader.fields(SampleModel.yaml)
        let names = fields.mapValues { Set($0.map(\.name)) }
        #expect(names["hotel"]!.contains("region_id"))
        #expect(names["profile"]!.isSuperset(of: ["home_hotel_id", "last_name", "first_name", "country", "tier"]))
        #expect(names["reservation"]!.isSuperset(of: ["profile_id", "hotel_id", "check_in"]))
        #expect(fields["profile"]!.first { $0.name == "tier" }?.values == ["basic", "silver", "gold"])
        #expect(fields["reservation"]!.first { $0.name == "currency" }?.values == SampleCatalog.currencies)
        let nullable = Set(fields["profile"]!.filter(\.nullable).map(\.name))
        #expect(nullable == ["email", "phone", "birth_date", "home_hotel_id", "address_line", "postal_code", "city", "push_token", "push_platform"])
    }
}
