/// A five-field cron expression — minute, hour, day of month, month, day of week — with `*`, lists,
/// ranges, steps (`*/15`, `8-18/2`) and names (`MON-FRI`, `JAN`). As in Vixie cron, when both day
/// fields are restricted a day matches either of them. Parsed by hand: no package on this machine
/// reads cron, and the grammar is small.
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    public let minutes: Set<Int>
    public let hours: Set<Int>
    public let daysOfMonth: Set<Int>
    public let months: Set<Int>
    /// 1 = Monday … 7 = Sunday (cron's 0 is Sunday too).
    public let weekdays: Set<Int>
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool
    public let description: String

    private static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    private static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    public init(_ text: String) throws(CrescendoError) {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw CrescendoError(.invalidArgument, "cron \"\(text)\": expected 5 fields (minute hour day-of-month month day-of-week), found \(fields.count)")
        }
        func parse(_ index: Int, _ name: String, _ range: ClosedRange<Int>, names: [String] = [], nameBase: Int = 0) throws(CrescendoError) -> Set<Int> {
            try Self.field(fields[index], name: name, range: range, names: names, nameBase: nameBase, expression: text)
        }
        minutes = try parse(0, "minute", 0...59)
        hours = try parse(1, "hour", 0...23)
        daysOfMonth = try parse(2, "day of month", 1...31)
        months = try parse(3, "month", 1...12, names: Self.monthNames, nameBase: 1)
        let days = try parse(4, "day of week", 0...7, names: Self.dayNames, nameBase: 0)
        weekdays = Set(days.map { $0 == 0 ? 7 : $0 })
        dayOfMonthRestricted = fields[2] != "*" && fields[2] != "?"
        dayOfWeekRestricted = fields[4] != "*" && fields[4] != "?"
        description = fields.joined(separator: " ")
    }

    private static func field(
        _ text: String, name: String, range: ClosedRange<Int>, names: [String], nameBase: Int, expression: String
    ) throws(CrescendoError) -> Set<Int> {
        func fail(_ why: String) -> CrescendoError {
            CrescendoError(.invalidArgument, "cron \"\(expression)\": \(name) field \"\(text)\": \(why)")
        }
        func value(_ token: String) throws(CrescendoError) -> Int {
            if let number = Int(token) {
                guard range.contains(number) else { throw fail("\(number) is outside \(range.lowerBound)-\(range.upperBound)") }
                return number
            }
            if let index = names.firstIndex(of: token.lowercased()) { return index + nameBase }
            throw fail("\"\(token)\" is not a number\(names.isEmpty ? "" : " or a name")")
        }
        var result: Set<Int> = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            guard !part.isEmpty else { throw fail("empty list item") }
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard pieces.count <= 2 else { throw fail("more than one /") }
            var step = 1
            if pieces.count == 2 {
                guard let parsed = Int(pieces[1]), parsed > 0 else { throw fail("the step \"\(pieces[1])\" must be a positive number") }
                step = parsed
            }
            let lower: Int, upper: Int
            if pieces[0] == "*" || pieces[0] == "?" {
                (lower, upper) = (range.lowerBound, range.upperBound)
            } else if let dash = pieces[0].firstIndex(of: "-") {
                lower = try value(String(pieces[0][..<dash]))
                upper = try value(String(pieces[0][pieces[0].index(after: dash)...]))
                guard lower <= upper else { throw fail("the range \(pieces[0]) runs backwards") }
            } else {
                lower = try value(pieces[0])
                upper = pieces.count == 2 ? range.upperBound : lower
            }
            result.formUnion(stride(from: lower, through: upper, by: step))
        }
        return result
    }

    /// Whether a local day matches the day fields and the month.
    public func matches(day: Int) -> Bool {
        let (_, month, dayOfMonth) = CivilTime.civilFromDays(day)
        guard months.contains(month) else { return false }
        let dom = daysOfMonth.contains(dayOfMonth)
        let dow = weekdays.contains(Weekday(day: day).rawValue)
        switch (dayOfMonthRestricted, dayOfWeekRestricted) {
        case (true, true): return dom || dow
        case (true, false): return dom
        case (false, true): return dow
        case (false, false): return true
        }
    }

    /// The times of day it fires, in order.
    public var times: [LocalTime] {
        hours.sorted().flatMap { hour in minutes.sorted().map { LocalTime(hour: hour, minute: $0) } }
    }
}
