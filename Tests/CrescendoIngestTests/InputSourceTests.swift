import Foundation
import Testing
@testable import CrescendoIngest

@Suite("Input sources and gzip")
struct InputSourceTests {
    @Test func inferFormat() {
        #expect(InputFormat.infer(fromPath: "a.csv") == .csv)
        #expect(InputFormat.infer(fromPath: "/x/y/A.TSV") == .csv)
        #expect(InputFormat.infer(fromPath: "a.txt.gz") == .csv)
        #expect(InputFormat.infer(fromPath: "dir.v2/a.jsonl") == .jsonl)
        #expect(InputFormat.infer(fromPath: "a.ndjson.gz") == .jsonl)
        #expect(InputFormat.infer(fromPath: "a.json") == .jsonl)
        #expect(InputFormat.infer(fromPath: "a.gz") == nil)
        #expect(InputFormat.infer(fromPath: "a.parquet") == nil)
        #expect(InputFormat.infer(fromPath: "csv") == nil)
        #expect(InputFormat.infer(fromPath: ".csv") == nil)
        #expect(InputFormat.infer(fromPath: "-") == nil)
        #expect(InputFormat.defaultDelimiter(forPath: "x.tsv.gz") == UInt8(ascii: "\t"))
        #expect(InputFormat.defaultDelimiter(forPath: "x.csv") == UInt8(ascii: ","))
    }

    @Test func missingFileNamesThePath() throws {
        let dir = try FormatsTempDirectory()
        let missing = dir.path("nope.csv")
        do {
            _ = try FileByteSource(path: missing)
            Issue.record("expected an error")
        } catch let error as InputError {
            #expect(error.code == .unreadable)
            #expect(error.message.contains(missing))
            #expect(error.description.contains("No such file"))
        }
        #expect(throws: InputError.self) { _ = try openInput(path: dir.url.path) }
    }

    @Test func plainFileThroughOpenReader() throws {
        let dir = try FormatsTempDirectory()
        let path = try dir.write("t.tsv", "id\tname\n1\tx\n")
        var reader = try openReader(path: path)
        #expect(reader.columns == ["id", "name"])
        #expect(try readAllItems(&reader) == [recordItem(2, "1", "x")])
        #expect(throws: InputError.self) { _ = try openReader(path: dir.path("data.bin")) }
    }

    @Test func tinyFilesShorterThanTheGzipMagic() throws {
        let dir = try FormatsTempDirectory()
        var one = try openReader(path: try dir.write("one.jsonl", "\n"))
        #expect(try readAllItems(&one) == [])
        var empty = try openReader(path: try dir.write("empty.jsonl", ""))
        #expect(try readAllItems(&empty) == [])
    }

    @Test func gzipRoundTripIsDetectedByMagicBytes() throws {
        let dir = try FormatsTempDirectory()
        var text = "id,name,note\n"
        for i in 0..<50_000 { text += "\(i),name \(i),\"note, \(i)\"\n" }
        let gz = try dir.gzip(Array(text.utf8))
        #expect(gz.count < text.utf8.count / 3)
        // Deliberately misnamed: detection is by content.
        let path = try dir.write("data.csv", gz)
        var reader = try openReader(path: path)
        let items = try readAllItems(&reader)
        #expect(items.count == 50_000)
        #expect(items.last == recordItem(50_001, "49999", "name 49999", "note, 49999"))
    }

    @Test func gzipWithTinyBuffers() throws {
        let dir = try FormatsTempDirectory()
        let text = (0..<2_000).map { "{\"i\":\($0),\"s\":\"\(String(repeating: "ab", count: $0 % 50))\"}" }.joined(separator: "\n")
        let gz = try dir.gzip(Array(text.utf8))
        let source = try GzipByteSource(base: TestByteSource(gz, maxRead: 5), name: "t.gz", inputChunkSize: 7, outputChunkSize: 3)
        var reader = try JSONLinesReader(source: source, name: "t.gz", chunkSize: 4)
        let items = try readAllItems(&reader)
        #expect(items.count == 2_000)
        #expect(items.last == recordItem(2_000, "1999", String(repeating: "ab", count: 49)))
    }

    @Test func concatenatedGzipMembers() throws {
        let dir = try FormatsTempDirectory()
        let first = try dir.gzip(Array("a,b\n1,2\n".utf8))
        let second = try dir.gzip(Array("3,4\n".utf8))
        let empty = try dir.gzip([])
        let third = try dir.gzip(Array("5,6".utf8))
        let path = try dir.write("multi.csv.gz", first + second + empty + third)
        var reader = try openReader(path: path)
        #expect(try readAllItems(&reader) == [recordItem(2, "1", "2"), recordItem(3, "3", "4"), recordItem(4, "5", "6")])
        // Same with member boundaries falling inside small reads.
        let bytes = first + second + empty + third
        for maxRead in [1, 2, 3, 10] {
            let source = try GzipByteSource(base: TestByteSource(bytes, maxRead: maxRead), name: "m", inputChunkSize: 4, outputChunkSize: 2)
            var small = try CSVReader(source: source, name: "m", chunkSize: 3)
            #expect(try readAllItems(&small) == [recordItem(2, "1", "2"), recordItem(3, "3", "4"), recordItem(4, "5", "6")])
        }
    }

    @Test func corruptGzipThrowsNamingTheInput() throws {
        let dir = try FormatsTempDirectory()
        var text = ""
        for i in 0..<20_000 { text += "{\"i\":\(i)}\n" }
        let gz = try dir.gzip(Array(text.utf8))

        func failure(_ bytes: [UInt8], _ name: String) throws -> InputError? {
            let path = try dir.write(name, bytes)
            do {
                var reader = try openReader(path: path, format: .jsonl)
                _ = try readAllItems(&reader)
                return nil
            } catch let error as InputError {
                #expect(error.message.contains(path))
                return error
            }
        }

        var flipped = gz
        for k in stride(from: 40, to: gz.count - 20, by: 97) { flipped[k] ^= 0x5A }
        #expect(try failure(flipped, "flipped.jsonl.gz")?.code == .corruptCompression)

        let truncated = Array(gz[..<(gz.count / 2)])
        let error = try failure(truncated, "truncated.jsonl.gz")
        #expect(error?.code == .corruptCompression)
        #expect(error?.message.contains("truncated") == true)

        #expect(try failure(Array(gz.dropLast(3)), "no-trailer.jsonl.gz")?.code == .corruptCompression)
        #expect(try failure([0x1F, 0x8B], "magic-only.jsonl.gz")?.code == .corruptCompression)
        #expect(try failure(gz + Array("garbage".utf8), "trailing.jsonl.gz")?.code == .corruptCompression)

        var badCRC = gz
        badCRC[gz.count - 6] ^= 0xFF
        #expect(try failure(badCRC, "crc.jsonl.gz")?.code == .corruptCompression)
    }

    @Test func peekedBytesAreNotLost() throws {
        var source = try PeekedByteSource(base: TestByteSource("abcdef", maxRead: 1), peeking: 2)
        #expect(source.peeked == Array("ab".utf8))
        var out = [UInt8](repeating: 0, count: 10)
        var collected: [UInt8] = []
        while true {
            let n = try out.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { break }
            collected += out[..<n]
        }
        #expect(collected == Array("abcdef".utf8))
    }

    /// Callers hold the opened input as `any ByteSource` and open it into a generic reader.
    @Test func existentialSourceFeedsGenericReaders() throws {
        let dir = try FormatsTempDirectory()
        let path = try dir.write("x.jsonl.gz", try dir.gzip(Array("{\"a\":1}\n".utf8)))
        let input: any ByteSource = try openInput(path: path)
        func items<Source: ByteSource>(_ source: Source) throws -> [ReadItem] {
            var reader = try JSONLinesReader(source: source, name: path)
            return try readAllItems(&reader)
        }
        #expect(try items(input) == [recordItem(1, "1")])
    }

    @Test func anyByteSourceDoesNotDoubleWrap() throws {
        let erased = AnyByteSource(AnyByteSource(TestByteSource("x")))
        var reader = try CSVReader(source: erased, name: "x")
        #expect(reader.columns == ["x"])
        #expect(try reader.next() == nil)
    }
}
