import Foundation

/// When a campaign launches: once, daily, several times a day, weekly, monthly or by cron, on the
/// wall clock of a time zone, within an optional validity window.
///
/// Launch times are computed from local days, so "every day at 09:00 in Europe/Lisbon" stays at
/// 09:00 across daylight-saving changes. A time inside the spring gap runs the same distance after
/// the change (02:30 becomes 03:30 where 02:00–03:00 does not exist); a time in the autumn overlap
/// runs once, at its first occurrence.
public struct LaunchSchedule: Sendable, Hashable {
    public enum DayOfMonth: Sendable, Hashable {
        /// The nth day; months without it are skipped.
        case day(Int)
        /// The last day of the month.
        case last
        /// The nth (1–5) weekday of the month; months without a fifth are skipped.
        case nth(Int, Weekday)
        /// The last such weekday of the month.
        case lastWeekday(Weekday)
    }

    public enum Recurrence: Sendable, Hashable {
        /// Once, at a local date (days since 1970-01-01) and time.
        case once(day: Int, at: LocalTime)
        /// On the given weekdays (all when empty) at the given times.
        case daily(days: Set<Weekday>, times: [LocalTime])
        /// Every `minutes` from `from` to `until` (inclusive) on the given weekdays (all when empty).
        case intraday(days: Set<Weekday>, everyMinutes: Int, from: LocalTime, until: LocalTime)
        /// Every `interval` weeks counted from the week of `anchorDay`, on the given weekdays.
        case weekly(interval: Int, days: Set<Weekday>, times: [LocalTime], anchorDay: Int)
        case monthly(days: [DayOfMonth], times: [LocalTime])
        case cron(CronExpression)
    }

    public var recurrence: Recurrence
    public var timeZone: TimeZone
    /// No launch before this instant (seconds since the epoch).
    public var validFrom: Int64?
    /// No launch after this instant.
    public var validUntil: Int64?

    public init(_ recurrence: Recurrence, timeZone: TimeZone, validFrom: Int64? = nil, validUntil: Int64? = nil) {
        self.recurrence = recurrence
        self.timeZone = timeZone
        self.validFrom = validFrom
        self.validUntil = validUntil
    }

    /// The first launch strictly after `instant` (seconds since the epoch), or nil when there is none
    /// (a past one-off, the end of the window, a date that never comes).
    public func next(after instant: Int64) -> Int64? {
        let start = validFrom.map { max(instant, $0 - 1) } ?? instant
        var day = LocalClock.day(ofInstant: start, in: timeZone) - 1
        // Eight years cover every pattern that can recur (a 29 February on a Monday, say).
        let lastDay = day + 8 * 366
        while day <= lastDay {
            for time in times(on: day) {
                let launch = LocalClock.instant(ofLocal: Int64(day) * 86_400 + Int64(time.minutes) * 60, in: timeZone)
                guard launch > start else { continue }
                if let validUntil, launch > validUntil { return nil }
                return launch
            }
            if case .once(let onceDay, _) = recurrence, day >= onceDay { return nil }
            if let validUntil, Int64(day - 1) * 86_400 > validUntil + 86_400 { return nil }
            day += 1
        }
        return nil
    }

    /// The next `count` launches after `instant` (`crescendo campaign schedule NAME --preview 10`).
    public func launches(after instant: Int64, count: Int) -> [Int64] {
        var result: [Int64] = []
        var cursor = instant
        while result.count < count, let launch = next(after: cursor) {
            result.append(launch)
            cursor = launch
        }
        return result
    }

    /// What a scheduler should do at `now` when the last launch it made was `lastLaunch`: the one
    /// launch that is due (the latest missed slot, so downtime causes one run, not one per missed
    /// slot), and when to look again.
    public func due(lastLaunch: Int64?, now: Int64) -> (launch: Int64?, next: Int64?) {
        let from = lastLaunch ?? (validFrom.map { $0 - 1 } ?? now - 1)
        var latest: Int64?
        var cursor = from
        while let launch = next(after: cursor), launch <= now {
            latest = launch
            cursor = launch
        }
        return (latest, next(after: now))
    }

    /// Local times on a local day, in order.
    func times(on day: Int) -> [LocalTime] {
        let weekday = Weekday(day: day)
        switch recurrence {
        case .once(let onceDay, let time):
            return day == onceDay ? [time] : []
        case .daily(let days, let times):
            return days.isEmpty || days.contains(weekday) ? times.sorted() : []
        case .intraday(let days, let every, let from, let until):
            guard days.isEmpty || days.contains(weekday), every > 0 else { return [] }
            return stride(from: from.minutes, through: until.minutes, by: every).map { LocalTime(hour: $0 / 60, minute: $0 % 60) }
        case .weekly(let interval, let days, let times, let anchorDay):
            guard days.contains(weekday) else { return [] }
            // Weeks start on Monday; count whole weeks from the anchor's week.
            let week = { (d: Int) in Int((Double(d - (Weekday(day: d).rawValue - 1)) / 7).rounded(.down)) }
            let distance = week(day) - week(anchorDay)
            guard distance >= 0, distance % max(1, interval) == 0 else { return [] }
            return times.sorted()
        case .monthly(let days, let times):
            return days.contains { Self.matches($0, day: day) } ? times.sorted() : []
        case .cron(let cron):
            return cron.matches(day: day) ? cron.times : []
        }
    }

    static func matches(_ rule: DayOfMonth, day: Int) -> Bool {
        let (year, month, dayOfMonth) = CivilTime.civilFromDays(day)
        let length = CivilTime.daysInMonth(year: year, month: month)
        switch rule {
        case .day(let n): return dayOfMonth == n
        case .last: return dayOfMonth == length
        case .nth(let n, let weekday): return Weekday(day: day) == weekday && (dayOfMonth - 1) / 7 + 1 == n
        case .lastWeekday(let weekday): return Weekday(day: day) == weekday && dayOfMonth + 7 > length
        }
    }
}
