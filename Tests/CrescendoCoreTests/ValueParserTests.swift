import CrescendoCore
import Foundation
import Testing

@Suite struct ValueParserTests {
    let parser = ValueParser(timeZone: TimeZone(identifier: "Europe/Lisbon")!)

    func field(_ type: FieldType, nullable: Bool = false, values: [String] = []) -> Field {
        Field(name: "f", type: type, values: values, nullable: nullable)
    }

    func reason(_ text: String?, _ type: FieldType, values: [String] = []) -> String? {
        if case .failure(let problem) = parser.parse(text, for: field(type, values: values)) { return problem.reason }
        return nil
    }

    @Test func datesAreRealCalendarDays() {
        #expect(parser.parse("2024-02-29", for: field(.date)) == .success(.text("2024-02-29")))
        #expect(reason("2026-02-29", .date) == "\"2026-02-29\" is not a date (expected YYYY-MM-DD)")
        #expect(reason("2026-13-01", .date) == "\"2026-13-01\" is not a date (expected YYYY-MM-DD)")
        #expect(reason("2026-1-01", .date) != nil)
    }

    @Test func timestampsWithZonesAndWithout() throws {
        let utc = try #require(parser.parseTimestamp("2026-11-30T08:15:00Z"))
        #expect(CivilTime.iso8601(micros: utc) == "2026-11-30T08:15:00.000000Z")
        #expect(parser.parseTimestamp("2026-11-30T09:15:00+01:00") == utc)
        #expect(parser.parseTimestamp("2026-11-30 03:15:00-0500") == utc)
        #expect(parser.parseTimestamp("2026-11-30T08:15:00.250Z") == utc + 250_000)
        // Without a zone: the workspace zone (Lisbon is UTC+1 in summer, UTC+0 in winter).
        #expect(parser.parseTimestamp("2026-11-30T08:15:00") == utc)
        let summer = try #require(parser.parseTimestamp("2026-07-01T12:00:00"))
        #expect(CivilTime.iso8601(micros: summer) == "2026-07-01T11:00:00.000000Z")
        #expect(reason("2026-11-30T25:00:00Z", .timestamp) != nil)
        #expect(reason("yesterday", .timestamp) == "\"yesterday\" is not a timestamp (expected ISO 8601, e.g. 2026-11-30T08:15:00Z)")
    }

    @Test func numbersBooleansEnums() {
        #expect(parser.parse("42", for: field(.integer)) == .success(.integer(42)))
        #expect(reason("4.2", .integer) == "\"4.2\" is not an integer")
        #expect(parser.parse("+12.50", for: field(.decimal)) == .success(.decimal("12.50")))
        #expect(reason("12,50", .decimal) != nil)
        #expect(parser.parse("Yes", for: field(.boolean)) == .success(.boolean(true)))
        #expect(parser.parse("0", for: field(.boolean)) == .success(.boolean(false)))
        #expect(reason("maybe", .boolean) != nil)
        #expect(parser.parse("GOLD", for: field(.enumeration, values: ["basic", "gold"])) == .success(.text("gold")))
        #expect(reason("platinum", .enumeration, values: ["basic", "gold"]) == "\"platinum\" is not one of basic, gold")
    }

    @Test func emailPhoneJSON() {
        #expect(parser.parse(" ana@example.com ", for: field(.email)) == .success(.text("ana@example.com")))
        #expect(reason("ana@example", .email) != nil)
        #expect(reason("a b@example.com", .email) != nil)
        #expect(parser.parse("+351 912-345-678", for: field(.phone)) == .success(.text("+351912345678")))
        #expect(reason("call me", .phone) != nil)
        #expect(parser.parse("{\"a\": [1, 2]}", for: field(.json)) == .success(.text("{\"a\": [1, 2]}")))
        #expect(reason("{a:1}", .json) != nil)
    }

    @Test func valuesNoEngineCanStoreAreRefused() {
        #expect(reason("a\u{0}b", .string) == "contains a NUL character (U+0000), which databases cannot store in text")
        #expect(reason("{\"a\": \"\\u0000\"}", .json) != nil)
        #expect(reason("0000-01-01", .date) != nil)
        #expect(reason("0001-01-01T00:30:00+01:00", .timestamp) != nil)
        #expect(reason("9999-12-31T23:00:00-18:00", .timestamp) != nil)
        #expect(reason("9999-12-31T23:59:59Z", .timestamp) == nil)
    }

    @Test func emptyIsNullWhereNullableAndAnErrorElsewhere() {
        #expect(parser.parse("", for: field(.integer, nullable: true)) == .success(.null))
        #expect(parser.parse(nil, for: field(.string, nullable: true)) == .success(.null))
        #expect(reason("", .string) == "is required (empty)")
    }

    @Test func civilDaysRoundTrip() {
        for days in stride(from: -800_000, through: 800_000, by: 997) {
            let (y, m, d) = CivilTime.civilFromDays(days)
            #expect(CivilTime.daysFromCivil(year: y, month: m, day: d) == days)
        }
        #expect(CivilTime.iso8601(micros: 0) == "1970-01-01T00:00:00.000000Z")
    }
}
