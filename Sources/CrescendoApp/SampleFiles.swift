import CrescendoCore
import CrescendoSample
import Foundation

/// Writes the sample dataset as CSV files, one per entity, for the demo, the benchmarks and people
/// who want realistic data to try ingestion on.
public enum SampleFiles {
    public struct Written: Sendable, Codable {
        public var entity: String
        public var path: String
        public var rows: Int
    }

    public static func write(_ dataset: SampleDataset, to folder: String, entities: [String]? = nil) throws -> [Written] {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw CrescendoError(.unwritableOutput, "\(folder): cannot create the folder", cause: ErrorDescription(error))
        }
        var written: [Written] = []
        for (entity, rows) in dataset.counts where entities?.contains(entity) ?? true {
            let path = (folder as NSString).appendingPathComponent("\(entity).csv")
            do {
                var sink = try FileCSVSink(path: path)
                try dataset.writeCSV(entity: entity, to: &sink)
                try sink.close()
            } catch {
                throw CrescendoError(.unwritableOutput, "\(path): cannot write sample data", cause: ErrorDescription(error))
            }
            written.append(Written(entity: entity, path: path, rows: rows))
        }
        return written
    }
}
