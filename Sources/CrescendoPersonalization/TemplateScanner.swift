/// A name (variable or section) referenced by a template.
public struct TemplateReference: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case variable, section, invertedSection
    }

    /// The path as written, without helpers and without a leading `.` (e.g. `hotel.name`).
    public let path: String
    /// Paths of the enclosing sections that change the context (e.g. `["stays"]` inside `{{#stays}}`).
    public let scope: [String]
    public let kind: Kind
    /// Helpers applied, outermost first (e.g. `["upper", "date_long"]` for `{{upper(date_long(d))}}`).
    public let helpers: [String]
    /// Position of the tag's opening delimiter, 1-based.
    public let line: Int
    public let column: Int

    /// Scope and path joined: `stays.hotel` for `{{hotel}}` inside `{{#stays}}`.
    ///
    /// Mustache resolves a name inside a section against the section's row first, then
    /// climbs to enclosing contexts. A caller checking fields should therefore accept
    /// `stays.hotel` if rows of `stays` have `hotel`, else `hotel` at the top level.
    public var qualifiedName: String { (scope + [path]).joined(separator: ".") }
    /// First component of `qualifiedName`: the top-level field the name hangs from.
    public var head: String { String(qualifiedName.prefix { $0 != "." }) }
}

/// Scanner for the Mustache subset accepted by `MessageTemplate`.
///
/// It mirrors swift-mustache's tag grammar to give precise positions for errors and references
/// (the engine itself does not expose its tokens).
struct TemplateScanner {
    let templateName: String
    private let chars: [Character]
    private var index = 0
    private var line = 1
    private var column = 1

    init(_ text: String, templateName: String) {
        self.chars = Array(text)
        self.templateName = templateName
    }

    private struct OpenSection {
        let path: String
        let helpers: [String]
        let raw: String
        let line: Int
        let column: Int
        let pushesScope: Bool
    }

    private static let nameChars = Set<Character>("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?*()")
    private static let scopeKeepingListHelpers: Set<String> = ["reversed", "sorted", "first", "last"]

    private mutating func advance(_ count: Int = 1) {
        for _ in 0..<count where index < chars.count {
            if chars[index].isNewline {
                line += 1
                column = 1
            } else {
                column += 1
            }
            index += 1
        }
    }

    private func hasPrefix(_ s: [Character], at i: Int) -> Bool {
        guard i + s.count <= chars.count else { return false }
        for k in 0..<s.count where chars[i + k] != s[k] { return false }
        return true
    }

    private func find(_ s: [Character], from i: Int) -> Int? {
        var j = i
        while j + s.count <= chars.count {
            if hasPrefix(s, at: j) { return j }
            j += 1
        }
        return nil
    }

    private func error(_ code: TemplateError.Code, _ message: String, line: Int, column: Int) -> TemplateError {
        TemplateError(code: code, message: message, templateName: templateName, line: line, column: column)
    }

    /// Parses `helper(helper2(path))` into path and helpers (outermost first).
    static func parseExpression(_ raw: String) -> (path: String, helpers: [String])? {
        let s = String(raw.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        guard !s.isEmpty, s.allSatisfy({ nameChars.contains($0) }) else { return nil }
        var helpers: [String] = []
        var rest = Substring(s)
        while let open = rest.firstIndex(of: "(") {
            let name = rest[..<open]
            guard !name.isEmpty, !name.contains(")"), !name.contains(".") else { return nil }
            helpers.append(String(name))
            rest = rest[rest.index(after: open)...]
        }
        let path = rest.prefix { $0 != ")" }
        let tail = rest.dropFirst(path.count)
        guard tail.count == helpers.count, tail.allSatisfy({ $0 == ")" }) else { return nil }
        if path.isEmpty { return helpers.isEmpty ? nil : ("", helpers) }
        if path == "." { return (".", helpers) }
        let body = path.hasPrefix(".") ? path.dropFirst() : path
        guard body.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ !$0.isEmpty }) else { return nil }
        return (String(path), helpers)
    }

    /// Scans the whole template, validating it and returning every referenced name.
    mutating func scan() throws(TemplateError) -> [TemplateReference] {
        var open: [Character] = ["{", "{"]
        var close: [Character] = ["}", "}"]
        var stack: [OpenSection] = []
        var references: [TemplateReference] = []
        var scope: [String] { stack.filter(\.pushesScope).map(\.path) }

        while index < chars.count {
            guard hasPrefix(open, at: index) else {
                advance()
                continue
            }
            let tagLine = line, tagColumn = column
            let tagStart = index
            advance(open.count)
            let sigil: Character? = index < chars.count ? chars[index] : nil

            if sigil == "=" {
                // {{=<% %>=}}
                guard let end = find(["="] + close, from: index + 1) else {
                    throw error(.invalidDelimiter, "unclosed set-delimiter tag", line: tagLine, column: tagColumn)
                }
                let parts = String(chars[(index + 1)..<end]).split(whereSeparator: \.isWhitespace)
                guard parts.count == 2, !parts.contains(where: { $0.contains("=") }) else {
                    throw error(.invalidDelimiter, "set-delimiter tag must be {{=START END=}}", line: tagLine, column: tagColumn)
                }
                advance(end + 1 + close.count - index)
                open = Array(parts[0])
                close = Array(parts[1])
                continue
            }

            let contentStart = (sigil.map { "#^/!{&><$%".contains($0) } ?? false) ? index + 1 : index
            guard let end = find(close, from: contentStart) else {
                let snippet = String(chars[tagStart..<min(chars.count, tagStart + 30)])
                throw error(.unclosedTag, "unclosed tag \(snippet)", line: tagLine, column: tagColumn)
            }
            let content = String(chars[contentStart..<end])
            var tagEnd = end + close.count
            if sigil == "{" {
                guard tagEnd < chars.count, chars[tagEnd] == "}" else {
                    throw error(.unclosedTag, "unclosed triple mustache {{{\(content)", line: tagLine, column: tagColumn)
                }
                tagEnd += 1
            }
            let tagText = String(chars[tagStart..<tagEnd])
            advance(tagEnd - index)

            switch sigil {
            case "!":
                continue
            case ">", "<", "$", "%":
                throw error(.unsupportedTag, "\(tagText): partials, blocks and pragmas are not supported", line: tagLine, column: tagColumn)
            default:
                break
            }
            guard let (path, helpers) = Self.parseExpression(content) else {
                throw error(.invalidName, "\(tagText) is not a valid name", line: tagLine, column: tagColumn)
            }
            for helper in helpers where !TemplateHelpers.isKnown(helper, sequenceContext: path.isEmpty) {
                throw error(.unknownHelper, "\(tagText): unknown helper \(helper)", line: tagLine, column: tagColumn)
            }
            func reference(_ kind: TemplateReference.Kind) {
                guard !path.isEmpty, path != "." else { return }
                let clean = path.hasPrefix(".") ? String(path.dropFirst()) : path
                references.append(
                    TemplateReference(path: clean, scope: scope, kind: kind, helpers: helpers, line: tagLine, column: tagColumn))
            }

            switch sigil {
            case "#", "^":
                reference(sigil == "#" ? .section : .invertedSection)
                let pushes =
                    sigil == "#" && !path.isEmpty && path != "."
                    && (helpers.isEmpty || Self.scopeKeepingListHelpers.contains(helpers[0]))
                let clean = path.hasPrefix(".") ? String(path.dropFirst()) : path
                stack.append(OpenSection(path: clean, helpers: helpers, raw: path, line: tagLine, column: tagColumn, pushesScope: pushes))
            case "/":
                guard let top = stack.last else {
                    throw error(.unexpectedSectionClose, "\(tagText) closes no open section", line: tagLine, column: tagColumn)
                }
                guard top.raw == path, top.helpers == helpers else {
                    throw error(
                        .mismatchedSectionClose,
                        "\(tagText) does not close the section opened at line \(top.line) column \(top.column)",
                        line: tagLine, column: tagColumn)
                }
                stack.removeLast()
            default:
                reference(.variable)
            }
        }
        if let top = stack.last {
            let name = (top.helpers.map { $0 + "(" }.joined()) + top.raw + String(repeating: ")", count: top.helpers.count)
            throw error(.unclosedSection, "section \(name) is never closed", line: top.line, column: top.column)
        }
        return references
    }
}
