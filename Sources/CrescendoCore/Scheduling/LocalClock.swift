import Foundation

/// A time of day on the wall clock, to the minute.
public struct LocalTime: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var hour: Int
    public var minute: Int

    public init(hour: Int, minute: Int = 0) {
        precondition((0...23).contains(hour) && (0...59).contains(minute), "invalid time of day")
        self.hour = hour
        self.minute = minute
    }

    /// "HH:MM" (or "H:MM").
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), parts[1].count == 2,
            (0...23).contains(hour), (0...59).contains(minute)
        else { return nil }
        self.init(hour: hour, minute: minute)
    }

    public var minutes: Int { hour * 60 + minute }
    public static func < (a: LocalTime, b: LocalTime) -> Bool { a.minutes < b.minutes }
    public var description: String { String(format: "%02d:%02d", hour, minute) }
}

/// Monday first, as ISO 8601 counts.
public enum Weekday: Int, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case monday = 1, tuesday, wednesday, thursday, friday, saturday, sunday

    /// The weekday of a day counted from 1970-01-01 (a Thursday).
    public init(day: Int) {
        let index = ((day % 7) + 7 + 3) % 7  // 0 = Monday
        self = Weekday(rawValue: index + 1)!
    }

    public static func < (a: Weekday, b: Weekday) -> Bool { a.rawValue < b.rawValue }

    public static let weekdays: Set<Weekday> = [.monday, .tuesday, .wednesday, .thursday, .friday]

    /// "mon", "monday", "Tue", … .
    public init?(name: String) {
        let lower = name.lowercased()
        guard lower.count >= 3, let match = Weekday.allCases.first(where: { "\($0)".hasPrefix(lower) }) else { return nil }
        self = match
    }
}

/// Turning wall-clock times in a zone into instants, the way a scheduler must across daylight-saving
/// changes: a time that does not exist that day (the spring gap) moves forward by the gap, a time
/// that happens twice (the autumn overlap) runs at its first occurrence.
public enum LocalClock {
    /// The instant (seconds since the epoch) of local wall-clock `seconds` since the epoch in `zone`.
    public static func instant(ofLocal local: Int64, in zone: TimeZone) -> Int64 {
        let before = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(local - 129_600))))
        let after = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(local + 129_600))))
        let candidates = Set([before, after, Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(local))))])
        let valid = candidates.map { local - $0 }.filter { Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double($0)))) == local - $0 }
        if let first = valid.min() { return first }
        // In the gap: read the wall time with the offset from before the change, which lands the
        // same distance after the change.
        return local - min(before, after)
    }

    /// Local wall-clock seconds since the epoch of an instant.
    public static func local(ofInstant instant: Int64, in zone: TimeZone) -> Int64 {
        instant + Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant))))
    }

    /// The local day (days since 1970-01-01) of an instant.
    public static func day(ofInstant instant: Int64, in zone: TimeZone) -> Int {
        let local = local(ofInstant: instant, in: zone)
        return Int(local >= 0 ? local / 86_400 : (local - 86_399) / 86_400)
    }
}
