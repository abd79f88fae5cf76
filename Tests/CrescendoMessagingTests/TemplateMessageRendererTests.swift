import CrescendoCore
import CrescendoMessaging
import Foundation
import Testing

@Suite struct TemplateMessageRendererTests {
    static let links = LinkSigner(secret: "render-secret", baseURL: "https://hotels.example/c")

    static func message(id: String = "12-3-email-ana@example.com", channel: Channel = .email, payload: String = "{}") -> OutboxMessage {
        OutboxMessage(
            id: id, campaign: "spring-stays", execution: 12, activity: "news", channel: channel, category: .marketing,
            address: channel == .email ? "ana@example.com" : "+33612345678", profileKey: "42", profileValues: [.integer(42)], attempt: 1, expiresAt: nil,
            payload: payload)
    }

    static func context(profile: [String: Value] = [:], variables: [String: String] = [:], locale: String? = "en_US", timeZone: String? = "UTC") -> MessageContext {
        MessageContext(profile: profile, variables: variables, locale: locale, timeZone: timeZone, now: 1_774_000_000)
    }

    static func render(_ template: String, part: String = "text", payload: String = "{}", profile: [String: Value] = [:], variables: [String: String] = [:], locale: String? = "en_US", timeZone: String? = "UTC") throws -> String {
        let renderer = TemplateMessageRenderer(links: links)
        let rendered = try renderer.render(message(payload: payload), content: [part: template], context: context(profile: profile, variables: variables, locale: locale, timeZone: timeZone))
        return try #require(rendered.parts[part])
    }

    @Test func dottedPathsBecomeNestedObjects() throws {
        let payload = #"{"customer.first_name": "Ana", "customer.last_name": "Lopez", "hotel.address.city": "Paris", "hotel.name": "Ritz", "nights": 2}"#

        #expect(try Self.render("{{customer.first_name}} {{customer.last_name}} — {{hotel.name}}, {{hotel.address.city}}", payload: payload) == "Ana Lopez — Ritz, Paris")
        // Nested objects, not keys with dots: a section on `customer` sees its fields.
        #expect(try Self.render("{{#customer}}{{first_name}}/{{last_name}}/{{nights}}{{/customer}}", payload: payload) == "Ana/Lopez/2")
        #expect(try Self.render("{{#hotel.address}}{{city}}{{/hotel.address}}|{{^customer.middle_name}}none{{/customer.middle_name}}", payload: payload) == "Paris|none")
    }

    @Test func scalarsKeepTheirKind() throws {
        let payload = #"{"nights": 3, "big": 9007199254740993, "price": 100.5, "tiny": 0.00001, "vip": true, "upgraded": false, "note": null, "count": 1, "zero": 0}"#
        let template = "{{nights}}|{{big}}|{{price}}|{{tiny}}|{{number_2(price)}}|{{plusone(nights)}}|{{#vip}}VIP{{/vip}}|{{vip}}|{{^upgraded}}no upgrade{{/upgraded}}|[{{note}}]{{^note}}no note{{/note}}|{{count}}|{{#zero}}zero is truthy{{/zero}}"

        #expect(try Self.render(template, payload: payload) == "3|9007199254740993|100.5|0.00001|100.50|4|VIP|true|no upgrade|[]no note|1|zero is truthy")
    }

    @Test func collectedRowsAreUsableInASection() throws {
        let payload = #"{"first_name": "Ana", "stays": [{"hotel": "Ritz", "nights": 2, "checkin": "2026-03-29"}, {"hotel": "Lutetia", "nights": 1, "checkin": "2026-04-02"}]}"#
        let template = "{{count(stays)}} stays: {{#stays}}{{index()}}.{{hotel}} ({{nights}}, {{date_short(checkin)}}, {{first_name}}){{^last()}}; {{/last()}}{{/stays}}{{^stays}}none{{/stays}}"

        #expect(try Self.render(template, payload: payload, locale: "fr_FR", timeZone: "Europe/Paris")
            == "2 stays: 0.Ritz (2, 29/03/2026, Ana); 1.Lutetia (1, 02/04/2026, Ana)")
        #expect(try Self.render(template, payload: #"{"stays": []}"#) == "0 stays: none")
    }

    @Test func isoDatesUseTheHelpersInTheRecipientsLocale() throws {
        let payload = #"{"checkin": "2026-03-29", "arrival": "2026-03-29T01:30:00Z"}"#

        #expect(try Self.render("{{checkin}}|{{date_long(checkin)}}|{{date_short(checkin)}}|{{time(arrival)}}", payload: payload, locale: "fr_FR", timeZone: "Europe/Paris")
            == "2026-03-29|29 mars 2026|29/03/2026|03:30")
        #expect(try Self.render("{{date_long(checkin)}}|{{date_full(checkin)}}", payload: payload, locale: "en_US", timeZone: "America/New_York")
            == "March 29, 2026|Sunday, March 29, 2026")
        #expect(try Self.render("{{date_full(checkin)}}", payload: payload, locale: "fr_FR", timeZone: "Europe/Paris") == "dimanche 29 mars 2026")
        // A recipient without a locale or time zone reads en_US in UTC.
        #expect(try Self.render("{{date_long(checkin)}} {{arrival}}", payload: payload, locale: nil, timeZone: nil) == "March 29, 2026 2026-03-29T01:30:00Z")
    }

    @Test func profileAndVariablesAreVisible() throws {
        let profile: [String: Value] = [
            "first_name": .text("Bea"), "tier": .text("gold"), "points": .integer(1200), "balance": .decimal("12.5"),
            "email_opt_in": .boolean(true), "birthday": .text("1990-05-17"), "nickname": .null,
        ]
        let template = "{{profile.first_name}} {{profile.tier}} {{number(profile.points)}} {{profile.balance}} {{#profile.email_opt_in}}opted in{{/profile.email_opt_in}} {{date_long(profile.birthday)}} [{{profile.nickname}}] {{variables.greeting}} {{variables.code}}"

        #expect(try Self.render(template, profile: profile, variables: ["greeting": "See you soon", "code": "SPRING26"]) == "Bea gold 1,200 12.5 opted in May 17, 1990 [] See you soon SPRING26")
    }

    @Test func htmlEscapesValuesWhileSubjectAndTextDoNot() throws {
        let renderer = TemplateMessageRenderer(links: nil)
        let payload = #"{"name": "Tom & Jerry <b>\"Ritz\"</b>"}"#
        let rendered = try renderer.render(
            Self.message(payload: payload),
            content: ["subject": "Hi {{name}}", "text": "Hello {{name}}", "html": "<p>{{name}}</p><p>{{{name}}}</p>"],
            context: Self.context())

        #expect(rendered.parts["subject"] == #"Hi Tom & Jerry <b>"Ritz"</b>"#)
        #expect(rendered.parts["text"] == #"Hello Tom & Jerry <b>"Ritz"</b>"#)
        let html = try #require(rendered.parts["html"])
        #expect(html.hasPrefix("<p>Tom &amp; Jerry &lt;b&gt;"))
        #expect(!html.components(separatedBy: "</p><p>")[0].contains("<b>"))
        #expect(html.hasSuffix(#"<p>Tom & Jerry <b>"Ritz"</b></p>"#))
    }

    @Test func builtInNamesAreSet() throws {
        let renderer = TemplateMessageRenderer(links: Self.links)
        let id = "12-3-email-ana@example.com"
        let rendered = try renderer.render(
            Self.message(id: id),
            content: ["text": "{{campaign}}|{{execution}}|{{message_id}}|{{unsubscribe_url}}"],
            context: Self.context())
        let fields = try #require(rendered.parts["text"]).components(separatedBy: "|")

        #expect(fields.count == 4)
        #expect(fields.first == "spring-stays")
        #expect(fields.dropFirst().first == "12")
        #expect(fields.dropFirst(2).first == id)
        let unsubscribe = try #require(fields.last)
        #expect(unsubscribe.hasPrefix("https://hotels.example/c/unsubscribe?m="))
        #expect(Self.links.verify(url: unsubscribe, action: "unsubscribe") == id)
        #expect(LinkSigner(secret: "another", baseURL: "https://hotels.example/c").verify(url: unsubscribe, action: "unsubscribe") == nil)

        #expect(rendered.id == id)
        #expect(rendered.channel == .email)
        #expect(rendered.address == "ana@example.com")
        #expect(rendered.date == 1_774_000_000)
    }

    @Test func emailGetsOneClickUnsubscribeHeaders() throws {
        let renderer = TemplateMessageRenderer(links: Self.links)
        let id = "12-3-email-zoë@example.com"
        let rendered = try renderer.render(Self.message(id: id), content: ["subject": "Hi", "text": "Hello"], context: Self.context())

        #expect(rendered.headers.map(\.name) == ["List-Unsubscribe", "List-Unsubscribe-Post"])
        let value = try #require(rendered.headers.first { $0.name == "List-Unsubscribe" }?.value)
        #expect(value.hasPrefix("<https://hotels.example/c/unsubscribe?") && value.hasSuffix(">"))
        #expect(Self.links.verify(url: String(value.dropFirst().dropLast()), action: "unsubscribe") == id)
        #expect(rendered.headers.first { $0.name == "List-Unsubscribe-Post" }?.value == "List-Unsubscribe=One-Click")
    }

    @Test func noUnsubscribeHeadersWithoutLinksOrOutsideEmail() throws {
        let unlinked = try TemplateMessageRenderer(links: nil).render(
            Self.message(), content: ["subject": "Hi", "text": "[{{unsubscribe_url}}]{{^unsubscribe_url}}no link{{/unsubscribe_url}}"], context: Self.context())
        #expect(unlinked.headers.isEmpty)
        #expect(unlinked.parts["text"] == "[]no link")

        let sms = try TemplateMessageRenderer(links: Self.links).render(
            Self.message(id: "12-4-sms-33612345678", channel: .sms), content: ["text": "STOP: {{unsubscribe_url}}"], context: Self.context())
        #expect(sms.headers.isEmpty)
        #expect(sms.parts["text"] == "STOP: " + Self.links.url(action: "unsubscribe", id: "12-4-sms-33612345678"))
    }

    @Test func templateSyntaxErrorNamesThePosition() throws {
        // The campaign validator puts "content.<part>: " before what `check` returns.
        #expect(TemplateMessageRenderer.check(part: "subject", text: "Hello {{first_name}}") == nil)
        #expect(TemplateMessageRenderer.check(part: "html", text: "<p>{{#stays}}{{hotel}}{{/stays}}</p>") == nil)

        let unclosed = try #require(TemplateMessageRenderer.check(part: "subject", text: "Hello {{first_name"))
        #expect(unclosed.contains("line 1"), "\(unclosed)")
        #expect(unclosed.contains("column 7"), "\(unclosed)")

        let mismatched = try #require(TemplateMessageRenderer.check(part: "html", text: "<p>\n  {{#stays}}{{hotel}}{{/stay}}\n</p>"))
        #expect(mismatched.contains("line 2"), "\(mismatched)")
        #expect(mismatched.contains("column 22"), "\(mismatched)")

        #expect(TemplateMessageRenderer.check(part: "text", text: "{{no_such_helper(x)}}") != nil)
    }

    @Test func aTemplateThatDoesNotCompileIsAnErrorAtRenderTime() {
        let renderer = TemplateMessageRenderer(links: nil)
        #expect(throws: (any Error).self) {
            try renderer.render(Self.message(), content: ["subject": "Hi {{name"], context: Self.context())
        }
    }
}
