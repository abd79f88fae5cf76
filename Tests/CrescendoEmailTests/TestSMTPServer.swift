import Foundation
import Testing

/// A real aiosmtpd server in a `python3` subprocess, listening on a free loopback port.
///
/// Every accepted message is appended to `messages.jsonl` in the server's temporary folder with the
/// envelope, the raw (dot-unstuffed) data and what the session negotiated. Recipients whose local
/// part starts with `tempfail` get 450, with `reject` get 550.
final class TestSMTPServer {
    struct Options: Encodable {
        var pipelining = false
        var smtputf8 = true
        var cert: String?
        var key: String?
        var implicitTLS = false
        var user: String?
        var password: String?

        enum CodingKeys: String, CodingKey {
            case pipelining, smtputf8, cert, key, user, password
            case implicitTLS = "implicit_tls"
        }
    }

    struct Received: Decodable {
        var session: Int
        var mail_from: String
        var rcpt_tos: [String]
        var mail_options: [String]
        var data: String
        var ehlo: String?
        var esmtp: Bool
        var tls: Bool
        var auth_login: String?
        var auth_mechanism: String?

        var bytes: [UInt8] { Array(Data(base64Encoded: data) ?? Data()) }
    }

    struct StartFailure: Error, CustomStringConvertible {
        var description: String
    }

    let directory: URL
    let port: Int
    private let process: Process
    private let stdin: Pipe

    private init(directory: URL, port: Int, process: Process, stdin: Pipe) {
        self.directory = directory
        self.port = port
        self.process = process
        self.stdin = stdin
    }

    /// Starts a server, runs `body`, and always kills the server afterwards.
    static func with<T>(_ options: Options = Options(), _ body: (TestSMTPServer) async throws -> T) async throws -> T {
        let server = try await start(options)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    static func start(_ options: Options) async throws -> TestSMTPServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = directory.appendingPathComponent("server.py")
        try Data(serverScript.utf8).write(to: script)
        let logURL = directory.appendingPathComponent("server.log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let optionsJSON = String(decoding: try JSONEncoder().encode(options), as: UTF8.self)
        process.arguments = ["python3", script.path, directory.path, optionsJSON]
        let stdin = Pipe()  // the server exits when this closes (i.e. if the test process dies)
        process.standardInput = stdin
        process.standardOutput = log
        process.standardError = log
        do {
            try process.run()
        } catch {
            throw StartFailure(description: "could not run python3 for the aiosmtpd test server: \(error)")
        }
        try? log.close()

        let portURL = directory.appendingPathComponent("port")
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOf: portURL, encoding: .utf8), let port = Int(text) {
                return TestSMTPServer(directory: directory, port: port, process: process, stdin: stdin)
            }
            if !process.isRunning {
                let output = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
                try? FileManager.default.removeItem(at: directory)
                throw StartFailure(
                    description: "the aiosmtpd test server exited with status \(process.terminationStatus). "
                        + "These tests need Python 3 with aiosmtpd (pip install aiosmtpd). Server output:\n\(output)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        kill(process.processIdentifier, SIGKILL)
        try? FileManager.default.removeItem(at: directory)
        throw StartFailure(description: "the aiosmtpd test server did not start within 90 seconds")
    }

    /// Kills the server with SIGKILL (SIGTERM may be blocked: children inherit the test runner's
    /// signal mask) and waits for it without blocking a cooperative thread.
    func stop() async {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            let deadline = ContinuousClock.now + .seconds(10)
            while process.isRunning, ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        try? stdin.fileHandleForWriting.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Messages the server accepted so far, in order.
    func received() throws -> [Received] {
        let url = directory.appendingPathComponent("messages.jsonl")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Received.self, from: Data($0.utf8)) }
    }

    /// A self-signed certificate for CN=localhost (and subjectAltName DNS:localhost) in `directory`.
    static func makeSelfSignedCertificate(in directory: URL) async throws -> (cert: String, key: String) {
        let cert = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost", "-days", "2", "-keyout", key, "-out", cert,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        guard process.terminationStatus == 0 else {
            throw StartFailure(description: "openssl could not make a self-signed certificate")
        }
        return (cert, key)
    }

    static func makeTemporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-smtp-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }
}

private let serverScript = #"""
import asyncio, base64, itertools, json, os, ssl, sys

try:
    from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
except ImportError as error:
    sys.stderr.write("aiosmtpd is not installed for %s (pip install aiosmtpd): %s\n" % (sys.executable, error))
    sys.exit(3)

workdir = sys.argv[1]
options = json.loads(sys.argv[2])
records_path = os.path.join(workdir, "messages.jsonl")
session_ids = itertools.count(1)


def session_id(session):
    if not hasattr(session, "crescendo_id"):
        session.crescendo_id = next(session_ids)
    return session.crescendo_id


class Handler:
    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if options.get("pipelining"):
            responses.insert(1, "250-PIPELINING")
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        if local.startswith("tempfail"):
            return "450 4.2.1 Mailbox temporarily unavailable, try later"
        if local.startswith("reject"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        auth_data = session.auth_data
        transport = server.transport
        tls = session.ssl is not None or (transport is not None and transport.get_extra_info("sslcontext") is not None)
        record = {
            "session": session_id(session),
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "mail_options": list(envelope.mail_options),
            "data": base64.b64encode(envelope.original_content).decode("ascii"),
            "ehlo": session.host_name,
            "esmtp": bool(session.extended_smtp),
            "tls": bool(tls),
            "auth_login": auth_data.login.decode("utf-8") if isinstance(auth_data, LoginPassword) else None,
            "auth_mechanism": getattr(session, "crescendo_mechanism", None),
        }
        with open(records_path, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
        return "250 2.0.0 OK queued as %d" % session_id(session)


def authenticator(server, session, envelope, mechanism, auth_data):
    session.crescendo_mechanism = mechanism
    ok = (isinstance(auth_data, LoginPassword)
          and auth_data.login == options["user"].encode("utf-8")
          and auth_data.password == options["password"].encode("utf-8"))
    if ok:
        return AuthResult(success=True, auth_data=auth_data)
    return AuthResult(success=False, handled=False)


async def main():
    loop = asyncio.get_running_loop()
    tls_context = None
    if options.get("cert"):
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(options["cert"], options["key"])
    implicit = bool(options.get("implicit_tls"))

    def factory():
        kwargs = dict(decode_data=False, enable_SMTPUTF8=options.get("smtputf8", True),
                      hostname="aiosmtpd.test", auth_require_tls=True)
        if options.get("user"):
            kwargs["authenticator"] = authenticator
        if tls_context is not None and not implicit:
            kwargs["tls_context"] = tls_context
        return SMTP(Handler(), **kwargs)

    server = await loop.create_server(factory, "127.0.0.1", 0, ssl=tls_context if implicit else None)
    port = server.sockets[0].getsockname()[1]
    tmp = os.path.join(workdir, "port.tmp")
    with open(tmp, "w") as f:
        f.write(str(port))
    os.rename(tmp, os.path.join(workdir, "port"))
    await loop.run_in_executor(None, sys.stdin.read)  # EOF: the test process is gone
    os._exit(0)


asyncio.run(main())
"""#
