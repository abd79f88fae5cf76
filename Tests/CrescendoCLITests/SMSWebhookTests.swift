import CrescendoCore
import CrescendoMessaging
import Foundation
import Testing

/// The generic SMS webhook provider against a gateway on loopback: the JSON it posts, the
/// idempotency key and bearer token it sends, and how it sorts the gateway's answers.
@Suite struct SMSWebhookTests {
    /// Answers by the number's last digit: 0 accepted, 1 rejected number (422), 2 rate limited
    /// (429), 4 server error (500), 5 bad request (400), 6 gone (410).
    static let script = #"""
    import http.server, json, os, sys, threading, uuid
    log_path = sys.argv[1]
    lock = threading.Lock()
    ANSWERS = {"0": (200, {"id": None}), "1": (422, {"error": "unreachable number"}), "2": (429, {"error": "slow down"}),
               "4": (500, {"error": "oops"}), "5": (400, {"error": "bad request"}), "6": (410, {"error": "number gone"})}
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args): pass
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            status, answer = ANSWERS.get(body.get("to", "")[-1:], (200, {"id": None}))
            if status == 200: answer = {"id": "gw-" + uuid.uuid4().hex}
            with lock, open(log_path, "a") as out:
                out.write(json.dumps({"auth": self.headers.get("Authorization"), "key": self.headers.get("Idempotency-Key"), "body": body, "status": status}) + "\n")
            send_json(self, status, answer)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    announce(log_path, str(server.server_address[1]))
    server.serve_forever()
    """#

    @Test func theGatewaysAnswersAreSortedIntoAcceptedRetriedAndFinal() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-sms-gw-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let log = folder.appendingPathComponent("requests.jsonl")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let (process, port) = try await ScriptedServer.launch(script: Self.script, named: "gateway.py", in: folder, log: log, arguments: [], what: "the SMS gateway")
        defer {
            kill(process.processIdentifier, SIGKILL)
            try? FileManager.default.removeItem(at: folder)
        }
        let transport = WebhookSMSTransport(url: "http://127.0.0.1:\(port)/send", token: "gw-token")
        let accepted = try await transport.send(RenderedMessage(id: "3-1-sms-P0000007", channel: .sms, address: "+351912345670", parts: ["text": "Olá, até já"], date: 0))
        #expect(accepted?.hasPrefix("gw-") == true)
        for (digit, permanent, address) in [("1", true, true), ("2", false, false), ("4", false, false), ("5", true, false), ("6", true, true)] {
            do {
                _ = try await transport.send(RenderedMessage(id: "3-1-sms-\(digit)", channel: .sms, address: "+35191234567\(digit)", parts: ["text": "x"], date: 0))
                Issue.record("\(digit) was accepted")
            } catch let failure as TransportFailure {
                #expect(failure.permanent == permanent && failure.addressRejected == address, "\(digit): \(failure)")
            }
        }
        let requests = try ScriptedServer.log(log)
        #expect(requests.count == 6)
        #expect(requests.allSatisfy { $0["auth"] as? String == "Bearer gw-token" })
        #expect(requests.first?["key"] as? String == "3-1-sms-P0000007")
        #expect((requests.first?["body"] as? [String: String]) == ["id": "3-1-sms-P0000007", "to": "+351912345670", "text": "Olá, até já"])
    }

    @Test func webhookCallbacksNameTheOutboxIdAndSortBounces() throws {
        let delivered = try ProviderCallback.feedback(.smsWebhook, body: #"{"id": "3-1-sms-P1", "status": "delivered"}"#, now: 10)
        #expect(delivered?.kind == .delivered && delivered?.messageID == "3-1-sms-P1")
        let hard = try ProviderCallback.feedback(.smsWebhook, body: #"{"id": "3-1-sms-P2", "status": "failed", "permanent": true, "reason": "unknown subscriber"}"#, now: 10)
        #expect(hard?.kind == .hardBounce && hard?.detail == "unknown subscriber")
        let soft = try ProviderCallback.feedback(.smsWebhook, body: #"{"id": "3-1-sms-P3", "status": "undelivered"}"#, now: 10)
        #expect(soft?.kind == .softBounce)
        #expect(try ProviderCallback.feedback(.smsWebhook, body: #"{"id": "3-1-sms-P4", "status": "queued"}"#, now: 10) == nil)
        #expect(throws: ProviderCallback.Problem.self) { try ProviderCallback.feedback(.smsWebhook, body: #"{"status": "delivered"}"#, now: 10) }
        #expect(throws: ProviderCallback.Problem.self) { try ProviderCallback.feedback(.smsWebhook, body: #"{"id": "x", "status": "lost"}"#, now: 10) }
        let optedOut = try ProviderCallback.feedback(.twilio, body: "MessageSid=SM1&MessageStatus=failed&ErrorCode=21610", now: 10)
        #expect(optedOut?.kind == .unsubscribe)
        let soft30003 = try ProviderCallback.feedback(.twilio, body: "MessageSid=SM2&MessageStatus=undelivered&ErrorCode=30003", now: 10)
        #expect(soft30003?.kind == .softBounce)
    }
}
