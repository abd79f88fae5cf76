import Foundation
import Mustache

/// A compiled message template (email HTML/text, SMS, push, subject) using Mustache syntax,
/// rendered by swift-mustache with recipient-aware helpers.
///
/// Syntax (see TEMPLATES.md in the package root):
/// - `{{first_name}}` value (HTML-escaped when `escaping == .html`), `{{{x}}}` / `{{&x}}` never escaped.
/// - `{{hotel.name}}` dotted paths.
/// - `{{#stays}}…{{/stays}}` repeats for each row of a list (names inside resolve against the row,
///   then outer contexts); renders once with the value as context for a non-empty object/string/number;
///   not at all for falsy values (null, missing, false, "", [], {}).
/// - `{{^stays}}…{{/stays}}` renders only when the value is missing or falsy.
/// - Fallback: `{{first_name}}{{^first_name}}there{{/first_name}}` ("there" when missing or empty).
/// - Helpers are swift-mustache transforms, written as function calls and chainable:
///   `{{date_long(checkin)}}`, `{{upper(date_long(checkin))}}`, `{{#empty(stays)}}…{{/empty(stays)}}`.
///   - case (recipient locale): `upper`, `lower`, `capitalized` (aliases `uppercased`, `lowercased`)
///   - `url`: percent-encodes everything except `A-Z a-z 0-9 - . _ ~` (for query strings)
///   - dates (civil dates and timestamps; timestamps in the recipient's time zone):
///     `date_short`, `date_medium` (= `date`), `date_long`, `date_full`;
///     timestamps only: `time`, `time_medium`, `datetime_short`, `datetime_medium` (= `datetime`), `datetime_long`
///   - numbers (recipient locale, grouping): `number` (0–6 decimals as needed), `number_0` … `number_6` (fixed)
///   - money: `currency` (code from an `{amount, currency}` object, else the recipient's default),
///     `currency_EUR`, `currency_USD`, … (explicit ISO 4217 code)
///   - lists: `count`, `first`, `last`, `reversed`, `empty`; rows: `{{#first()}}`, `{{^last()}}, {{/last()}}`, `{{index()}}`
///   - integers: `plusone`, `minusone`, `even`, `odd`, `equalzero`
///   A helper that does not apply to a value (e.g. `time` on a civil date) renders nothing.
///   Unknown helper names are compile errors.
/// - Not supported: partials `{{>x}}`, blocks/parents `{{$x}}` `{{<x}}`, pragmas `{{%…}}`.
public struct MessageTemplate: Sendable {
    /// How `{{x}}` output is escaped.
    public enum Escaping: Sendable, Hashable {
        /// HTML escaping of `< > & " '` (email HTML parts).
        case html
        /// No escaping (subject, plain text, SMS, push).
        case none
    }

    public let name: String
    public let text: String
    public let escaping: Escaping
    /// Every variable/section name in the template, in order of appearance.
    public let references: [TemplateReference]
    private let compiled: MustacheTemplate

    /// Compiles `text`; throws `TemplateError` naming the template and the 1-based line/column.
    public init(_ text: String, name: String, escaping: Escaping = .html) throws(TemplateError) {
        var scanner = TemplateScanner(text, templateName: name)
        self.references = try scanner.scan()
        self.name = name
        self.text = text
        self.escaping = escaping
        // The pragma sits alone on a line of its own, so it is "standalone" and its newline is
        // removed: the template's own lines parse exactly as written (one line offset).
        let pragma = escaping == .html ? "{{%CONTENT_TYPE: HTML}}\n" : "{{%CONTENT_TYPE: TEXT}}\n"
        do {
            self.compiled = try MustacheTemplate(string: pragma + text)
        } catch let error as MustacheTemplate.ParserError {
            throw TemplateError(
                code: .syntax, message: "\(error.error)", templateName: name,
                line: max(1, error.context.lineNumber - 1), column: error.context.columnNumber)
        } catch {
            throw TemplateError(code: .syntax, message: "\(error)", templateName: name, line: 1, column: 1)
        }
    }

    /// Renders with `context` as the top-level fields. Never fails: missing values render empty.
    public func render(_ context: [String: TemplateValue], recipient: RecipientContext) -> String {
        let env = RenderEnvironment(recipient: recipient)
        return compiled.render(ValueBox(value: .object(context), env: env))
    }

    /// `(qualifiedName, line, column)` for every reference; see `referencedNames(in:)`.
    public var referencedNames: [(name: String, line: Int, column: Int)] {
        references.map { ($0.qualifiedName, $0.line, $0.column) }
    }

    /// Lists every variable/section name used in `text` (helpers excluded), with the position of its tag.
    ///
    /// Names are dotted paths (`hotel.name`); inside a section that changes the context they are
    /// prefixed with the section path (`stays.hotel` for `{{#stays}}{{hotel}}{{/stays}}`); the head
    /// (`stays`) is the top-level field. `{{.}}` and row helpers like `{{index()}}` are not listed.
    public static func referencedNames(in text: String) throws(TemplateError) -> [(name: String, line: Int, column: Int)] {
        var scanner = TemplateScanner(text, templateName: "")
        return try scanner.scan().map { ($0.qualifiedName, $0.line, $0.column) }
    }
}

/// Same as `MessageTemplate.referencedNames(in:)`.
public func referencedNames(in text: String) throws(TemplateError) -> [(name: String, line: Int, column: Int)] {
    try MessageTemplate.referencedNames(in: text)
}
