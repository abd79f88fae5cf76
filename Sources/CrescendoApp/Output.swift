import CrescendoCore
import Foundation

/// Printing results for people or for scripts (`--json`), the same way in every command.
public enum Output {
    public static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // One key style for every command's JSON: snake_case, like the model's own names.
        encoder.keyEncodingStrategy = .convertToSnakeCase
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    public static func printJSON(_ value: some Encodable) {
        print(json(value))
    }

    /// An error as scripts read it: `{"error": {"code": …, "message": …, "exit_code": …}}`.
    public static func errorJSON(_ error: CrescendoError) -> String {
        struct Body: Encodable {
            struct Detail: Encodable { var code: String; var message: String; var exit_code: Int32 }
            var error: Detail
        }
        return json(Body(error: .init(code: error.code.name, message: error.message, exit_code: ExitStatus(for: error).rawValue)))
    }

    public static func printError(_ message: String) {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }

    /// Left-aligned columns for terminal tables.
    public static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        return all.enumerated().map { index, row in
            let line = row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
            return index == 0 ? line + "\n" + widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ") : line
        }.joined(separator: "\n")
    }
}
