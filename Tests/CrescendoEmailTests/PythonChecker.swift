import Foundation
import Testing

/// Runs Python 3 scripts as independent checkers. A missing module is a test failure with
/// a clear message (CI installs dkimpy), never a skip.
enum PythonChecker {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// A fresh temporary directory for one test.
    static func tempDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("crescendo-email-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `script` with `arguments`, returning stdout. Throws with stderr on a non-zero exit.
    static func run(_ script: String, arguments: [String]) throws -> Data {
        let dir = try tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let scriptURL = dir.appendingPathComponent("check.py")
        let outURL = dir.appendingPathComponent("stdout")
        let errURL = dir.appendingPathComponent("stderr")
        let prelude = """
            import sys, json
            def require(module, package):
                import importlib
                try:
                    return importlib.import_module(module)
                except ImportError as e:
                    sys.stderr.write("MISSING PYTHON MODULE %s (pip install %s): %s\\n" % (module, package, e))
                    sys.exit(3)

            """
        try Data((prelude + script).utf8).write(to: scriptURL)
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scriptURL.path] + arguments
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw Failure(description: "cannot start python3 (is Python 3 installed and on PATH?): \(error)")
        }
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        let stdout = try Data(contentsOf: outURL)
        let stderr = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw Failure(description: "python3 exited with \(process.terminationStatus):\n\(stderr)")
        }
        return stdout
    }

    /// Writes `data` to a temp file and runs the script with the file path as argv[1]
    /// (plus extra arguments), decoding its JSON output.
    static func check<T: Decodable>(_ type: T.Type, script: String, data: [UInt8], extra: [String] = []) throws -> T {
        let dir = try tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("input.bin")
        try Data(data).write(to: file)
        let out = try run(script, arguments: [file.path] + extra)
        do {
            return try JSONDecoder().decode(T.self, from: out)
        } catch {
            throw Failure(description: "cannot decode python output \(String(decoding: out, as: UTF8.self)): \(error)")
        }
    }
}

/// What Python's `email` package makes of a rendered message.
struct ParsedMessage: Decodable {
    let subject: String
    let fromName: String
    let fromAddr: String
    let toName: String
    let toAddr: String
    let replyTo: String?
    let contentType: String
    let text: String?
    let html: String?
    let defects: [String]
    let headers: [String: String]

    static let script = """
        email = require("email", "email")
        import email.policy
        data = open(sys.argv[1], "rb").read()
        m = email.message_from_bytes(data, policy=email.policy.default)
        def fix(s):
            # BytesParser keeps raw UTF-8 header bytes as surrogate escapes (RFC 6532 text).
            return s.encode("utf-8", "surrogateescape").decode("utf-8")
        frm = m["from"].addresses[0]
        to = m["to"].addresses[0]
        text = m.get_body(preferencelist=("plain",))
        html = m.get_body(preferencelist=("html",))
        defects = []
        for part in m.walk():
            defects += [type(d).__name__ for d in part.defects]
        for name in ("subject", "to", "from"):
            defects += [type(d).__name__ for d in m[name].defects if type(d).__name__ not in ("NonASCIILocalPartDefect", "UndecodableBytesDefect")]
        out = {
            "subject": str(m["subject"]),
            "fromName": frm.display_name,
            "fromAddr": fix(frm.addr_spec),
            "toName": to.display_name,
            "toAddr": fix(to.addr_spec),
            "replyTo": str(m["reply-to"]) if m["reply-to"] is not None else None,
            "contentType": m.get_content_type(),
            "text": text.get_content() if text is not None else None,
            "html": html.get_content() if html is not None else None,
            "defects": defects,
            "headers": {k.lower(): fix(str(v)) for k, v in m.items()},
        }
        print(json.dumps(out))
        """
}

/// CRLF line endings, as MIME canonical text has them; the expected decoded body.
func crlf(_ text: String) -> String {
    var out = ""
    var previousCR = false
    for scalar in text.unicodeScalars {
        if scalar == "\n" {
            if !previousCR { out += "\r" }
            out += "\n"
            previousCR = false
        } else if previousCR {
            out += "\n"
            out.unicodeScalars.append(scalar)
            previousCR = scalar == "\r"
        } else {
            out.unicodeScalars.append(scalar)
            previousCR = scalar == "\r"
        }
    }
    if previousCR { out += "\n" }
    return out
}

/// The message split into lines at CRLF (without the CRLFs).
func lines(_ message: [UInt8]) -> [ArraySlice<UInt8>] {
    var result: [ArraySlice<UInt8>] = []
    var start = 0
    var i = 0
    while i + 1 < message.count {
        if message[i] == 0x0D && message[i + 1] == 0x0A {
            result.append(message[start..<i])
            start = i + 2
            i += 2
        } else {
            i += 1
        }
    }
    if start < message.count { result.append(message[start...]) }
    return result
}
