import CrescendoCore
import CrescendoIngest
import Foundation

/// Reads `load-file` activities' CSV and JSON Lines files with ingestion's readers and value
/// rules; invalid lines go to `FILE.rejects.csv` with their line, column and reason.
public struct FileCampaignReader: CampaignFileReader {
    public let timeZone: TimeZone

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
    }

    public func read(path: String, columns: [PopulationAttribute]) async throws -> CampaignFileRows {
        var reader: any RecordReader
        do {
            reader = try openReader(path: path)
        } catch {
            throw CrescendoError(.unreadableInput, "\(path): \(error)")
        }
        let header = reader.columns
        var indices: [Int] = []
        for column in columns {
            guard let index = header.firstIndex(of: column.name) else {
                throw CrescendoError(.invalidArgument, "\(path): no column \"\(column.name)\" (the file has: \(header.joined(separator: ", ")))\(Spelling.hint(column.name, among: header))")
            }
            indices.append(index)
        }
        let parser = ValueParser(timeZone: timeZone)
        var rows: [(line: Int, values: [Value])] = []
        var rejected: [(Rejection, [String?]?)] = []
        do {
            while let item = try reader.next() {
                switch item {
                case .malformed(let line, let reason):
                    rejected.append((Rejection(line: line, field: nil, reason: reason), nil))
                case .record(let record):
                    var values: [Value] = []
                    var problem: Rejection?
                    for (column, index) in zip(columns, indices) {
                        let text = index < record.values.count ? record.values[index] : nil
                        if text == nil || text!.isEmpty {
                            values.append(.null)
                            continue
                        }
                        switch parser.parse(text, for: Field(name: column.name, type: column.type, nullable: true)) {
                        case .success(let value): values.append(value)
                        case .failure(let failure): problem = problem ?? Rejection(line: record.line, field: column.name, reason: failure.reason)
                        }
                    }
                    if let problem { rejected.append((problem, record.values)) } else { rows.append((record.line, values)) }
                }
            }
        } catch let error as CrescendoError {
            throw error
        } catch {
            throw CrescendoError(.unreadableInput, "\(path): \(error)")
        }
        var rejectsFile: String?
        if !rejected.isEmpty {
            let target = path + ".rejects.csv"
            var writer = try RejectsWriter(path: target, columns: header)
            for (rejection, values) in rejected { try writer.write(rejection, values: values, columns: header) }
            try writer.close()
            rejectsFile = target
        }
        return CampaignFileRows(rows: rows, rejected: rejected.count, rejectsFile: rejectsFile)
    }
}
