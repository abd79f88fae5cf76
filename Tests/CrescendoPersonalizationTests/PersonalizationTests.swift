import Testing

@testable import CrescendoPersonalization

private let enUS = RecipientContext(locale: "en_US", timeZone: "America/New_York", defaultCurrencyCode: "USD")
private let frFR = RecipientContext(locale: "fr_FR", timeZone: "Europe/Paris", defaultCurrencyCode: "EUR")
private let nnbsp = "\u{202F}"  // narrow no-break space (ICU: fr grouping, en "AM"/"PM")
private let nbsp = "\u{00A0}"

/// 2026-03-29T01:30:00Z: Europe/Paris switches to CEST at 01:00Z that day.
private let dstMicros: Int64 = 1_774_747_800_000_000

private func render(
    _ text: String, _ context: [String: TemplateValue], _ recipient: RecipientContext = enUS,
    escaping: MessageTemplate.Escaping = .html
) throws -> String {
    try MessageTemplate(text, name: "t", escaping: escaping).render(context, recipient: recipient)
}

@Suite struct EscapingTests {
    @Test func htmlEscapesByDefault() throws {
        let out = try render("<p>Hi {{name}}</p>", ["name": "<script>alert('x')</script> & co"])
        #expect(out == "<p>Hi &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co</p>")
    }

    @Test func noneDoesNotEscape() throws {
        let out = try render("Hi {{name}}", ["name": "<script>"], escaping: .none)
        #expect(out == "Hi <script>")
    }

    @Test func tripleMustacheNeverEscapes() throws {
        #expect(try render("{{{name}}}|{{&name}}", ["name": "<b>"]) == "<b>|<b>")
    }

    @Test func helperOutputIsEscapedToo() throws {
        #expect(try render("{{upper(name)}}", ["name": "a<b"]) == "A&lt;B")
    }

    @Test func layoutPreservedAroundStandaloneTags() throws {
        let rows: TemplateValue = [["hotel": "A"], ["hotel": "B"]]
        #expect(try render("\n{{#stays}}\n- {{hotel}}\n{{/stays}}\nend", ["stays": rows], escaping: .none) == "\n- A\n- B\nend")
    }
}

@Suite struct StructureTests {
    @Test func dottedPaths() throws {
        let ctx: [String: TemplateValue] = ["hotel": ["name": "Le Bristol", "address": ["city": "Paris"]]]
        #expect(try render("{{hotel.name}}, {{hotel.address.city}}{{hotel.missing.x}}", ctx) == "Le Bristol, Paris")
    }

    @Test func sectionsOverLists() throws {
        let ctx: [String: TemplateValue] = [
            "first_name": "Ana",
            "stays": [["hotel": "A", "nights": 2], ["hotel": "B", "nights": 1]],
        ]
        let text = "{{#stays}}{{hotel}} ({{nights}}) for {{first_name}}{{^last()}}, {{/last()}}{{/stays}}"
        #expect(try render(text, ctx) == "A (2) for Ana, B (1) for Ana")
        #expect(try render("{{count(stays)}}", ctx) == "2")
        #expect(try render("{{#first(stays)}}{{hotel}}{{/first(stays)}}|{{#reversed(stays)}}{{hotel}}{{/reversed(stays)}}", ctx) == "A|BA")
        #expect(try render("{{#stays}}{{index()}}{{/stays}}", ctx) == "01")
    }

    @Test func invertedSectionsAndConditions() throws {
        let text = "{{#vip}}VIP{{/vip}}{{^vip}}regular{{/vip}}|{{^stays}}no stays{{/stays}}"
        #expect(try render(text, ["vip": true, "stays": []]) == "VIP|no stays")
        #expect(try render(text, ["vip": false, "stays": [1]]) == "regular|")
        #expect(try render(text, [:]) == "regular|no stays")
        #expect(try render("{{#n}}has {{n}}{{/n}}", ["n": 0]) == "has 0")  // 0 is truthy, as in Mustache
        #expect(try render("{{#empty(stays)}}none{{/empty(stays)}}", ["stays": []]) == "none")
    }

    @Test func fallbacksForMissingAndEmpty() throws {
        let text = "Hi {{first_name}}{{^first_name}}there{{/first_name}}!"
        #expect(try render(text, [:]) == "Hi there!")
        #expect(try render(text, ["first_name": ""]) == "Hi there!")
        #expect(try render(text, ["first_name": nil]) == "Hi there!")
        #expect(try render(text, ["first_name": "Ana"]) == "Hi Ana!")
        #expect(try render("{{#first_name}}{{.}}{{/first_name}}{{^first_name}}there{{/first_name}}", ["first_name": "Bo"]) == "Bo")
    }

    @Test func plainRenderingIsDeterministic() throws {
        let ctx: [String: TemplateValue] = [
            "a": 100.5, "b": 3.0, "c": 0.00001, "d": 1e21, "e": .decimal(0.1 + 0.2), "f": -2.5e-7,
            "g": .integer(-1234), "h": true, "i": .date("2026-03-29"), "j": .timestamp(dstMicros),
            "k": .timestamp(-1), "l": ["x", 2, 2.5],
        ]
        let out = try render("{{a}}|{{b}}|{{c}}|{{d}}|{{e}}|{{f}}|{{g}}|{{h}}|{{i}}|{{j}}|{{k}}|{{l}}", ctx)
        #expect(
            out
                == "100.5|3|0.00001|1000000000000000000000|0.30000000000000004|-0.00000025|-1234|true|2026-03-29|2026-03-29T01:30:00Z|1969-12-31T23:59:59.999999Z|x, 2, 2.5"
        )
    }
}

@Suite struct LocaleHelperTests {
    @Test func numbersFrenchVsAmerican() throws {
        let ctx: [String: TemplateValue] = ["x": 1234.5, "n": 1_234_567]
        #expect(try render("{{number_2(x)}}", ctx, frFR) == "1\(nnbsp)234,50")
        #expect(try render("{{number_2(x)}}", ctx, enUS) == "1,234.50")
        #expect(try render("{{number(x)}} {{number(n)}} {{number_0(x)}}", ctx, enUS) == "1,234.5 1,234,567 1,235")
        let de = RecipientContext(locale: "de_DE", timeZone: "Europe/Berlin")
        #expect(try render("{{number_2(x)}}", ctx, de) == "1.234,50")
        #expect(try render("{{number(s)}}", ["s": "12"], enUS) == "")  // strings are not numbers
    }

    @Test func currencyEURvsUSD() throws {
        let ctx: [String: TemplateValue] = ["price": 1234.5, "total": ["amount": 1234.5, "currency": "EUR"]]
        #expect(try render("{{currency(price)}}", ctx, frFR) == "1\(nnbsp)234,50\(nbsp)€")
        #expect(try render("{{currency(price)}}", ctx, enUS) == "$1,234.50")
        #expect(try render("{{currency(total)}}", ctx, enUS) == "€1,234.50")
        #expect(try render("{{currency_USD(price)}}", ctx, frFR) == "1\(nnbsp)234,50\(nbsp)$US")
        let noDefault = RecipientContext(locale: "en_US", timeZone: "UTC")
        #expect(try render("[{{currency(price)}}]", ctx, noDefault) == "[]")
    }

    @Test func timestampOnDSTDayParisVsNewYork() throws {
        let paris = RecipientContext(locale: "en_US", timeZone: "Europe/Paris")
        let ctx: [String: TemplateValue] = ["at": .timestamp(dstMicros), "before": .timestamp(dstMicros - 3_600_000_000)]
        #expect(try render("{{datetime_medium(at)}}", ctx, paris) == "Mar 29, 2026 at 3:30\(nnbsp)AM")
        #expect(try render("{{datetime(at)}}", ctx, enUS) == "Mar 28, 2026 at 9:30\(nnbsp)PM")
        // One hour earlier is still CET (+1): 01:30, not 02:30.
        #expect(try render("{{time(before)}}", ctx, paris) == "1:30\(nnbsp)AM")
        #expect(try render("{{date_long(at)}}", ctx, paris) == "March 29, 2026")
        #expect(try render("{{date_long(at)}}", ctx, enUS) == "March 28, 2026")
        #expect(try render("{{datetime_medium(at)}}", ctx, frFR) == "29 mars 2026 à 03:30")
        #expect(try render("{{date_short(at)}} {{time(at)}}", ctx, frFR) == "29/03/2026 03:30")
    }

    @Test func civilDatesIgnoreTimeZone() throws {
        let tokyo = RecipientContext(locale: "en_US", timeZone: "Asia/Tokyo")
        let honolulu = RecipientContext(locale: "en_US", timeZone: "Pacific/Honolulu")
        let ctx: [String: TemplateValue] = ["d": .date("2026-03-29"), "s": "2026-03-29"]
        #expect(try render("{{date_full(d)}}", ctx, tokyo) == "Sunday, March 29, 2026")
        #expect(try render("{{date_full(d)}}|{{date_short(s)}}", ctx, honolulu) == "Sunday, March 29, 2026|3/29/26")
        #expect(try render("{{date_long(d)}}", ctx, frFR) == "29 mars 2026")
        #expect(try render("[{{time(d)}}]", ctx, frFR) == "[]")  // no time of day on a civil date
    }

    @Test func caseHelpers() throws {
        let ctx: [String: TemplateValue] = ["n": "élise dupont"]
        #expect(try render("{{upper(n)}}|{{capitalized(n)}}|{{lower(upper(n))}}", ctx, frFR) == "ÉLISE DUPONT|Élise Dupont|élise dupont")
        #expect(try render("{{upper(date_long(d))}}", ["d": .date("2026-03-29")], frFR) == "29 MARS 2026")
    }

    @Test func urlEncoding() throws {
        #expect(try render("https://x.test/?q={{url(q)}}", ["q": "a b&c=é"]) == "https://x.test/?q=a%20b%26c%3D%C3%A9")
    }

    @Test func concurrentRendersAreIndependent() async throws {
        let template = try MessageTemplate("{{number_2(x)}}", name: "n", escaping: .none)
        let results = await withTaskGroup(of: (Int, String).self) { group in
            for i in 0..<8 {
                group.addTask { (i, template.render(["x": 1234.5], recipient: i % 2 == 0 ? frFR : enUS)) }
            }
            return await group.reduce(into: [Int: String]()) { $0[$1.0] = $1.1 }
        }
        for (i, out) in results { #expect(out == (i % 2 == 0 ? "1\(nnbsp)234,50" : "1,234.50")) }
    }
}

@Suite struct ErrorTests {
    private func error(_ text: String, name: String = "subject") -> TemplateError? {
        do {
            _ = try MessageTemplate(text, name: name, escaping: .none)
            return nil
        } catch {
            return error
        }
    }

    @Test func unclosedTag() throws {
        let e = try #require(error("Hello {{first_name"))
        #expect(e.code == .unclosedTag)
        #expect((e.templateName, e.line, e.column) == ("subject", 1, 7))
        #expect(e.description.hasPrefix("template subject, line 1 column 7: unclosed tag {{first_name"))
    }

    @Test func unclosedSectionPointsAtItsOpening() throws {
        let e = try #require(error("Hi\n  {{#stays}}x\n"))
        #expect(e.code == .unclosedSection)
        #expect((e.line, e.column) == (2, 3))
    }

    @Test func mismatchedAndStrayClose() throws {
        let e = try #require(error("{{#a}}\néé {{/b}}"))
        #expect(e.code == .mismatchedSectionClose)
        #expect((e.line, e.column) == (2, 4))
        #expect(e.message.contains("line 1 column 1"))
        let stray = try #require(error("x{{/a}}"))
        #expect((stray.code, stray.line, stray.column) == (.unexpectedSectionClose, 1, 2))
    }

    @Test func invalidNamesHelpersAndUnsupportedTags() throws {
        #expect(error("{{first name}}")?.code == .invalidName)
        #expect(error("{{a..b}}")?.code == .invalidName)
        #expect(error("{{upper(x}}")?.code == .invalidName)
        #expect(error("{{first(stays).hotel}}")?.code == .invalidName)  // the engine rejects it too
        let e = try #require(error("ok\n {{shout(x)}}"))
        #expect((e.code, e.line, e.column) == (.unknownHelper, 2, 2))
        #expect(error("{{currency_eur(x)}}")?.code == .unknownHelper)
        #expect(error("{{> footer}}")?.code == .unsupportedTag)
        #expect(error("{{%CONTENT_TYPE: TEXT}}")?.code == .unsupportedTag)
        #expect(error("{{=<% %>=}}<%a%> {{b}}") == nil)
        #expect(error("{{=<% =}}")?.code == .invalidDelimiter)
    }
}

@Suite struct ReferencedNamesTests {
    @Test func positionsOfSimpleNames() throws {
        let refs = try referencedNames(in: "Hello {{frist_name}}")
        #expect(refs.count == 1)
        #expect(refs[0] == ("frist_name", 1, 7))
    }

    @Test func sectionsHelpersAndScopes() throws {
        let text = """
            Hi {{upper(first_name)}},
            {{#stays}}{{hotel.name}} {{date_long(checkin)}}{{^last()}}, {{/last()}}{{.}}{{/stays}}
            {{^stays}}none{{/stays}}{{! comment }}{{=<% %>=}}<%total%>
            """
        let refs = try referencedNames(in: text).map { "\($0.name)@\($0.line):\($0.column)" }
        #expect(
            refs == [
                "first_name@1:4", "stays@2:1", "stays.hotel.name@2:11", "stays.checkin@2:26",
                "stays@3:1", "total@3:50",
            ])
        let template = try MessageTemplate(text, name: "body")
        let checkin = try #require(template.references.first { $0.path == "checkin" })
        #expect(checkin.scope == ["stays"])
        #expect(checkin.head == "stays")
        #expect(checkin.helpers == ["date_long"])
        #expect(template.references.map(\.kind).prefix(2) == [.variable, .section])
    }

    @Test func referencedNamesReportsSyntaxErrors() {
        #expect(throws: TemplateError.self) { try referencedNames(in: "{{#a}}") }
    }
}
