import CrescendoCore
import Foundation

/// Writes rejected rows as CSV (`_line,_field,_reason` then the input's own columns, so a person
/// can fix the rows and feed the file back), to a temporary file renamed into place when closed.
/// Audience uploads write their unmatched rows the same way.
public struct RejectsWriter {
    public let path: String
    private let temporaryPath: String
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var closed = false

    public init(path: String, columns: [String]) throws(CrescendoError) {
        self.path = path
        temporaryPath = path + ".partial"
        guard FileManager.default.createFile(atPath: temporaryPath, contents: nil), let handle = FileHandle(forWritingAtPath: temporaryPath) else {
            throw CrescendoError(.unwritableOutput, "\(path): cannot write the rejects file")
        }
        self.handle = handle
        append(["_line", "_field", "_reason"] + columns)
    }

    public mutating func write(_ rejection: Rejection, values: [String?]?, columns: [String]) throws(CrescendoError) {
        var row = [String(rejection.line), rejection.field ?? "", rejection.reason]
        // An unreadable row has no values: empty cells keep every line as wide as the header.
        row += values.map { $0.map { $0 ?? "" } } ?? Array(repeating: "", count: columns.count)
        append(row)
        if buffer.count > 1 << 16 { try flush() }
    }

    public mutating func close() throws(CrescendoError) {
        guard !closed else { return }
        closed = true
        try flush()
        do {
            try handle.close()
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: temporaryPath, toPath: path)
        } catch {
            throw CrescendoError(.unwritableOutput, "\(path): cannot write the rejects file", cause: ErrorDescription(error))
        }
    }

    private mutating func flush() throws(CrescendoError) {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw CrescendoError(.unwritableOutput, "\(path): cannot write the rejects file", cause: ErrorDescription(error))
        }
        buffer.removeAll(keepingCapacity: true)
    }

    private mutating func append(_ fields: [String]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            let needsQuotes = field.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
            if needsQuotes {
                buffer.append(UInt8(ascii: "\""))
                for byte in field.utf8 {
                    if byte == UInt8(ascii: "\"") { buffer.append(byte) }
                    buffer.append(byte)
                }
                buffer.append(UInt8(ascii: "\""))
            } else {
                buffer.append(contentsOf: field.utf8)
            }
        }
        buffer.append(10)
    }
}
