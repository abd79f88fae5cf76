import Foundation
@testable import CrescendoIngest

/// An in-memory byte source that hands out at most `maxRead` bytes per call, to exercise
/// partial reads and chunk boundaries.
struct TestByteSource: ByteSource {
    let bytes: [UInt8]
    var maxRead: Int = .max
    var offset = 0

    init(_ bytes: [UInt8], maxRead: Int = .max) {
        self.bytes = bytes
        self.maxRead = maxRead
    }

    init(_ text: String, maxRead: Int = .max) {
        self.init(Array(text.utf8), maxRead: maxRead)
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, maxRead, bytes.count - offset)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { raw in
            buffer.baseAddress!.copyMemory(from: raw.baseAddress! + offset, byteCount: n)
        }
        offset += n
        return n
    }
}

/// A byte source that fails, to check that I/O errors surface as `InputError`.
struct FailingTestByteSource: ByteSource {
    struct Boom: Error {}
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int { throw Boom() }
}

/// A scratch directory removed when the value is deinitialised.
final class FormatsTempDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-ingest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = self.path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, Array(text.utf8))
    }

    /// Gzip-compresses `bytes` with the system `gzip` and returns the compressed bytes.
    func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let input = try write("gzip-input-\(UUID().uuidString)", bytes)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: FileManager.default.isExecutableFile(atPath: "/bin/gzip") ? "/bin/gzip" : "/usr/bin/gzip")
        process.arguments = ["-n", "-f", input]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
        return Array(try Data(contentsOf: URL(fileURLWithPath: input + ".gz")))
    }
}

/// Reads every item from a reader.
func readAllItems<R: RecordReader>(_ reader: inout R) throws -> [ReadItem] {
    var items: [ReadItem] = []
    while let item = try reader.next() { items.append(item) }
    return items
}

func readAllItems(_ reader: inout any RecordReader) throws -> [ReadItem] {
    var items: [ReadItem] = []
    while let item = try reader.next() { items.append(item) }
    return items
}

func parseCSV(_ text: String, delimiter: UInt8 = UInt8(ascii: ","), chunkSize: Int = 1 << 20, maxRead: Int = .max) throws -> (columns: [String], items: [ReadItem]) {
    var reader = try CSVReader(source: TestByteSource(text, maxRead: maxRead), delimiter: delimiter, name: "test.csv", chunkSize: chunkSize)
    let items = try readAllItems(&reader)
    return (reader.columns, items)
}

func parseCSV(bytes: [UInt8], chunkSize: Int = 1 << 20) throws -> (columns: [String], items: [ReadItem]) {
    var reader = try CSVReader(source: TestByteSource(bytes), name: "test.csv", chunkSize: chunkSize)
    let items = try readAllItems(&reader)
    return (reader.columns, items)
}

func parseJSONL(_ text: String, chunkSize: Int = 1 << 20, maxRead: Int = .max) throws -> (columns: [String], items: [ReadItem]) {
    var reader = try JSONLinesReader(source: TestByteSource(text, maxRead: maxRead), name: "test.jsonl", chunkSize: chunkSize)
    let items = try readAllItems(&reader)
    return (reader.columns, items)
}

func recordItem(_ line: Int, _ values: String?...) -> ReadItem {
    .record(RawRecord(line: line, values: values))
}

extension ReadItem {
    var testMalformedLine: Int? {
        if case .malformed(let line, _) = self { return line }
        return nil
    }

    var testReason: String? {
        if case .malformed(_, let reason) = self { return reason }
        return nil
    }
}
