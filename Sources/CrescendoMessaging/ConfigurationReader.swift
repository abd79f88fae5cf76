import CrescendoCore
import CrescendoEmail
import Foundation
import Yams

/// Walks the YAML of a messaging configuration, collecting problems with their line.
struct ConfigurationReader {
    let path: String
    let environment: [String: String]
    let baseDirectory: String
    var problems: [String] = []

    init(path: String, environment: [String: String], baseDirectory: String) {
        self.path = path
        self.environment = environment
        self.baseDirectory = baseDirectory
    }

    mutating func problem(_ node: Node?, _ field: String, _ message: String) {
        let line = node.map { " line \($0.mark?.line ?? 0)" } ?? ""
        problems.append("\(path)\(line): \(field): \(message)")
    }

    func mapping(_ node: Node?) -> [(key: String, value: Node, keyNode: Node)] {
        guard let mapping = node?.mapping else { return [] }
        return mapping.map { ($0.key.string ?? "", $0.value, $0.key) }
    }

    mutating func known(_ node: Node?, _ field: String, _ keys: [String]) {
        for (key, _, keyNode) in mapping(node) where !keys.contains(key) {
            problem(keyNode, field.isEmpty ? key : path(field, key), "unknown setting\(Spelling.hint(key, among: keys)) (settings: \(keys.joined(separator: ", ")))")
        }
    }

    func value(_ node: Node?, _ key: String) -> Node? { node?.mapping?[Node(key)] }

    /// `parent.key`, or the key alone at the top of the file.
    func path(_ field: String, _ key: String) -> String { field.isEmpty ? key : field + "." + key }

    mutating func string(_ node: Node?, _ key: String, _ field: String, required: Bool = false) -> String? {
        guard let child = value(node, key) else {
            if required { problem(node, path(field, key), "is required") }
            return nil
        }
        guard let text = child.string, child.scalar != nil else {
            problem(child, path(field, key), "must be text")
            return nil
        }
        return text
    }

    mutating func int(_ node: Node?, _ key: String, _ field: String, range: ClosedRange<Int>) -> Int? {
        guard let child = value(node, key) else { return nil }
        guard let number = child.int, range.contains(number) else {
            problem(child, path(field, key), "\"\(child.string ?? "")\" must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return number
    }

    mutating func duration(_ node: Node?, _ key: String, _ field: String) -> Int64? {
        guard let child = value(node, key) else { return nil }
        guard let seconds = child.string.flatMap(CampaignDuration.seconds), seconds > 0 else {
            problem(child, path(field, key), "\"\(child.string ?? "")\" is not a duration such as 30s, 5m or 1h")
            return nil
        }
        return seconds
    }

    /// A secret named by `KEY_env`: the variable must be set.
    mutating func secret(_ node: Node?, _ key: String, _ field: String) -> String? {
        guard let name = string(node, "\(key)_env", field) else {
            if value(node, key) != nil { problem(value(node, key), path(field, key), "secrets are not written in the file; name an environment variable with \(key)_env") }
            return nil
        }
        // A value that is not a variable name may be the secret itself: never repeat it.
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }), !(name.first?.isNumber ?? true) else {
            problem(value(node, "\(key)_env"), path(field, "\(key)_env"), "must name an environment variable (letters, digits and _); the secret itself never goes in the file")
            return nil
        }
        guard let secret = environment[name], !secret.isEmpty else {
            problem(value(node, "\(key)_env"), path(field, "\(key)_env"), "the environment variable \(name) is not set")
            return nil
        }
        return secret
    }

    func resolve(_ file: String) -> String {
        file.hasPrefix("/") || baseDirectory.isEmpty ? file : (baseDirectory as NSString).appendingPathComponent(file)
    }

    mutating func read(_ text: String) throws -> MessagingConfiguration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw CrescendoError(.invalidArgument, "\(path): not valid YAML (\(error))")
        }
        guard let root, root.mapping != nil else { throw CrescendoError(.invalidArgument, "\(path): the messaging configuration must be a mapping") }
        known(root, "", ["sender", "links", "channels", "providers", "rule_sets", "retry", "dispatch", "profile_fields", "currency"])

        let senderNode = value(root, "sender")
        known(senderNode, "sender", ["from", "reply_to", "domain"])
        let from = string(senderNode, "from", "sender") ?? ""
        let domain = string(senderNode, "domain", "sender") ?? from.split(separator: "@").last.map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "> ")) } ?? "localhost"
        let sender = MessagingConfiguration.Sender(from: from, replyTo: string(senderNode, "reply_to", "sender"), domain: domain)

        let linksNode = value(root, "links")
        known(linksNode, "links", ["base_url", "secret_env", "secret_file", "track_clicks", "track_opens", "unsubscribe_mailbox"])
        let mailbox = string(linksNode, "unsubscribe_mailbox", "links")
        if let mailbox, (try? EmailAddress(parsing: mailbox)) == nil { problem(value(linksNode, "unsubscribe_mailbox"), "links.unsubscribe_mailbox", "\"\(mailbox)\" is not an email address") }
        let baseURL = string(linksNode, "base_url", "links")
        var linkSecret: String?
        if let baseURL, !(baseURL.hasPrefix("https://") || baseURL.hasPrefix("http://")) {
            problem(value(linksNode, "base_url"), "links.base_url", "\"\(baseURL)\" must be an http(s) URL")
        }
        if let file = string(linksNode, "secret_file", "links") {
            let resolved = resolve(file)
            linkSecret = (try? String(contentsOfFile: resolved, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            if linkSecret?.isEmpty ?? true { problem(value(linksNode, "secret_file"), "links.secret_file", "cannot read a secret from \(resolved)") }
        } else if linksNode != nil {
            linkSecret = self.secret(linksNode, "secret", "links")
        }

        var providers: [String: MessagingConfiguration.Provider] = [:]
        // Providers written with a known type, even those with a problem of their own: a channel
        // naming one gets no second, misleading problem.
        var declared: [String: Channel] = [:]
        for (name, node, keyNode) in mapping(value(root, "providers")) {
            let field = "providers.\(name)"
            guard let type = string(node, "type", field, required: true) else { continue }
            switch type {
            case "eml-folder", "smtp": declared[name] = .email
            case "twilio", "sms-webhook": declared[name] = .sms
            case "fcm", "apns": declared[name] = .push
            case "extract-folder": declared[name] = .directMail
            case "json-folder": declared[name] = value(node, "channel")?.string.flatMap(Channel.init(rawValue:))
            default: break
            }
            var rate: Double?
            if let rateNode = value(node, "rate") {
                if let number = rateNode.float, number > 0, number <= 100_000 { rate = number } else { problem(rateNode, "\(field).rate", "must be messages per second, from 0.001 to 100000") }
            }
            var dkim: MessagingConfiguration.DKIMSettings?
            if let dkimNode = value(node, "dkim") {
                known(dkimNode, "\(field).dkim", ["domain", "selector", "key_file"])
                if let domain = string(dkimNode, "domain", "\(field).dkim", required: true), let selector = string(dkimNode, "selector", "\(field).dkim", required: true), let key = string(dkimNode, "key_file", "\(field).dkim", required: true) {
                    dkim = .init(domain: domain, selector: selector, keyFile: resolve(key))
                }
            }
            switch type {
            case "eml-folder":
                known(node, field, ["type", "path", "rate", "dkim"])
                guard let folder = string(node, "path", field, required: true) else { continue }
                providers[name] = .init(name: name, channel: .email, kind: .emlFolder(path: resolve(folder)), rate: rate, dkim: dkim)
            case "smtp":
                known(node, field, ["type", "host", "port", "security", "insecure_skip_verify", "username_env", "password_env", "connections", "messages_per_connection", "timeout", "helo", "rate", "dkim"])
                guard let host = string(node, "host", field, required: true) else { continue }
                let securityText = string(node, "security", field) ?? "starttls"
                guard let security = MessagingConfiguration.Security(rawValue: securityText) else {
                    problem(value(node, "security"), "\(field).security", "\"\(securityText)\" must be starttls, tls or plain")
                    continue
                }
                let port = int(node, "port", field, range: 1...65535) ?? (security == .tls ? 465 : 587)
                let username = value(node, "username_env") == nil ? nil : secret(node, "username", field)
                let password = value(node, "password_env") == nil ? nil : secret(node, "password", field)
                if value(node, "password") != nil || value(node, "username") != nil { problem(keyNode, field, "credentials are not written in the file; use username_env and password_env") }
                let settings = MessagingConfiguration.SMTPSettings(
                    host: host, port: port, security: security, insecureSkipVerify: value(node, "insecure_skip_verify")?.bool ?? false,
                    username: username, password: password, connections: int(node, "connections", field, range: 1...100) ?? 4,
                    messagesPerConnection: int(node, "messages_per_connection", field, range: 1...100_000) ?? 1000,
                    timeout: duration(node, "timeout", field) ?? 30, heloName: string(node, "helo", field))
                providers[name] = .init(name: name, channel: .email, kind: .smtp(settings), rate: rate, dkim: dkim)
            case "twilio":
                known(node, field, ["type", "base_url", "account_sid", "auth_token_env", "from", "rate"])
                let base = string(node, "base_url", field) ?? "https://api.twilio.com"
                if !(base.hasPrefix("https://") || base.hasPrefix("http://")) { problem(value(node, "base_url"), "\(field).base_url", "\"\(base)\" must be an http(s) URL") }
                guard let sid = string(node, "account_sid", field, required: true), let from = string(node, "from", field, required: true) else { continue }
                if value(node, "auth_token_env") == nil { problem(node, "\(field).auth_token_env", "is required (the name of the environment variable holding the auth token)") }
                guard let token = secret(node, "auth_token", field) else { continue }
                providers[name] = .init(name: name, channel: .sms, kind: .twilio(baseURL: base, accountSID: sid, authToken: token, from: from), rate: rate, dkim: nil)
            case "sms-webhook":
                known(node, field, ["type", "url", "token_env", "rate"])
                guard let url = string(node, "url", field, required: true) else { continue }
                if !(url.hasPrefix("https://") || url.hasPrefix("http://")) { problem(value(node, "url"), "\(field).url", "\"\(url)\" must be an http(s) URL") }
                let token = value(node, "token_env") == nil ? nil : secret(node, "token", field)
                providers[name] = .init(name: name, channel: .sms, kind: .smsWebhook(url: url, token: token), rate: rate, dkim: nil)
            case "fcm":
                known(node, field, ["type", "service_account_file", "base_url", "rate"])
                guard let file = string(node, "service_account_file", field, required: true) else { continue }
                let resolved = resolve(file)
                do {
                    _ = try FCMServiceAccount.load(path: resolved)
                } catch {
                    problem(value(node, "service_account_file"), "\(field).service_account_file", "\(error)")
                }
                let base = string(node, "base_url", field)
                if let base, !(base.hasPrefix("https://") || base.hasPrefix("http://")) { problem(value(node, "base_url"), "\(field).base_url", "\"\(base)\" must be an http(s) URL") }
                providers[name] = .init(name: name, channel: .push, kind: .fcm(.init(serviceAccountFile: resolved, baseURL: base)), rate: rate, dkim: nil)
            case "apns":
                known(node, field, ["type", "team_id", "key_id", "key_file", "key_env", "topic", "environment", "base_url", "insecure_skip_verify", "rate"])
                let team = string(node, "team_id", field, required: true)
                let keyID = string(node, "key_id", field, required: true)
                let topic = string(node, "topic", field, required: true)
                var key: String?
                if let file = string(node, "key_file", field) {
                    let resolved = resolve(file)
                    key = try? String(contentsOfFile: resolved, encoding: .utf8)
                    if key == nil { problem(value(node, "key_file"), "\(field).key_file", "cannot read the .p8 key \(resolved)") }
                } else if value(node, "key_env") != nil {
                    key = secret(node, "key", field)
                } else {
                    problem(node, "\(field).key_file", "is required (or key_env, an environment variable holding the .p8 key)")
                }
                let environmentText = string(node, "environment", field) ?? "production"
                if !["production", "sandbox"].contains(environmentText) { problem(value(node, "environment"), "\(field).environment", "\"\(environmentText)\" must be production or sandbox") }
                let base = string(node, "base_url", field)
                if let base, !base.hasPrefix("https://") { problem(value(node, "base_url"), "\(field).base_url", "\"\(base)\" must be an https URL (APNs speaks HTTP/2 over TLS only)") }
                guard let team, let keyID, let topic, let key else { continue }
                providers[name] = .init(name: name, channel: .push, kind: .apns(.init(
                    teamID: team, keyID: keyID, privateKey: key, topic: topic, sandbox: environmentText == "sandbox", baseURL: base,
                    insecureSkipVerify: value(node, "insecure_skip_verify")?.bool ?? false)), rate: rate, dkim: nil)
            case "json-folder":
                known(node, field, ["type", "path", "channel", "rate"])
                guard let folder = string(node, "path", field, required: true), let channelName = string(node, "channel", field, required: true) else { continue }
                guard let channel = Channel(rawValue: channelName), channel == .sms || channel == .push else {
                    problem(value(node, "channel"), "\(field).channel", "\"\(channelName)\" must be sms or push")
                    continue
                }
                providers[name] = .init(name: name, channel: channel, kind: .jsonFolder(path: resolve(folder)), rate: rate, dkim: nil)
            case "extract-folder":
                known(node, field, ["type", "path"])
                guard let folder = string(node, "path", field, required: true) else { continue }
                providers[name] = .init(name: name, channel: .directMail, kind: .extractFolder(path: resolve(folder)), rate: nil, dkim: nil)
            default:
                let types = ["eml-folder", "smtp", "twilio", "sms-webhook", "fcm", "apns", "json-folder", "extract-folder"]
                problem(value(node, "type"), "\(field).type", "\"\(type)\" is not a provider type\(Spelling.hint(type, among: types)) (types: \(types.joined(separator: ", ")))")
            }
        }

        var channels: [Channel: String] = [:]
        var routes: [Channel: MessagingConfiguration.ProviderRoute] = [:]
        for (name, node, keyNode) in mapping(value(root, "channels")) {
            guard let channel = Channel(rawValue: name) else {
                problem(keyNode, "channels.\(name)", "not a channel (email, sms, push, direct-mail)")
                continue
            }
            if let routeNode = node.mapping {
                // `push: {by: push_platform, ios: apns, android: fcm}`: a provider per value of a profile field.
                guard let by = string(node, "by", "channels.\(name)", required: true) else { continue }
                var route = MessagingConfiguration.ProviderRoute(field: by, providers: [:])
                for (key, valueNode) in routeNode where key.string != "by" {
                    let value = key.string ?? ""
                    guard let provider = valueNode.string, let configured = declared[provider] else {
                        problem(valueNode, "channels.\(name).\(value)", "\"\(valueNode.string ?? "")\" is not a provider of this file\(Spelling.hint(valueNode.string ?? "", among: Array(declared.keys)))")
                        continue
                    }
                    if configured != channel { problem(valueNode, "channels.\(name).\(value)", "provider \(provider) sends \(configured.rawValue), not \(name)") }
                    if value == "default" { channels[channel] = provider } else { route.providers[value] = provider }
                }
                routes[channel] = route
                continue
            }
            guard let provider = node.string, let configured = declared[provider] else {
                problem(node, "channels.\(name)", "\"\(node.string ?? "")\" is not a provider of this file\(Spelling.hint(node.string ?? "", among: Array(declared.keys)))")
                continue
            }
            if configured != channel { problem(node, "channels.\(name)", "provider \(provider) sends \(configured.rawValue), not \(name)") }
            channels[channel] = provider
        }
        // A channel with one provider of its kind needs no `channels:` line.
        for channel in Channel.allCases where channels[channel] == nil && routes[channel] == nil {
            let candidates = providers.values.filter { $0.channel == channel }.map(\.name).sorted()
            if candidates.count == 1 { channels[channel] = candidates[0] }
        }

        var ruleSets: [String: PolicyRuleSet] = ["default": .standard]
        for (name, node, _) in mapping(value(root, "rule_sets")) {
            let field = "rule_sets.\(name)"
            known(node, field, ["consent", "consent_fields", "caps", "quiet_hours"])
            var rules = PolicyRuleSet(name: name)
            if let consentNode = value(node, "consent"), consentNode.mapping != nil {
                // `consent: {default: opt_in, direct-mail: opt_out}`
                for (key, valueNode, keyNode) in mapping(consentNode) {
                    guard let chosen = valueNode.string.flatMap(ConsentDefault.init(rawValue:)) else {
                        problem(valueNode, "\(field).consent.\(key)", "\"\(valueNode.string ?? "")\" must be opt_in or opt_out")
                        continue
                    }
                    if key == "default" {
                        rules.consentDefault = chosen
                    } else if let channel = Channel(rawValue: key) {
                        rules.channelConsentDefaults[channel] = chosen
                    } else {
                        problem(keyNode, "\(field).consent.\(key)", "not a channel (email, sms, push, direct-mail) or default")
                    }
                }
            } else if let consent = string(node, "consent", field) {
                if let chosen = ConsentDefault(rawValue: consent) { rules.consentDefault = chosen } else { problem(value(node, "consent"), "\(field).consent", "\"\(consent)\" must be opt_in or opt_out") }
            }
            for (channelName, fieldNode, keyNode) in mapping(value(node, "consent_fields")) {
                guard let channel = Channel(rawValue: channelName) else { problem(keyNode, "\(field).consent_fields.\(channelName)", "not a channel"); continue }
                rules.consentFields[channel] = fieldNode.string
            }
            for (index, capNode) in (value(node, "caps")?.sequence.map(Array.init) ?? []).enumerated() {
                let capField = "\(field).caps[\(index)]"
                known(capNode, capField, ["channel", "max", "per"])
                var channel: Channel?
                if let channelName = string(capNode, "channel", capField) {
                    channel = Channel(rawValue: channelName)
                    if channel == nil { problem(value(capNode, "channel"), "\(capField).channel", "\"\(channelName)\" is not a channel") }
                }
                let max = int(capNode, "max", capField, range: 0...100_000)
                let perText = string(capNode, "per", capField, required: true)
                let period = perText.flatMap(CalendarPeriod.init(rawValue:))
                if perText != nil, period == nil { problem(value(capNode, "per"), "\(capField).per", "\"\(perText!)\" must be hour, day, week or month") }
                if max == nil { problem(capNode, "\(capField).max", "is required") }
                if let max, let period { rules.caps.append(FrequencyCap(channel: channel, limit: max, period: period)) }
            }
            if let quiet = value(node, "quiet_hours") {
                known(quiet, "\(field).quiet_hours", ["from", "until", "action"])
                let fromText = string(quiet, "from", "\(field).quiet_hours", required: true)
                let untilText = string(quiet, "until", "\(field).quiet_hours", required: true)
                let from = fromText.flatMap(LocalTime.init)
                let until = untilText.flatMap(LocalTime.init)
                if let fromText, from == nil { problem(value(quiet, "from"), "\(field).quiet_hours.from", "\"\(fromText)\" is not a time of day (HH:MM)") }
                if let untilText, until == nil { problem(value(quiet, "until"), "\(field).quiet_hours.until", "\"\(untilText)\" is not a time of day (HH:MM)") }
                let actionText = string(quiet, "action", "\(field).quiet_hours") ?? "delay"
                let action = QuietHours.Action(rawValue: actionText)
                if action == nil { problem(value(quiet, "action"), "\(field).quiet_hours.action", "\"\(actionText)\" must be delay or drop") }
                if let from, let until, let action { rules.quietHours = QuietHours(from: from, until: until, action: action) }
            }
            ruleSets[name] = rules
        }

        let retryNode = value(root, "retry")
        known(retryNode, "retry", ["max_attempts", "first_delay", "max_delay"])
        let retry = DispatchMachine.RetryPolicy(
            maxAttempts: int(retryNode, "max_attempts", "retry", range: 1...100) ?? 6,
            firstDelay: duration(retryNode, "first_delay", "retry") ?? 60, maxDelay: duration(retryNode, "max_delay", "retry") ?? 3600)
        let dispatch = value(root, "dispatch")
        known(dispatch, "dispatch", ["batch", "concurrency", "lease"])
        let profileFields = value(root, "profile_fields")
        known(profileFields, "profile_fields", ["locale", "time_zone", "country"])
        // Read before the problems are raised, so that theirs are among them.
        let batchSize = int(dispatch, "batch", "dispatch", range: 1...10_000) ?? 200
        let concurrency = int(dispatch, "concurrency", "dispatch", range: 1...256) ?? 8
        let lease = duration(dispatch, "lease", "dispatch") ?? 300
        let localeField = string(profileFields, "locale", "profile_fields") ?? "locale"
        let timeZoneField = string(profileFields, "time_zone", "profile_fields") ?? "time_zone"
        let countryField = string(profileFields, "country", "profile_fields") ?? "country"
        let currency = string(root, "currency", "")

        if from.isEmpty, providers.values.contains(where: { $0.channel == .email }) {
            problem(senderNode ?? root, "sender.from", "is required to send email")
        }
        let trackClicks = value(linksNode, "track_clicks")?.bool ?? false
        let trackOpens = value(linksNode, "track_opens")?.bool ?? false
        if (trackClicks || trackOpens) && (baseURL == nil || linkSecret == nil) {
            problem(linksNode, "links", "tracking needs base_url and a secret")
        }
        if !problems.isEmpty {
            throw CrescendoError(.invalidArgument, problems.count == 1 ? problems[0] : "\(problems.count) problems in the messaging configuration:\n  " + problems.joined(separator: "\n  "))
        }
        var configuration = MessagingConfiguration(
            sender: sender, linkBaseURL: baseURL, linkSecret: linkSecret, providers: providers, channels: channels, ruleSets: ruleSets, retry: retry,
            batchSize: batchSize, concurrency: concurrency, lease: lease, localeField: localeField, timeZoneField: timeZoneField, countryField: countryField, defaultCurrency: currency)
        configuration.trackClicks = trackClicks
        configuration.trackOpens = trackOpens
        configuration.routes = routes
        configuration.unsubscribeMailbox = mailbox
        return configuration
    }
}
