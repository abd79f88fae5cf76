import CrescendoCore
import CrescendoPersonalization
import Foundation

/// Renders outbox messages with the activity's Mustache templates: HTML parts escape by default,
/// subject and text parts do not. Templates see the activity's fields (by path, with collected
/// rows as lists), `profile.*` read at send time, `variables.*`, and `unsubscribe_url`,
/// `message_id`, `campaign`, `execution`.
public final class TemplateMessageRenderer: MessageRenderer, @unchecked Sendable {
    // @unchecked: the cache is guarded by `lock`; everything else is immutable.
    private let lock = NSLock()
    private var cache: [String: MessageTemplate] = [:]
    public let links: LinkSigner?
    /// The currency templates use when a value does not carry one.
    public let defaultCurrency: String?

    /// Rewrite HTML links into signed click links, and add an open pixel.
    public let trackClicks: Bool
    public let trackOpens: Bool
    /// Where mail clients without one-click unsubscribe send their unsubscribe request.
    public var unsubscribeMailbox: String?

    public init(links: LinkSigner?, defaultCurrency: String? = nil, trackClicks: Bool = false, trackOpens: Bool = false) {
        self.trackClicks = trackClicks
        self.trackOpens = trackOpens
        self.links = links
        self.defaultCurrency = defaultCurrency
    }

    /// The parts whose output is HTML.
    static func escaping(_ part: String) -> MessageTemplate.Escaping { part == "html" ? .html : .none }

    /// The syntax check the campaign validator runs at publish.
    public static func check(part: String, text: String) -> String? {
        do {
            _ = try MessageTemplate(text, name: part, escaping: escaping(part))
            return nil
        } catch {
            return "line \(error.line) column \(error.column): \(error.message)"
        }
    }

    func template(_ part: String, _ text: String) throws -> MessageTemplate {
        let key = "\(part)\u{1F}\(text)"
        lock.lock()
        defer { lock.unlock() }
        if let cached = cache[key] { return cached }
        let compiled = try MessageTemplate(text, name: part, escaping: Self.escaping(part))
        cache[key] = compiled
        return compiled
    }

    public func render(_ message: OutboxMessage, content: [String: String], context: MessageContext) throws -> RenderedMessage {
        var values = try Self.payload(message.payload)
        values["profile"] = .object(context.profile.mapValues(Self.value))
        values["variables"] = .object(context.variables.mapValues { .string($0) })
        values["campaign"] = .string(message.campaign)
        values["execution"] = .integer(message.execution)
        values["message_id"] = .string(message.id)
        var headers: [RenderedMessage.HeaderField] = []
        if let links {
            let unsubscribe = links.url(action: "unsubscribe", id: message.id)
            values["unsubscribe_url"] = .string(unsubscribe)
            if message.channel == .email {
                // RFC 8058: mail clients offer one-click unsubscribe with a POST to this URL.
                let mailto = unsubscribeMailbox.map { ", <\(links.mailto(unsubscribe: message.id, mailbox: $0))>" } ?? ""
                headers.append(.init("List-Unsubscribe", "<\(unsubscribe)>\(mailto)"))
                headers.append(.init("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))
            }
        }
        let recipient = RecipientContext(locale: context.locale ?? "en_US", timeZone: context.timeZone ?? "UTC", defaultCurrencyCode: defaultCurrency)
        var parts: [String: String] = [:]
        for (part, text) in content {
            parts[part] = try template(part, text).render(values, recipient: recipient)
        }
        if let links, let html = parts["html"], trackClicks || trackOpens {
            parts["html"] = links.track(html: html, id: message.id, unsubscribe: values["unsubscribe_url"].flatMap { if case .string(let url) = $0 { url } else { nil } }, clicks: trackClicks, opens: trackOpens)
        }
        return RenderedMessage(id: message.id, channel: message.channel, address: message.address ?? "", parts: parts, headers: headers, date: context.now)
    }

    /// The payload's fields as template values, dotted paths nested (`customer.first_name`).
    static func payload(_ text: String) throws -> [String: TemplateValue] {
        guard case .object(let object) = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else { return [:] }
        var result: [String: TemplateValue] = [:]
        for (path, raw) in object {
            insert(raw.template, at: path.split(separator: ".").map(String.init), into: &result)
        }
        return result
    }

    static func insert(_ value: TemplateValue, at path: [String], into object: inout [String: TemplateValue]) {
        guard let head = path.first else { return }
        if path.count == 1 {
            object[head] = value
            return
        }
        var inner: [String: TemplateValue] = [:]
        if case .object(let existing)? = object[head] { inner = existing }
        insert(value, at: Array(path.dropFirst()), into: &inner)
        object[head] = .object(inner)
    }

    /// JSON as it comes, with integers kept apart from decimals and booleans from numbers.
    enum JSONValue: Decodable {
        case null, boolean(Bool), integer(Int64), decimal(Double), string(String), list([JSONValue]), object([String: JSONValue])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() { self = .null }
            else if let flag = try? container.decode(Bool.self) { self = .boolean(flag) }
            else if let number = try? container.decode(Int64.self) { self = .integer(number) }
            else if let number = try? container.decode(Double.self) { self = .decimal(number) }
            else if let text = try? container.decode(String.self) { self = .string(text) }
            else if let list = try? container.decode([JSONValue].self) { self = .list(list) }
            else { self = .object(try container.decode([String: JSONValue].self)) }
        }

        var template: TemplateValue {
            switch self {
            case .null: .null
            case .boolean(let flag): .boolean(flag)
            case .integer(let number): .integer(number)
            case .decimal(let number): .decimal(number)
            case .string(let text): TemplateMessageRenderer.string(text)
            case .list(let list): .list(list.map(\.template))
            case .object(let object): .object(object.mapValues(\.template))
            }
        }
    }

    /// Text that is a date or a timestamp becomes one, so that the date helpers apply.
    static func string(_ text: String) -> TemplateValue {
        if text.count == 10, let date = CivilDate(iso: text) { return .date(date) }
        if text.count >= 20, text.contains("T"), let micros = ValueParser.utc.parseTimestamp(text) { return .timestamp(micros) }
        return .string(text)
    }

    static func value(_ value: Value) -> TemplateValue {
        switch value {
        case .null: .null
        case .text(let text): string(text)
        case .integer(let number): .integer(number)
        case .decimal(let text): Double(text).map(TemplateValue.decimal) ?? .string(text)
        case .boolean(let flag): .boolean(flag)
        case .timestamp(let micros): .timestamp(micros)
        }
    }
}
