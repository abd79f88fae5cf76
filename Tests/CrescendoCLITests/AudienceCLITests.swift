import Foundation
import Testing

/// `crescendo audience …` as scripts use it.
extension CLITests {
    static let hotelModel = """
        profile: guest
        entities:
          hotel:
            key: id
            version: v
            fields: {id: string, city: string, v: integer}
          guest:
            key: id
            version: v
            fields: {id: string, email: {type: email, nullable: true}, tier: {type: enum, values: [basic, gold]}, hotel_id: string, v: integer}
            links:
              hotel: {to: hotel, by: hotel_id, reverse: guests}
          stay:
            key: id
            version: v
            fields: {id: string, guest_id: string, nights: integer, v: integer}
            links:
              guest: {to: guest, by: guest_id, reverse: stays}
        """

    func prepareHotels() throws {
        try write("model.yaml", Self.hotelModel)
        try write("hotel.csv", "id,city,v\nH1,Lisbon,1\nH2,Porto,1\n")
        try write("guest.csv", "id,email,tier,hotel_id,v\nG1,a@x.pt,gold,H1,1\nG2,b@x.pt,basic,H1,1\nG3,,gold,H2,1\nG4,d@x.pt,gold,H1,1\n")
        try write("stay.csv", "id,guest_id,nights,v\nS1,G1,3,1\nS2,G1,2,1\nS3,G3,7,1\nS4,G4,1,1\n")
        #expect(try run("model", "apply", "model.yaml").status == 0)
        for entity in ["hotel", "guest", "stay"] { #expect(try run("ingest", entity, "\(entity).csv", "--no-progress").status == 0) }
    }

    @Test func audienceCountPreviewDistributionAndSQL() throws {
        try prepareHotels()
        var result = try run("audience", "count", "--on", "guest", "--where", "tier = 'gold' and hotel.city = 'Lisbon'", "--json")
        #expect(result.status == 0)
        #expect(try result.json()["count"] as? Int == 2)
        #expect(try run("audience", "count", "--on", "guest", "--where", "sum(stays.nights) >= 5").stdout == "2\n")
        #expect(try run("audience", "count", "--on", "stay", "--where", "nights > 1", "--to", "guest").stdout == "2\n")
        #expect(try run("audience", "count", "--on", "guest", "--where", "count(stays) >= $n", "--var", "n=2").stdout == "1\n")

        result = try run("audience", "preview", "--on", "guest", "--where", "tier = 'gold'", "--fields", "id,hotel.city,email", "--json")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(rows.map { $0["id"] as? String } == ["G1", "G3", "G4"])
        #expect(rows.map { $0["hotel.city"] as? String } == ["Lisbon", "Porto", "Lisbon"])
        #expect(rows[1]["email"] is NSNull)

        result = try run("audience", "distribution", "--on", "guest", "--field", "hotel.city", "--json")
        let distribution = try result.json()
        #expect(distribution["total"] as? Int == 4)
        let top = try #require(distribution["top"] as? [[String: Any]])
        #expect(top.first?["value"] as? String == "Lisbon")
        #expect(top.first?["count"] as? Int == 3)

        result = try run("audience", "sql", "--on", "guest", "--where", "email like '%@x.pt'", "--json")
        let sql = try result.json()
        #expect((sql["sql"] as? String)?.contains("GLOB ?") == true)
        #expect(sql["binds"] as? [String] == ["*@x.pt"])
    }

    @Test func audienceRuleErrorsSayWhereAndExitWith4() throws {
        try prepareHotels()
        var result = try run("audience", "count", "--on", "guest", "--where", "tier = 'gold' and hotel.citi = 'Lisbon'", "--json")
        #expect(result.status == 4)
        let error = try #require(try result.json()["error"] as? [String: Any])
        #expect(error["code"] as? String == "invalid_rule")
        #expect((error["message"] as? String)?.contains("line 1, column 25: unknown field \"citi\" on hotel — did you mean \"city\"?") == true)
        result = try run("audience", "count", "--on", "gest", "--where", "tier = 'gold'")
        #expect(result.status == 4)
        #expect(result.stderr.contains("did you mean \"guest\"?"))
        result = try run("audience", "count", "--on", "guest", "--where", "tier = 'gold' and")
        #expect(result.status == 4)
        #expect(result.stderr.contains("line 1, column 18"))
    }

    @Test func audienceParseRoundTripsTheJSONForm() throws {
        var result = try run("audience", "parse", "--where", "exists stays(nights > 2) and not tier in ('basic')", "--json")
        #expect(result.status == 0)
        let tree = try result.json()
        #expect(tree["type"] as? String == "and")
        try write("rule.json", result.stdout)
        result = try run("audience", "parse", "--where-json", "rule.json")
        #expect(result.stdout == "exists stays(nights > 2) and not tier in ('basic')\n")
        try write("bad.json", #"{"type":"and","conditions":[{"type":"compare","operator":"=="}]}"#)
        result = try run("audience", "parse", "--where-json", "bad.json")
        #expect(result.status == 4)
        #expect(result.stderr.contains("conditions[0]"))
    }

    @Test func audiencePortalSaveUploadListShowDelete() throws {
        try prepareHotels()
        var result = try run("audience", "save", "lisbon gold", "--on", "guest", "--where", "tier = 'gold' and hotel.city = 'Lisbon'", "--attributes", "email", "--json")
        #expect(result.status == 0)
        #expect(try result.json()["size"] as? Int == 2)
        result = try run("audience", "save", "gold live", "--dynamic", "--on", "guest", "--where", "tier = 'gold'", "--json")
        #expect(result.status == 0)
        #expect(try run("audience", "count", "--on", "stay", "--where", "guest in audience 'lisbon gold'").stdout == "3\n")

        try write("list.csv", "email\na@x.pt\nzz@x.pt\nnope\n")
        result = try run("audience", "upload", "fair", "--file", "list.csv", "--match", "email", "--json")
        #expect(result.status == 3)
        let upload = try #require(try result.json()["upload"] as? [String: Any])
        #expect(upload["matched_rows"] as? Int == 1)
        #expect(upload["unmatched_rows"] as? Int == 1)
        #expect(upload["invalid_rows"] as? Int == 1)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("list.unmatched.csv").path))

        result = try run("audience", "list", "--json")
        let list = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(list.map { $0["name"] as? String } == ["fair", "gold live", "lisbon gold"])
        #expect(list.map { $0["kind"] as? String } == ["upload", "dynamic", "snapshot"])

        result = try run("audience", "show", "gold live", "--json")
        #expect(try result.json()["current_size"] as? Int == 3)
        #expect(try run("audience", "count", "--audience", "lisbon gold").stdout == "2\n")
        #expect(try run("audience", "delete", "gold live").status == 0)
        result = try run("audience", "show", "gold live", "--json")
        #expect(result.status == 8)
        #expect(try run("audience", "delete", "gold live").status == 8)
    }
}
