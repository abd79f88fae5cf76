import CrescendoEmail
import Foundation
import Testing

@Suite("EMLFolder atomic, idempotent writes")
struct EMLFolderTests {
    @Test func writesAtomicallyAndIdempotently() throws {
        let dir = try PythonChecker.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = EMLFolder(path: dir.appendingPathComponent("out/nested").path)
        let message = try messageCases[0].message()
        let bytes = message.render()

        let path = try folder.write(bytes, messageID: message.messageID)
        #expect(path.hasSuffix(".eml"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(bytes))

        let again = try folder.write(bytes, messageID: message.messageID)
        #expect(again == path)
        let replaced = try folder.write(Array("changed".utf8), messageID: message.messageID)
        #expect(replaced == path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data("changed".utf8))
        // One file, no temporaries left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [(path as NSString).lastPathComponent])

        let other = try folder.write(bytes, messageID: "<other@example.com>")
        #expect(other != path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).count == 2)
    }

    @Test func fileNamesAreSafeAndDistinct() {
        #expect(EMLFolder.fileName(forMessageID: "<abc123@mail.example.com>") == "abc123@mail.example.com.eml")
        let slash = EMLFolder.fileName(forMessageID: "<a/b@x>")
        let underscore = EMLFolder.fileName(forMessageID: "<a_b@x>")
        #expect(!slash.contains("/"))
        #expect(slash != underscore)
        #expect(!EMLFolder.fileName(forMessageID: "<../../etc/passwd>").hasPrefix("."))
        #expect(EMLFolder.fileName(forMessageID: "<" + String(repeating: "x", count: 400) + "@x>").utf8.count < 255)
    }

    @Test func unwritableFolderErrorNamesThePath() throws {
        let dir = try PythonChecker.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A regular file where the folder should be: fails even for root.
        let file = dir.appendingPathComponent("not-a-folder")
        try Data("x".utf8).write(to: file)
        for path in [file.path, file.appendingPathComponent("sub").path] {
            do {
                try EMLFolder(path: path).write(Array("x".utf8), messageID: "<a@b>")
                Issue.record("expected an error for \(path)")
            } catch let error as EmailError {
                #expect(error.code == .io)
                #expect(error.message.contains(path), "\(error)")
            }
        }
    }
}
