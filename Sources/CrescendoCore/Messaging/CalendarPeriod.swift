import Foundation

/// A calendar period a frequency cap counts over, in the recipient's time zone: "3 per week" means
/// this Monday-to-Sunday week where the person lives, not the last 168 hours of server time.
public enum CalendarPeriod: String, Sendable, Hashable, Codable, CaseIterable {
    case hour, day, week, month

    /// The instant (seconds since the epoch) at which the period holding `instant` began in `zone`.
    public func start(of instant: Int64, in zone: TimeZone) -> Int64 {
        let local = LocalClock.local(ofInstant: instant, in: zone)
        let day = Int64(LocalClock.day(ofInstant: instant, in: zone))
        let startLocal: Int64
        switch self {
        case .hour:
            // Counted back from the instant itself: in the repeated hour of an autumn change the
            // wall-clock hour start names two instants, and this is the one just passed.
            return instant - ((local % 3600) + 3600) % 3600
        case .day:
            startLocal = day * 86_400
        case .week:
            // 1970-01-01 was a Thursday; weeks start on Monday (ISO 8601).
            let weekday = ((day + 3) % 7 + 7) % 7
            startLocal = (day - weekday) * 86_400
        case .month:
            let civil = CivilTime.civilFromDays(Int(day))
            startLocal = Int64(CivilTime.daysFromCivil(year: civil.year, month: civil.month, day: 1)) * 86_400
        }
        return LocalClock.instant(ofLocal: startLocal, in: zone)
    }
}
