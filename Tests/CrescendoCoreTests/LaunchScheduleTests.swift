import Foundation
import Testing

@testable import CrescendoCore

/// Launch times across daylight-saving changes, month ends, weekdays and cron, checked against
/// instants worked out by hand from the zones' published rules.
@Suite struct LaunchScheduleTests {
    static func at(_ text: String) -> Int64 { ValueParser.utc.parseTimestamp(text)! / 1_000_000 }
    static func text(_ instant: Int64) -> String { String(CivilTime.iso8601(micros: instant * 1_000_000).prefix(16)) + "Z" }
    static func day(_ text: String) -> Int { ValueParser.parseDate(text.utf8)! }
    static func zone(_ name: String) -> TimeZone { TimeZone(identifier: name)! }

    static func launches(_ schedule: LaunchSchedule, after: String, count: Int) -> [String] {
        schedule.launches(after: at(after), count: count).map(text)
    }

    @Test func dailyKeepsTheWallClockAcrossSpringForward() {
        let lisbon = LaunchSchedule(.daily(days: [], times: [LocalTime(hour: 9)]), timeZone: Self.zone("Europe/Lisbon"))
        #expect(Self.launches(lisbon, after: "2026-03-27T12:00:00Z", count: 3) == ["2026-03-28T09:00Z", "2026-03-29T08:00Z", "2026-03-30T08:00Z"])
    }

    @Test func aTimeInTheSpringGapRunsAfterTheChangeAndATimeInTheOverlapRunsOnce() {
        // Lisbon: 2026-03-29 01:00 WET jumps to 02:00 WEST; 2026-10-25 02:00 WEST falls back to 01:00 WET.
        let gap = LaunchSchedule(.daily(days: [], times: [LocalTime(hour: 1, minute: 30)]), timeZone: Self.zone("Europe/Lisbon"))
        #expect(Self.launches(gap, after: "2026-03-27T12:00:00Z", count: 3) == ["2026-03-28T01:30Z", "2026-03-29T01:30Z", "2026-03-30T00:30Z"])
        #expect(Self.launches(gap, after: "2026-10-23T12:00:00Z", count: 3) == ["2026-10-24T00:30Z", "2026-10-25T00:30Z", "2026-10-26T01:30Z"])
        // New York: 2026-03-08 02:00 EST jumps to 03:00 EDT; 02:30 runs at 03:30 EDT.
        let newYork = LaunchSchedule(.daily(days: [], times: [LocalTime(hour: 2, minute: 30)]), timeZone: Self.zone("America/New_York"))
        #expect(Self.launches(newYork, after: "2026-03-07T00:00:00Z", count: 3) == ["2026-03-07T07:30Z", "2026-03-08T07:30Z", "2026-03-09T06:30Z"])
        // Auckland (southern hemisphere): 2026-04-05 03:00 NZDT falls back to 02:00 NZST, so 02:30 that
        // day happens twice and runs at the first (13:30Z on the 4th); the next day is NZST (+12).
        let auckland = LaunchSchedule(.daily(days: [], times: [LocalTime(hour: 2, minute: 30)]), timeZone: Self.zone("Pacific/Auckland"))
        #expect(Self.launches(auckland, after: "2026-04-03T00:00:00Z", count: 3) == ["2026-04-03T13:30Z", "2026-04-04T13:30Z", "2026-04-05T14:30Z"])
    }

    @Test func weekdaysAndSeveralTimesADay() {
        let weekdays = LaunchSchedule(.daily(days: Weekday.weekdays, times: [LocalTime(hour: 18), LocalTime(hour: 8)]), timeZone: Self.zone("UTC"))
        // 2026-11-27 is a Friday.
        #expect(Self.launches(weekdays, after: "2026-11-27T09:00:00Z", count: 3) == ["2026-11-27T18:00Z", "2026-11-30T08:00Z", "2026-11-30T18:00Z"])
        let intraday = LaunchSchedule(
            .intraday(days: [], everyMinutes: 90, from: LocalTime(hour: 8), until: LocalTime(hour: 20)), timeZone: Self.zone("UTC"))
        let day = Self.launches(intraday, after: "2026-11-30T00:00:00Z", count: 10)
        #expect(day.prefix(9) == ["2026-11-30T08:00Z", "2026-11-30T09:30Z", "2026-11-30T11:00Z", "2026-11-30T12:30Z", "2026-11-30T14:00Z",
                                  "2026-11-30T15:30Z", "2026-11-30T17:00Z", "2026-11-30T18:30Z", "2026-11-30T20:00Z"])
        #expect(day.last == "2026-12-01T08:00Z")
    }

    @Test func everyOtherWeekFromItsAnchor() {
        // Anchored on the week of Monday 2026-01-05: Tuesdays and Thursdays of weeks 0, 2, 4…
        let schedule = LaunchSchedule(
            .weekly(interval: 2, days: [.tuesday, .thursday], times: [LocalTime(hour: 10)], anchorDay: Self.day("2026-01-07")), timeZone: Self.zone("UTC"))
        #expect(Self.launches(schedule, after: "2026-01-01T00:00:00Z", count: 5) == [
            "2026-01-06T10:00Z", "2026-01-08T10:00Z", "2026-01-20T10:00Z", "2026-01-22T10:00Z", "2026-02-03T10:00Z",
        ])
    }

    @Test func monthEndsLeapYearsAndNthWeekdays() {
        let utc = Self.zone("UTC")
        let thirtyFirst = LaunchSchedule(.monthly(days: [.day(31)], times: [LocalTime(hour: 6)]), timeZone: utc)
        #expect(Self.launches(thirtyFirst, after: "2026-01-01T00:00:00Z", count: 3) == ["2026-01-31T06:00Z", "2026-03-31T06:00Z", "2026-05-31T06:00Z"])
        let last = LaunchSchedule(.monthly(days: [.last], times: [LocalTime(hour: 6)]), timeZone: utc)
        #expect(Self.launches(last, after: "2026-01-31T07:00:00Z", count: 2) == ["2026-02-28T06:00Z", "2026-03-31T06:00Z"])
        #expect(Self.launches(last, after: "2028-02-01T00:00:00Z", count: 1) == ["2028-02-29T06:00Z"])
        let secondTuesday = LaunchSchedule(.monthly(days: [.nth(2, .tuesday)], times: [LocalTime(hour: 9)]), timeZone: utc)
        #expect(Self.launches(secondTuesday, after: "2026-11-30T00:00:00Z", count: 2) == ["2026-12-08T09:00Z", "2027-01-12T09:00Z"])
        // A fifth Friday exists only in some months: 2026-01-30, then 2026-05-29.
        let fifthFriday = LaunchSchedule(.monthly(days: [.nth(5, .friday)], times: [LocalTime(hour: 9)]), timeZone: utc)
        #expect(Self.launches(fifthFriday, after: "2026-01-01T00:00:00Z", count: 2) == ["2026-01-30T09:00Z", "2026-05-29T09:00Z"])
        let lastSunday = LaunchSchedule(.monthly(days: [.lastWeekday(.sunday)], times: [LocalTime(hour: 9)]), timeZone: utc)
        #expect(Self.launches(lastSunday, after: "2026-03-01T00:00:00Z", count: 2) == ["2026-03-29T09:00Z", "2026-04-26T09:00Z"])
    }

    @Test func cronExpressions() throws {
        let utc = Self.zone("UTC")
        let workdays = LaunchSchedule(.cron(try CronExpression("0 9 * * MON-FRI")), timeZone: utc)
        #expect(Self.launches(workdays, after: "2026-11-27T10:00:00Z", count: 2) == ["2026-11-30T09:00Z", "2026-12-01T09:00Z"])
        let quarterHours = LaunchSchedule(.cron(try CronExpression("*/15 8-9 * * *")), timeZone: utc)
        #expect(Self.launches(quarterHours, after: "2026-11-30T00:00:00Z", count: 9).last == "2026-12-01T08:00Z")
        let twiceMonthly = LaunchSchedule(.cron(try CronExpression("0 0 1,15 * *")), timeZone: utc)
        #expect(Self.launches(twiceMonthly, after: "2026-11-30T00:00:00Z", count: 3) == ["2026-12-01T00:00Z", "2026-12-15T00:00Z", "2027-01-01T00:00Z"])
        // Both day fields restricted: the 13th or any Friday.
        let either = LaunchSchedule(.cron(try CronExpression("0 12 13 * fri")), timeZone: utc)
        #expect(Self.launches(either, after: "2026-11-09T00:00:00Z", count: 3) == ["2026-11-13T12:00Z", "2026-11-20T12:00Z", "2026-11-27T12:00Z"])
        let sunday = LaunchSchedule(.cron(try CronExpression("30 1 * Mar 0")), timeZone: Self.zone("Europe/Lisbon"))
        // 2026-03-29 01:30 falls in the Lisbon gap and runs at 02:30 WEST.
        #expect(Self.launches(sunday, after: "2026-03-20T00:00:00Z", count: 2) == ["2026-03-22T01:30Z", "2026-03-29T01:30Z"])
    }

    @Test(arguments: [
        ("61 * * * *", "minute field \"61\": 61 is outside 0-59"),
        ("* * *", "expected 5 fields"),
        ("0 0 * * FUNDAY", "\"FUNDAY\" is not a number or a name"),
        ("5-1 * * * *", "the range 5-1 runs backwards"),
        ("*/0 * * * *", "must be a positive number"),
        ("0 0 1,,2 * *", "empty list item"),
    ])
    func badCronSaysWhichField(expression: String, expected: String) {
        #expect {
            _ = try CronExpression(expression)
        } throws: { error in
            (error as? CrescendoError)?.message.contains(expected) == true
        }
    }

    @Test func validityWindowAndOneOffs() {
        let utc = Self.zone("UTC")
        let windowed = LaunchSchedule(
            .daily(days: [], times: [LocalTime(hour: 9)]), timeZone: utc, validFrom: Self.at("2026-12-01T00:00:00Z"), validUntil: Self.at("2026-12-03T09:00:00Z"))
        #expect(Self.launches(windowed, after: "2026-11-01T00:00:00Z", count: 10) == ["2026-12-01T09:00Z", "2026-12-02T09:00Z", "2026-12-03T09:00Z"])
        let once = LaunchSchedule(.once(day: Self.day("2026-12-24"), at: LocalTime(hour: 18)), timeZone: Self.zone("Europe/Paris"))
        #expect(Self.launches(once, after: "2026-11-30T00:00:00Z", count: 3) == ["2026-12-24T17:00Z"])
        #expect(once.next(after: Self.at("2026-12-25T00:00:00Z")) == nil)
        let never = LaunchSchedule(.monthly(days: [.day(30)], times: [LocalTime(hour: 9)]), timeZone: utc, validFrom: Self.at("2027-02-01T00:00:00Z"), validUntil: Self.at("2027-02-28T23:59:00Z"))
        #expect(never.next(after: Self.at("2027-01-01T00:00:00Z")) == nil)
    }

    @Test func afterDowntimeAMissedLaunchRunsOnce() {
        let daily = LaunchSchedule(.daily(days: [], times: [LocalTime(hour: 9)]), timeZone: Self.zone("UTC"))
        // Last launched three days ago; the worker comes back at 10:00: one launch (today's 09:00), next tomorrow.
        let due = daily.due(lastLaunch: Self.at("2026-11-27T09:00:00Z"), now: Self.at("2026-11-30T10:00:00Z"))
        #expect(due.launch.map(Self.text) == "2026-11-30T09:00Z")
        #expect(due.next.map(Self.text) == "2026-12-01T09:00Z")
        // Nothing due between launches.
        let quiet = daily.due(lastLaunch: Self.at("2026-11-30T09:00:00Z"), now: Self.at("2026-11-30T10:00:00Z"))
        #expect(quiet.launch == nil)
        #expect(quiet.next.map(Self.text) == "2026-12-01T09:00Z")
    }

    @Test func weekdayNamesAndTimes() {
        #expect(Weekday(day: Self.day("2026-11-30")) == .monday)
        #expect(Weekday(day: Self.day("1969-12-31")) == .wednesday)
        #expect(Weekday(name: "Tue") == .tuesday)
        #expect(Weekday(name: "friday") == .friday)
        #expect(Weekday(name: "fr") == nil)
        #expect(LocalTime("07:05") == LocalTime(hour: 7, minute: 5))
        #expect(LocalTime("24:00") == nil)
        #expect(LocalTime("7:5") == nil)
    }
}
