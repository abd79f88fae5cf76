/// The record syntaxes an input may use; chosen explicitly or inferred from the file name.
public enum InputFormat: String, Sendable, CaseIterable {
    /// Delimited text with a header row (RFC 4180 quoting).
    case csv
    /// One JSON object per line.
    case jsonl

    /// From a path: .csv/.tsv/.txt -> csv, .jsonl/.ndjson/.json -> jsonl, with an optional trailing .gz; nil if unknown
    ///
    /// Lets the command line accept a bare path in the common case while still allowing an
    /// explicit format when the name is uninformative.
    public static func infer(fromPath path: String) -> InputFormat? {
        var name = Substring(path.split(separator: "/", omittingEmptySubsequences: false).last ?? "")
        name = Substring(name.lowercased())
        if name.hasSuffix(".gz") { name = name.dropLast(3) }
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        switch name[name.index(after: dot)...] {
        case "csv", "tsv", "txt": return .csv
        case "jsonl", "ndjson", "json": return .jsonl
        default: return nil
        }
    }

    /// The delimiter a path's name implies (tab for .tsv), so callers need not repeat it.
    public static func defaultDelimiter(forPath path: String) -> UInt8 {
        var name = path.lowercased()
        if name.hasSuffix(".gz") { name.removeLast(3) }
        return name.hasSuffix(".tsv") ? UInt8(ascii: "\t") : UInt8(ascii: ",")
    }
}
