/// A parsed `Content-Type` value: media type plus parameters.
///
/// Report detection hinges on `report-type`, splitting on `boundary`, and
/// text decoding on `charset`; all three may be quoted, so parameters are
/// parsed with RFC 2045 quoting rules rather than naive `;`/`=` splitting.
public struct ContentType: Sendable, Equatable {
    /// Lowercased top-level type, e.g. `multipart`.
    public var type: String
    /// Lowercased subtype, e.g. `report`.
    public var subtype: String
    /// Parameters keyed by lowercased name; values unquoted, case preserved.
    public var parameters: [String: String]

    /// `type/subtype`, lowercased.
    public var mediaType: String { "\(type)/\(subtype)" }

    /// The RFC 2045 default when no (or an unusable) header is present.
    public static let defaultText = ContentType(type: "text", subtype: "plain", parameters: [:])

    public init(type: String, subtype: String, parameters: [String: String]) {
        self.type = type
        self.subtype = subtype
        self.parameters = parameters
    }

    /// A parameter by case-insensitive name.
    public func parameter(_ name: String) -> String? {
        parameters[name.lowercased()]
    }

    /// Parses a header value; returns nil when there is no `type/subtype`.
    public init?(parsing value: String) {
        let segments = ContentType.splitParameters(value)
        guard let head = segments.first else { return nil }
        let mt = head.trimmingWhitespace().lowercased()
        guard let slash = mt.firstIndex(of: "/") else { return nil }
        let t = String(mt[..<slash]).trimmingWhitespace()
        let s = String(mt[mt.index(after: slash)...]).trimmingWhitespace()
        guard !t.isEmpty, !s.isEmpty else { return nil }
        var params: [String: String] = [:]
        for seg in segments.dropFirst() {
            guard let eq = seg.firstIndex(of: "=") else { continue }
            let name = String(seg[..<eq]).trimmingWhitespace().lowercased()
            var v = String(seg[seg.index(after: eq)...]).trimmingWhitespace()
            if v.hasPrefix("\"") { v = ContentType.unquote(v) }
            if !name.isEmpty, params[name] == nil { params[name] = v }
        }
        self.init(type: t, subtype: s, parameters: params)
    }

    /// Splits on `;` outside quoted strings.
    private static func splitParameters(_ value: String) -> [String] {
        var out: [String] = []
        var cur = ""
        var inQuotes = false
        var escaped = false
        for ch in value {
            if escaped { cur.append(ch); escaped = false; continue }
            if ch == "\\" && inQuotes { cur.append(ch); escaped = true; continue }
            if ch == "\"" { inQuotes.toggle() }
            if ch == ";" && !inQuotes { out.append(cur); cur = ""; continue }
            cur.append(ch)
        }
        out.append(cur)
        return out
    }

    /// Removes surrounding quotes and backslash escapes; tolerates a missing close quote.
    private static func unquote(_ v: String) -> String {
        var out = ""
        var escaped = false
        for ch in v.dropFirst() {
            if escaped { out.append(ch); escaped = false; continue }
            if ch == "\\" { escaped = true; continue }
            if ch == "\"" { break }
            out.append(ch)
        }
        return out
    }
}
