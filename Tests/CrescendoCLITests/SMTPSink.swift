import Foundation
import Testing

/// A real SMTP server for tests: Python's aiosmtpd on a free loopback port, started by the test.
/// It keeps every message it accepts (one JSON line each: envelope, Message-ID, the raw data in
/// base64) and answers by rule: recipients matching `reject` get 550 5.1.1, matching `defer`
/// 451 4.3.0, so tests can assert permanent and temporary failures.
final class SMTPSink: @unchecked Sendable {
    let process: Process
    let port: Int
    let log: URL
    let folder: URL

    static let script = #"""
    import asyncio, base64, json, re, socket, sys, threading, time
    from email.parser import BytesHeaderParser
    from aiosmtpd.controller import Controller

    log_path, reject, defer, delay = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    lock = threading.Lock()

    class Handler:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if reject and re.search(reject, address):
                self.record({"rejected": address, "code": 550})
                return "550 5.1.1 <%s>: mailbox unavailable" % address
            if defer and re.search(defer, address):
                self.record({"deferred": address, "code": 451})
                return "451 4.3.0 <%s>: try again later" % address
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            if delay: await asyncio.sleep(delay)
            headers = BytesHeaderParser().parsebytes(envelope.content)
            self.record({"from": envelope.mail_from, "to": envelope.rcpt_tos, "message_id": headers.get("Message-ID"),
                         "data": base64.b64encode(envelope.original_content or envelope.content).decode()})
            return "250 2.0.0 OK queued"

        def record(self, entry):
            with lock, open(log_path, "a") as out:
                out.write(json.dumps(entry) + "\n")

    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port, enable_SMTPUTF8=True, decode_data=False)
    controller.start()
    print(port, flush=True)
    while True: time.sleep(3600)
    """#

    init(reject: String = "", deferring: String = "", delay: Double = 0) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-smtp-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        log = folder.appendingPathComponent("received.jsonl")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let script = folder.appendingPathComponent("sink.py")
        try Data(Self.script.utf8).write(to: script)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, log.path, reject, deferring, String(delay)]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let line = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let port = Int(line) else {
            kill(process.processIdentifier, SIGKILL)
            let error = String(decoding: err.fileHandleForReading.availableData, as: UTF8.self)
            throw SinkError(message: "the SMTP sink did not start (is aiosmtpd installed? `pip install aiosmtpd`): \(line) \(error)")
        }
        self.port = port
    }

    struct SinkError: Error, CustomStringConvertible { var message: String; var description: String { message } }

    /// SIGKILL: children of the test runner inherit its blocked SIGTERM.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        while process.isRunning { usleep(10_000) }
        try? FileManager.default.removeItem(at: folder)
    }

    /// Everything the server logged, in order.
    func entries() throws -> [[String: Any]] {
        String(decoding: try Data(contentsOf: log), as: UTF8.self).split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// Accepted messages: (Message-ID, recipients, raw bytes).
    func messages() throws -> [(id: String, to: [String], data: Data)] {
        try entries().compactMap { entry in
            guard let id = entry["message_id"] as? String, let data = (entry["data"] as? String).flatMap({ Data(base64Encoded: $0) }) else { return nil }
            return (id, entry["to"] as? [String] ?? [], data)
        }
    }
}

/// Runs a Python snippet over files and returns what it prints (JSON).
func python(_ code: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", code] + arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let output = out.fileHandleForReading.readDataToEndOfFile()
    let error = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw SMTPSink.SinkError(message: "python failed: \(String(decoding: error, as: UTF8.self))") }
    return String(decoding: output, as: UTF8.self)
}
