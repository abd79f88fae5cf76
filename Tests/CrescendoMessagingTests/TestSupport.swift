import CrescendoCore
import CrescendoMessaging
import Foundation
import Testing

/// A fresh temporary folder for one test.
func makeTemporaryFolder() throws -> String {
    let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("crescendo-messaging-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// The 1-based number of the first line of `text` containing `marker`.
func lineNumber(of marker: String, in text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Int {
    let lines = text.components(separatedBy: "\n")
    guard let index = lines.firstIndex(where: { $0.contains(marker) }) else {
        Issue.record("fixture has no line containing \(marker)", sourceLocation: sourceLocation)
        return -1
    }
    return index + 1
}

/// What parsing a configuration that must be refused reports: the whole message and its problems.
struct ConfigurationProblems {
    var message: String
    var problems: [String]

    init(_ text: String, path: String, environment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try MessagingConfiguration.parse(text, path: path, environment: environment)
            Issue.record("the configuration was accepted", sourceLocation: sourceLocation)
            message = ""
            problems = []
        } catch let error as CrescendoError {
            message = error.message
            let lines = error.message.components(separatedBy: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            problems = lines.count > 1 ? Array(lines.dropFirst()) : lines
        } catch {
            Issue.record("not a CrescendoError: \(error)", sourceLocation: sourceLocation)
            message = "\(error)"
            problems = []
        }
    }

    /// The problems that name the file, the line (exactly) and the field, and contain every fragment.
    func matching(path: String, line: Int, field: String, _ fragments: [String] = []) -> [String] {
        problems.filter { problem in
            problem.contains(path)
                && problem.range(of: "line \(line)(?![0-9])", options: .regularExpression) != nil
                && problem.contains(field)
                && fragments.allSatisfy { problem.contains($0) }
        }
    }

    func expect(path: String, line: Int, field: String, _ fragments: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(
            !matching(path: path, line: line, field: field, fragments).isEmpty,
            "no problem names \(path), line \(line), \(field) and \(fragments); reported:\n\(problems.joined(separator: "\n"))",
            sourceLocation: sourceLocation)
    }
}

/// Runs Python 3 as an independent checker; returns stdout, throws with stderr on failure.
enum Python {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func run(_ script: String, arguments: [String] = []) throws -> Data {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let scriptPath = (folder as NSString).appendingPathComponent("check.py")
        try Data(script.utf8).write(to: URL(fileURLWithPath: scriptPath))
        return try runProcess("/usr/bin/env", ["python3", scriptPath] + arguments, folder: folder)
    }

    static func runProcess(_ executable: String, _ arguments: [String], folder: String) throws -> Data {
        let outPath = (folder as NSString).appendingPathComponent("stdout")
        let errPath = (folder as NSString).appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        let stdout = try Data(contentsOf: URL(fileURLWithPath: outPath))
        guard process.terminationStatus == 0 else {
            let stderr = String(decoding: try Data(contentsOf: URL(fileURLWithPath: errPath)), as: UTF8.self)
            throw Failure(description: "\(executable) \(arguments) exited with \(process.terminationStatus):\n\(stderr)")
        }
        return stdout
    }
}

/// What Python's `email` package reads in an .eml file.
struct ParsedEmail: Decodable {
    let subject: String
    let fromName: String
    let fromAddress: String
    let toAddress: String
    let messageID: String
    let text: String?
    let html: String?
    let headers: [String: String]

    static func parse(file: String) throws -> ParsedEmail {
        let script = """
            import sys, json, email, email.policy
            m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
            frm = m["from"].addresses[0]
            to = m["to"].addresses[0]
            text = m.get_body(preferencelist=("plain",))
            html = m.get_body(preferencelist=("html",))
            print(json.dumps({
                "subject": str(m["subject"]),
                "fromName": frm.display_name,
                "fromAddress": frm.addr_spec,
                "toAddress": to.addr_spec,
                "messageID": str(m["message-id"]),
                "text": text.get_content() if text is not None else None,
                "html": html.get_content() if html is not None else None,
                "headers": {k.lower(): str(v) for k, v in m.items()},
            }))
            """
        return try JSONDecoder().decode(ParsedEmail.self, from: Python.run(script, arguments: [file]))
    }
}
