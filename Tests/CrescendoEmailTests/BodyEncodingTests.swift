@testable import CrescendoEmail
import Foundation
import Testing

@Suite("Body transfer encodings, decoded by Python's quopri and base64")
struct BodyEncodingTests {
    /// Deterministic pseudo-random text mixing the troublesome bytes: spaces and tabs
    /// near line ends, '=', '.', "From ", CRLF, and multi-byte UTF-8.
    static func samples() -> [[UInt8]] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        let atoms = ["a", "b", "Z", " ", "  ", "\t", "=", ".", "From ", "\r\n", "\r\n", "é", "☕", "😀", "=3D", "x", "-", "_", "?"]
        var result: [[UInt8]] = []
        for _ in 0..<300 {
            var s = ""
            let count = next(200)
            for _ in 0..<count { s += atoms[next(atoms.count)] }
            if next(3) == 0 { s += String(repeating: "y", count: next(160)) }
            result.append(Array(s.utf8))
        }
        result += [[], Array(" ".utf8), Array("\r\n".utf8), Array(String(repeating: "=", count: 100).utf8),
                   Array(String(repeating: "a", count: 75).utf8), Array(String(repeating: "a", count: 76).utf8),
                   Array(String(repeating: "a", count: 77).utf8), Array((String(repeating: "a", count: 75) + " ").utf8)]
        return result
    }

    struct Decoded: Decodable {
        let decoded: [String]
    }

    @Test func quotedPrintableRoundTripsThroughPython() throws {
        let inputs = Self.samples()
        for terminated in [false, true] {
            let encoded = inputs.map { BodyEncoding.quotedPrintable($0, softBreakAtEnd: terminated) }
            for (input, output) in zip(inputs, encoded) {
                for line in lines(output) {
                    #expect(line.count <= 76, "QP line over 76: \(String(decoding: line, as: UTF8.self))")
                    #expect(line.last != 0x20 && line.last != 0x09, "trailing whitespace in QP output")
                    #expect(line.first != UInt8(ascii: "."))
                    #expect(!line.starts(with: Array("From ".utf8)))
                }
                #expect(output.allSatisfy { $0 < 0x80 })
                if terminated && !input.isEmpty { #expect(output.suffix(2) == [0x0D, 0x0A]) }
            }
            let payload = try JSONEncoder().encode(encoded.map { Data($0).base64EncodedString() })
            let result = try PythonChecker.check(Decoded.self, script: """
                quopri = require("quopri", "quopri")
                import base64
                items = json.load(open(sys.argv[1]))
                print(json.dumps({"decoded": [base64.b64encode(quopri.decodestring(base64.b64decode(x))).decode() for x in items]}))
                """, data: Array(payload))
            #expect(result.decoded.count == inputs.count)
            for (input, decoded) in zip(inputs, result.decoded) {
                #expect(Data(base64Encoded: decoded) == Data(input))
            }
        }
    }

    @Test func base64LinesAreValidAndShort() throws {
        let input = Array(String(repeating: "日本語のテキスト", count: 40).utf8)
        let output = BodyEncoding.base64Lines(input)
        for line in lines(output) { #expect(line.count <= 76) }
        let joined = String(decoding: output, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "")
        #expect(Data(base64Encoded: joined) == Data(input))
    }

    @Test func choosesQuotedPrintableForASCIIAndBase64ForCJK() {
        #expect(BodyEncoding.encode(canonical: Array("Hello, world. Café.".utf8)).0 == .quotedPrintable)
        #expect(BodyEncoding.encode(canonical: Array("日本語のテキストです。".utf8)).0 == .base64)
    }

    @Test func canonicalLineEndings() {
        #expect(BodyEncoding.canonicalLineEndings("a\nb\rc\r\nd\n\re") == Array("a\r\nb\r\nc\r\nd\r\n\r\ne".utf8))
    }
}
