import CrescendoMessaging
import Foundation
import Testing

/// Sending as operators run it: `crescendo worker --messaging` through a real SMTP server
/// (aiosmtpd, started by the test), checked by independent parsers (Python's `email`, dkimpy),
/// with consent and suppression changed after publishing, killed workers, and two workers on one
/// PostgreSQL.
@Suite(.serialized) struct MessagingCLITests {
    typealias Site = CampaignCLITests.Site
    typealias Engine = CampaignCLITests.Engine

    static let campaign = """
        name: news
        activities:
          start: {type: start}
          audience:
            type: build-audience
            entity: profile
            rule: "RULE"
          news:
            type: email
            fields: [first_name, last_name, country]
            content:
              subject: "Für {{first_name}}: nouvelles ✓"
              text: |
                Hello {{first_name}} {{last_name}} ({{upper(country)}})
                .a line that starts with a dot
                Unsubscribe: {{unsubscribe_url}}
              html: "<p>Hello <b>{{first_name}}</b> &mdash; {{profile.tier}} {{variables.greeting}}</p>"
          done: {type: end}
        variables:
          greeting: {type: string, default: "à bientôt"}
        transitions:
          - start -> audience
          - audience -> news
          - news -> done
        """

    static func messaging(port: Int, dkimKey: String? = nil, dispatch: String = "", retryFirst: String = "1h", maxAttempts: Int = 5) -> String {
        """
        sender:
          from: "Crescendo Hôtels <news@hotels.example>"
          domain: hotels.example
        links:
          base_url: https://hotels.example/c
          secret_file: link.secret
        channels:
          email: relay
        providers:
          relay:
            type: smtp
            host: 127.0.0.1
            port: \(port)
            security: plain
            connections: 3
            timeout: 10s
        \(dkimKey.map { "    dkim: {domain: hotels.example, selector: s1, key_file: \($0)}" } ?? "")
        rule_sets:
          default:
            consent: opt_out
        retry: {max_attempts: \(maxAttempts), first_delay: \(retryFirst), max_delay: 2h}
        \(dispatch)
        """
    }

    /// Profiles of the demo data with their address, from `audience preview`.
    static func profiles(_ site: Site, rule: String) async throws -> [(id: String, email: String?, first: String)] {
        let preview = try await site.run(["audience", "preview", "--on", "profile", "--where", rule, "--fields", "id,email,first_name", "--limit", "10000", "--json"])
        #expect(preview.status == 0, "\(preview.stderr)")
        return try preview.list().map { ($0["id"] as? String ?? "", $0["email"] as? String, $0["first_name"] as? String ?? "") }
    }

    static func publishAndStart(_ site: Site, rule: String) async throws {
        let file = try site.write("news.yaml", campaign.replacingOccurrences(of: "RULE", with: rule))
        for arguments in [["campaign", "create", file], ["campaign", "publish", "news"]] {
            let result = try await site.run(arguments + ["--json"])
            try #require(result.status == 0, "\(arguments): \(result.stdout) \(result.stderr)")
        }
    }

    static func start(_ site: Site) async throws {
        let started = try await site.run(["campaign", "start", "news", "--json"])
        try #require(started.status == 0, "start: \(started.stdout) \(started.stderr)")
    }

    static func report(_ site: Site) async throws -> [String: Any] {
        let report = try await site.run(["campaign", "report", "news", "--json"])
        try #require(report.status == 0, "report: \(report.stderr)")
        return try #require(try report.json()["total"] as? [String: Any])
    }

    @Test(arguments: Engine.available)
    func emailsGoThroughSMTPSignedAndHonourConsentChangedAfterPublishing(_ engine: Engine) async throws {
        let site = try await Site.demo(engine, profiles: 300)
        let sink = try await SMTPSink.start(reject: #"\+\d*7@"#, deferring: #"\+\d*3@"#)
        defer { sink.stop() }
        // A DKIM key made by OpenSSL, its public half as the DNS record dkimpy will look up.
        let key = site.folder.appendingPathComponent("dkim.pem").path
        _ = try await python("import subprocess,sys; subprocess.run(['openssl','genrsa','-out',sys.argv[1],'2048'],check=True,capture_output=True)", [key])
        let publicKey = try await python("import subprocess,sys,base64; print(base64.b64encode(subprocess.run(['openssl','rsa','-in',sys.argv[1],'-pubout','-outform','DER'],check=True,capture_output=True).stdout).decode())", [key]).trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try site.write("link.secret", "test-secret-\(UUID().uuidString)")
        let config = try site.write("messaging.yaml", Self.messaging(port: sink.port, dkimKey: key))

        let rule = "tier = 'gold'"
        try await Self.publishAndStart(site, rule: rule)
        let gold = try await Self.profiles(site, rule: rule)
        let reachable = gold.filter { $0.email != nil }
        let ordinary = reachable.filter { !($0.email!.range(of: #"\+\d*[37]@"#, options: .regularExpression) != nil) }
        try #require(ordinary.count >= 4, "the demo data should have gold guests with plain addresses")
        // After publishing: one guest opts out, another address is suppressed by hand.
        let optedOut = ordinary[0], suppressed = ordinary[1]
        var result = try await site.run(["consent", "set", optedOut.id, "--channel", "email", "--status", "opted_out", "--source", "call centre", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        result = try await site.run(["suppression", "add", suppressed.email!.uppercased(), "--reason", "complaint", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        try await Self.start(site)

        result = try await site.run(["worker", "--once", "--messaging", config, "--json"])
        #expect(result.status == 0, "worker: \(result.stdout) \(result.stderr)")

        // What should have happened, from the data and the server's rules alone.
        let others = reachable.filter { $0.id != optedOut.id && $0.id != suppressed.id }
        let rejected = others.filter { $0.email!.range(of: #"\+\d*7@"#, options: .regularExpression) != nil }
        let deferred = others.filter { $0.email!.range(of: #"\+\d*3@"#, options: .regularExpression) != nil && !rejected.map(\.id).contains($0.id) }
        let sent = others.count - rejected.count - deferred.count
        let total = try await Self.report(site)
        #expect(total["targeted"] as? Int == gold.count)
        #expect(total["sent"] as? Int == sent)
        #expect(total["failed"] as? Int == rejected.count)
        #expect(total["pending"] as? Int == deferred.count)
        let excluded = total["excluded"] as? [String: Int] ?? [:]
        #expect(excluded["opted_out"] == 1)
        #expect(excluded["suppressed"] == 1)
        #expect(excluded["no_address"] ?? 0 == gold.count - reachable.count)

        // The server got each message once; Python parses them and dkimpy verifies them.
        let messages = try sink.messages()
        #expect(messages.count == sent)
        #expect(Set(messages.map(\.id)).count == sent)
        let folder = site.folder.appendingPathComponent("received")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (index, message) in messages.enumerated() { try message.data.write(to: folder.appendingPathComponent("\(index).eml")) }
        let checked = try await python(#"""
        import dkim, email, email.policy, json, os, sys
        folder, public = sys.argv[1], sys.argv[2]
        out = []
        for name in sorted(os.listdir(folder)):
            raw = open(os.path.join(folder, name), "rb").read()
            m = email.message_from_bytes(raw, policy=email.policy.default)
            text = m.get_body(("plain",)).get_content()
            html = m.get_body(("html",)).get_content()
            ok = dkim.verify(raw, dnsfunc=lambda n, timeout=5: ("v=DKIM1; k=rsa; p=" + public).encode())
            out.append({"to": str(m["To"]), "subject": str(m["Subject"]), "from": m["From"].addresses[0].display_name, "text": text, "html": html,
                        "dkim": ok, "unsubscribe": str(m["List-Unsubscribe"]), "post": str(m["List-Unsubscribe-Post"]), "defects": len(m.defects)})
        print(json.dumps(out))
        """#, [folder.path, publicKey])
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(checked.utf8)) as? [[String: Any]])
        #expect(parsed.count == sent)
        let byAddress = Dictionary(uniqueKeysWithValues: others.map { ($0.email!, $0) })
        let signer = LinkSigner(secret: try String(contentsOf: site.folder.appendingPathComponent("link.secret"), encoding: .utf8), baseURL: "https://hotels.example/c")
        for message in parsed {
            let to = message["to"] as? String ?? ""
            let guest = try #require(byAddress[to], "sent to someone outside the audience: \(to)")
            #expect(message["dkim"] as? Bool == true, "DKIM does not verify for \(to)")
            #expect(message["subject"] as? String == "Für \(guest.first): nouvelles ✓")
            #expect(message["from"] as? String == "Crescendo Hôtels")
            #expect((message["text"] as? String ?? "").contains("\r\n.a line that starts with a dot") || (message["text"] as? String ?? "").contains("\n.a line that starts with a dot"))
            #expect((message["html"] as? String ?? "").contains("<b>\(guest.first)</b> &mdash; gold à bientôt"))
            #expect(message["post"] as? String == "List-Unsubscribe=One-Click")
            #expect(message["defects"] as? Int == 0)
            let url = (message["unsubscribe"] as? String ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "<> "))
            #expect(signer.verify(url: url, action: "unsubscribe") != nil, "the unsubscribe link is not signed: \(url)")
            #expect(signer.verify(url: url.replacingOccurrences(of: "m=", with: "m=x"), action: "unsubscribe") == nil)
        }
        #expect(Set(parsed.compactMap { $0["to"] as? String }) == Set(others.map(\.email!)).subtracting(rejected.map(\.email!)).subtracting(deferred.map(\.email!)))

        // The history is data for rules: who got this week's email, who bounced.
        let history = try await site.run(["audience", "count", "--on", "profile", "--where", "count(messages where channel = 'email' and status = 'sent' and sent_at > daysAgo(7)) = 1", "--json"])
        #expect(history.status == 0, "\(history.stderr)")
        #expect(try history.json()["count"] as? Int == sent)
        let failedHistory = try await site.run(["audience", "count", "--on", "profile", "--where", "exists messages(status = 'failed' and reason = 'rejected')", "--json"])
        #expect(try failedHistory.json()["count"] as? Int == rejected.count)

        // Permanent rejections feed the suppression list; a second pass sends nothing again.
        let list = try await site.run(["suppression", "list", "--json"])
        let entries = try list.list()
        #expect(Set(entries.filter { $0["reason"] as? String == "hard_bounce" }.compactMap { $0["address"] as? String }) == Set(rejected.map { $0.email!.lowercased() }))
        result = try await site.run(["worker", "--once", "--messaging", config, "--json"])
        #expect(result.status == 0)
        #expect(try sink.messages().count == sent)
        try await site.remove()
    }

    @Test func killedWorkersLoseNoMessageAndRepeatOnlyTheirInFlightSends() async throws {
        let site = try await Site.demo(.sqlite, profiles: 200)
        let sink = try await SMTPSink.start(delay: 0.005)
        defer { sink.stop() }
        _ = try site.write("link.secret", "crash-secret")
        let concurrency = 3
        // Random kills on a loaded machine can land on the same first sends of a batch again and
        // again; enough attempts that the poison-message cap (tested in the dispatch machine's
        // tests) never decides this test.
        let config = try site.write("messaging.yaml", Self.messaging(port: sink.port, dispatch: "dispatch: {batch: 15, concurrency: \(concurrency), lease: 1s}", retryFirst: "1s", maxAttempts: 50))
        let rule = "email_opt_in = true or email_opt_in = false"
        try await Self.publishAndStart(site, rule: rule)
        try await Self.start(site)
        let expected = try await Self.profiles(site, rule: rule).filter { $0.email != nil }.count

        var crashes = 0
        var finished = false
        var generator = SystemRandomNumberGenerator()
        for round in 0..<80 where !finished {
            if round % 2 == 0 {
                // Killed right after a send, before it is recorded: the worst moment.
                let run = try await site.run(["worker", "--once", "--messaging", config, "--json"], environment: ["CRESCENDO_FAULT": "after-send:\(Int.random(in: 1...20, using: &generator))"])
                if run.signalled { crashes += 1 } else {
                    #expect(run.status == 0, "\(run.stderr)")
                    finished = ((try? run.json())?["pending"] as? Int) == 0
                }
            } else {
                // Killed at a random moment of its work.
                let launched = try site.launch(["worker", "--once", "--messaging", config, "--json"])
                try await Task.sleep(nanoseconds: UInt64.random(in: 30_000_000...400_000_000, using: &generator))
                if launched.process.isRunning {
                    kill(launched.process.processIdentifier, SIGKILL)
                    crashes += 1
                }
                let run = try await Site.finish(launched)
                if !run.signalled { finished = ((try? run.json())?["pending"] as? Int) == 0 }
            }
            if !finished { try await Task.sleep(nanoseconds: 1_100_000_000) }  // the dead worker's lease runs out
        }
        #expect(finished, "the outbox never drained")
        #expect(crashes >= 5, "too few crashes to prove anything: \(crashes)")
        let total = try await Self.report(site)
        #expect(total["sent"] as? Int == expected)
        #expect(total["pending"] as? Int == 0)
        #expect(total["failed"] as? Int == 0)
        let ids = try sink.messages().map(\.id)
        // Nothing lost: every message reached the server; repeats only of crashed in-flight sends.
        #expect(Set(ids).count == expected)
        #expect(ids.count - Set(ids).count <= crashes * concurrency, "\(ids.count - Set(ids).count) repeats after \(crashes) crashes")
        try await site.remove()
    }

    @Test(.enabled(if: Engine.postgresURL != nil))
    func twoWorkersOnOnePostgreSQLSplitTheOutboxWithoutSendingTwice() async throws {
        let site = try await Site.demo(.postgres, profiles: 300)
        let sink = try await SMTPSink.start(delay: 0.01)
        defer { sink.stop() }
        _ = try site.write("link.secret", "two-workers")
        let config = try site.write("messaging.yaml", Self.messaging(port: sink.port, dispatch: "dispatch: {batch: 10, concurrency: 2, lease: 60s}"))
        let rule = "email_opt_in = true or email_opt_in = false"
        try await Self.publishAndStart(site, rule: rule)
        try await Self.start(site)
        let expected = try await Self.profiles(site, rule: rule).filter { $0.email != nil }.count

        let first = try site.launch(["worker", "--once", "--name", "w1", "--messaging", config, "--json"])
        let second = try site.launch(["worker", "--once", "--name", "w2", "--messaging", config, "--json"])
        let runs = [try await Site.finish(first), try await Site.finish(second)]
        var sentBy: [Int] = []
        for run in runs {
            #expect(run.status == 0, "\(run.stderr)")
            sentBy.append(((try run.json())["messages"] as? [String: Any])?["sent"] as? Int ?? 0)
        }
        #expect(sentBy.allSatisfy { $0 > 0 }, "both workers should have sent a share: \(sentBy)")
        #expect(sentBy.reduce(0, +) == expected)
        let ids = try sink.messages().map(\.id)
        #expect(ids.count == expected)
        #expect(Set(ids).count == expected)
        let total = try await Self.report(site)
        #expect(total["sent"] as? Int == expected)
        try await site.remove()
    }

    @Test func consentAndSuppressionFilesLoadWholeOrNotAtAll() async throws {
        let site = try await Site.demo(.sqlite, profiles: 50)
        // One bad row refuses the file, naming the file, line and field; nothing is saved.
        let bad = try site.write("consent-bad.csv", "id,channel,status,changed_at\nP0000001,email,opted_in,2026-11-01T10:00:00Z\nP0000002,fax,opted_in,2026-11-01T10:00:00Z\n")
        var result = try await site.run(["consent", "import", bad, "--json"])
        #expect(result.status == 4)
        #expect(result.errorMessage?.contains("consent-bad.csv line 3: channel: \"fax\"") == true, "\(result.stdout)")
        result = try await site.run(["consent", "show", "P0000001", "--json"])
        #expect(try result.list().isEmpty)

        let good = try site.write("consent.csv", "id,channel,status,purpose,changed_at,source\nP0000001,email,opted_in,marketing,2026-11-01T10:00:00Z,web form\nP0000002,sms,yes,,,\n")
        result = try await site.run(["consent", "import", good, "--json"])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(try result.json()["changed"] as? Int == 2)
        // An older export does not undo a newer record; a newer one does.
        let older = try site.write("consent-old.csv", "id,channel,status,changed_at\nP0000001,email,opted_out,2026-10-01T10:00:00Z\n")
        result = try await site.run(["consent", "import", older, "--json"])
        #expect(try result.json()["changed"] as? Int == 0)
        var records = try await site.run(["consent", "show", "P0000001", "--json"]).list()
        #expect(records.first?["status"] as? String == "opted_in")
        #expect(records.first?["source"] as? String == "web form")
        let newer = try site.write("consent-new.csv", "id,channel,status,changed_at\nP0000001,email,out,2026-11-20T10:00:00Z\n")
        result = try await site.run(["consent", "import", newer, "--json"])
        #expect(try result.json()["changed"] as? Int == 1)
        records = try await site.run(["consent", "show", "P0000001", "--json"]).list()
        #expect(records.first?["status"] as? String == "opted_out")

        let suppressions = try site.write("suppress.csv", "address,reason,detail\nA@Example.com,complaint,ARF\nb@example.com,,\n")
        result = try await site.run(["suppression", "import", suppressions, "--json"])
        #expect(try result.json()["suppressed"] as? Int == 2)
        let badSuppressions = try site.write("suppress-bad.csv", "address,reason\nc@example.com,manual\nnot-an-address,manual\n")
        result = try await site.run(["suppression", "import", badSuppressions, "--json"])
        #expect(result.status == 4)
        #expect(result.errorMessage?.contains("suppress-bad.csv line 3: address") == true)
        let list = try await site.run(["suppression", "list", "--json"]).list()
        #expect(list.compactMap { $0["address"] as? String } == ["a@example.com", "b@example.com"])
        #expect(list.first?["reason"] as? String == "complaint")
        result = try await site.run(["suppression", "remove", "A@EXAMPLE.COM", "--json"])
        #expect(result.status == 0)
        result = try await site.run(["suppression", "remove", "a@example.com", "--json"])
        #expect(result.status == 8)
        try await site.remove()
    }

    @Test func templatesAreCheckedAtPublishWithTheirPosition() async throws {
        let site = try await Site.demo(.sqlite, profiles: 20)
        let unknown = Self.campaign.replacingOccurrences(of: "RULE", with: "tier = 'gold'")
            .replacingOccurrences(of: "Hello {{first_name}} {{last_name}}", with: "Hello {{first_name}} {{frist_name}}")
        var result = try await site.run(["campaign", "validate", try site.write("unknown.yaml", unknown), "--json"])
        #expect(result.status == 4)
        #expect(result.stdout.contains("content.text, line 1 column 22: {{frist_name}} is not among the activity's fields"), "\(result.stdout)")
        #expect(result.stdout.contains("did you mean"), "\(result.stdout)")
        let broken = Self.campaign.replacingOccurrences(of: "RULE", with: "tier = 'gold'").replacingOccurrences(of: "<b>{{first_name}}</b>", with: "<b>{{#first_name}}</b>")
        result = try await site.run(["campaign", "validate", try site.write("broken.yaml", broken), "--json"])
        #expect(result.status == 4)
        #expect(result.stdout.contains("content.html"), "\(result.stdout)")
        #expect(result.stdout.contains("line 1"), "\(result.stdout)")
        try await site.remove()
    }

    /// A Postfix-shaped bounce (RFC 3464) for a message we sent.
    static func bounce(to address: String, messageID: String, status: String, action: String) -> String {
        """
        From: MAILER-DAEMON@mx.example.net\r
        To: news@hotels.example\r
        Subject: Undelivered Mail Returned to Sender\r
        MIME-Version: 1.0\r
        Content-Type: multipart/report; report-type=delivery-status;\r
        \tboundary="B0UND/ary"\r
        \r
        --B0UND/ary\r
        Content-Type: text/plain; charset=us-ascii\r
        \r
        I'm sorry to have to inform you that your message could not be delivered.\r
        \r
        --B0UND/ary\r
        Content-Type: message/delivery-status\r
        \r
        Reporting-MTA: dns; mx.example.net\r
        \r
        Final-Recipient: rfc822; \(address)\r
        Original-Recipient: rfc822;\(address)\r
        Action: \(action)\r
        Status: \(status)\r
        Diagnostic-Code: smtp; 550 \(status) <\(address)>: Recipient address\r
        \trejected\r
        \r
        --B0UND/ary\r
        Content-Type: text/rfc822-headers\r
        \r
        From: Crescendo Hotels <news@hotels.example>\r
        To: \(address)\r
        Message-ID: \(messageID)\r
        Subject: news\r
        \r
        --B0UND/ary--\r

        """
    }

    /// A mailbox provider's abuse report (RFC 5965).
    static func complaint(from address: String, messageID: String) -> String {
        """
        From: feedback@mailbox.example\r
        To: abuse@hotels.example\r
        Subject: Abuse report\r
        MIME-Version: 1.0\r
        Content-Type: multipart/report; report-type=feedback-report; boundary="arf"\r
        \r
        --arf\r
        Content-Type: text/plain\r
        \r
        This is an email abuse report.\r
        --arf\r
        Content-Type: message/feedback-report\r
        \r
        Feedback-Type: abuse\r
        User-Agent: MailboxFBL/1.0\r
        Version: 1\r
        Original-Rcpt-To: \(address)\r
        Arrival-Date: Mon, 30 Nov 2026 10:00:00 +0000\r
        \r
        --arf\r
        Content-Type: message/rfc822\r
        \r
        From: Crescendo Hotels <news@hotels.example>\r
        To: \(address)\r
        Message-ID: \(messageID)\r
        Subject: news\r
        \r
        Hello\r
        --arf--\r

        """
    }

    @Test func bouncesComplaintsAndUnsubscribesChangeWhatTheNextSendDoes() async throws {
        let site = try await Site.demo(.sqlite, profiles: 150)
        _ = try site.write("link.secret", "feedback-secret")
        let config = try site.write("messaging.yaml", """
            sender: {from: "Crescendo Hotels <news@hotels.example>", domain: hotels.example}
            links: {base_url: "https://hotels.example/c", secret_file: link.secret, unsubscribe_mailbox: unsubscribe@hotels.example}
            providers:
              outbox: {type: eml-folder, path: outbox}
            rule_sets:
              default: {consent: opt_out}
            """)
        try await Self.publishAndStart(site, rule: "tier = 'gold' or tier = 'silver'")
        try await Self.start(site)
        var result = try await site.run(["worker", "--once", "--messaging", config, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        // What the first run sent, read from the .eml files.
        let outbox = site.folder.appendingPathComponent("outbox")
        var sent: [(to: String, id: String, unsubscribe: String, mailto: String)] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: outbox.path).sorted() {
            let text = try String(contentsOf: outbox.appendingPathComponent(name), encoding: .utf8)
            let unfolded = text.replacingOccurrences(of: "\r\n ", with: " ")
            func header(_ name: String) -> String? {
                unfolded.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix(name.lowercased() + ":") }.map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces) }
            }
            // RFC 2369: the one-click URL first, then the mailto fallback.
            let links = try #require(header("List-Unsubscribe")).components(separatedBy: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "<> ")) }
            try #require(links.count == 2 && links[0].hasPrefix("https://") && links[1].hasPrefix("mailto:unsubscribe@hotels.example?subject="), "\(links)")
            sent.append((try #require(header("To")), try #require(header("Message-ID")), links[0], links[1]))
        }
        try #require(sent.count >= 7, "too few messages to work with: \(sent.count)")
        let (unsubscribed, hard, soft, complained, delivered, mailed) = (sent[0], sent[1], sent[2], sent[3], sent[4], sent[5])

        // A forged link is refused; the real one opts the person out.
        result = try await site.run(["feedback", "unsubscribe", unsubscribed.unsubscribe.replacingOccurrences(of: "t=", with: "t=x"), "--messaging", config, "--json"])
        #expect(result.status == 4)
        result = try await site.run(["feedback", "unsubscribe", unsubscribed.unsubscribe, "--messaging", config, "--json"])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(try result.json()["opted_out"] as? Bool == true)

        // Reports: a hard bounce, three soft bounces (the third suppresses), a complaint, a delivery, and noise.
        let reports = site.folder.appendingPathComponent("reports")
        try FileManager.default.createDirectory(at: reports, withIntermediateDirectories: true)
        try Data(Self.bounce(to: hard.to, messageID: hard.id, status: "5.1.1", action: "failed").utf8).write(to: reports.appendingPathComponent("1-hard.eml"))
        for n in 1...3 {
            try Data(Self.bounce(to: soft.to, messageID: soft.id, status: "4.2.2", action: "delayed").utf8).write(to: reports.appendingPathComponent("2-soft-\(n).eml"))
        }
        try Data(Self.complaint(from: complained.to, messageID: complained.id).utf8).write(to: reports.appendingPathComponent("3-arf.eml"))
        try Data(Self.bounce(to: delivered.to, messageID: delivered.id, status: "2.0.0", action: "delivered").utf8).write(to: reports.appendingPathComponent("4-delivered.eml"))
        try Data("Subject: out of office\r\n\r\nI am away.\r\n".utf8).write(to: reports.appendingPathComponent("5-noise.eml"))
        // What a mail client sends to the mailto: the subject it was given, here behind a "Re:";
        // and one whose token was tampered with.
        let subject = try #require(URLComponents(string: mailed.mailto)?.queryItems?.first { $0.name == "subject" }?.value)
        try Data("From: <\(mailed.to)>\r\nTo: unsubscribe@hotels.example\r\nSubject: Re: \(subject)\r\n\r\n\r\n".utf8).write(to: reports.appendingPathComponent("6-mailto.eml"))
        try Data("From: <\(sent[6].to)>\r\nSubject: \(subject.dropLast(3))abc\r\n\r\n\r\n".utf8).write(to: reports.appendingPathComponent("7-forged.eml"))
        result = try await site.run(["feedback", "import", reports.path, "--messaging", config, "--json"])
        #expect(result.status == 3, "the noise and forged files are skipped: \(result.stdout)")
        let body = try result.json()
        #expect(body["applied"] as? [String: Int] == ["hard_bounce": 1, "soft_bounce": 3, "complaint": 1, "delivered": 1, "unsubscribe": 1])
        #expect((body["skipped"] as? [[String: Any]])?.count == 2)

        let list = try await site.run(["suppression", "list", "--json"]).list()
        let reasons = Dictionary(uniqueKeysWithValues: list.map { ($0["address"] as? String ?? "", $0["reason"] as? String ?? "") })
        #expect(reasons == [hard.to.lowercased(): "hard_bounce", soft.to.lowercased(): "soft_bounces", complained.to.lowercased(): "complaint"])
        var total = try await Self.report(site)
        #expect(total["bounced"] as? Int == 1)
        #expect(total["delivered"] as? Int == 1)
        #expect(total["complaints"] as? Int == 1)
        #expect(total["unsubscribes"] as? Int == 2)

        // The next send honours all of it.
        try await Self.start(site)
        result = try await site.run(["worker", "--once", "--messaging", config, "--json"])
        #expect(result.status == 0)
        let report = try await site.run(["campaign", "report", "news", "--json"]).json()
        let rows = try #require(report["rows"] as? [[String: Any]])
        let second = try #require(rows.max { ($0["execution"] as? Int ?? 0) < ($1["execution"] as? Int ?? 0) })
        let excluded = second["excluded"] as? [String: Int] ?? [:]
        #expect(excluded["suppressed"] == 3)
        #expect(excluded["opted_out"] == 2)
        #expect(second["sent"] as? Int == sent.count - 5)
        total = try await Self.report(site)
        // The first run's bounced and delivered messages left `sent` for their own states.
        #expect(total["sent"] as? Int == sent.count - 2 + sent.count - 5)
        try await site.remove()
    }

    @Test func textsGoThroughATwilioStyleAPIWithItsErrorsSortedAndStopRepliesOptOut() async throws {
        let site = try await Site.demo(.sqlite, profiles: 120)
        let twilio = try await TwilioServer.start()
        defer { twilio.stop() }
        let config = try site.write("messaging.yaml", """
            providers:
              texts: {type: twilio, base_url: "http://127.0.0.1:\(twilio.port)", account_sid: AC0123, auth_token_env: TEST_TWILIO_TOKEN, from: "+15005550006"}
            rule_sets:
              default: {consent: opt_out}
            retry: {first_delay: 1h}
            """)
        let file = try site.write("texts.yaml", """
            name: texts
            activities:
              start: {type: start}
              audience: {type: build-audience, entity: profile, rule: "tier = 'gold' or tier = 'silver'"}
              text: {type: sms, fields: [first_name], content: {text: "Hi {{first_name}}, your room is ready 🏨"}}
              done: {type: end}
            transitions: [start -> audience, audience -> text, text -> done]
            """)
        for arguments in [["campaign", "create", file], ["campaign", "publish", "texts"], ["campaign", "start", "texts"]] {
            let result = try await site.run(arguments + ["--json"])
            try #require(result.status == 0, "\(arguments): \(result.stdout) \(result.stderr)")
        }
        // Without the token in the environment the configuration is refused, naming the variable.
        var result = try await site.run(["worker", "--once", "--messaging", config, "--json"])
        #expect(result.status == 4)
        #expect(result.errorMessage?.contains("TEST_TWILIO_TOKEN") == true)
        result = try await site.run(["worker", "--once", "--messaging", config, "--json"], environment: ["TEST_TWILIO_TOKEN": "tok-secret"])
        #expect(result.status == 0, "\(result.stderr)")

        let preview = try await site.run(["audience", "preview", "--on", "profile", "--where", "tier = 'gold' or tier = 'silver'", "--fields", "id,phone,first_name", "--limit", "10000", "--json"]).list()
        let phones = preview.compactMap { $0["phone"] as? String }
        let invalid = phones.filter { $0.hasSuffix("7") }, limited = phones.filter { $0.hasSuffix("3") }
        let accepted = phones.count - invalid.count - limited.count
        try #require(accepted > 0 && !invalid.isEmpty && !limited.isEmpty, "the sample should have numbers of each kind")
        let requests = try twilio.requests()
        #expect(requests.count == phones.count)
        #expect(requests.allSatisfy { $0["path"] as? String == "/2010-04-01/Accounts/AC0123/Messages.json" })
        #expect(requests.allSatisfy { $0["auth"] as? String == "Basic " + Data("AC0123:tok-secret".utf8).base64EncodedString() })
        #expect(Set(requests.compactMap { $0["idempotency"] as? String }).count == phones.count)
        let names = Dictionary(uniqueKeysWithValues: preview.compactMap { row in (row["phone"] as? String).map { ($0, row["first_name"] as? String ?? "") } })
        for request in requests {
            let form = request["form"] as? [String: String] ?? [:]
            #expect(form["From"] == "+15005550006")
            #expect(form["Body"] == "Hi \(names[form["To"] ?? ""] ?? "?"), your room is ready 🏨")
        }
        let total = try await site.run(["campaign", "report", "texts", "--json"]).json()["total"] as? [String: Any] ?? [:]
        #expect(total["sent"] as? Int == accepted)
        #expect(total["failed"] as? Int == invalid.count)
        #expect(total["pending"] as? Int == limited.count)
        // One UCS-2 segment each (the emoji leaves GSM-7; every text is under 70 UTF-16 units).
        #expect(total["segments"] as? Int == accepted)
        let suppressed = try await site.run(["suppression", "list", "--channel", "sms", "--json"]).list()
        #expect(Set(suppressed.compactMap { $0["address"] as? String }) == Set(invalid))

        // Twilio's status callbacks name its sids: one delivered, one undelivered to an unknown
        // number (30005, hard: suppressed), one still on its way, and a line that is no callback.
        let history = try await site.run(["audience", "preview", "--on", "crescendo_message", "--where", "status = 'sent'", "--fields", "id,address,provider_id", "--limit", "100", "--json"]).list()
        try #require(history.count >= 3, "\(history)")
        let sids = history.compactMap { $0["provider_id"] as? String }
        #expect(sids.count == history.count && sids.allSatisfy { $0.hasPrefix("SM") })
        let unknownNumber = try #require(history[1]["address"] as? String)
        let callbacks = try site.write("callbacks.txt", [
            "MessageSid=\(sids[0])&MessageStatus=delivered&To=\(history[0]["address"] as? String ?? "")&AccountSid=AC0123",
            "MessageSid=\(sids[1])&MessageStatus=undelivered&ErrorCode=30005&To=\(unknownNumber.replacingOccurrences(of: "+", with: "%2B"))&AccountSid=AC0123",
            "MessageSid=\(sids[2])&MessageStatus=sent&AccountSid=AC0123",
            "{\"not\": \"a form\"}",
        ].joined(separator: "\n"))
        result = try await site.run(["feedback", "callback", "--provider", "twilio", callbacks, "--json"])
        #expect(result.status == 3, "\(result.stdout) \(result.stderr)")
        let applied = try result.json()
        #expect(applied["applied"] as? [String: Int] == ["delivered": 1, "hard_bounce": 1])
        #expect(applied["ignored"] as? Int == 1)
        #expect((applied["skipped"] as? [String])?.first?.contains("line 4") == true)
        let afterCallbacks = try await site.run(["campaign", "report", "texts", "--json"]).json()["total"] as? [String: Any] ?? [:]
        #expect(afterCallbacks["delivered"] as? Int == 1)
        #expect(afterCallbacks["bounced"] as? Int == 1)
        let nowSuppressed = try await site.run(["suppression", "list", "--channel", "sms", "--json"]).list()
        #expect(Set(nowSuppressed.compactMap { $0["address"] as? String }) == Set(invalid + [unknownNumber]))

        // A STOP reply opts the sender out: the next text skips them.
        let stopper = try #require(phones.first { !$0.hasSuffix("7") && !$0.hasSuffix("3") && $0 != unknownNumber })
        result = try await site.run(["feedback", "sms-reply", "--from", stopper, "--body", "Stop", "--json"])
        #expect(try result.json()["opted_out"] as? Bool == true, "\(result.stdout)")
        result = try await site.run(["campaign", "start", "texts", "--json"])
        #expect(result.status == 0)
        result = try await site.run(["worker", "--once", "--messaging", config, "--json"], environment: ["TEST_TWILIO_TOKEN": "tok-secret"])
        #expect(result.status == 0)
        let rows = try await site.run(["campaign", "report", "texts", "--json"]).json()["rows"] as? [[String: Any]] ?? []
        let second = try #require(rows.max { ($0["execution"] as? Int ?? 0) < ($1["execution"] as? Int ?? 0) })
        #expect((second["excluded"] as? [String: Int])?["opted_out"] == 1)
        #expect((second["excluded"] as? [String: Int])?["suppressed"] ?? 0 == invalid.count + 1)
        try await site.remove()
    }

    @Test func testModeCountsTheSegmentsTheTextsWouldBill() async throws {
        let site = try await Site.demo(.sqlite, profiles: 80)
        let long = String(repeating: "Your stay is confirmed. ", count: 7)   // 168 GSM-7 characters
        let file = try site.write("texts.yaml", """
            name: texts
            activities:
              start: {type: start}
              audience: {type: build-audience, entity: profile, rule: "phone is not null"}
              both: {type: fork, branches: [short, long]}
              short text: {type: sms, fields: [first_name], content: {text: "Hi {{first_name}}, your room is ready 🏨"}}
              long text: {type: sms, fields: [first_name], content: {text: "\(long){{first_name}}"}}
              done short: {type: end}
              done long: {type: end}
            transitions: [start -> audience, audience -> both, both.short -> short text, both.long -> long text, short text -> done short, long text -> done long]
            """)
        let result = try await site.run(["campaign", "test", file, "--json"])
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        let messages = try #require(try result.json()["messages"] as? [[String: Any]])
        let names = try await site.run(["audience", "preview", "--on", "profile", "--where", "phone is not null", "--fields", "id,first_name", "--limit", "1000", "--json"]).list()
            .compactMap { $0["first_name"] as? String }
        try #require(!names.isEmpty)
        // Worked out here: a UCS-2 text fits one segment under 70 UTF-16 units; a GSM-7 one under
        // 160 characters, else 153 per segment. Names outside GSM-7 make the long text UCS-2 (67 per part).
        let gsm = Set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
        func segments(_ text: String) -> (count: Int, unicode: Bool) {
            if text.allSatisfy({ gsm.contains($0) }) { return (text.count <= 160 ? 1 : (text.count + 152) / 153, false) }
            let units = text.utf16.count
            return (units <= 70 ? 1 : (units + 66) / 67, true)
        }
        for (activity, template) in [("short text", { (name: String) in "Hi \(name), your room is ready 🏨" }), ("long text", { (name: String) in long + name })] {
            let entry = try #require(messages.first { $0["activity"] as? String == activity })
            let estimate = try #require(entry["segments"] as? [String: Any], "\(entry)")
            let expected = names.map { segments(template($0)) }
            #expect(estimate["rendered"] as? Int == names.count)
            #expect(estimate["segments"] as? Int == expected.reduce(0) { $0 + $1.count }, "\(activity)")
            #expect(estimate["unicode"] as? Int == expected.filter(\.unicode).count, "\(activity)")
            #expect(estimate["estimated"] as? Bool == false)
        }
        try await site.remove()
    }

    @Test func trackedClicksAndOpensAreSignedCountedAndNeverRedirectElsewhere() async throws {
        let site = try await Site.demo(.sqlite, profiles: 60)
        _ = try site.write("link.secret", "tracking-secret")
        let config = try site.write("messaging.yaml", """
            sender: {from: "Crescendo Hotels <news@hotels.example>", domain: hotels.example}
            links: {base_url: "https://t.hotels.example", secret_file: link.secret, track_clicks: true, track_opens: true}
            providers:
              outbox: {type: eml-folder, path: outbox}
            rule_sets:
              default: {consent: opt_out}
            """)
        let campaign = Self.campaign.replacingOccurrences(of: "RULE", with: "tier = 'gold'")
            .replacingOccurrences(of: "html: \"<p>Hello <b>{{first_name}}</b> &mdash; {{profile.tier}} {{variables.greeting}}</p>\"",
                                  with: "html: \"<html><body><p>Hi {{first_name}}, <a href='https://hotels.example/offers?a=1&amp;b=2'>offers</a> <a href=\\\"https://hotels.example/offers?a=1&amp;b=2\\\">again</a> <a href=\\\"{{unsubscribe_url}}\\\">unsubscribe</a></p></body></html>\"")
        let file = try site.write("news.yaml", campaign)
        for arguments in [["campaign", "create", file], ["campaign", "publish", "news"], ["campaign", "start", "news"], ["worker", "--once", "--messaging", config]] {
            let result = try await site.run(arguments + ["--json"])
            try #require(result.status == 0, "\(arguments): \(result.stdout) \(result.stderr)")
        }
        let outbox = site.folder.appendingPathComponent("outbox")
        let first = try #require(try FileManager.default.contentsOfDirectory(atPath: outbox.path).sorted().first)
        let html = try await python(#"""
        import email, email.policy, sys
        m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
        print(m.get_body(("html",)).get_content())
        """#, [outbox.appendingPathComponent(first).path])
        // Links in either quotes are tracked, the unsubscribe link is not, and a pixel is added.
        let doubleQuoted = html.components(separatedBy: "href=\"").dropFirst().compactMap { $0.split(separator: "\"").first.map(String.init) }
        let singleQuoted = html.components(separatedBy: "href='").dropFirst().compactMap { $0.split(separator: "'").first.map(String.init) }
        let clickLinks = (doubleQuoted + singleQuoted).map { $0.replacingOccurrences(of: "&amp;", with: "&") }
        #expect(clickLinks.filter { $0.hasPrefix("https://t.hotels.example/click?") }.count == 2)
        #expect(!clickLinks.contains { $0.hasPrefix("https://hotels.example/") }, "an untracked link: \(clickLinks)")
        let click = try #require(clickLinks.first { $0.hasPrefix("https://t.hotels.example/click?") }, "\(html)")
        #expect(clickLinks.contains { $0.hasPrefix("https://t.hotels.example/unsubscribe?") })
        let pixel = try #require(html.components(separatedBy: "src=\"").dropFirst().first?.split(separator: "\"").first.map { String($0).replacingOccurrences(of: "&amp;", with: "&") })
        #expect(pixel.hasPrefix("https://t.hotels.example/open?"))

        var result = try await site.run(["feedback", "click", click, "--messaging", config, "--json"])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(try result.json()["location"] as? String == "https://hotels.example/offers?a=1&b=2")
        result = try await site.run(["feedback", "click", click, "--messaging", config, "--json"])
        // A link whose target was swapped for another site is refused: never an open redirect.
        let evil = click.replacingOccurrences(of: #"u=[^&]+"#, with: "u=" + Data("https://evil.example/".utf8).base64EncodedString(), options: .regularExpression)
        result = try await site.run(["feedback", "click", evil, "--messaging", config, "--json"])
        #expect(result.status == 4)
        for _ in 0..<2 { _ = try await site.run(["feedback", "open", pixel, "--messaging", config, "--json"]) }
        result = try await site.run(["feedback", "open", pixel.replacingOccurrences(of: "t=", with: "t=A"), "--messaging", config, "--json"])
        #expect(result.status == 4)

        let report = try await site.run(["campaign", "report", "news", "--json"]).json()
        let total = try #require(report["total"] as? [String: Any])
        #expect(total["clicks"] as? Int == 2)
        #expect(total["unique_clicks"] as? Int == 1)
        #expect(total["opens"] as? Int == 2)
        #expect(total["unique_opens"] as? Int == 1)
        let links = try #require(report["links"] as? [[String: Any]])
        #expect(links.count == 1)
        #expect(links.first?["link"] as? String == "https://hotels.example/offers?a=1&b=2")
        #expect(links.first?["clicks"] as? Int == 2)
        try await site.remove()
    }
}
