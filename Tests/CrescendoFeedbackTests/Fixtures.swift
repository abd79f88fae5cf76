/// Hand-written, real-shaped report messages (CRLF line endings).
enum Fixtures {
    static func crlf(_ s: String) -> [UInt8] {
        Array(s.replacingOccurrences(of: "\n", with: "\r\n").utf8)
    }

    /// Postfix hard bounce: 5.1.1 user unknown, message/rfc822 original.
    static let postfixHardBounce = crlf("""
    Return-Path: <>
    Received: by mx1.example.org (Postfix)
    \tid 4F1A21C0042; Mon, 30 Nov 2026 10:12:01 +0000 (UTC)
    Date: Mon, 30 Nov 2026 10:12:01 +0000 (UTC)
    From: MAILER-DAEMON@mx1.example.org (Mail Delivery System)
    Subject: Undelivered Mail Returned to Sender
    To: bounces+c42@shop.example
    Auto-Submitted: auto-replied
    MIME-Version: 1.0
    Content-Type: multipart/report; report-type=delivery-status;
    \tboundary="4F1A21C0042.1732961521/mx1.example.org"
    Message-Id: <20261130101201.5A2B11C0043@mx1.example.org>

    This is a MIME-encapsulated message.

    --4F1A21C0042.1732961521/mx1.example.org
    Content-Description: Notification
    Content-Type: text/plain; charset=us-ascii

    This is the mail system at host mx1.example.org.

    I'm sorry to have to inform you that your message could not
    be delivered to one or more recipients.

    <nobody@example.org>: host mx2.example.org[198.51.100.7] said: 550 5.1.1
        <nobody@example.org>: Recipient address rejected: User unknown

    --4F1A21C0042.1732961521/mx1.example.org
    Content-Description: Delivery report
    Content-Type: message/delivery-status

    Reporting-MTA: dns; mx1.example.org
    X-Postfix-Queue-ID: 4F1A21C0042
    X-Postfix-Sender: rfc822; bounces+c42@shop.example
    Arrival-Date: Mon, 30 Nov 2026 10:11:59 +0000 (UTC)

    Final-Recipient: rfc822; nobody@example.org
    Original-Recipient: rfc822;nobody@example.org
    Action: failed
    Status: 5.1.1
    Remote-MTA: dns; mx2.example.org
    Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.org>: Recipient address
        rejected: User unknown in local recipient table

    --4F1A21C0042.1732961521/mx1.example.org
    Content-Description: Undelivered Message
    Content-Type: message/rfc822

    Return-Path: <bounces+c42@shop.example>
    From: Shop <news@shop.example>
    To: nobody@example.org
    Subject: Spring sale
    Message-ID: <c42.r9001@shop.example>
    MIME-Version: 1.0
    Content-Type: text/plain; charset=utf-8

    Hello!

    --4F1A21C0042.1732961521/mx1.example.org--
    """)

    /// Soft bounce: mailbox full, delayed, text/rfc822-headers original.
    static let delayedMailboxFull = crlf("""
    From: postmaster@relay.example.com
    To: bounces@shop.example
    Subject: Delivery Status Notification (Delay)
    MIME-Version: 1.0
    CONTENT-TYPE: Multipart/Report; Report-Type=Delivery-Status; boundary=simple-b

    --simple-b
    Content-Type: text/plain

    Delivery is delayed.

    --simple-b
    Content-Type: message/delivery-status

    Reporting-MTA: dns;relay.example.com

    Final-Recipient: RFC822; full@example.com
    Action: Delayed
    Status: 4.2.2
    Diagnostic-Code: smtp; 452 4.2.2 Mailbox full
    Will-Retry-Until: Wed, 2 Dec 2026 10:00:00 +0000

    --simple-b
    Content-Type: text/rfc822-headers

    From: news@shop.example
    To: full@example.com
    Message-ID:
     <c77.r12@shop.example>
    Subject: Weekly

    --simple-b--
    """)

    /// Exchange-like DSN whose delivery-status part is base64 encoded.
    static let base64DSN: [UInt8] = {
        let status = "Reporting-MTA: dns;EX01.corp.example\r\n\r\n"
            + "Final-Recipient: rfc822;gone@corp.example\r\nAction: failed\r\nStatus: 5.2.1\r\n"
            + "Diagnostic-Code: smtp;550 5.2.1 Mailbox disabled\r\n"
        let encoded = Array(status.utf8).base64Lines()
        return crlf("""
        From: postmaster@corp.example
        To: bounces@shop.example
        Subject: Undeliverable: Spring sale
        Content-Type: multipart/report; report-type="delivery-status";
        \tboundary="_000_quoted;boundary_"

        --_000_quoted;boundary_
        Content-Type: text/plain; charset="utf-8"
        Content-Transfer-Encoding: quoted-printable

        Delivery has failed to these recipients: gone@corp.example =E2=80=94 sorry.

        --_000_quoted;boundary_
        Content-Type: message/delivery-status
        Content-Transfer-Encoding: base64

        \(encoded)
        --_000_quoted;boundary_
        Content-Type: text/rfc822-headers

        Message-ID: <x1@shop.example>

        --_000_quoted;boundary_--
        """)
    }()
}

extension Array where Element == UInt8 {
    /// Base64 wrapped at 76 columns (independent of the decoder under test).
    func base64Lines() -> String {
        let s = Data(self).base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed])
        return s
    }
}

import Foundation
