import Foundation
import Testing

/// The `crescendo` executable as scripts use it: exit codes, `--json`, standard input.
@Suite struct CLITests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String

        func json() throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
        }
    }

    /// The binary SwiftPM built beside the test bundle.
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("crescendo")
    }

    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-cli-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func run(_ arguments: String..., input: String? = nil) throws -> Run {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "CRESCENDO_STORE")
        process.environment = environment
        let out = Pipe(), err = Pipe(), stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self), stderr: String(decoding: stderrData, as: UTF8.self))
    }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: folder.appendingPathComponent(name))
    }

    static let model = """
        profile: guest
        entities:
          guest:
            key: id
            version: v
            fields: {id: string, name: string, age: {type: integer, nullable: true}, v: integer}
        """

    @Test func modelApplyShowAndErrors() throws {
        try write("model.yaml", Self.model)
        var result = try run("model", "apply", "model.yaml", "--json")
        #expect(result.status == 0)
        #expect(try result.json()["version"] as? Int == 1)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("crescendo.db").path))

        result = try run("model", "show", "--json")
        #expect(result.status == 0)
        let model = try #require(try result.json()["model"] as? [String: Any])
        #expect(model["profile_entity"] as? String == "guest")
        #expect(model["guardrails"] as? [String: Int] == ["max_entities": 200, "max_fields_per_entity": 500])

        try write("bad.yaml", Self.model.replacingOccurrences(of: "age: {type: integer", with: "age: {type: integr"))
        result = try run("model", "apply", "bad.yaml")
        #expect(result.status == 4)
        #expect(result.stderr.contains("bad.yaml: 1 problem"))
        #expect(result.stderr.contains("line 6: entity guest, field age: unknown type \"integr\" — did you mean \"integer\"?"))

        result = try run("model", "apply", "bad.yaml", "--json")
        #expect(result.status == 4)
        let error = try #require(try result.json()["error"] as? [String: Any])
        #expect(error["code"] as? String == "invalid_model")

        try write("smaller.yaml", Self.model.replacingOccurrences(of: ", age: {type: integer, nullable: true}", with: ""))
        result = try run("model", "apply", "smaller.yaml")
        #expect(result.status == 5)
        #expect(result.stderr.contains("drop field guest.age"))
        #expect(result.stderr.contains("--allow-destructive"))
        result = try run("model", "apply", "smaller.yaml", "--allow-destructive", "--json")
        #expect(result.status == 0)
        #expect(try result.json()["version"] as? Int == 2)
    }

    @Test func ingestFromStandardInputWithExitCodesForRejections() throws {
        try write("model.yaml", Self.model)
        #expect(try run("model", "apply", "model.yaml").status == 0)

        var result = try run("ingest", "guest", "-", "--json", input: "id,name,age,v\nG1,Ana,30,1\nG2,Rui,,1\n")
        #expect(result.status == 0)
        var summary = try result.json()
        #expect(summary["inserted"] as? Int == 2)
        #expect(summary["source"] as? String == "stdin")
        // No terminal: no progress bar on standard error.
        #expect(result.stderr.isEmpty)

        result = try run("ingest", "guest", "-", "--json", input: "id,name,age,v\nG3,Eva,old,1\nG1,Ana,31,2\n")
        #expect(result.status == 3)
        summary = try result.json()
        #expect(summary["updated"] as? Int == 1)
        #expect(summary["rejected"] as? Int == 1)
        #expect(summary["rejects_file"] as? String == "guest-stdin.rejects.csv")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("guest-stdin.rejects.csv").path))

        result = try run("ingest", "guest", "-", "--max-errors", "0", input: "id,name,age,v\nG4,Ivo,1,1\nG5,Bea,x,1\n")
        #expect(result.status == 9)
        #expect(result.stderr.contains("rolled back"))

        result = try run("data", "count", "guest", "--json")
        #expect(try result.json()["count"] as? Int == 2)
        result = try run("data", "get", "guest", "G1", "--json")
        #expect(result.status == 0)
        #expect(try result.json()["age"] as? Int == 31)
        result = try run("data", "get", "guest", "G9")
        #expect(result.status == 8)
        #expect(result.stderr.contains("guest G9 is not in the workspace"))

        result = try run("ingest", "guest", "missing.csv")
        #expect(result.status == 6)
        #expect(result.stderr.contains("missing.csv"))
        result = try run("ingest", "guests", "-", input: "id\n")
        #expect(result.status == 4)
        #expect(result.stderr.contains("did you mean \"guest\"?"))
    }

    @Test func aBadStoreIsAClearError() throws {
        var result = try run("data", "count", "guest", "--store", "mysql://x")
        #expect(result.status == 4)
        #expect(result.stderr.contains("is not understood"))
        result = try run("data", "count", "guest", "--store", "host=db password=s3cret")
        #expect(result.status == 4)
        #expect(!result.stderr.contains("s3cret"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("host=db password=s3cret").path))
        result = try run("data", "count", "guest", "--store", "postgres://u:secret@127.0.0.1:1/db")
        #expect(result.status == 7)
        #expect(!result.stderr.contains("secret"))
        #expect(result.stderr.contains("postgres://u:***@127.0.0.1:1/db"))
    }

    @Test func demoBuildsAWorkspaceFromTheSampleData() throws {
        var result = try run("demo", "--profiles", "1000", "--json")
        #expect(result.status == 0)
        let report = try result.json()
        let counts = try #require(report["counts"] as? [String: Int])
        #expect(counts["profile"] == 1_000)
        #expect(counts["reservation"] == 5_000)
        #expect(counts["hotel"] == 50)
        // The demo's audiences are counted on the loaded data and one is saved in the portal.
        let audiences = try #require(report["audiences"] as? [[String: Any]])
        #expect(audiences.count == 5)
        #expect(audiences.contains { ($0["count"] as? Int ?? 0) > 0 })
        let saved = try run("audience", "show", "arriving-this-week", "--store", "sqlite:crescendo-demo.db", "--json")
        #expect(saved.status == 0)
        #expect(try saved.json()["entity"] as? String == "profile")
        // The story: the campaign ran in test mode, then for real, and its emails are .eml files.
        let test = try #require(report["campaign"] as? [String: Any])
        #expect(test["campaign"] as? String == "arrival-welcome")
        let sending = try #require(report["sending"] as? [String: Any])
        let sent = try #require(sending["sent"] as? Int)
        #expect(sent > 0)
        // All four channels: emails as .eml files, texts and pushes as JSON, letters in one extract.
        let outbox = try #require(report["outbox"] as? String)
        let rows = try #require((report["messages"] as? [String: Any])?["rows"] as? [[String: Any]])
        #expect(rows.reduce(0) { $0 + ($1["sent"] as? Int ?? 0) } == sent)
        func sentBy(_ channel: String) -> Int { rows.filter { $0["channel"] as? String == channel }.reduce(0) { $0 + ($1["sent"] as? Int ?? 0) } }
        #expect(Set(rows.compactMap { $0["channel"] as? String }) == ["email", "sms", "push", "direct-mail"])
        func files(_ folder: String, _ suffix: String) throws -> Int {
            let path = (outbox as NSString).appendingPathComponent(folder)
            guard FileManager.default.fileExists(atPath: path) else { return 0 }
            return try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(suffix) }.count
        }
        #expect(try files("", ".eml") == sentBy("email"))
        #expect(try files("sms", ".json") == sentBy("sms"))
        #expect(try files("push/ios", ".json") + files("push/android", ".json") == sentBy("push"))
        let letters = try #require(rows.first { $0["channel"] as? String == "direct-mail" })
        let extract = try #require(letters["extract"] as? String)
        let lines = try String(contentsOfFile: extract, encoding: .utf8).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == sentBy("direct-mail") + 1)
        #expect(letters["extract_rows"] as? Int == sentBy("direct-mail"))
        // Again: the same rows arrive as stale changes and nothing moves.
        result = try run("demo", "--profiles", "1000", "--json")
        let ingestions = try #require(try result.json()["ingestions"] as? [[String: Any]])
        #expect(ingestions.allSatisfy { ($0["inserted"] as? Int) == 0 && ($0["stale"] as? Int) == ($0["read"] as? Int) })
        result = try run("data", "count", "reservation", "--store", "sqlite:crescendo-demo.db")
        #expect(result.stdout == "5000\n")
    }
}
