import CrescendoCore
import Foundation
import Yams

/// The messaging configuration file (`messaging.yaml`): who sends, through which providers, under
/// which rule sets. Secrets are never in the file: it names environment variables (`*_env`), read
/// when the configuration loads, so the file can live in version control.
public struct MessagingConfiguration: Sendable {
    public struct Sender: Sendable, Hashable {
        public var from: String
        public var replyTo: String?
        /// The domain of Message-IDs.
        public var domain: String
    }

    public enum Security: String, Sendable, Hashable, CaseIterable {
        case starttls, tls, plain
    }

    public struct SMTPSettings: Sendable, Hashable {
        public var host: String
        public var port: Int
        public var security: Security
        /// Accept any server certificate: for tests against a local server only.
        public var insecureSkipVerify: Bool
        public var username: String?
        public var password: String?
        public var connections: Int
        public var messagesPerConnection: Int
        /// Seconds.
        public var timeout: Int64
        public var heloName: String?
    }

    public struct DKIMSettings: Sendable, Hashable {
        public var domain: String
        public var selector: String
        public var keyFile: String

        public init(domain: String, selector: String, keyFile: String) {
            self.domain = domain
            self.selector = selector
            self.keyFile = keyFile
        }
    }

    public enum ProviderKind: Sendable, Hashable {
        /// One .eml file per message in a folder: development and the demo.
        case emlFolder(path: String)
        case smtp(SMTPSettings)
        /// Twilio's Messages API (or one that speaks it, such as a test server on loopback).
        case twilio(baseURL: String, accountSID: String, authToken: String, from: String)
        /// A JSON POST to an in-house SMS gateway.
        case smsWebhook(url: String, token: String?)
        /// Firebase Cloud Messaging HTTP v1 with a service-account key.
        case fcm(FCMSettings)
        /// Apple Push Notification service with a token-based (.p8) key.
        case apns(APNsSettings)
        /// One JSON file per SMS or push message in a folder: development and the demo.
        case jsonFolder(path: String)
        /// Direct mail: one CSV extract per execution and activity for the print vendor.
        case extractFolder(path: String)
    }

    public struct FCMSettings: Sendable, Hashable {
        public var serviceAccountFile: String
        /// FCM's address, or a test server's.
        public var baseURL: String?
    }

    public struct APNsSettings: Sendable, Hashable {
        public var teamID: String
        public var keyID: String
        /// The .p8 key's PEM text, read from `key_file` or `key_env` when the file loads.
        public var privateKey: String
        /// The app's bundle id.
        public var topic: String
        public var sandbox: Bool
        public var baseURL: String?
        public var insecureSkipVerify: Bool
    }

    public typealias ProviderRoute = CrescendoCore.ProviderRoute

    public struct Provider: Sendable, Hashable {
        public var name: String
        public var channel: Channel
        public var kind: ProviderKind
        /// Messages per second; nil for no limit.
        public var rate: Double?
        public var dkim: DKIMSettings?
    }

    public var sender: Sender
    public var linkBaseURL: String?
    public var linkSecret: String?
    public var trackClicks: Bool = false
    public var trackOpens: Bool = false
    /// The mailbox of List-Unsubscribe's mailto fallback; its messages go through `feedback import`.
    public var unsubscribeMailbox: String?
    public var providers: [String: Provider]
    public var channels: [Channel: String]
    public var routes: [Channel: ProviderRoute] = [:]
    public var ruleSets: [String: PolicyRuleSet]
    public var retry: DispatchMachine.RetryPolicy
    public var batchSize: Int
    public var concurrency: Int
    /// Seconds.
    public var lease: Int64
    public var localeField: String
    public var timeZoneField: String
    /// The profile field with the ISO country national phone numbers are read in.
    public var countryField: String = "country"
    public var defaultCurrency: String?

    /// The demo's configuration: every channel into a folder of the outbox (emails as .eml files,
    /// texts and pushes as JSON, letters as the print vendor's CSV extract), pushes routed by
    /// platform, consent from the profile's opt-in fields (letters go unless the guest objected),
    /// at most three marketing emails a week.
    public static func demo(outbox: String, secretFile: String) -> String {
        """
        # Crescendo demo: messages go to folders instead of providers.
        # Real providers: type smtp, twilio, sms-webhook, fcm, apns (see docs/MESSAGING.md).
        sender:
          from: "Crescendo Hotels <stays@hotels.example>"
          domain: hotels.example
        links:
          base_url: https://hotels.example/c
          secret_file: \(secretFile)
        channels:
          email: outbox
          sms: texts
          push: {by: push_platform, ios: ios-app, android: android-app}
          direct-mail: letters
        providers:
          outbox:
            type: eml-folder
            path: \(outbox)
          texts:
            type: json-folder
            channel: sms
            path: \(outbox)/sms
          ios-app:
            type: json-folder
            channel: push
            path: \(outbox)/push/ios
          android-app:
            type: json-folder
            channel: push
            path: \(outbox)/push/android
          letters:
            type: extract-folder
            path: \(outbox)/letters
        rule_sets:
          default:
            consent: {default: opt_in, direct-mail: opt_out}
            consent_fields: {email: email_opt_in, sms: sms_opt_in, push: push_opt_in}
            caps:
              - {channel: email, max: 3, per: week}
        """
    }

    /// Reads and checks a configuration file; every problem names the file, line and field.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> MessagingConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CrescendoError(.unreadableInput, "\(path): cannot read the messaging configuration (\(error.localizedDescription))")
        }
        return try parse(text, path: path, environment: environment)
    }

    public static func parse(_ text: String, path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> MessagingConfiguration {
        var reader = ConfigurationReader(path: path, environment: environment, baseDirectory: (path as NSString).deletingLastPathComponent)
        return try reader.read(text)
    }
}
