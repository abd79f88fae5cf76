import Foundation

/// An HTTP server on loopback that speaks Twilio's Messages API the way Twilio answers: 201 with
/// a message sid, 400 with error 21211 for an invalid number (here: numbers ending in 7), 429 with
/// error 20429 when rate limited (numbers ending in 3). Every request is logged as a JSON line.
final class TwilioServer: @unchecked Sendable {
    let process: Process
    let port: Int
    let log: URL
    let folder: URL

    static let script = #"""
    import base64, http.server, json, os, sys, threading, urllib.parse, uuid
    log_path = sys.argv[1]
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args): pass
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            form = urllib.parse.parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
            fields = {k: v[0] for k, v in form.items()}
            to = fields.get("To", "")
            if to.endswith("7"):
                status, body = 400, {"code": 21211, "message": "The 'To' number %s is not a valid phone number." % to, "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}
            elif to.endswith("3"):
                status, body = 429, {"code": 20429, "message": "Too Many Requests", "more_info": "https://www.twilio.com/docs/errors/20429", "status": 429}
            else:
                status, body = 201, {"sid": "SM" + uuid.uuid4().hex, "status": "queued", "to": to, "body": fields.get("Body")}
            with lock, open(log_path, "a") as out:
                out.write(json.dumps({"path": self.path, "auth": self.headers.get("Authorization"), "idempotency": self.headers.get("I-Twilio-Idempotency-Token"), "form": fields, "status": status}) + "\n")
            send_json(self, status, body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    announce(log_path, str(server.server_address[1]))
    server.serve_forever()
    """#

    private init(process: Process, port: Int, log: URL, folder: URL) {
        self.process = process
        self.port = port
        self.log = log
        self.folder = folder
    }

    static func start() async throws -> TwilioServer {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-twilio-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let log = folder.appendingPathComponent("requests.jsonl")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let (process, text) = try await ScriptedServer.launch(script: Self.script, named: "twilio.py", in: folder, log: log, arguments: [], what: "the Twilio test server")
        guard let port = Int(text) else {
            kill(process.processIdentifier, SIGKILL)
            throw SMTPSink.SinkError(message: "the Twilio test server wrote a bad port file: \(text)")
        }
        return TwilioServer(process: process, port: port, log: log, folder: folder)
    }

    func stop() {
        kill(process.processIdentifier, SIGKILL)
        try? FileManager.default.removeItem(at: folder)
    }

    func requests() throws -> [[String: Any]] {
        try ScriptedServer.log(log)
    }
}
