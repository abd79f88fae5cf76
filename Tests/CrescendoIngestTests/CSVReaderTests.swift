import Testing
@testable import CrescendoIngest

@Suite("CSVReader")
struct CSVReaderTests {
    @Test func readsHeaderAndRecords() throws {
        let (columns, items) = try parseCSV("id,name,amount\n1,Ada,12.50\n2,Grace,-3\n")
        #expect(columns == ["id", "name", "amount"])
        #expect(items == [recordItem(2, "1", "Ada", "12.50"), recordItem(3, "2", "Grace", "-3")])
    }

    @Test func headerNamesAreTrimmed() throws {
        let (trimmed, _) = try parseCSV(" id ,\tname\t,amount \n")
        #expect(trimmed == ["id", "name", "amount"])
        let (quoted, _) = try parseCSV("\" padded \",b\n")
        #expect(quoted == ["padded", "b"])
    }

    @Test func quotedFieldsWithDelimitersAndDoubledQuotes() throws {
        let (_, items) = try parseCSV("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"\"\"\"\n\"\",plain,\"a\"\"\"\n")
        #expect(items == [recordItem(2, "x, y", "say \"hi\"", "\""), recordItem(3, "", "plain", "a\"")])
    }

    @Test func embeddedNewlinesCountTowardLineNumbers() throws {
        let text = "id,note\n1,\"line one\nline two\"\n2,\"crlf\r\ninside\"\n3,\"cr\ronly\"\n4,after\n"
        let (_, items) = try parseCSV(text)
        #expect(items == [
            recordItem(2, "1", "line one\nline two"),
            recordItem(4, "2", "crlf\r\ninside"),
            recordItem(6, "3", "cr\ronly"),
            recordItem(8, "4", "after"),
        ])
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let (columns, items) = try parseCSV(bytes: [0xEF, 0xBB, 0xBF] + Array("id,name\n1,x\n".utf8))
        #expect(columns == ["id", "name"])
        #expect(items == [recordItem(2, "1", "x")])
    }

    @Test func crlfAndLoneCRTerminators() throws {
        let (columns, items) = try parseCSV("a,b\r\n1,2\r\n3,4\r5,6\n")
        #expect(columns == ["a", "b"])
        #expect(items == [recordItem(2, "1", "2"), recordItem(3, "3", "4"), recordItem(4, "5", "6")])
    }

    @Test func lastRecordWithoutTrailingNewline() throws {
        #expect(try parseCSV("a,b\n1,2").items == [recordItem(2, "1", "2")])
        #expect(try parseCSV("a,b\n1,\"2\"").items == [recordItem(2, "1", "2")])
        #expect(try parseCSV("a,b\n1,").items == [recordItem(2, "1", "")])
        #expect(try parseCSV("a,b\r\n1,2\r\n").items == [recordItem(2, "1", "2")])
        #expect(try parseCSV("a,b").items == [])
    }

    @Test func emptyFieldsAreEmptyStringsNeverNil() throws {
        let (_, items) = try parseCSV("a,b,c\n,,\n1,,3\n\"\",\"\",\n")
        #expect(items == [recordItem(2, "", "", ""), recordItem(3, "1", "", "3"), recordItem(4, "", "", "")])
    }

    @Test func blankLinesAreSkippedButCounted() throws {
        let (_, items) = try parseCSV("a,b\n\n1,2\n\r\n\n3,4\n\n")
        #expect(items == [recordItem(3, "1", "2"), recordItem(6, "3", "4")])
    }

    @Test func wrongFieldCountIsMalformedAndReadingContinues() throws {
        let (_, items) = try parseCSV("a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n")
        #expect(items == [
            recordItem(2, "1", "2", "3"),
            .malformed(line: 3, reason: "expected 3 fields, found 2"),
            .malformed(line: 4, reason: "expected 3 fields, found 4"),
            recordItem(5, "10", "11", "12"),
        ])
    }

    @Test func unterminatedQuoteIsMalformedAtItsStartLine() throws {
        let (_, items) = try parseCSV("a,b\n1,2\n3,\"open\nstill open\n")
        #expect(items.count == 2)
        #expect(items[0] == recordItem(2, "1", "2"))
        #expect(items[1].testMalformedLine == 3)
        #expect(items[1].testReason?.contains("unterminated") == true)
    }

    @Test func strayQuotesAreMalformedAndReadingContinues() throws {
        let (_, items) = try parseCSV("a,b\nab\"c,d\n\"x\"y,z\n\"ok\" ,w\n5,6\n")
        #expect(items.count == 4)
        #expect(items[0].testMalformedLine == 2)
        #expect(items[0].testReason?.contains("quote inside unquoted field 1") == true)
        #expect(items[1].testMalformedLine == 3)
        #expect(items[1].testReason?.contains("after the closing quote of field 1") == true)
        #expect(items[2].testMalformedLine == 4)
        #expect(items[3] == recordItem(5, "5", "6"))
    }

    @Test(arguments: [UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|")])
    func customDelimiters(_ d: UInt8) throws {
        let s = String(UnicodeScalar(d))
        let text = ["id", "note"].joined(separator: s) + "\n" + ["1", "a,b"].joined(separator: s) + "\n"
            + ["2", "\"x\(s)y\""].joined(separator: s) + "\n"
        let (columns, items) = try parseCSV(text, delimiter: d)
        #expect(columns == ["id", "note"])
        #expect(items == [recordItem(2, "1", "a,b"), recordItem(3, "2", "x\(s)y")])
    }

    @Test func invalidDelimiterIsRejected() {
        #expect(throws: InputError.self) { try parseCSV("a\n", delimiter: UInt8(ascii: "\"")) }
        #expect(throws: InputError.self) { try parseCSV("a\n", delimiter: 0xC3) }
    }

    @Test func utf8FieldsAndInvalidUTF8() throws {
        var bytes = Array("name,city\nJosé,Zürich 🎵\n".utf8)
        bytes += Array("bad,".utf8) + [0xC3, 0x28] + Array("\n".utf8)
        bytes += Array("\"q\"\"".utf8) + [0xFF] + Array("\",x\n".utf8)
        bytes += Array("ok,fine\n".utf8)
        let (_, items) = try parseCSV(bytes: bytes)
        #expect(items.count == 4)
        #expect(items[0] == recordItem(2, "José", "Zürich 🎵"))
        #expect(items[1] == .malformed(line: 3, reason: "invalid UTF-8 in field 2"))
        #expect(items[2] == .malformed(line: 4, reason: "invalid UTF-8 in field 1"))
        #expect(items[3] == recordItem(5, "ok", "fine"))
    }

    @Test func headerProblemsThrow() {
        func code(_ text: String) -> InputError.Code? {
            do {
                _ = try parseCSV(text)
                return nil
            } catch let error as InputError {
                #expect(error.message.contains("test.csv"))
                return error.code
            } catch {
                return nil
            }
        }
        #expect(code("") == .missingHeader)
        #expect(code("\n\r\n") == .missingHeader)
        #expect(code("\u{FEFF}") == .missingHeader)
        #expect(code("id,name,id\n1,2,3\n") == .duplicateColumn)
        #expect(code("id, id\n") == .duplicateColumn)
        #expect(code("id,,name\n") == .emptyColumn)
        #expect(code("id, \n") == .emptyColumn)
        #expect(code("id,\"name\n") == .malformedHeader)
    }

    @Test func headerMayFollowBlankLines() throws {
        let (columns, items) = try parseCSV("\n\nid\n7\n")
        #expect(columns == ["id"])
        #expect(items == [recordItem(4, "7")])
    }

    @Test func recordsStayIntactWhileLaterOnesAreRead() throws {
        var reader = try CSVReader(source: TestByteSource("a,b\n1,2\n3,4\n5,6\n"), name: "t")
        var kept: [RawRecord] = []
        while let item = try reader.next() {
            if case .record(let record) = item { kept.append(record) }
        }
        #expect(kept.map(\.values) == [["1", "2"], ["3", "4"], ["5", "6"]])
    }

    @Test func readErrorsBecomeInputErrors() {
        #expect(throws: InputError.self) { _ = try CSVReader(source: FailingTestByteSource(), name: "boom.csv") }
    }

    /// Records must come out the same whatever the buffer size and however the source splits its reads.
    @Test func chunkBoundariesDoNotChangeResults() throws {
        var text = "id,\"quoted, header\",note\r\n"
        for i in 0..<300 {
            switch i % 7 {
            case 0: text += "\(i),\"multi\nline \"\"\(i)\"\"\",x\n"
            case 1: text += "\(i),plain value \(i),\"crlf\r\nquoted\"\r\n"
            case 2: text += "\(i),,\n\n"
            case 3: text += "\(i),short\n"  // malformed: 2 fields
            case 4: text += "\(i),é ü 🎵,\"\"\r"
            case 5: text += "\(i),\"a\"b,c\n"  // malformed: garbage after quote
            default: text += "\(i),\(String(repeating: "long", count: i % 40)),end\n"
            }
        }
        text += "last,\"no newline\",z"
        let reference = try parseCSV(text)
        #expect(reference.columns == ["id", "quoted, header", "note"])
        #expect(reference.items.count == 301)
        #expect(reference.items.last == recordItem(reference.items.last?.testRecordLine ?? 0, "last", "no newline", "z"))
        for chunk in [1, 2, 3, 5, 8, 13, 64, 333] {
            let result = try parseCSV(text, chunkSize: chunk)
            #expect(result.columns == reference.columns, "chunk \(chunk)")
            #expect(result.items == reference.items, "chunk \(chunk)")
        }
        for maxRead in [1, 2, 7] {
            let result = try parseCSV(text, chunkSize: 16, maxRead: maxRead)
            #expect(result.items == reference.items, "maxRead \(maxRead)")
        }
    }

    @Test func unterminatedQuoteAcrossChunks() throws {
        let text = "a,b\n1,2\n3,\"open" + String(repeating: "x", count: 100) + "\n"
        for chunk in [1, 4, 16, 1024] {
            let (_, items) = try parseCSV(text, chunkSize: chunk)
            #expect(items.count == 2)
            #expect(items[1].testMalformedLine == 3)
        }
    }
}

extension CSVReaderTests {
    /// A runaway record must not make the buffer grow with the file.
    @Test func oversizedRecordsAreSkippedInConstantMemory() throws {
        var text = "a,b\n1,2\n"
        text += "3,\"" + String(repeating: "x\n", count: 500) + "\",\"q\"\"\r\n\"\r\n"  // lines 3-504, 3 fields
        text += "4," + String(repeating: "y", count: 700) + "\r\n"  // long unquoted field
        text += "5,6\n"
        text += "7,\"" + String(repeating: "never closed ", count: 100)  // unterminated to the end
        for chunk in [1, 16, 64] {
            var reader = try CSVReader(source: TestByteSource(text, maxRead: 7), name: "t", chunkSize: chunk, maxRecordBytes: 100)
            let items = try readAllItems(&reader)
            #expect(reader.bufferCapacity <= 256, "chunk \(chunk)")
            #expect(items.count == 5)
            #expect(items[0] == recordItem(2, "1", "2"))
            #expect(items[1] == .malformed(line: 3, reason: "record is longer than 100 bytes"))
            #expect(items[2] == .malformed(line: 505, reason: "record is longer than 100 bytes"))
            #expect(items[3] == recordItem(506, "5", "6"))
            #expect(items[4] == .malformed(line: 507, reason: "unterminated quoted field 2 (its opening quote is never closed)"))
        }
        // Without the limit the long records are read normally, with the same line numbers.
        let plain = try parseCSV(text).items
        #expect(plain.map(\.testMalformedLine) == [nil, 3, nil, nil, 507])
        #expect(plain[1].testReason == "expected 2 fields, found 3")
        #expect(plain[2].testRecordLine == 505)
        #expect(plain[3] == recordItem(506, "5", "6"))
        #expect(plain[4].testReason == "unterminated quoted field 2 (its opening quote is never closed)")
    }
}

extension ReadItem {
    var testRecordLine: Int? {
        if case .record(let record) = self { return record.line }
        return nil
    }
}
