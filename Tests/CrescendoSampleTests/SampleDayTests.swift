import Foundation
import Testing
@testable import CrescendoSample

@Suite struct SampleDayTests {
    @Test func isoTextRoundTrips() {
        let day = SampleDay(year: 2026, month: 2, day: 9)
        #expect(day.iso == "2026-02-09")
        #expect(SampleDay(iso: "2026-02-09") == day)
        #expect(SampleDay(iso: "2024-02-29") != nil)
        for bad in ["2026-02-29", "2026-13-01", "2026-1-01", "26-01-01", "2026/01/01", "", "2026-01-01T00:00:00Z"] {
            #expect(SampleDay(iso: bad) == nil, "\(bad)")
        }
    }

    /// Foundation switches to the Julian calendar before 1582, so compare from 1600 on.
    @Test func dayArithmeticMatchesFoundation() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        for dayNumber in stride(from: -135_000, through: 150_000, by: 97) {
            let date = Date(timeIntervalSince1970: Double(dayNumber) * 86_400)
            let c = calendar.dateComponents([.year, .month, .day], from: date)
            let day = SampleDay(dayNumber: dayNumber)
            #expect((day.year, day.month, day.day) == (c.year!, c.month!, c.day!), "\(dayNumber)")
            #expect(day.dayNumber == dayNumber)
        }
    }

    @Test func todayDependsOnTheTimeZone() {
        let utc = SampleDay.today(in: TimeZone(identifier: "UTC")!)
        let tokyo = SampleDay.today(in: TimeZone(identifier: "Asia/Tokyo")!)
        let honolulu = SampleDay.today(in: TimeZone(identifier: "Pacific/Honolulu")!)
        #expect(tokyo.dayNumber - utc.dayNumber >= 0 && tokyo.dayNumber - utc.dayNumber <= 1)
        #expect(utc.dayNumber - honolulu.dayNumber >= 0 && utc.dayNumber - honolulu.dayNumber <= 1)
        #expect(utc.year >= 2025)
    }

    @Test func daysOrderChronologically() {
        #expect(SampleDay(year: 2025, month: 12, day: 31) < SampleDay(year: 2026, month: 1, day: 1))
        #expect(SampleDay(year: 2026, month: 1, day: 2) > SampleDay(year: 2026, month: 1, day: 1))
    }
}
