import Foundation
import Testing
import Yams

@testable import CrescendoCore

/// The `schedule:` section of a campaign file, read from YAML and JSON, checked against launch
/// instants worked out by hand (epoch seconds, with the wall time beside each).
@Suite struct ScheduleSpecTests {
    struct File: Codable { var schedule: ScheduleSpec }

    /// Reads the same schedule from YAML and JSON, checks that both agree and survive a JSON round trip.
    static func spec(yaml: String, json: String) throws -> ScheduleSpec {
        let fromYAML = try YAMLDecoder().decode(File.self, from: yaml).schedule
        let fromJSON = try JSONDecoder().decode(File.self, from: Data(json.utf8)).schedule
        #expect(fromYAML == fromJSON)
        let encoded = try JSONEncoder().encode(File(schedule: fromYAML))
        #expect(try JSONDecoder().decode(File.self, from: encoded).schedule == fromYAML)
        return fromYAML
    }

    static func launches(_ spec: ScheduleSpec, after: Int64, count: Int = 10) throws -> [Int64] {
        try #require(try spec.schedule()).launches(after: after, count: count)
    }

    /// The message of the error reading `schedule: <yaml>` and turning it into a schedule gives.
    static func problem(_ yaml: String) -> String {
        do {
            // From the composed node, as `CampaignLoader` reads it (decoding from a string, Yams wraps
            // errors that are not `DecodingError`s in one).
            let node = try #require(try Yams.compose(yaml: "schedule: " + yaml))
            _ = try YAMLDecoder().decode(File.self, from: node).schedule.schedule()
            return "no error"
        } catch let error as CrescendoError {
            return error.message
        } catch {
            return "not a CrescendoError: \(error)"
        }
    }

    @Test func onceAndAsSoonAsPossible() throws {
        let once = try Self.spec(
            yaml: "schedule:\n  time_zone: Europe/Lisbon\n  once: 2026-12-24 09:00\n",
            json: #"{"schedule": {"time_zone": "Europe/Lisbon", "once": "2026-12-24 09:00"}}"#)
        // 2026-11-30 00:00Z → 2026-12-24 09:00 WET (+00:00), then nothing.
        #expect(try Self.launches(once, after: 1_795_996_800) == [1_798_102_800])
        let asap = try Self.spec(yaml: "schedule:\n  time_zone: Europe/Lisbon\n", json: #"{"schedule": {"time_zone": "Europe/Lisbon"}}"#)
        #expect(try asap.schedule() == nil)
        #expect(asap.summary == "as soon as possible (manual start)")
    }

    @Test func dailyKeepsTheWallClockAcrossTheAutumnChange() throws {
        let spec = try Self.spec(
            yaml: """
                schedule:
                  time_zone: Europe/Lisbon
                  daily: { days: [mon, tue], at: ["09:00", "18:30"] }
                """,
            json: #"{"schedule": {"time_zone": "Europe/Lisbon", "daily": {"days": ["mon", "tue"], "at": ["09:00", "18:30"]}}}"#)
        // After Mon 2026-10-19 00:00Z; Lisbon leaves WEST (+01:00) for WET (+00:00) on Sun 2026-10-25.
        #expect(try Self.launches(spec, after: 1_792_368_000, count: 6) == [
            1_792_396_800,  // Mon 2026-10-19 09:00 WEST
            1_792_431_000,  // Mon 2026-10-19 18:30 WEST
            1_792_483_200,  // Tue 2026-10-20 09:00 WEST
            1_792_517_400,  // Tue 2026-10-20 18:30 WEST
            1_793_005_200,  // Mon 2026-10-26 09:00 WET
            1_793_039_400,  // Mon 2026-10-26 18:30 WET
        ])
        #expect(spec.summary == "daily at 09:00, 18:30 on Mon, Tue (Europe/Lisbon)")
    }

    @Test func intradayEveryAcrossTheSpringChangeAndChosenHours() throws {
        let every = try Self.spec(
            yaml: """
                schedule:
                  time_zone: America/New_York
                  intraday: { days: weekdays, every: 30m, from: "08:00", until: "20:00" }
                """,
            json: #"{"schedule": {"time_zone": "America/New_York", "intraday": {"days": "weekdays", "every": "30m", "from": "08:00", "until": "20:00"}}}"#)
        // After Sat 2026-03-07 00:00Z (Fri 19:00 EST); New York moves to EDT (-04:00) on Sun 2026-03-08.
        #expect(try Self.launches(every, after: 1_772_841_600, count: 3) == [
            1_772_843_400,  // Fri 2026-03-06 19:30 EST
            1_772_845_200,  // Fri 2026-03-06 20:00 EST
            1_773_057_600,  // Mon 2026-03-09 08:00 EDT
        ])
        #expect(every.summary == "every 30m from 08:00 to 20:00 on weekdays (America/New_York)")
        let hours = try Self.spec(
            yaml: "schedule:\n  intraday: { hours: [9, 12, 15], minute: 30, days: [sat] }\n",
            json: #"{"schedule": {"intraday": {"hours": [9, 12, 15], "minute": 30, "days": ["sat"]}}}"#)
        #expect(try hours.schedule()?.recurrence == .daily(days: [.saturday], times: [9, 12, 15].map { LocalTime(hour: $0, minute: 30) }))
        // After Sat 2026-11-28 10:00 UTC.
        #expect(try Self.launches(hours, after: 1_795_860_000, count: 3) == [
            1_795_869_000,  // Sat 2026-11-28 12:30
            1_795_879_800,  // Sat 2026-11-28 15:30
            1_796_463_000,  // Sat 2026-12-05 09:30
        ])
    }

    @Test func weeklyEveryTwoWeeksFromItsAnchor() throws {
        let anchored = try Self.spec(
            yaml: "schedule:\n  weekly: { every: 2, days: [mon, thu], at: [\"09:00\"], starting: 2026-12-07 }\n",
            json: #"{"schedule": {"weekly": {"every": 2, "days": ["mon", "thu"], "at": ["09:00"], "starting": "2026-12-07"}}}"#)
        // After Tue 2026-12-01 00:00 UTC: weeks of 7 and 21 December, not 14.
        #expect(try Self.launches(anchored, after: 1_796_083_200, count: 4) == [
            1_796_634_000,  // Mon 2026-12-07 09:00
            1_796_893_200,  // Thu 2026-12-10 09:00
            1_797_843_600,  // Mon 2026-12-21 09:00
            1_798_102_800,  // Thu 2026-12-24 09:00
        ])
        #expect(anchored.summary == "every 2 weeks on Mon, Thu at 09:00, starting the week of 2026-12-07 (UTC)")
        // Without `starting`, the week of valid_from (an instant with an offset) is the first.
        let fromValidity = try Self.spec(
            yaml: "schedule:\n  valid_from: 2026-12-14T09:00:00+00:00\n  weekly: { every: 2, days: [monday, thursday], at: \"09:00\" }\n",
            json: #"{"schedule": {"valid_from": "2026-12-14T09:00:00+00:00", "weekly": {"every": 2, "days": ["monday", "thursday"], "at": ["09:00"]}}}"#)
        #expect(try Self.launches(fromValidity, after: 1_796_083_200, count: 3) == [
            1_797_238_800,  // Mon 2026-12-14 09:00, exactly valid_from
            1_797_498_000,  // Thu 2026-12-17 09:00
            1_798_448_400,  // Mon 2026-12-28 09:00
        ])
    }

    @Test func monthlyLastDayOfALeapFebruaryAndNthWeekdays() throws {
        let spec = try Self.spec(
            yaml: "schedule:\n  monthly: { days: [15, last, \"2nd tue\", last fri], at: [\"09:00\"] }\n",
            json: #"{"schedule": {"monthly": {"days": [15, "last", "2nd tue", "last fri"], "at": ["09:00"]}}}"#)
        // After Tue 2028-02-01 10:00 UTC.
        #expect(try Self.launches(spec, after: 1_833_012_000, count: 5) == [
            1_833_613_200,  // Tue 2028-02-08 09:00, the 2nd Tuesday
            1_834_218_000,  // Tue 2028-02-15 09:00
            1_835_082_000,  // Fri 2028-02-25 09:00, the last Friday
            1_835_427_600,  // Tue 2028-02-29 09:00, the last day of a leap February
            1_836_637_200,  // Tue 2028-03-14 09:00, the 2nd Tuesday
        ])
        #expect(spec.summary == "monthly on the 15th, last day, 2nd Tue, last Fri at 09:00 (UTC)")
    }

    @Test func cronOnTheLocalClock() throws {
        let spec = try Self.spec(
            yaml: "schedule:\n  time_zone: Europe/Lisbon\n  cron: \"0 9 * * 1-5\"\n",
            json: #"{"schedule": {"time_zone": "Europe/Lisbon", "cron": "0 9 * * 1-5"}}"#)
        // After Fri 2026-03-27 00:00Z; Lisbon moves to WEST (+01:00) on Sun 2026-03-29.
        #expect(try Self.launches(spec, after: 1_774_569_600, count: 2) == [
            1_774_602_000,  // Fri 2026-03-27 09:00 WET
            1_774_857_600,  // Mon 2026-03-30 09:00 WEST
        ])
    }

    @Test func aBareValidUntilDateIncludesTheWholeDay() throws {
        let spec = try Self.spec(
            yaml: """
                schedule:
                  time_zone: Europe/Lisbon
                  valid_from: "2026-12-01 08:00"
                  valid_until: 2026-12-02
                  daily: { at: ["00:00", "23:59"] }
                """,
            json: #"{"schedule": {"time_zone": "Europe/Lisbon", "valid_from": "2026-12-01 08:00", "valid_until": "2026-12-02", "daily": {"at": ["00:00", "23:59"]}}}"#)
        let schedule = try #require(try spec.schedule())
        #expect(schedule.validFrom == 1_796_112_000)  // 2026-12-01 08:00 WET
        #expect(schedule.validUntil == 1_796_255_999)  // 2026-12-02 23:59:59 WET
        // After Mon 2026-11-30 00:00Z: 1 December 00:00 is before valid_from, 3 December after valid_until.
        #expect(schedule.launches(after: 1_795_996_800, count: 10) == [
            1_796_169_540,  // 2026-12-01 23:59
            1_796_169_600,  // 2026-12-02 00:00
            1_796_255_940,  // 2026-12-02 23:59
        ])
        #expect(spec.summary == "daily at 00:00, 23:59 (Europe/Lisbon), from 2026-12-01 08:00, until 2026-12-02")
    }

    @Test(arguments: [
        // Unknown keys and several recurrences, found while decoding.
        ("{time_zon: UTC}", #"schedule: unknown key "time_zon" — did you mean "time_zone"?"#),
        ("{daily: {dyas: [mon], at: ['09:00']}}", #"schedule.daily: unknown key "dyas" — did you mean "days"?"#),
        ("{weekly: {at: ['09:00'], strating: 2026-12-07}}", #"schedule.weekly: unknown key "strating" — did you mean "starting"?"#),
        ("{daily: {at: ['09:00']}, cron: '0 9 * * *'}", "schedule: give one of once, daily, intraday, weekly, monthly, cron, not several (found daily and cron)"),
        // Values, found by schedule().
        ("{time_zone: Europe/Lisbn, once: '2026-12-24 09:00'}", #"schedule.time_zone: unknown time zone "Europe/Lisbn" — did you mean "Europe/Lisbon"?"#),
        ("{daily: {at: ['09:00', '25:00']}}", #"schedule.daily.at[1]: "25:00" is not a time (HH:MM)"#),
        ("{daily: {at: []}}", "schedule.daily.at: needs at least one time"),
        ("{daily: {days: [mon, frday], at: ['09:00']}}", #"schedule.daily.days[1]: "frday" is not a day of the week (mon … sun, weekdays, weekend, everyday) — did you mean "friday"?"#),
        ("{intraday: {days: [wed], every: 1h, from: '8:00', until: '7:60'}}", #"schedule.intraday.until: "7:60" is not a time (HH:MM)"#),
        ("{intraday: {every: 1h, from: '20:00', until: '08:00'}}", #"schedule.intraday.until: "08:00" is before from "20:00""#),
        ("{intraday: {every: 0m}}", #"schedule.intraday.every: "0m" must be at least 1m"#),
        ("{intraday: {every: -5m}}", #"schedule.intraday.every: "-5m" must be at least 1m"#),
        ("{intraday: {every: 30s}}", #"schedule.intraday.every: "30s" is not a duration (Nm or Nh, e.g. 30m)"#),
        ("{intraday: {every: 30m, hours: [9]}}", "schedule.intraday: give either every (with from/until) or hours (with minute), not both"),
        ("{intraday: {hours: [9, 24]}}", "schedule.intraday.hours[1]: 24 is not an hour (0-23)"),
        ("{weekly: {every: 0, days: [mon], at: ['09:00']}}", "schedule.weekly.every: 0 must be at least 1"),
        ("{weekly: {days: [mon], at: ['09:00'], starting: 2026-02-30}}", #"schedule.weekly.starting: "2026-02-30" is not a date (YYYY-MM-DD)"#),
        ("{monthly: {days: [0], at: ['09:00']}}", "schedule.monthly.days[0]: 0 is not a day of the month"),
        ("{monthly: {days: [1, 32], at: ['09:00']}}", "schedule.monthly.days[1]: 32 is not a day of the month"),
        ("{monthly: {days: [last, '6th mon'], at: ['09:00']}}", #"schedule.monthly.days[1]: "6th mon" is not a day of the month"#),
        ("{monthly: {days: ['2nd tus'], at: ['09:00']}}", #"schedule.monthly.days[0]: "2nd tus" is not a day of the month"#),
        ("{valid_from: 2027-01-01, valid_until: 2026-12-31, daily: {at: ['09:00']}}", #"schedule.valid_until: "2026-12-31" is before valid_from "2027-01-01""#),
        ("{valid_from: tomorrow}", #"schedule.valid_from: "tomorrow" is not a date (YYYY-MM-DD)"#),
        ("{once: 2026-12-24}", #"schedule.once: "2026-12-24" is not a local date-time (YYYY-MM-DD HH:MM)"#),
        ("{once: '2026-12-24T09:00Z'}", #"schedule.once: "2026-12-24T09:00Z" has a UTC offset"#),
        ("{cron: '61 * * * *'}", #"schedule.cron: cron "61 * * * *": minute field "61": 61 is outside 0-59"#),
        ("{cron: '0 9 * *'}", #"schedule.cron: cron "0 9 * *": expected 5 fields"#),
    ])
    func problemsNameTheField(yaml: String, expected: String) {
        let message = Self.problem(yaml)
        #expect(message.hasPrefix(expected), "\(message)")
    }

    @Test func jsonProblemsReadTheSame() {
        #expect(throws: CrescendoError.self) {
            try JSONDecoder().decode(File.self, from: Data(#"{"schedule": {"daily": {"at": ["09:00"], "tme": 1}}}"#.utf8))
        }
        do {
            _ = try JSONDecoder().decode(File.self, from: Data(#"{"schedule": {"once": "x", "weekly": {"at": ["09:00"]}}}"#.utf8))
            Issue.record("decoded two recurrences")
        } catch {
            #expect((error as? CrescendoError)?.message.contains("found once and weekly") == true)
        }
        // Numbers where text is expected are kept as text for schedule() to judge.
        #expect(Self.problemJSON(#"{"intraday": {"every": 30}}"#) == #"schedule.intraday.every: "30" is not a duration (Nm or Nh, e.g. 30m)"#)
        #expect(Self.problemJSON(#"{"daily": {"at": [9]}}"#) == #"schedule.daily.at[0]: "9" is not a time (HH:MM)"#)
    }

    static func problemJSON(_ json: String) -> String {
        do {
            _ = try JSONDecoder().decode(ScheduleSpec.self, from: Data(json.utf8)).schedule()
            return "no error"
        } catch {
            return (error as? CrescendoError)?.message ?? "\(error)"
        }
    }

    @Test func roundTripsThroughJSONAsBuilt() throws {
        let specs = [
            ScheduleSpec(),
            ScheduleSpec(timeZone: "Europe/Lisbon", validFrom: "2026-12-01", validUntil: "2027-06-30", recurrence: .once("2026-12-24 09:00")),
            ScheduleSpec(recurrence: .daily(.init(days: ["weekend"], at: ["09:00"]))),
            ScheduleSpec(recurrence: .intraday(.init(days: ["mon"], every: "2h", from: "08:00", until: "20:00", hours: [9], minute: 5))),
            ScheduleSpec(recurrence: .weekly(.init(every: 3, days: nil, at: ["09:00"], starting: "2026-12-07"))),
            ScheduleSpec(recurrence: .monthly(.init(days: [1, "last", "15", "2nd tue"], at: []))),
            ScheduleSpec(timeZone: "UTC", recurrence: .cron("*/15 8-18 * * MON-FRI")),
        ]
        for spec in specs {
            #expect(try JSONDecoder().decode(ScheduleSpec.self, from: JSONEncoder().encode(spec)) == spec)
        }
        // A weekly schedule without days runs on the weekday of its anchor.
        #expect(try specs[4].schedule()?.recurrence == .weekly(interval: 3, days: [.monday], times: [LocalTime(hour: 9)], anchorDay: 20_794))
        #expect(specs[4].summary == "every 3 weeks on Mon at 09:00, starting the week of 2026-12-07 (UTC)")
    }
}
