import Foundation
import Testing

@testable import CrescendoCore

@Suite struct RuleCheckerTests {
    typealias F = RuleFixtures

    private func check(_ rule: String, on entity: String, _ environment: RuleEnvironment = F.environment()) throws -> BoundExpression {
        try F.check(rule, on: entity, environment)
    }

    private func problem(
        _ rule: String, on entity: String, _ environment: RuleEnvironment = F.environment(), sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        try F.problem(rule, on: entity, environment, sourceLocation: sourceLocation) ?? ""
    }

    // MARK: Names

    @Test func unknownFieldSuggestsTheClosestNameWithItsPosition() throws {
        let message = try problem("stars >= 4 and citi = 'Lisbon'", on: "hotel")
        #expect(message == "invalid rule: line 1, column 16: unknown field \"citi\" on hotel — did you mean \"city\"?")
    }

    @Test func aNameInAPathIsPointedAt() throws {
        #expect(try problem("nights > 1 and customer.tiers = 'gold'", on: "reservation")
            == "invalid rule: line 1, column 25: unknown field \"tiers\" on profile — did you mean \"tier\"?")
    }

    @Test func everyProblemIsReported() throws {
        let message = try problem("citi = 'Lisbon' and nam = 'x' or starz > 3", on: "hotel")
        #expect(message.hasPrefix("invalid rule:\n  "))
        #expect(message.contains("line 1, column 1: unknown field \"citi\" on hotel — did you mean \"city\"?"))
        #expect(message.contains("line 1, column 21: unknown field \"nam\" on hotel — did you mean \"name\"?"))
        #expect(message.contains("line 1, column 34: unknown field \"starz\" on hotel — did you mean \"stars\"?"))
        #expect(message.split(separator: "\n").count == 4)
        // Both sides of one comparison.
        let both = try problem("citi = nam", on: "hotel")
        #expect(both.contains("column 1: unknown field \"citi\"") && both.contains("column 8: unknown field \"nam\""))
    }

    @Test func navigationAlongToOneLinks() throws {
        let bound = try check("customer.home_hotel.city = 'Lisbon'", on: "reservation")
        let city = try F.column("hotel", "city", steps: [F.customer, F.homeHotel])
        #expect(bound == .compare(.equal, city, F.text("Lisbon"), ignoreCase: false))
        if case .compare(_, .column(let reference), _, _) = bound {
            #expect(reference.steps.count == 2)
            #expect(reference.path == "customer.home_hotel.city")
            #expect(reference.entity == "hotel")
        } else {
            Issue.record("expected a column comparison, got \(bound)")
        }
    }

    @Test(arguments: [
        ("profile", "reservations.status = 'x'",
         "reservations is a list of reservation rows (1-N) on profile; use exists reservations(…) or an aggregate such as count(reservations where …)"),
        ("reservation", "hotel = 'x'", "hotel is a link to hotel; name one of its fields, such as hotel.name"),
        ("hotel", "city.name = 'x'", "city is a field of hotel, not a link; \"city.name\" goes nowhere"),
        ("reservation", "customer.tiers = 'gold'", "unknown field \"tiers\" on profile — did you mean \"tier\"?"),
        ("profile", "exists reservation(status = 'booked')", "unknown link \"reservation\" on profile — did you mean \"reservations\"?"),
        ("profile", "exists email", "email is a field of profile, not a link"),
        ("profile", "exists reservations.hotel",
         "reservations is a list; follow it with exists reservations(…) inside the filter to go further"),
        ("profile", "reservations in audience 'gold'", "reservations is a list (1-N); use exists reservations(in audience 'gold')"),
        ("profile", "email in audience 'gold'", "email is a field of profile, not a link"),
    ])
    func navigationProblems(entity: String, rule: String, expected: String) throws {
        let message = try problem(rule, on: entity, F.environment(audiences: ["gold": F.goldAudience]))
        #expect(message.contains(expected), "\(message)")
    }

    @Test func aMistypedLinkStillChecksItsFilter() throws {
        let message = try problem("exists reservation(status = 'bookd')", on: "profile")
        #expect(message.contains("did you mean \"reservations\"?"))
        #expect(message.contains("status has no value 'bookd' (its values: booked, cancelled, completed) — did you mean 'booked'?"))
    }

    // MARK: Values and types

    @Test func enumValues() throws {
        let tier = try F.column("profile", "tier")
        #expect(try check("tier = 'gold'", on: "profile") == .compare(.equal, tier, .constant(.text("gold"), .text), ignoreCase: false))
        #expect(try check("tier = 'GOLD'", on: "profile") == .compare(.equal, tier, F.text("gold"), ignoreCase: false))
        #expect(try check("'Silver' != tier", on: "profile") == .compare(.notEqual, F.text("silver"), tier, ignoreCase: false))
        #expect(try check("tier in ('Gold', 'silver')", on: "profile")
            == .inList(tier, [F.text("gold"), F.text("silver")], negated: false, ignoreCase: false))
        let message = try problem("tier = 'platnum'", on: "profile")
        #expect(message == "invalid rule: line 1, column 8: tier has no value 'platnum' (its values: basic, silver, gold)")
        #expect(try problem("tier = 'gols'", on: "profile").contains("— did you mean 'gold'?"))
        #expect(try problem("tier in ('gold', 'bronze')", on: "profile").contains("column 18: tier has no value 'bronze'"))
    }

    @Test(arguments: [
        ("reservation", "nights = 'abc'", "column 10: 'abc' is text but nights is an integer; write the number without quotes"),
        ("hotel", "stars > true", "true does not fit stars, which is an integer"),
        ("profile", "tier > 'gold'", "> does not apply to tier, an enum (basic, silver, gold); use = or in (…)"),
        ("profile", "tier between 'basic' and 'gold'", "does not apply to tier, an enum"),
        ("profile", "email_opt_in < true", "< does not apply to email_opt_in, a boolean; use = true or = false"),
        ("reservation", "check_in = 5", "the number 5 does not fit check_in, which is a date"),
        ("reservation", "nights like '1%'", "like works on text; nights is an integer"),
        ("reservation", "amount contains '1'", "contains works on text; amount is a decimal"),
        ("reservation", "nights = 3 ignore case", "ignore case only applies to text; nights is an integer"),
        ("reservation", "nights in (1, 2) ignore case", "ignore case only applies to text; nights is an integer"),
        ("profile", "email = null", "nothing equals null; write email is null"),
        ("profile", "email != null", "nothing equals null; write email is not null"),
        ("profile", "tier in ('gold', null)", "null is never in a list; add `or tier is null`"),
        ("reservation", "nights in (1, nights)", "the values in in (…) must be constants; compare fields with ="),
        ("profile", "email = 'not-an-email'", "'not-an-email' does not fit email: \"not-an-email\" is not an email address"),
        ("hotel", "city like name", "like takes a quoted text, such as '%@example.com'"),
        ("hotel", "city starts with 5", "starts with takes a quoted text, such as 'Lis'"),
        ("hotel", "'x' like 'y'", "like needs a field on its left, such as email like …"),
        ("hotel", "5 between stars and 6", "between needs a field on its left, such as check_in between …"),
        ("profile", "'gold' in ('gold')", "in (…) needs a field on its left, such as tier in ('gold', 'silver')"),
        ("reservation", "check_in > booked_at",
         "cannot compare check_in (a date) with booked_at (a timestamp); compare a timestamp field with a date value such as today() instead"),
        ("profile", "tier = email_opt_in", "cannot compare tier (text) with email_opt_in (a boolean)"),
        ("hotel", "city + 1 > 2", "+ works on numbers here; city is text"),
        ("hotel", "stars + city > 2", "+ works on numbers here; stars is an integer and city is text"),
        ("hotel", "'a' = 1", "cannot compare the text 'a' with the number 1"),
        ("hotel", "1 / 0 = 1", "division by zero"),
        ("hotel", "stars > 9223372036854775807 + 1", "the result does not fit a 64-bit integer"),
        ("hotel", "stars > 'x' + 1", "+ cannot combine the text 'x' and the number 1"),
        ("hotel", "city", "expected a condition, found a text value; compare it with something (=, <, in, …)"),
        ("hotel", "'x'", "expected a condition, found the text 'x'"),
        ("hotel", "city = (stars > 1)", "expected a value here, found a condition"),
        ("hotel", "city = ''", "'' does not fit city: is required (empty)"),
    ])
    func typeProblems(entity: String, rule: String, expected: String) throws {
        let message = try problem(rule, on: entity)
        #expect(message.contains(expected), "\(message)")
    }

    /// With null on the left the hint repeats the null instead of naming the field.
    @Test func nullOnTheLeftNamesTheField() throws {
        let message = try problem("null = email", on: "profile")
        #expect(message.contains("write email is null"), "\(message)")
    }

    @Test func booleansConstantsAndArithmetic() throws {
        let optIn = try F.column("profile", "email_opt_in")
        #expect(try check("email_opt_in", on: "profile") == .compare(.equal, optIn, .constant(.boolean(true), .boolean), ignoreCase: false))
        #expect(try check("not email_opt_in", on: "profile") == .not(.compare(.equal, optIn, .constant(.boolean(true), .boolean), ignoreCase: false)))
        #expect(try check("true", on: "profile") == .truth(true))
        #expect(try check("1 = 1.0 and 2 > 3", on: "profile") == .and([.truth(true), .truth(false)]))
        #expect(try check("today() > '2026-01-01'", on: "profile") == .truth(true))
        #expect(try check("$v is null", on: "profile", F.environment(variables: ["v": .null])) == .truth(true))
        let nights = try F.column("reservation", "nights"), amount = try F.column("reservation", "amount")
        #expect(try check("nights * 2 > 10", on: "reservation")
            == .compare(.greater, .arithmetic(.multiply, nights, F.integer(2), .integer), F.integer(10), ignoreCase: false))
        #expect(try check("2 * nights > 10", on: "reservation")
            == .compare(.greater, .arithmetic(.multiply, F.integer(2), nights, .integer), F.integer(10), ignoreCase: false))
        #expect(try check("amount / nights > 100", on: "reservation")
            == .compare(.greater, .arithmetic(.divide, amount, nights, .decimal), .constant(.decimal("100"), .decimal), ignoreCase: false))
        #expect(try check("amount > 10 * 1.5 + 0.25", on: "reservation")
            == .compare(.greater, amount, .constant(.decimal("15.25"), .decimal), ignoreCase: false))
        #expect(try check("nights > amount", on: "reservation") == .compare(.greater, nights, amount, ignoreCase: false))
        let city = try F.column("hotel", "city")
        #expect(try check("city not starts with 'Lis' ignore case", on: "hotel") == .match(.startsWith, city, "Lis", negated: true, ignoreCase: true))
        #expect(try check("city is not null", on: "hotel") == .isNull(city, negated: true))
    }

    // MARK: Dates and times

    @Test func relativeDatesFoldToConstants() throws {
        let checkIn = try F.column("reservation", "check_in"), bookedAt = try F.column("reservation", "booked_at")
        #expect(try check("check_in >= today()", on: "reservation") == .compare(.greaterOrEqual, checkIn, F.date("2026-11-30"), ignoreCase: false))
        #expect(try check("check_in < today() + 7 days", on: "reservation") == .compare(.less, checkIn, F.date("2026-12-07"), ignoreCase: false))
        #expect(try check("check_in < 7 days + today()", on: "reservation") == .compare(.less, checkIn, F.date("2026-12-07"), ignoreCase: false))
        #expect(try check("check_in > today() + -2 weeks", on: "reservation") == .compare(.greater, checkIn, F.date("2026-11-16"), ignoreCase: false))
        #expect(try check("check_in > now()", on: "reservation") == .compare(.greater, checkIn, F.date("2026-11-30"), ignoreCase: false))
        #expect(try check("check_in > '2026-01-01'", on: "reservation") == .compare(.greater, checkIn, F.date("2026-01-01"), ignoreCase: false))
        #expect(try check("check_in between today() and today() + 1 month", on: "reservation")
            == .between(checkIn, F.date("2026-11-30"), F.date("2026-12-30"), negated: false))
        #expect(try check("booked_at > daysAgo(7)", on: "reservation") == .compare(.greater, bookedAt, F.timestamp(F.micros(2026, 11, 23)), ignoreCase: false))
        #expect(try check("booked_at > now() - 2 hours", on: "reservation") == .compare(.greater, bookedAt, F.timestamp(F.micros(2026, 11, 30, 8)), ignoreCase: false))
        #expect(try check("booked_at < today() + 90 minutes", on: "reservation")
            == .compare(.less, bookedAt, F.timestamp(F.micros(2026, 11, 30, 1, 30)), ignoreCase: false))
        #expect(try check("booked_at >= '2026-11-30T08:15:00Z'", on: "reservation")
            == .compare(.greaterOrEqual, bookedAt, F.timestamp(F.micros(2026, 11, 30, 8, 15)), ignoreCase: false))
        #expect(try check("booked_at >= '2026-11-30'", on: "reservation") == .compare(.greaterOrEqual, bookedAt, F.timestamp(F.micros(2026, 11, 30)), ignoreCase: false))
        #expect(try check("min(reservations.check_in) > daysAgo(30)", on: "profile")
            == .compare(.greater, .aggregate(BoundAggregate(
                function: .min, relation: BoundRelation(steps: [F.reservations], filter: nil),
                argument: ColumnReference(steps: [], entity: "reservation", field: try F.field("reservation", "check_in")), kind: .date)),
                F.date("2026-10-31"), ignoreCase: false))
    }

    @Test(arguments: [
        ("reservation", "check_in > '2026-13-01'", "'2026-13-01' is not a date (expected YYYY-MM-DD) for check_in"),
        ("reservation", "check_in > '2026-02-29'", "'2026-02-29' is not a date (expected YYYY-MM-DD) for check_in"),
        ("reservation", "check_in > '2026-1-1'", "'2026-1-1' is not a date"),
        ("reservation", "booked_at > 'yesterday'", "'yesterday' is not a time (expected ISO 8601, e.g. 2026-11-30T08:15:00Z) for booked_at"),
        ("reservation", "check_in > today() + 7", "+ cannot combine the date 2026-11-30 and the number 7"),
        ("reservation", "check_in + 1 day > today()", "date arithmetic on a field is not supported; move the interval to the constant side"),
        ("reservation", "nights = 7 days", "the interval 7 days must be added to a date or a time, as in today() + 7 days"),
        ("reservation", "7 days", "expected a condition, found the interval 7 days"),
        ("reservation", "check_in > 'soon' + 1 day", "an interval can only be added to a date or a time, not to the text 'soon'"),
        ("reservation", "check_in > today() + 2000000 days", "the amount of days must be a whole number up to 1000000 known before the rule runs"),
        ("reservation", "check_in > today() + (nights + 0) days", "the amount of days must be a whole number"),
        ("reservation", "check_in > today() + 8000 years", "the result is outside the years 1 to 9999"),
        ("reservation", "check_in > tomorrow()",
         "unknown function tomorrow() (functions: today(), now(), daysAgo(n); aggregates: count, sum, avg, min, max)"),
        ("reservation", "check_in > tody()", "unknown function tody() — did you mean today()?"),
        ("reservation", "check_in = today('Mars/Olympus')", "today() takes a time zone name such as 'Europe/Lisbon'"),
        ("reservation", "check_in = today('UTC', 'UTC')", "today() takes at most a time zone"),
        ("reservation", "booked_at > daysAgo('x')", "daysAgo() takes a whole number of days, and optionally a time zone: daysAgo(30)"),
        ("reservation", "booked_at > daysAgo()", "daysAgo() takes a whole number of days"),
        ("reservation", "booked_at > now(1)", "now() takes no arguments"),
        ("reservation", "check_in > today(nights)", "the arguments of today() must be constants"),
    ])
    func dateProblems(entity: String, rule: String, expected: String) throws {
        let message = try problem(rule, on: entity)
        #expect(message.contains(expected), "\(message)")
    }

    @Test(arguments: [
        (F.micros(2026, 11, 30, 10), "UTC", "2026-11-30"),
        (F.micros(2026, 11, 30, 12), "UTC", "2026-11-30"),
        (F.micros(2026, 11, 30, 12), "Pacific/Auckland", "2026-12-01"),
        (F.micros(2026, 7, 15, 23, 30), "UTC", "2026-07-15"),
        (F.micros(2026, 7, 15, 23, 30), "Europe/Lisbon", "2026-07-16"),
        (F.micros(2026, 12, 15, 23, 30), "Europe/Lisbon", "2026-12-15"),
        (F.micros(2026, 11, 30, 4, 59), "America/New_York", "2026-11-29"),
    ])
    func todayDependsOnTheZone(now: Int64, zone: String, expected: String) throws {
        let checkIn = try F.column("reservation", "check_in")
        #expect(try check("check_in = today()", on: "reservation", F.environment(now: now, zone: zone))
            == .compare(.equal, checkIn, F.date(expected), ignoreCase: false))
        // An explicit zone wins over the environment's.
        #expect(try check("check_in = today('\(zone)')", on: "reservation", F.environment(now: now, zone: "UTC"))
            == .compare(.equal, checkIn, F.date(expected), ignoreCase: false))
    }

    @Test func daysAgoStartsAtLocalMidnight() throws {
        let bookedAt = try F.column("reservation", "booked_at")
        // 2026-11-30T10:00Z is 23:00 in Auckland (UTC+13): seven days ago starts at 2026-11-23T00:00+13.
        #expect(try check("booked_at > daysAgo(7)", on: "reservation", F.environment(zone: "Pacific/Auckland"))
            == .compare(.greater, bookedAt, F.timestamp(F.micros(2026, 11, 22, 11)), ignoreCase: false))
        // In Lisbon's summer time a date alone is local midnight, one hour before UTC midnight.
        #expect(try check("booked_at >= '2026-07-01'", on: "reservation", F.environment(zone: "Europe/Lisbon"))
            == .compare(.greaterOrEqual, bookedAt, F.timestamp(F.micros(2026, 6, 30, 23)), ignoreCase: false))
    }

    /// `today('Europe/Lisbon')` picks Lisbon's calendar day, but against a timestamp field that day is
    /// bound as midnight in the environment's zone, not Lisbon's: at 2026-07-15T23:30Z (00:30 on the
    /// 16th in Lisbon) a UTC workspace gets 2026-07-16T00:00Z, a time still 30 minutes in the future.
    @Test func anExplicitZoneAppliesToTheMidnightItStandsFor() throws {
        let bookedAt = try F.column("reservation", "booked_at")
        let environment = F.environment(now: F.micros(2026, 7, 15, 23, 30), zone: "UTC")
        let today = try check("booked_at >= today('Europe/Lisbon')", on: "reservation", environment)
        let daysAgo = try check("booked_at >= daysAgo(1, 'Europe/Lisbon')", on: "reservation", environment)
        #expect(today == .compare(.greaterOrEqual, bookedAt, F.timestamp(F.micros(2026, 7, 15, 23)), ignoreCase: false))
        #expect(daysAgo == .compare(.greaterOrEqual, bookedAt, F.timestamp(F.micros(2026, 7, 14, 23)), ignoreCase: false))
    }

    @Test(arguments: [
        (F.micros(2026, 1, 31, 10), "today() + 1 month", "2026-02-28"),
        (F.micros(2028, 1, 31, 10), "today() + 1 month", "2028-02-29"),
        (F.micros(2026, 3, 31, 10), "today() - 1 month", "2026-02-28"),
        (F.micros(2026, 12, 15, 10), "today() + 1 month", "2027-01-15"),
        (F.micros(2028, 2, 29, 10), "today() + 1 year", "2029-02-28"),
        (F.micros(2026, 1, 31, 10), "today() + 13 months", "2027-02-28"),
        (F.micros(2026, 1, 1, 10), "today() - 1 day", "2025-12-31"),
    ])
    func calendarArithmetic(now: Int64, expression: String, expected: String) throws {
        let checkIn = try F.column("reservation", "check_in")
        #expect(try check("check_in = \(expression)", on: "reservation", F.environment(now: now))
            == .compare(.equal, checkIn, F.date(expected), ignoreCase: false))
    }

    // MARK: Variables

    @Test func variablesBindLikeTheValuesTheyStandFor() throws {
        let environment = F.environment(variables: [
            "t": .text("gold"), "n": .text("3"), "d": .text("2026-01-01"), "since": .timestamp(F.micros(2026, 11, 1)), "min": .integer(2),
        ])
        #expect(try check("tier = $t", on: "profile", environment) == .compare(.equal, try F.column("profile", "tier"), F.text("gold"), ignoreCase: false))
        let checkIn = try F.column("reservation", "check_in")
        #expect(try check("check_in < today() + $n days", on: "reservation", environment) == .compare(.less, checkIn, F.date("2026-12-03"), ignoreCase: false))
        #expect(try check("check_in > $d", on: "reservation", environment) == .compare(.greater, checkIn, F.date("2026-01-01"), ignoreCase: false))
        #expect(try check("booked_at > $since", on: "reservation", environment)
            == .compare(.greater, try F.column("reservation", "booked_at"), F.timestamp(F.micros(2026, 11, 1)), ignoreCase: false))
        #expect(try check("nights >= $min", on: "reservation", environment)
            == .compare(.greaterOrEqual, try F.column("reservation", "nights"), F.integer(2), ignoreCase: false))
    }

    @Test func variableProblems() throws {
        #expect(try problem("tier = $t", on: "profile") == "invalid rule: line 1, column 8: variable $t has no value (give it one, e.g. --var t=VALUE)")
        #expect(try problem("tier = $tiers", on: "profile", F.environment(variables: ["tier": .text("gold")])).contains("variable $tiers has no value — did you mean $tier?"))
        #expect(try problem("tier = $t", on: "profile", F.environment(variables: ["t": .text("platinum")])).contains("tier has no value 'platinum'"))
        #expect(try problem("check_in < today() + $n days", on: "reservation", F.environment(variables: ["n": .text("many")]))
            .contains("the amount of days must be a whole number"))
        #expect(try problem("first_name = $n", on: "profile", F.environment(variables: ["n": .integer(5)])).contains("the number 5 does not fit first_name, which is text"))
    }

    // MARK: Aggregates and relations

    @Test func aggregates() throws {
        let status = try F.column("reservation", "status")
        let completed = BoundExpression.compare(.equal, status, F.text("completed"), ignoreCase: false)
        #expect(try check("count(reservations where status = 'completed') >= 3", on: "profile")
            == .compare(.greaterOrEqual, .aggregate(BoundAggregate(
                function: .count, relation: BoundRelation(steps: [F.reservations], filter: completed), argument: nil, kind: .integer)),
                F.integer(3), ignoreCase: false))

        func aggregate(_ rule: String, on entity: String = "profile") throws -> (BoundAggregate, BoundExpression) {
            let bound = try check(rule, on: entity)
            guard case .compare(_, .aggregate(let aggregate), let right, _) = bound else {
                Issue.record("expected an aggregate comparison, got \(bound)")
                throw CrescendoError(.invalidRule, "unexpected shape")
            }
            return (aggregate, right)
        }
        let (points, ten) = try aggregate("sum(loyalty.points) > 10")
        #expect(points.function == .sum && points.kind == .integer && points.relation.steps == [F.loyalty])
        #expect(points.argument?.path == "points")
        #expect(ten == F.integer(10))
        #expect(points.valueOverNoRows == .integer(0))

        let (average, hundred) = try aggregate("avg(reservations.amount) > 100")
        #expect(average.function == .avg && average.kind == .decimal && average.argument?.field.name == "amount")
        #expect(hundred == .constant(.decimal("100"), .decimal))
        #expect(average.valueOverNoRows == .null)
        #expect(try aggregate("avg(reservations.nights) > 1").0.kind == .decimal)
        #expect(try aggregate("sum(reservations.amount) > 1").0.valueOverNoRows == .decimal("0"))

        let (distinct, _) = try aggregate("count(distinct reservations.hotel_id) > 1")
        #expect(distinct.function == .countDistinct && distinct.kind == .integer && distinct.argument?.path == "hotel_id")

        let (throughHotel, _) = try aggregate("sum(reservations.hotel.stars where status = 'completed') > 10")
        #expect(throughHotel.relation.steps == [F.reservations])
        #expect(throughHotel.argument == ColumnReference(steps: [F.reservationHotel], entity: "hotel", field: try F.field("hotel", "stars")))
        #expect(throughHotel.relation.filter == completed)

        let (viaCustomer, _) = try aggregate("count(customer.reservations) > 1", on: "reservation")
        #expect(viaCustomer.relation.steps == [F.customer, F.reservations])

        let (latest, _) = try aggregate("max(reservations.check_in) >= today()")
        #expect(latest.kind == .date)
        #expect(try check("count(reservations) > count(loyalty)", on: "profile") != .truth(false))
    }

    @Test(arguments: [
        ("profile", "sum(reservations.status) > 1", "sum(…) needs a number field of the listed rows, such as sum(reservations.nights)"),
        ("profile", "avg(reservations) > 1", "avg(…) needs a number field of the listed rows"),
        ("reservation", "count(customer) > 1", "customer is a single row"),
        ("reservation", "count(customer) > 1", "count(…) needs a list (a 1-N link)"),
        ("profile", "count(home_hotel) > 1", "count(…) needs a list (a 1-N link) such as reservations; home_hotel is a single row"),
        ("profile", "count(distinct reservations) > 1", "count(distinct …) needs a field of the listed rows, such as count(distinct reservations.id)"),
        ("profile", "min(loyalty) > 1", "min(…) needs a field of the listed rows, such as min(loyalty.id)"),
        ("profile", "count(email) > 1", "count(…) goes over a list of related rows, such as count(reservations); email is a field of profile"),
        ("profile", "sum(email) > 1", "such as sum(reservations.amount); email is a field of profile"),
        ("profile", "count(reservatons) > 1", "unknown link \"reservatons\" on profile — did you mean \"reservations\"?"),
        ("profile", "count(reservations.hotel.reservations) > 1", "reservations is a list of reservation rows (1-N) on hotel"),
        ("profile", "count(reservations where stauts = 'x') > 1", "unknown field \"stauts\" on reservation — did you mean \"status\"?"),
        ("profile", "count(reservations) is null", "a count is never null (it is 0 when there are no rows)"),
        ("profile", "count(reservations) > 'many'", "'many' is text but count(reservations) is an integer"),
        ("profile", "sum(loyalty.points) = 1.5 ignore case", "ignore case only applies to text; sum(loyalty) is an integer"),
    ])
    func aggregateProblems(entity: String, rule: String, expected: String) throws {
        let message = try problem(rule, on: entity)
        #expect(message.contains(expected), "\(message)")
    }

    @Test func existsAlongLinks() throws {
        let booked = BoundExpression.compare(.equal, try F.column("reservation", "status"), F.text("booked"), ignoreCase: false)
        #expect(try check("exists reservations(exists hotel.reservations(status = 'booked'))", on: "profile")
            == .exists(BoundRelation(steps: [F.reservations], filter: .exists(BoundRelation(steps: [F.reservationHotel, F.hotelReservations], filter: booked)))))
        #expect(try check("exists customer", on: "reservation") == .exists(BoundRelation(steps: [F.customer], filter: nil)))
        #expect(try check("exists home_hotel.region", on: "profile") == .exists(BoundRelation(steps: [F.homeHotel, F.region], filter: nil)))
        #expect(try check("not exists reservations", on: "profile") == .not(.exists(BoundRelation(steps: [F.reservations], filter: nil))))
        let message = try jsonProblem(#"{"type": "exists", "path": ""}"#, on: "profile")
        #expect(message.contains("exists needs a link, such as exists reservations(…)"))
    }

    // MARK: Audiences

    @Test func inAudience() throws {
        let environment = F.environment(audiences: ["gold": F.goldAudience])
        #expect(try check("in audience 'gold'", on: "profile", environment) == .inAudience([], F.goldAudience))
        #expect(try check("not in audience 'gold'", on: "profile", environment) == .not(.inAudience([], F.goldAudience)))
        #expect(try check("customer in audience 'gold'", on: "reservation", environment) == .inAudience([F.customer], F.goldAudience))
        #expect(try check("customer not in audience 'gold'", on: "reservation", environment) == .not(.inAudience([F.customer], F.goldAudience)))
        #expect(try problem("in audience 'gld'", on: "profile", environment) == "invalid rule: line 1, column 1: unknown audience 'gld' — did you mean 'gold'?")
        #expect(try problem("in audience 'silver'", on: "profile", environment) == "invalid rule: line 1, column 1: unknown audience 'silver'")
        #expect(try problem("in audience 'gold'", on: "reservation", environment)
            == "invalid rule: line 1, column 1: audience 'gold' is made of profile rows; here the rows are reservation")
        #expect(try problem("hotel in audience 'gold'", on: "reservation", environment).contains("audience 'gold' is made of profile rows; here the rows are hotel"))
    }

    // MARK: Dimensions and columns

    @Test func dimensions() throws {
        let model = try F.model(), reservation = try F.entity("reservation")
        #expect(try RuleChecker.dimension(from: reservation, to: "profile", model: model) == [F.customer])
        #expect(try RuleChecker.dimension(from: reservation, to: "customer", model: model) == [F.customer])
        #expect(try RuleChecker.dimension(from: reservation, to: "hotel", model: model) == [F.reservationHotel])
        #expect(try RuleChecker.dimension(from: reservation, to: "customer.home_hotel", model: model) == [F.customer, F.homeHotel])
        #expect(try RuleChecker.dimension(from: reservation, to: "reservation", model: model) == [])
        #expect(try RuleChecker.dimension(from: try F.entity("profile"), to: "reservation", model: model) == [F.reservations])
        #expect(try RuleChecker.dimension(from: try F.entity("hotel"), to: "region", model: model) == [F.region])
    }

    private func dimensionError(_ from: String, _ to: String, model: DataModel? = nil) throws -> CrescendoError? {
        let model = try model ?? F.model()
        let entity = try #require(model.entity(named: from))
        do {
            let steps = try RuleChecker.dimension(from: entity, to: to, model: model)
            Issue.record("expected an error, got \(steps)")
            return nil
        } catch {
            return error
        }
    }

    @Test func dimensionErrors() throws {
        let unknown = try dimensionError("reservation", "hotell")
        #expect(unknown?.code == .unknownName)
        #expect(unknown?.message == "unknown link \"hotell\" on reservation — did you mean \"hotel\"?")
        #expect(try dimensionError("reservation", "check_in")?.message == "check_in is a field of reservation, not a link")
        let unlinked = try dimensionError("region", "loyalty_transaction")
        #expect(unlinked?.code == .unknownName)
        #expect(unlinked?.message == "no link joins region to loyalty_transaction; give a link path such as hotels")

        let transfers = try Fixtures.model("""
            entities:
              hotel:
                key: id
                version: v
                fields: {id: string, v: integer}
              transfer:
                key: id
                version: v
                fields: {id: string, from_hotel_id: string, to_hotel_id: string, v: integer}
                links:
                  from_hotel: {to: hotel, by: from_hotel_id, reverse: departures}
                  to_hotel: {to: hotel, by: to_hotel_id, reverse: arrivals}
            """)
        let ambiguous = try dimensionError("transfer", "hotel", model: transfers)
        #expect(ambiguous?.code == .invalidArgument)
        #expect(ambiguous?.message == "transfer links to hotel in several ways (from_hotel, to_hotel); name the link instead of the entity")
        let hotel = try #require(transfers.entity(named: "hotel"))
        #expect(try RuleChecker.dimension(from: hotel, to: "arrivals", model: transfers).map(\.name) == ["arrivals"])
    }

    @Test func columns() throws {
        let model = try F.model()
        #expect(try RuleChecker.column("hotel.city", on: try F.entity("reservation"), model: model)
            == ColumnReference(steps: [F.reservationHotel], entity: "hotel", field: try F.field("hotel", "city")))
        #expect(try RuleChecker.column(" hotel . region . name ", on: try F.entity("reservation"), model: model).path == "hotel.region.name")
        #expect(try RuleChecker.column("tier", on: try F.entity("profile"), model: model).steps.isEmpty)
        for (path, entity, expected) in [
            ("hotel.citi", "reservation", "unknown field \"citi\" on hotel — did you mean \"city\"?"),
            ("reservations.status", "profile", "reservations is a list of reservation rows (1-N) on profile"),
            ("hotel", "reservation", "hotel is a link to hotel; name one of its fields"),
        ] {
            let entity = try F.entity(entity)
            do {
                _ = try RuleChecker.column(path, on: entity, model: model)
                Issue.record("expected \(path) to be refused")
            } catch {
                #expect(error.code == .unknownName)
                #expect(error.message.hasPrefix(expected), "\(error.message)")
            }
        }
    }
}

extension RuleCheckerTests {
    /// The checker's message for a JSON rule that must be refused.
    fileprivate func jsonProblem(_ json: String, on entity: String) throws -> String {
        let rule = try RuleExpression.fromJSON(Data(json.utf8))
        let entity = try F.entity(entity), model = try F.model()
        do {
            _ = try RuleChecker.check(rule, on: entity, model: model, environment: F.environment())
            Issue.record("expected \(json) to be refused")
            return ""
        } catch {
            return error.message
        }
    }
}
