import Foundation
@testable import CrescendoSample

/// A strict RFC 4180 reader for checking the generator's output independently of its writer.
enum CSVTestParser {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Rows of fields; a trailing newline does not create an empty row. Rejects anything RFC 4180
    /// does not allow: quotes inside unquoted fields, text after a closing quote, unterminated quotes.
    static func parse(_ text: String) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var inQuotes = false      // inside a quoted field
        var afterQuote = false    // a quoted field just closed: only a separator may follow
        var started = false       // the current field has content or quotes
        let scalars = Array(text.unicodeScalars)
        var i = 0
        func fail(_ message: String) -> Failure { Failure(description: "\(message) in row \(rows.count + 1)") }
        while i < scalars.count {
            let c = scalars[i]
            i += 1
            if inQuotes {
                if c == "\"" {
                    if i < scalars.count && scalars[i] == "\"" {
                        field.unicodeScalars.append("\"")
                        i += 1
                    } else {
                        inQuotes = false
                        afterQuote = true
                    }
                } else {
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case ",", "\n":
                row.append(field)
                field = ""
                afterQuote = false
                started = false
                if c == "\n" {
                    rows.append(row)
                    row = []
                }
            case "\"":
                guard !started else { throw fail("stray quote") }
                inQuotes = true
                started = true
            case "\r":
                throw fail("unexpected CR")
            default:
                guard !afterQuote else { throw fail("text after closing quote") }
                field.unicodeScalars.append(c)
                started = true
            }
        }
        guard !inQuotes else { throw fail("unterminated quoted field") }
        if started || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }

    /// Header plus rows as dictionaries, checking every row has the header's width.
    static func table(_ text: String) throws -> (header: [String], rows: [[String: String]]) {
        let all = try parse(text)
        guard let header = all.first else { throw Failure(description: "empty CSV") }
        var rows: [[String: String]] = []
        for (n, fields) in all.dropFirst().enumerated() {
            guard fields.count == header.count else {
                throw Failure(description: "row \(n + 2) has \(fields.count) fields, header has \(header.count)")
            }
            rows.append(Dictionary(uniqueKeysWithValues: zip(header, fields)))
        }
        return (header, rows)
    }
}

/// Just enough of the model YAML to compare it with the CSV output: field names, types, enum values,
/// nullability, per entity, in file order.
enum ModelTestReader {
    struct Field: Equatable {
        var name: String
        var type: String
        var nullable: Bool
        var values: [String]
    }

    static func fields(_ yaml: String) -> [String: [Field]] {
        var result: [String: [Field]] = [:]
        var entity: String?
        var inFields = false
        for raw in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            let indent = line.prefix(while: { $0 == " " }).count
            let content = line.trimmingCharacters(in: .whitespaces)
            if content.isEmpty || content.hasPrefix("#") { continue }
            if indent == 2, content.hasSuffix(":") {
                entity = String(content.dropLast())
                inFields = false
                result[entity!] = []
            } else if indent == 4 {
                inFields = content == "fields:"
            } else if indent == 6, inFields, let entity {
                let name = String(content.prefix(while: { $0 != ":" }))
                let spec = content.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces)
                result[entity, default: []].append(parseField(name, spec))
            }
        }
        return result
    }

    private static func parseField(_ name: String, _ spec: String) -> Field {
        guard spec.hasPrefix("{") else { return Field(name: name, type: spec, nullable: false, values: []) }
        var field = Field(name: name, type: "", nullable: false, values: [])
        if let range = spec.range(of: #"type:\s*(\w+)"#, options: .regularExpression) {
            field.type = String(spec[range].split(separator: ":")[1]).trimmingCharacters(in: .whitespaces)
        }
        field.nullable = spec.range(of: #"nullable:\s*true"#, options: .regularExpression) != nil
        if let open = spec.range(of: "values: ["), let close = spec[open.upperBound...].firstIndex(of: "]") {
            field.values = spec[open.upperBound..<close].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        return field
    }
}

/// One generated dataset shared by the read-only tests (generation in debug builds is not free).
struct GeneratedSample: Sendable {
    static let anchor = SampleDay(year: 2026, month: 11, day: 30)
    static let shared = try! GeneratedSample(profiles: 3000, seed: 42)

    let dataset: SampleDataset
    let text: [String: String]
    let headers: [String: [String]]
    let rows: [String: [[String: String]]]

    init(profiles: Int, seed: UInt64) throws {
        dataset = SampleDataset(profiles: profiles, seed: seed, anchor: Self.anchor)
        var text: [String: String] = [:]
        var headers: [String: [String]] = [:]
        var rows: [String: [[String: String]]] = [:]
        for entity in SampleDataset.entities {
            var sink = StringCSVSink()
            try dataset.writeCSV(entity: entity, to: &sink)
            text[entity] = sink.string
            let table = try CSVTestParser.table(sink.string)
            headers[entity] = table.header
            rows[entity] = table.rows
        }
        self.text = text
        self.headers = headers
        self.rows = rows
    }

    static func bytes(_ dataset: SampleDataset, _ entity: String) throws -> [UInt8] {
        var sink = StringCSVSink()
        try dataset.writeCSV(entity: entity, to: &sink)
        return sink.bytes
    }
}

/// Value checks mirroring the model's field types.
enum ValueCheck {
    static func isDate(_ s: String) -> Bool {
        s.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil && SampleDay(iso: s) != nil
    }

    static func isTimestamp(_ s: String) -> Bool {
        guard s.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"#, options: .regularExpression) != nil,
              SampleDay(iso: String(s.prefix(10))) != nil else { return false }
        let parts = s.dropFirst(11).dropLast().split(separator: ":").compactMap { Int($0) }
        return parts.count == 3 && parts[0] < 24 && parts[1] < 60 && parts[2] < 60
    }

    /// Seconds since the epoch of a `YYYY-MM-DDTHH:MM:SSZ` timestamp.
    static func seconds(_ s: String) -> Int {
        let day = SampleDay(iso: String(s.prefix(10)))!.dayNumber
        let parts = s.dropFirst(11).dropLast().split(separator: ":").map { Int($0)! }
        return day * 86_400 + parts[0] * 3600 + parts[1] * 60 + parts[2]
    }

    static func day(_ s: String) -> Int { SampleDay(iso: s)!.dayNumber }

    static func isEmail(_ s: String) -> Bool {
        s.range(of: #"^[a-z0-9]+\.[a-z0-9]+\+[0-9]+@example\.(com|org|net)$"#, options: .regularExpression) != nil
    }

    static func isPhone(_ s: String) -> Bool {
        s.range(of: #"^\+[1-9][0-9]{7,14}$"#, options: .regularExpression) != nil
    }

    static func isDecimal(_ s: String) -> Bool {
        s.range(of: #"^-?[0-9]+\.[0-9]{2}$"#, options: .regularExpression) != nil
    }

    static func isInteger(_ s: String) -> Bool {
        s.range(of: #"^-?[0-9]+$"#, options: .regularExpression) != nil && Int(s) != nil
    }

    static func matches(_ value: String, _ field: ModelTestReader.Field) -> Bool {
        if value.isEmpty { return field.nullable }
        switch field.type {
        case "string": return true
        case "integer": return isInteger(value)
        case "decimal": return isDecimal(value)
        case "boolean": return value == "true" || value == "false"
        case "date": return isDate(value)
        case "timestamp": return isTimestamp(value)
        case "enum": return field.values.contains(value)
        case "email": return isEmail(value)
        case "phone": return isPhone(value)
        case "json": return (try? JSONSerialization.jsonObject(with: Data(value.utf8), options: .fragmentsAllowed)) != nil
        default: return false
        }
    }
}

/// A unique temporary directory removed when the test finishes.
func withTemporaryDirectory<R>(_ body: (URL) throws -> R) throws -> R {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("crescendo-sample-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}
