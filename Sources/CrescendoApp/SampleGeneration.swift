import CrescendoCore
import CrescendoSample
import Foundation

/// `crescendo sample generate`: the sample files, optionally with a CDC changes file.
public enum SampleGeneration {
    public static var modelYAML: String { SampleModel.yaml }

    public static func generate(profiles: Int, seed: UInt64, anchor: SampleDay, folder: String, changes: Int) throws -> [SampleFiles.Written] {
        guard profiles > 0 else { throw CrescendoError(.invalidArgument, "--profiles must be at least 1") }
        let dataset = SampleDataset(profiles: profiles, seed: seed, anchor: anchor)
        var written = try SampleFiles.write(dataset, to: folder)
        if changes > 0 {
            let path = (folder as NSString).appendingPathComponent("reservation_changes.csv")
            do {
                var sink = try FileCSVSink(path: path)
                try dataset.writeReservationChangesCSV(count: changes, to: &sink)
                try sink.close()
            } catch {
                throw CrescendoError(.unwritableOutput, "\(path): cannot write the changes file", cause: ErrorDescription(error))
            }
            written.append(.init(entity: "reservation", path: path, rows: changes))
        }
        return written
    }
}

/// Days for the sample commands.
public enum SampleDayParser {
    public static func parse(_ text: String) -> SampleDay? { SampleDay(iso: text) }
    public static func today() -> SampleDay { SampleDay.today(in: TimeZone(identifier: "UTC")!) }
}
