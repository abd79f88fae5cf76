/// Calendar arithmetic on plain integers, for the hot path of ingestion where Foundation's
/// `Calendar` and `DateFormatter` cost more than the rest of a row's work.
///
/// The day-number conversions are Howard Hinnant's public-domain `days_from_civil` algorithms.
public enum CivilTime {
    /// Days since 1970-01-01 for a proleptic Gregorian date.
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }


    /// "YYYY-MM-DDTHH:MM:SS.ffffffZ": fixed width, so text order is time order in every engine.
    public static func iso8601(micros: Int64) -> String {
        withISO8601(micros: micros) { String(decoding: $0, as: UTF8.self) }
    }

    /// The ISO 8601 text of a timestamp in a stack buffer, for binding without allocating a String.
    public static func withISO8601<T>(micros: Int64, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 27) { buffer in
            writeISO8601(micros: micros, into: buffer)
            return try body(UnsafeBufferPointer(buffer))
        }
    }

    private static func writeISO8601(micros: Int64, into out: UnsafeMutableBufferPointer<UInt8>) {
        var days = Int(micros / 86_400_000_000)
        var rest = Int(micros % 86_400_000_000)
        if rest < 0 {
            rest += 86_400_000_000
            days -= 1
        }
        let (y, m, d) = civilFromDays(days)
        let seconds = rest / 1_000_000
        func put(_ value: Int, _ width: Int, at offset: Int) {
            var value = value
            for position in stride(from: offset + width - 1, through: offset, by: -1) {
                out[position] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        put(y, 4, at: 0)
        out[4] = UInt8(ascii: "-")
        put(m, 2, at: 5)
        out[7] = UInt8(ascii: "-")
        put(d, 2, at: 8)
        out[10] = UInt8(ascii: "T")
        put(seconds / 3600, 2, at: 11)
        out[13] = UInt8(ascii: ":")
        put(seconds / 60 % 60, 2, at: 14)
        out[16] = UInt8(ascii: ":")
        put(seconds % 60, 2, at: 17)
        out[19] = UInt8(ascii: ".")
        put(rest % 1_000_000, 6, at: 20)
        out[26] = UInt8(ascii: "Z")
    }
}
