import Foundation
import Testing

/// Direct mail as operators run it: a campaign's letters go through the same policies as every
/// channel, and each execution's activity becomes one CSV extract for the print vendor, read
/// back here by Python's `csv` module.
@Suite(.serialized) struct DirectMailCLITests {
    typealias Site = CampaignCLITests.Site
    typealias Engine = CampaignCLITests.Engine

    static let messaging = """
        providers:
          letters: {type: extract-folder, path: extracts}
        rule_sets:
          default:
            consent: {default: opt_in, direct-mail: opt_out}
        """

    static let campaign = """
        name: letters
        activities:
          start: {type: start}
          audience: {type: build-audience, entity: profile, rule: "tier = 'gold' or tier = 'silver'"}
          letter:
            type: direct-mail
            fields: [tier]
            content:
              greeting: "Dear {{profile.first_name}},"
              offer: "Your {{tier}} rate, \\"members only\\", until {{variables.until}}"
          done: {type: end}
        variables:
          until: {type: string, default: "31 January"}
        transitions: [start -> audience, audience -> letter, letter -> done]
        """

    /// Rows of a CSV file as Python's csv module reads them (RFC 4180, UTF-8).
    static func pythonCSV(_ path: String) throws -> [[String: String]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import csv, json, sys; print(json.dumps(list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))))", path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try JSONSerialization.jsonObject(with: data) as? [[String: String]] ?? []
    }

    @Test(arguments: Engine.available)
    func lettersBecomeOneExtractPerActivityWithIncompleteAddressesExcluded(_ engine: Engine) async throws {
        let site = try await Site.demo(engine, profiles: 200)
        let config = try site.write("messaging.yaml", Self.messaging)
        let file = try site.write("letters.yaml", Self.campaign)
        for arguments in [["campaign", "create", file], ["campaign", "publish", "letters"], ["campaign", "start", "letters"]] {
            let result = try await site.run(arguments + ["--json"])
            try #require(result.status == 0, "\(arguments): \(result.stdout) \(result.stderr)")
        }
        var result = try await site.run(["worker", "--once", "--messaging", config, "--json"])
        #expect(result.status == 0, "\(result.stderr)")

        // What the data says, worked out here: no street line is no address; a letter needs a
        // city, and a postal code except in the UAE, which has none.
        let people = try await site.run(["audience", "preview", "--on", "profile", "--where", "tier = 'gold' or tier = 'silver'",
                                         "--fields", "id,first_name,last_name,address_line,postal_code,city,country", "--limit", "10000", "--json"]).list()
        func text(_ row: [String: Any], _ key: String) -> String { (row[key] as? String ?? "").trimmingCharacters(in: .whitespaces) }
        let noAddress = people.filter { text($0, "address_line").isEmpty }
        let missingParts = people.filter { !text($0, "address_line").isEmpty && (text($0, "city").isEmpty || (text($0, "postal_code").isEmpty && text($0, "country") != "AE")) }
        try #require(!noAddress.isEmpty && !missingParts.isEmpty, "the sample should have both kinds of gaps")

        let report = try await site.run(["campaign", "report", "letters", "--json"]).json()
        let row = try #require((report["rows"] as? [[String: Any]])?.first)
        let excluded = row["excluded"] as? [String: Int] ?? [:]
        #expect(excluded["no_address"] == noAddress.count)
        #expect((excluded["incomplete_address"] ?? 0) >= missingParts.count)
        let path = try #require(row["extract"] as? String)
        let letters = try Self.pythonCSV(path)
        #expect(row["extract_rows"] as? Int == letters.count)
        #expect(row["sent"] as? Int == letters.count)
        #expect(letters.count + (excluded["no_address"] ?? 0) + (excluded["incomplete_address"] ?? 0) == people.count)

        // Every letter has what the vendor needs, personalized from the profile as it is.
        let byID = Dictionary(uniqueKeysWithValues: people.map { (text($0, "id"), $0) })
        let lines = try String(contentsOfFile: path, encoding: .utf8)
        #expect(lines.hasPrefix("message_id,name,address_line_1,postal_code,city,country,tier,greeting,offer\r\n"))
        for letter in letters {
            let id = String(letter["message_id"]?.split(separator: "-").last ?? "")
            let person = try #require(byID[id], "\(letter)")
            #expect(letter["name"] == "\(text(person, "first_name")) \(text(person, "last_name"))")
            #expect(letter["greeting"] == "Dear \(text(person, "first_name")),")
            #expect(letter["offer"] == "Your \(letter["tier"] ?? "") rate, \"members only\", until 31 January")
            #expect(!(letter["address_line_1"] ?? "").isEmpty && !(letter["city"] ?? "").isEmpty && !(letter["country"] ?? "").isEmpty)
            #expect(!missingParts.contains { text($0, "id") == id })
        }
        // The file was written whole: no temporary file is left beside it.
        let folder = (path as NSString).deletingLastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".tmp") }.isEmpty)

        // Running the worker again writes nothing new; a second execution gets its own extract.
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        result = try await site.run(["worker", "--once", "--messaging", config, "--json"])
        #expect(result.status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        result = try await site.run(["campaign", "start", "letters", "--json"])
        #expect(result.status == 0)
        result = try await site.run(["worker", "--once", "--messaging", config, "--json"])
        #expect(result.status == 0)
        let rows = try await site.run(["campaign", "report", "letters", "--json"]).json()["rows"] as? [[String: Any]] ?? []
        #expect(Set(rows.compactMap { $0["extract"] as? String }).count == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".csv") }.count == 2)
        try await site.remove()
    }

    @Test func aDirectMailActivityNamesPostalFieldsTheProfileHas() async throws {
        let site = try await Site.demo(.sqlite, profiles: 20)
        let file = try site.write("bad.yaml", Self.campaign.replacingOccurrences(of: "fields: [tier]", with: "fields: [tier]\n    postal: {lines: [street_line]}"))
        let result = try await site.run(["campaign", "validate", file, "--json"])
        #expect(result.status != 0)
        let problems = try result.json()["problems"] as? [[String: Any]] ?? []
        #expect(problems.count == 1)
        #expect(problems.first?["activity"] as? String == "letter")
        #expect((problems.first?["message"] as? String)?.contains("no field \"street_line\" on profile") == true, "\(result.stdout)")
        try await site.remove()
    }
}
