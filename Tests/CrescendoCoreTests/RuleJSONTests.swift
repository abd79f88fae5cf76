import Foundation
import Testing

@testable import CrescendoCore

@Suite struct RuleJSONTests {
    typealias T = RuleTree

    static let rules = [
        "tier = 'gold'",
        "tier = 'gold' and nights > 3 or not email is null",
        "(a = 1 or b = 2) and not (c = 3 and d != 4)",
        "nights not between 1 and 3",
        "tier not in ('gold', 'silver') ignore case",
        "email is not null",
        "email not ilike '%@EXAMPLE.com' and city starts with 'Lis' ignore case and city not contains 'x'",
        "first_name = 'O''Brien; -- /* */ $x\nsecond line'",
        "amount >= 12.50 and amount < -0.5",
        "nights > -3 and nights < 9223372036854775807",
        "email_opt_in = true and x = false",
        "customer.home_hotel.city = 'Lisbon'",
        "exists reservations(exists hotel.reservations(status = 'booked' and nights >= 2))",
        "exists customer",
        "count(reservations where status = 'completed') >= 3",
        "count(distinct reservations.hotel_id where check_in >= daysAgo(365)) > 1 and sum(loyalty.points) > 100",
        "avg(reservations.amount) > max(reservations.amount) / 2",
        "check_in between today() and today('Europe/Lisbon') + 7 days",
        "booked_at > now() - 2 hours + $lead minutes",
        "check_in < today() + ($n + 1) weeks and check_in > today() - -1 months",
        "a - (b - c) > a * (b / c) - -(d + e)",
        "in audience 'gold' or customer.home_hotel in audience 'vip'",
        "not in audience 'gold' and customer not in audience 'x'",
        "email_opt_in and not email_opt_in",
        "first_name = '5' and last_name = 'true' and nick = '' and note = 'null'",
        "(a = 1) = false",
    ]

    @Test(arguments: rules)
    func jsonRoundTrip(text: String) throws {
        let rule = try RuleParser.parse(text)
        let data = rule.jsonData()
        #expect(!data.isEmpty)
        let decoded = try RuleExpression.fromJSON(data)
        #expect(decoded == rule, "\(String(decoding: data, as: UTF8.self))")
        // Positions travel too.
        #expect(decoded.position == rule.position)
        #expect(RuleExpression.fromJSONPretty(rule) == rule)
    }

    @Test(arguments: rules)
    func textRoundTrip(text: String) throws {
        let rule = try RuleParser.parse(text)
        #expect(try RuleParser.parse(rule.text) == rule, "\(rule.text)")
        // Rendering is stable: the text of the reparsed rule is the same text.
        #expect(try RuleParser.parse(rule.text).text == rule.text)
    }

    @Test(arguments: [
        ("tier  =  'gold'  AND  nights>3", "tier = 'gold' and nights > 3"),
        ("(a = 1 or b = 2) and not c = 3", "(a = 1 or b = 2) and not c = 3"),
        ("a = 1 or (b = 2 and c = 3)", "a = 1 or b = 2 and c = 3"),
        ("x = 'O''Brien'", "x = 'O''Brien'"),
        ("a - (b - c) > 0", "a - (b - c) > 0"),
        ("(a - b) - c > 0", "a - b - c > 0"),
        ("(a * b) + c > 0", "a * b + c > 0"),
        ("email ilike 'x%'", "email like 'x%' ignore case"),
        ("a <> 1", "a != 1"),
        ("check_in < today() + 7days", "check_in < today() + 7 days"),
        ("check_in < today() + 1 DAY", "check_in < today() + 1 days"),
        ("count(DISTINCT reservations.hotel_id where status = 'completed') > 1",
         "count(distinct reservations.hotel_id where status = 'completed') > 1"),
        ("customer not in audience 'x'", "customer not in audience 'x'"),
        ("nights > -x", "nights > 0 - x"),
    ])
    func renderedText(text: String, expected: String) throws {
        #expect(try RuleParser.parse(text).text == expected)
    }

    /// The text form promises "Parsing the text gives back an equal tree", but an and nested in an
    /// and (or an or in an or) is rendered without parentheses and reparses flattened.
    @Test(arguments: ["(a = 1 and b = 2) and c = 3", "a = 1 or (b = 2 or c = 3)"])
    func nestedSameConnectiveRoundTrips(text: String) throws {
        let rule = try RuleParser.parse(text)
        let reparsed = try RuleParser.parse(rule.text)
        #expect(reparsed == rule, "\(rule.text)")
    }

    /// `(-7) days` keeps a negative literal as the amount; it renders as `-7 days`, which reparses as
    /// an interval of `0 - 7`.
    @Test func parenthesizedNegativeIntervalRoundTrips() throws {
        let rule = try RuleParser.parse("check_in > today() + (-7) days")
        #expect(rule == T.cmp(T.field("check_in"), .greater, T.arith(.add, T.call("today"), T.interval(T.int(-7), .days))))
        let reparsed = try RuleParser.parse(rule.text)
        #expect(reparsed == rule, "\(rule.text)")
    }

    // MARK: Encoding

    private func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func decimalsTravelAsText() throws {
        let rule = try RuleParser.parse("amount >= 12.50")
        let json = try object(rule.jsonData())
        let right = try #require(json["right"] as? [String: Any])
        #expect(right["type"] as? String == "value")
        #expect(right["decimal"] as? String == "12.50")
        #expect(right["value"] == nil)
        #expect(String(decoding: rule.jsonData(), as: UTF8.self).contains("\"decimal\":\"12.50\""))
        #expect(try RuleExpression.fromJSON(rule.jsonData()) == T.cmp(T.field("amount"), .greaterOrEqual, T.dec("12.50")))
    }

    @Test func encodesTheDocumentedShape() throws {
        let rule = try RuleParser.parse("tier in ('gold') and exists reservations(nights > 2)")
        let json = try object(rule.jsonData())
        #expect(json["type"] as? String == "and")
        let conditions = try #require(json["conditions"] as? [[String: Any]])
        #expect(conditions.count == 2)
        #expect(conditions[0]["type"] as? String == "in")
        #expect((conditions[0]["value"] as? [String: Any])?["path"] as? String == "tier")
        #expect(conditions[0]["negated"] == nil)
        let at = try #require(conditions[0]["at"] as? [String: Any])
        #expect(at["line"] as? Int == 1)
        #expect(at["column"] as? Int == 1)
        #expect(conditions[1]["type"] as? String == "exists")
        #expect(conditions[1]["path"] as? String == "reservations")
        #expect((conditions[1]["filter"] as? [String: Any])?["type"] as? String == "compare")
        guard case .and(let parts) = rule else {
            Issue.record("expected and, got \(rule)")
            return
        }
        #expect((conditions[1]["at"] as? [String: Any])?["column"] as? Int == parts[1].position.column)
    }

    @Test func builderJSONWithoutPositionsDecodes() throws {
        let json = """
            {"type": "and", "conditions": [
              {"type": "compare", "operator": "=", "left": {"type": "field", "path": "tier"}, "right": {"type": "value", "value": "gold"}},
              {"type": "compare", "operator": ">=", "left": {"type": "aggregate", "function": "count", "path": "reservations",
                "filter": {"type": "compare", "operator": "=", "left": {"type": "field", "path": "status"}, "right": {"type": "value", "value": "completed"}}},
               "right": {"type": "value", "value": 3}},
              {"type": "in_audience", "audience": "vip"},
              {"type": "compare", "operator": "<", "left": {"type": "field", "path": "birth_date"},
               "right": {"type": "arithmetic", "operator": "-", "left": {"type": "call", "function": "today"},
                         "right": {"type": "interval", "amount": {"type": "value", "value": 18}, "unit": "years"}}}
            ]}
            """
        let rule = try RuleExpression.fromJSON(Data(json.utf8))
        #expect(rule == (try RuleParser.parse(
            "tier = 'gold' and count(reservations where status = 'completed') >= 3 and in audience 'vip' and birth_date < today() - 18 years")))
        #expect(rule.position == .unknown)
        // Checked against the model, problems have no position to show.
        let bad = try RuleExpression.fromJSON(Data(#"{"type": "compare", "operator": "=", "left": {"type": "field", "path": "citi"}, "right": {"type": "value", "value": "x"}}"#.utf8))
        let hotel = try RuleFixtures.entity("hotel"), model = try RuleFixtures.model()
        do {
            _ = try RuleChecker.check(bad, on: hotel, model: model, environment: RuleFixtures.environment())
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "invalid rule: unknown field \"citi\" on hotel — did you mean \"city\"?")
        }
    }

    @Test(arguments: [
        (#"{"type": "value", "value": "5"}"#, RuleTree.text("5")),
        (#"{"type": "value", "value": "true"}"#, RuleTree.text("true")),
        (#"{"type": "value", "value": 5}"#, RuleTree.int(5)),
        (#"{"type": "value", "value": -9223372036854775808}"#, RuleTree.int(.min)),
        (#"{"type": "value", "value": 0.1}"#, RuleTree.dec("0.1")),
        (#"{"type": "value", "decimal": "-0.10"}"#, RuleTree.dec("-0.10")),
        (#"{"type": "value", "value": true}"#, RuleTree.bool(true)),
        (#"{"type": "value", "value": null}"#, RuleTree.null),
        (#"{"type": "field", "path": "hotel.region.name"}"#, RuleTree.field("hotel.region.name")),
        (#"{"type": "in_audience", "path": "customer", "audience": "x"}"#, RuleTree.audience("x", path: "customer")),
        (#"{"type": "call", "function": "daysAgo", "arguments": [{"type": "value", "value": 3}]}"#, RuleTree.call("daysAgo", RuleTree.int(3))),
        (#"{"type": "match", "match": "starts with", "value": {"type": "field", "path": "city"}, "pattern": {"type": "value", "value": "L"}, "negated": true}"#,
         RuleTree.match(.startsWith, RuleTree.field("city"), "L", negated: true)),
        (#"{"type": "aggregate", "function": "count distinct", "path": "reservations.hotel_id"}"#, RuleTree.agg(.countDistinct, "reservations.hotel_id")),
    ])
    func decodesNodes(json: String, expected: RuleExpression) throws {
        #expect(try RuleExpression.fromJSON(Data(json.utf8)) == expected)
    }

    // MARK: Decoding errors

    private func decodingError(_ json: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        do {
            let rule = try RuleExpression.fromJSON(Data(json.utf8))
            Issue.record("expected a decoding error, got \(rule)", sourceLocation: sourceLocation)
            return ""
        } catch {
            #expect(error.code == .invalidRule, sourceLocation: sourceLocation)
            return error.message
        }
    }

    private static let tierIsGold = #"{"type": "compare", "operator": "=", "left": {"type": "field", "path": "tier"}, "right": {"type": "value", "value": "gold"}}"#

    @Test func unknownNodeTypeNamesItsPlace() {
        let message = decodingError(#"{"type": "and", "conditions": [\#(Self.tierIsGold), {"type": "frobnicate"}]}"#)
        #expect(message.hasPrefix("invalid rule JSON: "))
        #expect(message.contains("conditions[1]"), "\(message)")
        #expect(message.contains("unknown node type \"frobnicate\""), "\(message)")
        #expect(message.contains("compare, between, in, is_null"), "\(message)")
    }

    @Test func missingKeyIsNamed() {
        let message = decodingError(#"{"type": "not", "condition": {"type": "compare", "operator": "=", "left": {"type": "field", "path": "tier"}}}"#)
        #expect(message == "invalid rule JSON: condition.right: missing")
        #expect(decodingError(#"{"conditions": []}"#) == "invalid rule JSON: type: missing")
    }

    @Test func unknownOperatorListsTheValidOnes() {
        let message = decodingError(#"{"type": "or", "conditions": [\#(Self.tierIsGold), {"type": "compare", "operator": "==", "left": {"type": "field", "path": "a"}, "right": {"type": "value", "value": 1}}]}"#)
        #expect(message.contains("conditions[1].operator"), "\(message)")
        #expect(message.contains("\"==\" is not one of =, !=, <, <=, >, >="), "\(message)")
    }

    @Test(arguments: [
        (#"{"type": "match", "match": "regex", "value": {"type": "field", "path": "a"}, "pattern": {"type": "value", "value": "x"}}"#,
         "match: \"regex\" is not one of like, starts with, contains"),
        (#"{"type": "interval", "amount": {"type": "value", "value": 1}, "unit": "fortnights"}"#,
         "unit: \"fortnights\" is not one of minutes, hours, days, weeks, months, years"),
        (#"{"type": "aggregate", "function": "median", "path": "reservations.amount"}"#,
         "function: \"median\" is not one of count, sum, avg, min, max, count distinct"),
        (#"{"type": "and", "conditions": []}"#, "conditions: and needs at least one condition"),
        (#"{"type": "in", "value": {"type": "field", "path": "tier"}, "list": []}"#, "list: the list of values is empty"),
        (#"{"type": "value", "decimal": "12,5"}"#, "decimal: \"12,5\" is not a decimal number"),
        (#"{"type": "value"}"#, "value: missing"),
        (#"{"type": "exists", "path": "reservations", "filter": {"type": "compare", "operator": "=", "left": {"type": "field"}, "right": {"type": "value", "value": 1}}}"#,
         "filter.left.path: missing"),
        (#"{"type": 5}"#, "type: "),
        ("not json", "the document: "),
    ])
    func decodingErrorsNameThePlace(json: String, expected: String) {
        let message = decodingError(json)
        #expect(message.hasPrefix("invalid rule JSON: " + expected), "\(message)")
    }
}

extension RuleExpression {
    /// Pretty output decodes the same as compact output.
    fileprivate static func fromJSONPretty(_ rule: RuleExpression) -> RuleExpression? {
        try? RuleExpression.fromJSON(rule.jsonData(pretty: true))
    }
}
