import Foundation
import Testing
@testable import CrescendoFeedback

@Suite struct DeliveryReportTests {
    @Test func postfixHardBounce() throws {
        guard case .delivery(let r) = FeedbackMessage.parse(Fixtures.postfixHardBounce) else {
            Issue.record("expected delivery"); return
        }
        #expect(r.reportingMTA == "mx1.example.org")
        #expect(r.originalMessageID == "<c42.r9001@shop.example>")
        #expect(r.recipients.count == 1)
        let rc = try #require(r.recipients.first)
        #expect(rc.finalRecipient == "nobody@example.org")
        #expect(rc.action == .failed)
        #expect(rc.status == "5.1.1")
        #expect(rc.diagnostic == "550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown in local recipient table")
        #expect(rc.isPermanent)
        #expect(!rc.isTemporary)
    }

    @Test func delayedMailboxFullWithRFC822Headers() throws {
        guard case .delivery(let r) = FeedbackMessage.parse(Fixtures.delayedMailboxFull) else {
            Issue.record("expected delivery"); return
        }
        #expect(r.reportingMTA == "relay.example.com")
        #expect(r.originalMessageID == "<c77.r12@shop.example>")
        let rc = try #require(r.recipients.first)
        #expect(rc.finalRecipient == "full@example.com")
        #expect(rc.action == .delayed)
        #expect(rc.status == "4.2.2")
        #expect(rc.diagnostic == "452 4.2.2 Mailbox full")
        #expect(rc.isTemporary)
        #expect(!rc.isPermanent)
    }

    @Test func base64DeliveryStatusAndQuotedBoundaryWithSemicolon() throws {
        guard case .delivery(let r) = FeedbackMessage.parse(Fixtures.base64DSN) else {
            Issue.record("expected delivery"); return
        }
        #expect(r.reportingMTA == "EX01.corp.example")
        #expect(r.originalMessageID == "<x1@shop.example>")
        let rc = try #require(r.recipients.first)
        #expect(rc.finalRecipient == "gone@corp.example")
        #expect(rc.status == "5.2.1")
        #expect(rc.diagnostic == "550 5.2.1 Mailbox disabled")
        #expect(rc.isPermanent)
    }

    @Test func pythonGeneratedTwoRecipientDSN() throws {
        let dir = try PythonFixtures.generate()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try FeedbackMessage.parseFile(path: dir.appendingPathComponent("dsn_two.eml").path)
        guard case .delivery(let r) = result else { Issue.record("expected delivery, got \(result)"); return }
        #expect(r.reportingMTA == "mx.python.example")
        #expect(r.originalMessageID == "<py-dsn-42@shop.example>")
        try #require(r.recipients.count == 2)
        #expect(r.recipients[0].finalRecipient == "alice@example.org")
        #expect(r.recipients[0].isPermanent)
        // Python folds this long field; it must come back as one line.
        #expect(r.recipients[0].diagnostic == "550 5.1.1 <alice@example.org>: Recipient address rejected: User unknown in virtual mailbox table, please check the address and try again")
        #expect(r.recipients[1].finalRecipient == "bob@example.net")
        #expect(r.recipients[1].action == .delayed)
        #expect(r.recipients[1].status == "4.4.1")
        #expect(r.recipients[1].isTemporary)
    }

    @Test func unknownActionIsKept() {
        #expect(DeliveryReport.Action("Deferred (retrying)") == .other("deferred"))
        #expect(DeliveryReport.Action(" FAILED ") == .failed)
        let rc = DeliveryReport.Recipient(finalRecipient: "a@b", action: .failed, status: "4.0.0", diagnostic: nil)
        #expect(!rc.isPermanent && rc.isTemporary)
    }
}

@Suite struct ComplaintReportTests {
    @Test func pythonGeneratedARFAbuse() throws {
        let dir = try PythonFixtures.generate()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = try Data(contentsOf: dir.appendingPathComponent("arf.eml"))
        guard case .complaint(let c) = FeedbackMessage.parse(data) else {
            Issue.record("expected complaint"); return
        }
        #expect(c.feedbackType == "abuse")
        #expect(c.userAgent == "SomeGenerator/1.0")
        #expect(c.originalRecipient == "carol@hotmail.example")
        #expect(c.originalMessageID == "<py-arf-7@shop.example>")
        #expect(c.arrivalDate == "Thu, 8 Mar 2005 14:00:00 EDT")
    }

    @Test func arfFallsBackToReturnedToAndMessageRFC822() throws {
        let msg = Fixtures.crlf("""
        From: feedback@mailbox.example
        To: fbl@shop.example
        Subject: FW: Spring sale
        Content-Type: multipart/report; report-type=feedback-report; boundary="----=_Part_1"

        ------=_Part_1
        Content-Type: text/plain

        This is an abuse report.
        ------=_Part_1
        Content-Type: message/feedback-report

        Feedback-Type: Not-Spam
        User-Agent: Mailbox-FBL/2.1
        Version: 1

        ------=_Part_1
        Content-Type: message/rfc822
        Content-Disposition: inline

        From: news@shop.example
        To: "Dee, D." <dee@mailbox.example>
        Message-ID: <c9.r1@shop.example>
        Subject: hi

        body
        ------=_Part_1--
        """)
        guard case .complaint(let c) = FeedbackMessage.parse(msg) else {
            Issue.record("expected complaint"); return
        }
        #expect(c.feedbackType == "not-spam")
        #expect(c.originalRecipient == "dee@mailbox.example")
        #expect(c.originalMessageID == "<c9.r1@shop.example>")
        #expect(c.arrivalDate == nil)
    }
}

@Suite struct MIMEReaderTests {
    @Test func foldedHeadersAndCaseInsensitiveLookup() {
        let part = MIMEPart(bytes: Fixtures.crlf("Subject: a\n  long\n\tsubject\nX-A: 1\nx-a: 2\n\nbody"))
        #expect(part.headers["SUBJECT"] == "a  long\tsubject")
        #expect(part.headers.values(for: "X-A") == ["1", "2"])
        #expect(part.rawBody == Array("body".utf8))
    }

    @Test func contentTypeParameters() throws {
        let ct = try #require(ContentType(parsing: #"Multipart/Report; REPORT-TYPE="delivery-status"; boundary="a;b=\"c\""; charset=UTF-8"#))
        #expect(ct.mediaType == "multipart/report")
        #expect(ct.parameter("report-type") == "delivery-status")
        #expect(ct.parameter("boundary") == #"a;b="c""#)
        #expect(ct.parameter("Charset") == "UTF-8")
        #expect(ContentType(parsing: "garbage") == nil)
    }

    @Test func transferDecoders() {
        #expect(TransferEncoding.quotedPrintable(Array("caf=C3=A9 =3D soft=\r\nbreak=\nx =ZZ".utf8))
                == Array("café = softbreakx =ZZ".utf8))
        #expect(TransferEncoding.base64(Array("aGVs\r\nbG8=\r\n".utf8)) == Array("hello".utf8))
        #expect(TransferEncoding.base64(Array("aGVsbG8".utf8)) == Array("hello".utf8))
    }

    @Test func nestedMultipartAndLFOnly() {
        let msg = Array("""
        Content-Type: multipart/mixed; boundary=outer

        --outer
        Content-Type: multipart/alternative; boundary="inner"

        --inner
        Content-Type: text/plain

        one
        --inner--
        --outer
        Content-Type: text/plain; charset=iso-8859-1
        Content-Transfer-Encoding: quoted-printable

        caf=E9
        --outer--
        """.utf8)
        let root = MIMEPart(bytes: msg)
        #expect(root.parts.count == 2)
        #expect(root.parts[0].parts.first?.text == "one")
        #expect(root.parts[1].text == "café")
        #expect(FeedbackMessage.parse(msg) == .other(reason: "not a report (multipart/mixed)"))
    }
}

@Suite struct GarbageTests {
    @Test(arguments: [
        [UInt8](),
        Array("\r\n\r\n  \n".utf8),
        Array("just some text without any header".utf8),
        [0xFF, 0xFE, 0x00, 0x3A, 0x0A, 0x0D, 0x0A, 0x2D, 0x2D],
        Array("Content-Type: multipart/report; boundary=\n\n--".utf8),
        Array("Content-Type: multipart/report; report-type=delivery-status; boundary=x\n\n--x\nContent-Type: message/delivery-status\nContent-Transfer-Encoding: base64\n\n====".utf8),
    ])
    func garbageIsOther(_ bytes: [UInt8]) {
        let result = FeedbackMessage.parse(bytes)
        if case .other = result {} else if case .delivery(let r) = result {
            // A report shell with no readable fields is still a (empty) DSN.
            #expect(r.recipients.isEmpty)
        } else {
            Issue.record("unexpected \(result)")
        }
    }

    @Test func plainMessageIsOther() {
        let r = FeedbackMessage.parse(Fixtures.crlf("From: a@b\nSubject: hi\n\nhello"))
        #expect(r == .other(reason: "not a report (text/plain)"))
    }

    @Test func truncatedReportsNeverCrash() {
        for fixture in [Fixtures.postfixHardBounce, Fixtures.base64DSN, Fixtures.delayedMailboxFull] {
            for cut in stride(from: 0, to: fixture.count, by: 7) {
                _ = FeedbackMessage.parse(Array(fixture[..<cut]))
            }
        }
        // Truncated after the status part: still a usable bounce.
        let bytes = Fixtures.postfixHardBounce
        let marker = Array("Content-Description: Undelivered".utf8)
        let idx = (0..<(bytes.count - marker.count)).first { bytes[$0..<$0 + marker.count].elementsEqual(marker) }!
        guard case .delivery(let r) = FeedbackMessage.parse(Array(bytes[..<idx])) else {
            Issue.record("expected delivery"); return
        }
        #expect(r.recipients.first?.status == "5.1.1")
        #expect(r.originalMessageID == nil)
    }

    @Test func reportTypeWithoutStatusPart() {
        let r = FeedbackMessage.parse(Fixtures.crlf("Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\nContent-Type: text/plain\n\nx\n--b--\n"))
        #expect(r == .other(reason: "delivery-status part missing"))
    }

    @Test func parseFileErrors() {
        #expect(throws: FeedbackFileError.self) { try FeedbackMessage.parseFile(path: "/nonexistent/x.eml") }
        do {
            _ = try FeedbackMessage.parseFile(path: "/nonexistent/x.eml")
        } catch {
            #expect(error.code == .notFound)
            #expect(error.path == "/nonexistent/x.eml")
        }
        do {
            _ = try FeedbackMessage.parseFile(path: NSTemporaryDirectory())
            Issue.record("directory should not be readable as a message")
        } catch {
            #expect(error.code == .unreadable)
        }
    }
}
