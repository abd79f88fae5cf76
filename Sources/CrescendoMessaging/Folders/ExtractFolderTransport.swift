import CrescendoCore
import CrescendoEmail
import Foundation

/// Direct mail for the print vendor: one CSV file per execution and activity in a folder
/// (`CAMPAIGN-eEXECUTION-ACTIVITY.csv`), UTF-8, RFC 4180 (CRLF line ends, fields quoted when
/// they need it), a header row, written atomically so that a vendor's pickup never sees half a
/// file. Writing the same extract again gives the same bytes.
public struct ExtractFolderTransport: ExtractTransport {
    public let folder: String

    public init(folder: String) {
        self.folder = folder
    }

    /// Letters are accepted one by one and written together by `deliver`.
    public func send(_ message: RenderedMessage) async throws -> String? { nil }

    public func deliver(_ extract: Extract) async throws -> String {
        let name = "\(Self.safe(extract.campaign))-e\(extract.execution)-\(Self.safe(extract.activity)).csv"
        let path = (folder as NSString).appendingPathComponent(name)
        var text = Self.line(extract.columns)
        for row in extract.rows { text += Self.line(row) }
        try DurableFile.write(Array(text.utf8), to: path)
        // The report names the file wherever it is read from.
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    static func safe(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
    }

    static func line(_ fields: [String]) -> String {
        fields.map { field in
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || field.hasPrefix(" ") || field.hasSuffix(" ")
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",") + "\r\n"
    }

    public func shutdown() async {}
}
