import Foundation
import Testing

@testable import CrescendoCore

@Suite struct RuleParserTests {
    typealias T = RuleTree

    /// The problem of a rule that must not parse (nil, with an issue, when it parses).
    private func failure(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> RuleProblem? {
        switch RuleParser.parseResult(text) {
        case .success(let rule):
            Issue.record("expected a parse error, got \(rule)", sourceLocation: sourceLocation)
            return nil
        case .failure(let problem):
            return problem
        }
    }

    // MARK: Constructs

    @Test(arguments: [
        ("=", ComparisonOperator.equal), ("!=", .notEqual), ("<>", .notEqual), ("<", .less), ("<=", .lessOrEqual),
        (">", .greater), (">=", .greaterOrEqual),
    ])
    func comparisonOperators(symbol: String, op: ComparisonOperator) throws {
        let expected = T.cmp(T.field("nights"), op, T.int(3))
        #expect(try RuleParser.parse("nights \(symbol) 3") == expected)
        #expect(try RuleParser.parse("nights\(symbol)3") == expected)
    }

    static let conditionsCases: [(String, RuleExpression)] = [
        ("nights between 1 and 3", T.between(T.field("nights"), T.int(1), T.int(3))),
        ("nights not between 1 and 3", T.between(T.field("nights"), T.int(1), T.int(3), negated: true)),
        ("tier in ('gold', 'silver')", T.list(T.field("tier"), [T.text("gold"), T.text("silver")])),
        ("tier not in ('basic')", T.list(T.field("tier"), [T.text("basic")], negated: true)),
        ("tier in ('GOLD', 'Silver') ignore case", T.list(T.field("tier"), [T.text("GOLD"), T.text("Silver")], ignoreCase: true)),
        ("email is null", T.isNull(T.field("email"))),
        ("email is not null", T.isNull(T.field("email"), negated: true)),
        ("email like '%@example.com'", T.match(.like, T.field("email"), "%@example.com")),
        ("email ilike '%@EXAMPLE.com'", T.match(.like, T.field("email"), "%@EXAMPLE.com", ignoreCase: true)),
        ("email not like 'test%'", T.match(.like, T.field("email"), "test%", negated: true)),
        ("email not ilike 'test%'", T.match(.like, T.field("email"), "test%", negated: true, ignoreCase: true)),
        ("email like 'a%' ignore case", T.match(.like, T.field("email"), "a%", ignoreCase: true)),
        ("city starts with 'Lis'", T.match(.startsWith, T.field("city"), "Lis")),
        ("city not starts with 'Lis' ignore case", T.match(.startsWith, T.field("city"), "Lis", negated: true, ignoreCase: true)),
        ("city contains 'bo'", T.match(.contains, T.field("city"), "bo")),
        ("city not contains 'bo' ignore case", T.match(.contains, T.field("city"), "bo", negated: true, ignoreCase: true)),
        ("city = 'lisbon' ignore case", T.cmp(T.field("city"), .equal, T.text("lisbon"), ignoreCase: true)),
        ("email_opt_in", T.field("email_opt_in")),
        ("email_opt_in = true", T.cmp(T.field("email_opt_in"), .equal, T.bool(true))),
        ("birth_date = null", T.cmp(T.field("birth_date"), .equal, T.null)),
    ]

    @Test(arguments: conditionsCases)
    func conditions(text: String, expected: RuleExpression) throws {
        #expect(try RuleParser.parse(text) == expected)
    }

    static let logicCases: [(String, RuleExpression)] = [
        ("a = 1 or b = 2 and c = 3",
         T.or(T.cmp(T.field("a"), .equal, T.int(1)), T.and(T.cmp(T.field("b"), .equal, T.int(2)), T.cmp(T.field("c"), .equal, T.int(3))))),
        ("(a = 1 or b = 2) and c = 3",
         T.and(T.or(T.cmp(T.field("a"), .equal, T.int(1)), T.cmp(T.field("b"), .equal, T.int(2))), T.cmp(T.field("c"), .equal, T.int(3)))),
        ("a = 1 and b = 2 and c = 3",
         T.and(T.cmp(T.field("a"), .equal, T.int(1)), T.cmp(T.field("b"), .equal, T.int(2)), T.cmp(T.field("c"), .equal, T.int(3)))),
        ("not a = 1 and b = 2", T.and(T.not(T.cmp(T.field("a"), .equal, T.int(1))), T.cmp(T.field("b"), .equal, T.int(2)))),
        ("not (a = 1 or b = 2)", T.not(T.or(T.cmp(T.field("a"), .equal, T.int(1)), T.cmp(T.field("b"), .equal, T.int(2))))),
        ("not not a", T.not(T.not(T.field("a")))),
        ("tier = 'gold' AND nights > 2 Or NOT email IS NULL",
         T.or(T.and(T.cmp(T.field("tier"), .equal, T.text("gold")), T.cmp(T.field("nights"), .greater, T.int(2))), T.not(T.isNull(T.field("email"))))),
        ("EXISTS reservations(Status = 'x') And COUNT(DISTINCT reservations.hotel_id) >= 2 OR city ILIKE 'l%' IGNORE CASE",
         T.or(
            T.and(T.exists("reservations", T.cmp(T.field("Status"), .equal, T.text("x"))), T.cmp(T.agg(.countDistinct, "reservations.hotel_id"), .greaterOrEqual, T.int(2))),
            T.match(.like, T.field("city"), "l%", ignoreCase: true))),
        ("email_opt_in = TRUE and x = False", T.and(T.cmp(T.field("email_opt_in"), .equal, T.bool(true)), T.cmp(T.field("x"), .equal, T.bool(false)))),
        ("nights between 1 and 3 and tier = 'gold'",
         T.and(T.between(T.field("nights"), T.int(1), T.int(3)), T.cmp(T.field("tier"), .equal, T.text("gold")))),
    ]

    @Test(arguments: logicCases)
    func precedenceAndKeywords(text: String, expected: RuleExpression) throws {
        #expect(try RuleParser.parse(text) == expected)
    }

    static let relationsCases: [(String, RuleExpression)] = [
        ("customer.home_hotel.city = 'Lisbon'", T.cmp(.path(["customer", "home_hotel", "city"], T.at), .equal, T.text("Lisbon"))),
        ("exists reservations", T.exists("reservations")),
        ("exists reservations(status = 'booked')", T.exists("reservations", T.cmp(T.field("status"), .equal, T.text("booked")))),
        ("exists customer.reservations(status = 'booked' and nights > 2)",
         T.exists("customer.reservations", T.and(T.cmp(T.field("status"), .equal, T.text("booked")), T.cmp(T.field("nights"), .greater, T.int(2))))),
        ("exists reservations(exists hotel.reservations(status = 'booked'))",
         T.exists("reservations", T.exists("hotel.reservations", T.cmp(T.field("status"), .equal, T.text("booked"))))),
        ("count(reservations) >= 3", T.cmp(T.agg(.count, "reservations"), .greaterOrEqual, T.int(3))),
        ("count(reservations where status = 'completed') >= 3",
         T.cmp(T.agg(.count, "reservations", where: T.cmp(T.field("status"), .equal, T.text("completed"))), .greaterOrEqual, T.int(3))),
        ("sum(loyalty.points) > 100", T.cmp(T.agg(.sum, "loyalty.points"), .greater, T.int(100))),
        ("sum(loyalty.points where date >= daysAgo(365)) > 100",
         T.cmp(T.agg(.sum, "loyalty.points", where: T.cmp(T.field("date"), .greaterOrEqual, T.call("daysAgo", T.int(365)))), .greater, T.int(100))),
        ("avg(reservations.amount) > 150.5", T.cmp(T.agg(.avg, "reservations.amount"), .greater, T.dec("150.5"))),
        ("min(reservations.check_in) < '2020-01-01'", T.cmp(T.agg(.min, "reservations.check_in"), .less, T.text("2020-01-01"))),
        ("max(reservations.nights where status != 'cancelled') = 14",
         T.cmp(T.agg(.max, "reservations.nights", where: T.cmp(T.field("status"), .notEqual, T.text("cancelled"))), .equal, T.int(14))),
        ("count(distinct reservations.hotel_id) > 1", T.cmp(T.agg(.countDistinct, "reservations.hotel_id"), .greater, T.int(1))),
        ("count(distinct reservations.hotel_id where nights > 1) > 1",
         T.cmp(T.agg(.countDistinct, "reservations.hotel_id", where: T.cmp(T.field("nights"), .greater, T.int(1))), .greater, T.int(1))),
        ("in audience 'gold-lisbon'", T.audience("gold-lisbon")),
        ("customer in audience 'vip'", T.audience("vip", path: "customer")),
        ("not in audience 'vip'", T.not(T.audience("vip"))),
        ("customer.home_hotel not in audience 'vip'", T.not(T.audience("vip", path: "customer.home_hotel"))),
        ("In Audience 'x' or email is null", T.or(T.audience("x"), T.isNull(T.field("email")))),
    ]

    @Test(arguments: relationsCases)
    func pathsExistsAggregatesAudiences(text: String, expected: RuleExpression) throws {
        #expect(try RuleParser.parse(text) == expected)
    }

    static let valuesCases: [(String, RuleExpression)] = [
        ("check_in >= today()", T.cmp(T.field("check_in"), .greaterOrEqual, T.call("today"))),
        ("booked_at > now()", T.cmp(T.field("booked_at"), .greater, T.call("now"))),
        ("booked_at > daysAgo(30)", T.cmp(T.field("booked_at"), .greater, T.call("daysAgo", T.int(30)))),
        ("check_in = today('Europe/Lisbon')", T.cmp(T.field("check_in"), .equal, T.call("today", T.text("Europe/Lisbon")))),
        ("check_in < today() + 7 days",
         T.cmp(T.field("check_in"), .less, T.arith(.add, T.call("today"), T.interval(T.int(7), .days)))),
        ("check_in < today() + 7days",
         T.cmp(T.field("check_in"), .less, T.arith(.add, T.call("today"), T.interval(T.int(7), .days)))),
        ("check_in > today() - 1 day",
         T.cmp(T.field("check_in"), .greater, T.arith(.subtract, T.call("today"), T.interval(T.int(1), .days)))),
        ("check_in < today() + $lead days",
         T.cmp(T.field("check_in"), .less, T.arith(.add, T.call("today"), T.interval(T.variable("lead"), .days)))),
        ("booked_at > now() - 2 Hours + 30 minute",
         T.cmp(T.field("booked_at"), .greater,
               T.arith(.add, T.arith(.subtract, T.call("now"), T.interval(T.int(2), .hours)), T.interval(T.int(30), .minutes)))),
        ("check_in < today() + (n + 1) weeks",
         T.cmp(T.field("check_in"), .less, T.arith(.add, T.call("today"), T.interval(T.arith(.add, T.field("n"), T.int(1)), .weeks)))),
        ("check_in > today() - 1 month - 2 years",
         T.cmp(T.field("check_in"), .greater,
               T.arith(.subtract, T.arith(.subtract, T.call("today"), T.interval(T.int(1), .months)), T.interval(T.int(2), .years)))),
        ("nights > -3", T.cmp(T.field("nights"), .greater, T.int(-3))),
        ("amount > -12.5", T.cmp(T.field("amount"), .greater, T.dec("-12.5"))),
        ("amount >= 0.25", T.cmp(T.field("amount"), .greaterOrEqual, T.dec("0.25"))),
        ("amount >= 12.50", T.cmp(T.field("amount"), .greaterOrEqual, T.dec("12.50"))),
        ("nights > - -3", T.cmp(T.field("nights"), .greater, T.int(3))),
        ("nights > -stars", T.cmp(T.field("nights"), .greater, T.arith(.subtract, T.int(0), T.field("stars")))),
        ("check_in > today() + -7 days",
         T.cmp(T.field("check_in"), .greater, T.arith(.add, T.call("today"), T.interval(T.int(-7), .days)))),
        ("a + b * c > 1", T.cmp(T.arith(.add, T.field("a"), T.arith(.multiply, T.field("b"), T.field("c"))), .greater, T.int(1))),
        ("(a + b) * c > 1", T.cmp(T.arith(.multiply, T.arith(.add, T.field("a"), T.field("b")), T.field("c")), .greater, T.int(1))),
        ("a - b - c > 1", T.cmp(T.arith(.subtract, T.arith(.subtract, T.field("a"), T.field("b")), T.field("c")), .greater, T.int(1))),
        ("a / b * c > 1", T.cmp(T.arith(.multiply, T.arith(.divide, T.field("a"), T.field("b")), T.field("c")), .greater, T.int(1))),
        ("tier = $tier", T.cmp(T.field("tier"), .equal, T.variable("tier"))),
        ("points >= $min_points_2", T.cmp(T.field("points"), .greaterOrEqual, T.variable("min_points_2"))),
        ("first_name = 'O''Brien'", T.cmp(T.field("first_name"), .equal, T.text("O'Brien"))),
        ("first_name = ''''", T.cmp(T.field("first_name"), .equal, T.text("'"))),
        ("first_name = ''", T.cmp(T.field("first_name"), .equal, T.text(""))),
        ("note = 'a; DROP TABLE x; -- c /* d */ $v\nnext ''line'''",
         T.cmp(T.field("note"), .equal, T.text("a; DROP TABLE x; -- c /* d */ $v\nnext 'line'"))),
        ("city = 'S\u{E3}o Paulo 🇧🇷'", T.cmp(T.field("city"), .equal, T.text("S\u{E3}o Paulo 🇧🇷"))),
    ]

    @Test(arguments: valuesCases)
    func valuesFunctionsIntervalsArithmetic(text: String, expected: RuleExpression) throws {
        #expect(try RuleParser.parse(text) == expected)
    }

    @Test func treesCompareWithoutPositionsButKeepThem() throws {
        let rule = try RuleParser.parse("tier = 'gold' and\n  nights > 3")
        guard case .and(let parts) = rule, parts.count == 2 else {
            Issue.record("expected two conditions, got \(rule)")
            return
        }
        #expect(rule.position == SourcePosition(line: 1, column: 1))
        #expect(parts[1].position == SourcePosition(line: 2, column: 3))
        guard case .compare(_, _, let right, _, _) = parts[1] else {
            Issue.record("expected a comparison, got \(parts[1])")
            return
        }
        #expect(right.position == SourcePosition(line: 2, column: 12))
        // Equality ignores positions, but not structure.
        #expect(rule == (try RuleParser.parse("tier='gold' and nights>3")))
        #expect(rule != (try RuleParser.parse("tier = 'gold' and nights >= 3")))
    }

    @Test func positionsAfterAMultiLineString() throws {
        let rule = try RuleParser.parse("note = 'a\nb' and x = 1")
        guard case .and(let parts) = rule else {
            Issue.record("expected and, got \(rule)")
            return
        }
        #expect(parts[1].position == SourcePosition(line: 2, column: 8))
    }

    // MARK: Errors

    static let errorsCases: [(String, Int, Int, String)] = [
        ("city = 'Lisbon", 1, 8, "the string that starts here is not closed; end it with '"),
        ("city = \"Lisbon\"", 1, 8, "strings take single quotes: 'Lisbon', not \"Lisbon\""),
        ("tier = ", 1, 8, "expected a field, a value or a condition, found the end of the rule"),
        ("tier 'gold'", 1, 6, "expected and, or, or the end of the rule, found the string 'gold'"),
        ("(a = 1", 1, 7, "expected \")\", found the end of the rule"),
        ("nights > 12abc", 1, 10, "\"12abc\" is not a number; put a space between a number and a word"),
        ("", 1, 1, "the rule is empty"),
        ("  \n   ", 2, 4, "the rule is empty"),
        ("tier = 'gold'\n  and nights > > 3", 2, 16, "expected a field, a value or a condition, found \">\""),
        ("a == 1", 1, 4, "expected a field, a value or a condition, found \"=\""),
        ("tier in ()", 1, 6, "the list of values is empty"),
        ("tier in ('a' 'b')", 1, 14, "expected \",\" or \")\" in the list of values, found the string 'b'"),
        ("nights between 1 or 3", 1, 18, "expected \"and\" between the two bounds of between, found \"or\""),
        ("email is nul", 1, 10, "expected \"null\" after is, found \"nul\""),
        ("city starts 'L'", 1, 13, "expected \"with\" after starts, found the string 'L'"),
        ("sum(distinct loyalty.points) > 1", 1, 1, "distinct is only for count: count(distinct reservations.hotel_id)"),
        ("count(reservations", 1, 19, "expected \"where\" or \")\" in count(…), found the end of the rule"),
        ("tier = $", 1, 8, "a variable is $ followed by a name, like $min_points"),
        ("tier = $1", 1, 8, "a variable is $ followed by a name, like $min_points"),
        ("tier = 'a' & nights = 1", 1, 12, "unexpected character \"&\""),
        ("in audience gold", 1, 13, "expected the audience name as a quoted string, like 'gold-lisbon', found \"gold\""),
        ("nights > 99999999999999999999", 1, 10, "the number 99999999999999999999 is too large"),
        ("tier not = 'x'", 1, 6, "expected and, or, or the end of the rule, found \"not\""),
        ("and = 1", 1, 1, "expected a field, a value or a condition, found \"and\""),
        ("'Lis' in audience 'x'", 1, 1, "only a row (a link such as customer) can be in an audience"),
        ("exists (status = 'x')", 1, 8, "expected a field or link name, found \"(\""),
        ("hotel. = 'x'", 1, 8, "expected a field or link name after \".\", found \"=\""),
        ("today(1 2)", 1, 9, "expected \",\" or \")\" after the arguments of today(), found the number 2"),
        ("exists reservations(status = 'x'", 1, 33, "expected \")\" to close the exists filter, found the end of the rule"),
        ("note = 'this is a long string that goes on' =", 1, 45, "found \"=\""),
        ("x = 'this is a long string that goes on and on' 'again and again and again and again'", 1, 49,
         "found the string 'again and again and again a...'"),
        ("tier = 'a\u{0}b'", 1, 10, "a string may not contain a NUL character"),
        ("\t\ttier = 'gold' or\r\n\tnights >", 2, 10, "expected a field, a value or a condition, found the end of the rule"),
    ]

    @Test(arguments: errorsCases)
    func errorsPointAtTheText(text: String, line: Int, column: Int, message: String) {
        guard let problem = failure(text) else { return }
        #expect(problem.position == SourcePosition(line: line, column: column))
        #expect(problem.message.contains(message), "\(problem.message)")
    }

    @Test func parseThrowsAnInvalidRuleErrorWithThePosition() {
        do {
            _ = try RuleParser.parse("tier = 'gold'\n  and nights > > 3")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidRule)
            #expect(error.message == "invalid rule: line 2, column 16: expected a field, a value or a condition, found \">\"")
        }
    }

    @Test func columnsCountCharactersNotBytes() {
        // "ã" is two UTF-8 bytes but one character: "=" is the 18th character.
        #expect(failure("city = 'S\u{E3}o' and = 1")?.position == SourcePosition(line: 1, column: 18))
    }

    /// SourcePosition documents columns "in characters", but the lexer counts Unicode scalars: a flag
    /// emoji (two regional-indicator scalars) or a decomposed accent shifts every later column by one.
    @Test func columnsCountGraphemeClusters() {
        #expect(failure("city = '🇵🇹' and = 1")?.position == SourcePosition(line: 1, column: 16))
        #expect(failure("city = 'a\u{301}' and = 1")?.position == SourcePosition(line: 1, column: 16))
    }

    // MARK: Nesting

    @Test func modestNestingParses() throws {
        let depth = 50
        let text = String(repeating: "(", count: depth) + "a = 1" + String(repeating: ")", count: depth)
        #expect(try RuleParser.parse(text) == T.cmp(T.field("a"), .equal, T.int(1)))
        #expect(try RuleParser.parse(String(repeating: "not ", count: 40) + "a") != T.field("a"))
    }

    @Test(arguments: [65, 100, 20_000])
    func deepNestingIsAnErrorNotACrash(depth: Int) {
        let parentheses = String(repeating: "(", count: depth) + "a = 1" + String(repeating: ")", count: depth)
        let nots = String(repeating: "not ", count: depth) + "a = 1"
        let minuses = "a = " + String(repeating: "-", count: depth) + "1"
        let filters = String(repeating: "exists r(", count: depth) + "a = 1" + String(repeating: ")", count: depth)
        for text in [parentheses, nots, minuses, filters] {
            #expect(failure(text)?.message == "the rule nests deeper than \(RuleParser.maxDepth) levels")
        }
    }

    /// Function calls nest through parseOperand → parsePrimary without passing the depth guard, so a
    /// hostile rule of nested calls recurses without limit (100 levels parse; a large enough count
    /// exhausts the stack instead of giving the nesting error).
    @Test func nestedFunctionCallsAreDepthLimited() {
        let text = "a = " + String(repeating: "f(", count: 100) + String(repeating: ")", count: 100)
        #expect(failure(text)?.message == "the rule nests deeper than \(RuleParser.maxDepth) levels")
    }
}
