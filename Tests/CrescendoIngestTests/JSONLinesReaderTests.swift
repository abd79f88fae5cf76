import Testing
@testable import CrescendoIngest

@Suite("JSONLinesReader")
struct JSONLinesReaderTests {
    @Test func everyValueKind() throws {
        let line = #"{"s":"text","n":12.50,"t":true,"f":false,"z":null,"o":{"k":1},"a":[1,"two",null],"e":""}"#
        let (columns, items) = try parseJSONL(line + "\n")
        #expect(columns == ["s", "n", "t", "f", "z", "o", "a", "e"])
        #expect(items == [recordItem(1, "text", "12.50", "true", "false", nil, #"{"k":1}"#, #"[1,"two",null]"#, "")])
    }

    @Test func numbersAreKeptVerbatim() throws {
        let (_, items) = try parseJSONL(#"{"a":12.50,"b":-3,"c":1e3,"d":0,"e":-0.0,"f":1E+10,"g":123456789012345678901234567890,"h":0.1e-2}"#)
        #expect(items == [recordItem(1, "12.50", "-3", "1e3", "0", "-0.0", "1E+10", "123456789012345678901234567890", "0.1e-2")])
    }

    @Test func nestedValuesBecomeCompactJSON() throws {
        let line = #"{"x": { "b" : [ 1 , 2.0 , { "c" : null } ] , "d" : "x y \" z" , "e" : [ ] , "f" : { } } , "y" : [ [ ] , [ true , false ] ] }"#
        let (_, items) = try parseJSONL(line)
        #expect(items == [recordItem(1, #"{"b":[1,2.0,{"c":null}],"d":"x y \" z","e":[],"f":{}}"#, "[[],[true,false]]")])
    }

    @Test func stringEscapes() throws {
        let line = #"{"a":"q\" b\\ s\/ \b\f\n\r\t","u":"caf\u00e9 \u4E2D","p":"\ud83d\ude00","raw":"é🎵"}"#
        let (_, items) = try parseJSONL(line)
        #expect(items == [recordItem(1, "q\" b\\ s/ \u{08}\u{0C}\n\r\t", "café 中", "😀", "é🎵")])
    }

    @Test func escapedKeysAreDecoded() throws {
        let (columns, _) = try parseJSONL(#"{"a\u0062":1,"tab\tkey":2}"#)
        #expect(columns == ["ab", "tab\tkey"])
    }

    @Test func keyOrderChangesAndEscapedKeysMapToTheSameColumns() throws {
        let text = #"""
            {"a":1,"ab":2}
            {"ab":3,"a":4}
            {"a\u0062":5,"a":6}
            {"ab":7,"a\u0062":8}
            {"a":9,"b":10,"ab":11}
            {"a":12,"b":13,"ab":14}
            {"\ud800":1}
            """#
        let (columns, items) = try parseJSONL(text)
        #expect(columns == ["a", "ab", "b"])
        #expect(Array(items.prefix(6)) == [
            recordItem(1, "1", "2"),
            recordItem(2, "4", "3"),
            recordItem(3, "6", "5"),
            .malformed(line: 4, reason: "duplicate key \"ab\" in object"),
            recordItem(5, "9", "11", "10"),
            recordItem(6, "12", "14", "13"),
        ])
        #expect(items[6].testReason?.contains("surrogate") == true)
    }

    @Test func newKeysGrowColumns() throws {
        let text = """
            {"id":1,"name":"a"}
            {"id":2,"email":"b@x"}
            {"name":"c","id":3,"extra":[1]}
            {}
            """
        let (columns, items) = try parseJSONL(text)
        #expect(columns == ["id", "name", "email", "extra"])
        #expect(items == [
            recordItem(1, "1", "a"),
            recordItem(2, "2", nil, "b@x"),
            recordItem(3, "3", "c", nil, "[1]"),
            recordItem(4, nil, nil, nil, nil),
        ])
    }

    @Test func blankLinesCRLFAndLineNumbers() throws {
        let text = "{\"a\":1}\r\n\r\n   \n{\"a\":2}\r\n\t\n{\"a\":3}"
        let (_, items) = try parseJSONL(text)
        #expect(items == [recordItem(1, "1"), recordItem(4, "2"), recordItem(6, "3")])
    }

    @Test func malformedLinesAreReportedAndReadingContinues() throws {
        let bad = [
            "[1,2]",
            "42",
            "hello",
            #"{"a":1} x"#,
            #"{"a":01}"#,
            #"{"a":1.}"#,
            #"{"a":-}"#,
            #"{"a":1e}"#,
            #"{"a":"open}"#,
            #"{"a":"\ud83d"}"#,
            #"{"a":"\ude00"}"#,
            #"{"a":"\x"}"#,
            #"{"a":"\u12G4"}"#,
            #"{"a" 1}"#,
            #"{"a":1,}"#,
            #"{a:1}"#,
            #"{"a":tru}"#,
            #"{"a":[1,2}"#,
            #"{"a":{"b":1]}"#,
            "{\"a\":\"tab\tinside\"}",
            #"{"a":1"#,
            "{",
            #"{"a":1,"a":2}"#,
        ]
        let text = bad.joined(separator: "\n") + "\n{\"a\":\"good\"}\n"
        let (columns, items) = try parseJSONL(text)
        #expect(items.count == bad.count + 1)
        for (index, item) in items.dropLast().enumerated() {
            #expect(item.testMalformedLine == index + 1, "line \(index + 1): \(bad[index])")
        }
        #expect(items.last == recordItem(bad.count + 1, "good"))
        #expect(columns == ["a"])
        #expect(items[0].testReason == "expected a JSON object, found '[' at column 1")
        #expect(items[3].testReason == "unexpected 'x' after the object at column 9")
        #expect(items[4].testReason?.contains("leading zero") == true)
        #expect(items[9].testReason?.contains("surrogate") == true)
        #expect(items[22].testReason == "duplicate key \"a\" in object")
    }

    @Test func malformedLineDoesNotAddColumns() throws {
        let (columns, items) = try parseJSONL("{\"a\":1}\n{\"b\":2,\"c\":}\n{\"a\":3}\n")
        #expect(columns == ["a"])
        #expect(items.count == 3)
        #expect(items[1].testMalformedLine == 2)
    }

    @Test func invalidUTF8IsMalformed() throws {
        let bytes = Array("{\"a\":\"".utf8) + [0xC3, 0x28] + Array("\"}\n{\"a\":[\"".utf8) + [0xFF] + Array("\"]}\n{\"a\":\"ok\"}\n".utf8)
        var reader = try JSONLinesReader(source: TestByteSource(bytes), name: "t.jsonl")
        let items = try readAllItems(&reader)
        #expect(items.count == 3)
        #expect(items[0].testReason?.contains("invalid UTF-8") == true)
        #expect(items[1].testReason?.contains("invalid UTF-8") == true)
        #expect(items[2] == recordItem(3, "ok"))
    }

    @Test func deepNestingIsBoundedNotACrash() throws {
        let deep = "{\"a\":" + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}"
        let (_, items) = try parseJSONL(deep)
        #expect(items.first?.testReason?.contains("nesting") == true)
        let ok = "{\"a\":" + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}"
        #expect(try parseJSONL(ok).items.first?.testRecordLine == 1)
    }

    @Test func chunkBoundariesDoNotChangeResults() throws {
        var text = ""
        for i in 0..<200 {
            text += i % 9 == 4 ? "{\"id\":\(i),oops}\r\n" : "{\"id\":\(i),\"k\(i % 5)\":\"v \(String(repeating: "é", count: i % 17))\",\"n\":\(i).50,\"o\":{\"x\":[\(i)]}}\r\n"
            if i % 11 == 0 { text += "\n" }
        }
        text += "{\"last\":true}"
        let reference = try parseJSONL(text)
        #expect(reference.items.count == 201)
        for chunk in [1, 3, 16, 100] {
            let result = try parseJSONL(text, chunkSize: chunk)
            #expect(result.columns == reference.columns)
            #expect(result.items == reference.items)
        }
        #expect(try parseJSONL(text, chunkSize: 8, maxRead: 3).items == reference.items)
    }

    @Test func oversizedLinesAreSkippedInConstantMemory() throws {
        let long = "{\"a\":\"" + String(repeating: "z", count: 1_000) + "\"}"
        let text = "{\"a\":1}\n\(long)\n{\"a\":2}\n\(long)"
        var reader = try JSONLinesReader(source: TestByteSource(text, maxRead: 5), name: "t", chunkSize: 8, maxLineBytes: 64)
        let items = try readAllItems(&reader)
        #expect(reader.bufferCapacity <= 256)
        #expect(items == [
            recordItem(1, "1"),
            .malformed(line: 2, reason: "line is longer than 64 bytes"),
            recordItem(3, "2"),
            .malformed(line: 4, reason: "line is longer than 64 bytes"),
        ])
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("{\"a\":1}\n".utf8)
        var reader = try JSONLinesReader(source: TestByteSource(bytes), name: "t.jsonl")
        #expect(try readAllItems(&reader) == [recordItem(1, "1")])
    }
}
