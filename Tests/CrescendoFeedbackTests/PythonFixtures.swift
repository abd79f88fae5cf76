import Foundation

/// Builds fixtures with Python's `email` package so test shapes come from an
/// independent MIME writer rather than from strings written alongside the parser.
enum PythonFixtures {
    static let script = #"""
import sys, os
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.mime.message import MIMEMessage
from email.mime.base import MIMEBase
from email import policy

out = sys.argv[1]

# --- DSN with two recipients, message/rfc822 original ---
orig = MIMEText("Hello from the campaign\n")
orig["From"] = "news@shop.example"
orig["To"] = "alice@example.org, bob@example.net"
orig["Subject"] = "Spring sale"
orig["Message-ID"] = "<py-dsn-42@shop.example>"

dsn = MIMEMultipart("report", report_type="delivery-status")
dsn["From"] = "MAILER-DAEMON@mx.python.example (Mail Delivery System)"
dsn["To"] = "news@shop.example"
dsn["Subject"] = "Undelivered Mail Returned to Sender"
dsn.attach(MIMEText("This is the mail system at host mx.python.example.\n"))
status = MIMEBase("message", "delivery-status")
per_msg = Message()
per_msg["Reporting-MTA"] = "dns; mx.python.example"
per_msg["Arrival-Date"] = "Mon, 30 Nov 2026 10:00:00 +0000"
r1 = Message()
r1["Final-Recipient"] = "rfc822; alice@example.org"
r1["Original-Recipient"] = "rfc822;alice@example.org"
r1["Action"] = "failed"
r1["Status"] = "5.1.1"
r1["Diagnostic-Code"] = ("smtp; 550 5.1.1 <alice@example.org>: Recipient address rejected: "
                         "User unknown in virtual mailbox table, please check the address and try again")
r2 = Message()
r2["Final-Recipient"] = "rfc822; bob@example.net"
r2["Action"] = "delayed"
r2["Status"] = "4.4.1"
r2["Diagnostic-Code"] = "smtp; 421 4.4.1 connection timed out"
status.set_payload([per_msg, r1, r2])
dsn.attach(status)
dsn.attach(MIMEMessage(orig))
with open(os.path.join(out, "dsn_two.eml"), "wb") as f:
    f.write(dsn.as_bytes(policy=policy.SMTP))

# --- ARF abuse report with text/rfc822-headers (quoted-printable) ---
arf = MIMEMultipart("report", report_type="feedback-report")
arf["From"] = "staff@hotmail.example"
arf["To"] = "abuse@shop.example"
arf["Subject"] = "complaint about message from 192.0.2.1"
arf.attach(MIMEText("This is an email abuse report for an email message received from IP 192.0.2.1\n"))
fb = MIMEBase("message", "feedback-report")
fb.set_payload("Feedback-Type: abuse\nUser-Agent: SomeGenerator/1.0\nVersion: 1\n"
               "Original-Mail-From: <bounces@shop.example>\nOriginal-Rcpt-To: <carol@hotmail.example>\n"
               "Arrival-Date: Thu, 8 Mar 2005 14:00:00 EDT\nSource-IP: 192.0.2.1\n")
arf.attach(fb)
import email.charset
qp = email.charset.Charset("utf-8")
qp.body_encoding = email.charset.QP
hdrs = MIMEText("From: <news@shop.example>\nTo: Carol <carol@hotmail.example>\n"
                "Subject: Spring sale =?utf-8?q?caf=C3=A9?=\nMessage-ID: <py-arf-7@shop.example>\n"
                "List-Unsubscribe: <https://shop.example/u/" + "x" * 90 + ">\n", "rfc822-headers", qp)
arf.attach(hdrs)
with open(os.path.join(out, "arf.eml"), "wb") as f:
    f.write(arf.as_bytes(policy=policy.SMTP))
"""#

    /// Runs the script and returns the fixture directory.
    static func generate() throws -> URL {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("crescendo-feedback-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let scriptURL = dir.appendingPathComponent("make.py")
        try script.write(to: scriptURL, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", scriptURL.path, dir.path]
        let err = Pipe()
        p.standardError = err
        try p.run()
        p.waitUntilExit()
        let msg = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard p.terminationStatus == 0 else {
            throw NSError(domain: "python", code: Int(p.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: msg])
        }
        return dir
    }
}
