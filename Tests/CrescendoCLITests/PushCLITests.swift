import CrescendoCore
import CrescendoMessaging
import Foundation
import Testing

/// Push as operators run it: iOS devices through APNs (HTTP/2 over TLS, ES256 provider tokens),
/// Android ones through FCM HTTP v1 (a service-account JWT exchanged for a cached OAuth token),
/// against servers on loopback that speak those APIs and verify the tokens' signatures.
@Suite(.serialized) struct PushCLITests {
    typealias Site = CampaignCLITests.Site

    /// A throwaway RSA key for the service account and a P-256 key for APNs (the .p8 form), with
    /// their public halves for the servers.
    struct Keys {
        var rsa: String, rsaPublic: String, ec: String, ecPublic: String
    }

    static func keys(in folder: URL) async throws -> Keys {
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        try await ScriptedServer.run("/usr/bin/openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", path("sa.pem")], in: folder)
        try await ScriptedServer.run("/usr/bin/openssl", ["pkey", "-in", path("sa.pem"), "-pubout", "-out", path("sa.pub.pem")], in: folder)
        try await ScriptedServer.run("/usr/bin/openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path("apns.p8")], in: folder)
        try await ScriptedServer.run("/usr/bin/openssl", ["pkey", "-in", path("apns.p8"), "-pubout", "-out", path("apns.pub.pem")], in: folder)
        func read(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }
        return Keys(rsa: try read("sa.pem"), rsaPublic: try read("sa.pub.pem"), ec: try read("apns.p8"), ecPublic: try read("apns.pub.pem"))
    }

    static func message(_ id: String, to token: String, title: String = "Hello") -> RenderedMessage {
        RenderedMessage(id: id, channel: .push, address: token, parts: ["title": title, "body": "Your room is ready", "data.screen": "stay"], date: Int64(Date().timeIntervalSince1970))
    }

    @Test func fcmCachesItsAccessTokenAndFetchesANewOneAfterA401() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-fcm-keys-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = try await Self.keys(in: folder)
        let server = try await FCMServer.start(publicKeyPEM: keys.rsaPublic, projectID: "hotels-app")
        defer { server.stop() }
        let account = try JSONDecoder().decode(FCMServiceAccount.self, from: try server.serviceAccountJSON(privateKeyPEM: keys.rsa, projectID: "hotels-app"))
        let transport = try await FCMTransport.make(account: account, baseURL: server.baseURL)
        let first = try await transport.send(Self.message("1-0-push-a", to: "device-token-aaaaaaaaaaaaaaaaaaaaaa"))
        #expect(first?.hasPrefix("projects/hotels-app/messages/") == true)
        _ = try await transport.send(Self.message("1-0-push-b", to: "device-token-bbbbbbbbbbbbbbbbbbbbbb"))
        #expect(await transport.tokens.exchanges == 1)
        // The service stops accepting the token: one 401, one new exchange, the send goes through.
        try await server.expireTokens()
        _ = try await transport.send(Self.message("1-0-push-c", to: "device-token-cccccccccccccccccccccc"))
        #expect(await transport.tokens.exchanges == 2)
        let requests = try server.requests()
        let grants = requests.filter { $0["path"] as? String == "/token" }
        #expect(grants.count == 2 && grants.allSatisfy { $0["status"] as? Int == 200 })
        let claims = try #require(grants.first?["claims"] as? [String: Any])
        #expect(claims["iss"] as? String == "crescendo@test.iam.gserviceaccount.com")
        #expect(claims["scope"] as? String == "https://www.googleapis.com/auth/firebase.messaging")
        let sends = requests.filter { ($0["path"] as? String)?.hasSuffix("messages:send") == true }
        #expect(sends.map { $0["status"] as? Int } == [200, 200, 401, 200])
        let body = try #require((sends.first?["body"] as? [String: Any])?["message"] as? [String: Any])
        #expect((body["notification"] as? [String: String]) == ["title": "Hello", "body": "Your room is ready"])
        #expect((body["data"] as? [String: String]) == ["screen": "stay"])

        // Answers sorted: what is about the token is final and names it; the rest waits.
        for (token, permanent, address) in [("x-unregistered", true, true), ("x-invalid", true, true), ("x-mismatch", true, true), ("x-quota", false, false), ("x-unavailable", false, false), ("x-internal", false, false)] {
            do {
                _ = try await transport.send(Self.message("1-0-push-\(token)", to: token))
                Issue.record("\(token) was accepted")
            } catch let failure as TransportFailure {
                #expect(failure.permanent == permanent && failure.addressRejected == address, "\(token): \(failure)")
            }
        }
        await transport.shutdown()
    }

    @Test func apnsSpeaksHTTP2AndSignsANewProviderTokenWhenTheOldOneExpires() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-apns-keys-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = try await Self.keys(in: folder)
        let server = try await APNsServer.start(publicKeyPEM: keys.ecPublic, teamID: "TEAM123456", keyID: "KEY7654321", topic: "com.hotels.app")
        defer { server.stop() }
        let tokens = try await APNsProviderToken(teamID: "TEAM123456", keyID: "KEY7654321", privateKeyPEM: keys.ec)
        let transport = APNsTransport.make(environment: .production, baseURL: server.baseURL, topic: "com.hotels.app", tokens: tokens, insecureSkipVerify: true)
        let device = String(repeating: "ab", count: 32)
        let id = try await transport.send(Self.message("1-0-push-P1", to: device))
        #expect(id == APNsTransport.notificationID("1-0-push-P1"))
        // An hour later (here: tokens signed before now+1 s are expired): one ExpiredProviderToken, a new token, 200.
        let signedAt = Int(Date().timeIntervalSince1970)
        try await Task.sleep(nanoseconds: 1_200_000_000)
        try await server.expireProviderTokens(issuedBefore: signedAt + 1)
        _ = try await transport.send(Self.message("1-0-push-P2", to: device))
        #expect(await tokens.signed == 2)
        let requests = try server.requests().filter { $0["path"] as? String != nil && ($0["path"] as? String)?.hasPrefix("/3/device/") == true }
        #expect(requests.map { $0["status"] as? Int } == [200, 403, 200])
        #expect(requests.allSatisfy { $0["protocol"] as? String == "h2" })
        let headers = try #require(requests.first?["headers"] as? [String: Any])
        #expect(headers["apns-topic"] as? String == "com.hotels.app")
        #expect(headers["apns-push-type"] as? String == "alert")
        #expect(headers["apns-id"] as? String == APNsTransport.notificationID("1-0-push-P1"))
        let aps = try #require((requests.first?["body"] as? [String: Any])?["aps"] as? [String: Any])
        #expect((aps["alert"] as? [String: String]) == ["title": "Hello", "body": "Your room is ready"])
        #expect((requests.first?["jwt_header"] as? [String: Any])?["kid"] as? String == "KEY7654321")
        #expect((requests.first?["claims"] as? [String: Any])?["iss"] as? String == "TEAM123456")

        for (suffix, permanent, address) in [("dead", true, true), ("beef", true, true), ("face", false, false)] {
            do {
                _ = try await transport.send(Self.message("1-0-push-\(suffix)", to: String(repeating: "0", count: 60) + suffix))
                Issue.record("\(suffix) was accepted")
            } catch let failure as TransportFailure {
                #expect(failure.permanent == permanent && failure.addressRejected == address, "\(suffix): \(failure)")
            }
        }
        #expect(transport.addressProblem("not-hex") != nil)
        await transport.shutdown()
    }

    @Test func aCampaignPushesToIOSAndAndroidByPlatformAndSuppressesDeadTokens() async throws {
        let site = try await Site.demo(.sqlite, profiles: 400)
        let keys = try await Self.keys(in: site.folder)
        let people = try await site.run(["audience", "preview", "--on", "profile", "--where", "push_opt_in = true", "--fields", "id,first_name,push_token,push_platform", "--limit", "10000", "--json"]).list()
        let ios = people.filter { $0["push_platform"] as? String == "ios" }.compactMap { $0["push_token"] as? String }
        let android = people.filter { $0["push_platform"] as? String == "android" }.compactMap { $0["push_token"] as? String }
        try #require(ios.count >= 4 && android.count >= 5, "the sample should have app users on both platforms")
        // Outcomes picked for real tokens: gone, malformed, rate limited.
        let apns = try await APNsServer.start(publicKeyPEM: keys.ecPublic, teamID: "TEAM123456", keyID: "KEY7654321", topic: "com.hotels.app",
                                              outcomes: [ios[0]: "dead", ios[1]: "beef", ios[2]: "face"])
        defer { apns.stop() }
        let fcm = try await FCMServer.start(publicKeyPEM: keys.rsaPublic, projectID: "hotels-app",
                                            outcomes: [android[0]: "unregistered", android[1]: "invalid", android[2]: "quota", android[3]: "mismatch"])
        defer { fcm.stop() }
        try fcm.serviceAccountJSON(privateKeyPEM: keys.rsa, projectID: "hotels-app").write(to: site.folder.appendingPathComponent("service-account.json"))
        let config = try site.write("messaging.yaml", """
            channels:
              push: {by: push_platform, ios: apple, android: google}
            providers:
              apple: {type: apns, team_id: TEAM123456, key_id: KEY7654321, key_file: apns.p8, topic: com.hotels.app, base_url: "\(apns.baseURL)", insecure_skip_verify: true}
              google: {type: fcm, service_account_file: service-account.json, base_url: "\(fcm.baseURL)"}
            rule_sets:
              default: {consent_fields: {push: push_opt_in}}
            retry: {first_delay: 1h}
            """)
        let file = try site.write("app.yaml", """
            name: app
            activities:
              start: {type: start}
              audience: {type: build-audience, entity: profile, rule: "push_opt_in = true"}
              push:
                type: push
                fields: [first_name]
                content:
                  title: "Hello {{first_name}}"
                  body: "Your room is ready"
                  data.screen: stay
                  data.message: "{{message_id}}"
              done: {type: end}
            transitions: [start -> audience, audience -> push, push -> done]
            """)
        for arguments in [["campaign", "create", file], ["campaign", "publish", "app"], ["campaign", "start", "app"]] {
            let result = try await site.run(arguments + ["--json"])
            try #require(result.status == 0, "\(arguments): \(result.stdout) \(result.stderr)")
        }
        var result = try await site.run(["worker", "--once", "--messaging", config, "--json"])
        #expect(result.status == 0, "\(result.stderr)")

        // Each platform's tokens went to its own service, over HTTP/2 for Apple, with one provider
        // token and one OAuth exchange for the whole run.
        let names = Dictionary(people.compactMap { row in (row["push_token"] as? String).map { ($0, row["first_name"] as? String ?? "") } }, uniquingKeysWith: { a, _ in a })
        let apple = try apns.requests().filter { ($0["path"] as? String)?.hasPrefix("/3/device/") == true }
        #expect(Set(apple.compactMap { $0["device_token"] as? String }) == Set(ios))
        #expect(apple.allSatisfy { $0["protocol"] as? String == "h2" })
        #expect(Set(apple.compactMap { ($0["headers"] as? [String: Any])?["authorization"] as? String }).count == 1)
        for request in apple where request["status"] as? Int == 200 {
            let alert = ((request["body"] as? [String: Any])?["aps"] as? [String: Any])?["alert"] as? [String: String]
            #expect(alert?["title"] == "Hello \(names[request["device_token"] as? String ?? ""] ?? "?")")
            #expect((request["body"] as? [String: Any])?["screen"] as? String == "stay")
        }
        let google = try fcm.requests()
        #expect(google.filter { $0["path"] as? String == "/token" }.count == 1)
        let sends = google.filter { ($0["path"] as? String)?.hasSuffix("messages:send") == true }
        #expect(Set(sends.compactMap { $0["device_token"] as? String }) == Set(android))
        // The data payload carries the outbox id, which names the profile the token belongs to.
        let owners = Dictionary(people.compactMap { row in (row["push_token"] as? String).map { ($0, row["id"] as? String ?? "") } }, uniquingKeysWith: { a, _ in a })
        for send in sends {
            let message = (send["body"] as? [String: Any])?["message"] as? [String: Any] ?? [:]
            let token = message["token"] as? String ?? ""
            #expect((message["data"] as? [String: String])?["message"]?.hasSuffix("-push-\(owners[token] ?? "?")") == true, "\(message)")
            #expect((message["notification"] as? [String: String])?["title"] == "Hello \(names[token] ?? "?")")
        }

        let total = try await site.run(["campaign", "report", "app", "--json"]).json()["total"] as? [String: Any] ?? [:]
        #expect(total["failed"] as? Int == 5)
        #expect(total["pending"] as? Int == 2)
        #expect(total["sent"] as? Int == ios.count + android.count - 7)
        let suppressed = try await site.run(["suppression", "list", "--channel", "push", "--json"]).list()
        #expect(Set(suppressed.compactMap { $0["address"] as? String }) == [ios[0], ios[1], android[0], android[1], android[3]])

        // The next campaign run skips the dead tokens before any request is made.
        result = try await site.run(["campaign", "start", "app", "--json"])
        #expect(result.status == 0)
        result = try await site.run(["worker", "--once", "--messaging", config, "--json"])
        #expect(result.status == 0)
        let rows = try await site.run(["campaign", "report", "app", "--json"]).json()["rows"] as? [[String: Any]] ?? []
        let second = try #require(rows.max { ($0["execution"] as? Int ?? 0) < ($1["execution"] as? Int ?? 0) })
        #expect((second["excluded"] as? [String: Int])?["suppressed"] == 5)
        try await site.remove()
    }
}
