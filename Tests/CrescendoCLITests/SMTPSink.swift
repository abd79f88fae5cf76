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
    with open(log_path + ".port.tmp", "w") as f: f.write(str(port))
    import os; os.rename(log_path + ".port.tmp", log_path + ".port")
    while True: time.sleep(3600)
    """#

    private init(process: Process, port: Int, log: URL, folder: URL) {
        self.process = process
        self.port = port
        self.log = log
        self.folder = folder
    }

    /// Starts the server and waits (without blocking a thread) until it listens.
    static func start(reject: String = "", deferring: String = "", delay: Double = 0) async throws -> SMTPSink {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-smtp-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let log = folder.appendingPathComponent("received.jsonl")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let script = folder.appendingPathComponent("sink.py")
        try Data(Self.script.utf8).write(to: script)
        let errors = folder.appendingPathComponent("stderr.txt")
        FileManager.default.createFile(atPath: errors.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, log.path, reject, deferring, String(delay)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        let portFile = URL(fileURLWithPath: log.path + ".port")
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let port = Int(text) {
                return SMTPSink(process: process, port: port, log: log, folder: folder)
            }
            if !process.isRunning { break }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        kill(process.processIdentifier, SIGKILL)
        let output = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        throw SinkError(message: "the SMTP sink did not start (is aiosmtpd installed? `pip install aiosmtpd`): \(output)")
    }

    struct SinkError: Error, CustomStringConvertible { var message: String; var description: String { message } }

    /// SIGKILL: children of the test runner inherit its blocked SIGTERM.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
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

/// Runs a Python snippet over files and returns what it prints (JSON), waiting without blocking.
func python(_ code: String, _ arguments: [String]) async throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-py-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let out = folder.appendingPathComponent("out"), err = folder.appendingPathComponent("err")
    _ = (FileManager.default.createFile(atPath: out.path, contents: nil), FileManager.default.createFile(atPath: err.path, contents: nil))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", code] + arguments
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    let (exited, continuation) = AsyncStream.makeStream(of: Void.self)
    process.terminationHandler = { _ in continuation.finish() }
    try process.run()
    for await _ in exited {}
    guard process.terminationStatus == 0 else {
        throw SMTPSink.SinkError(message: "python failed: \((try? String(contentsOf: err, encoding: .utf8)) ?? "")")
    }
    return try String(contentsOf: out, encoding: .utf8)
}
