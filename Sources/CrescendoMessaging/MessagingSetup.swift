import CrescendoCore
import CrescendoEmail
import Foundation
import NIOSSL

/// Builds the dispatcher's providers and renderer from the messaging configuration.
public enum MessagingSetup {
    public static func transports(_ configuration: MessagingConfiguration) async throws -> [String: any MessageTransport] {
        let sender = configuration.sender
        var transports: [String: any MessageTransport] = [:]
        for provider in configuration.providers.values {
            switch provider.kind {
            case .twilio(let baseURL, let accountSID, let authToken, let sender):
                transports[provider.name] = TwilioSMSTransport(baseURL: baseURL, accountSID: accountSID, authToken: authToken, from: sender)
            case .smsWebhook(let url, let token):
                transports[provider.name] = WebhookSMSTransport(url: url, token: token)
            case .fcm(let settings):
                do {
                    let account = try FCMServiceAccount.load(path: settings.serviceAccountFile)
                    transports[provider.name] = try await FCMTransport.make(account: account, baseURL: settings.baseURL)
                } catch {
                    throw CrescendoError(.invalidArgument, "providers.\(provider.name): \(error)")
                }
            case .apns(let settings):
                do {
                    let tokens = try await APNsProviderToken(teamID: settings.teamID, keyID: settings.keyID, privateKeyPEM: settings.privateKey)
                    transports[provider.name] = APNsTransport.make(
                        environment: settings.sandbox ? .sandbox : .production, baseURL: settings.baseURL, topic: settings.topic, tokens: tokens,
                        insecureSkipVerify: settings.insecureSkipVerify)
                } catch {
                    throw CrescendoError(.invalidArgument, "providers.\(provider.name): \(error)")
                }
            case .jsonFolder(let path):
                transports[provider.name] = JSONFolderTransport(folder: path, channel: provider.channel)
            case .extractFolder(let path):
                transports[provider.name] = ExtractFolderTransport(folder: path)
            case .emlFolder, .smtp:
                continue
            }
        }
        guard configuration.providers.values.contains(where: { $0.channel == .email }) else { return transports }
        let from: EmailAddress
        do {
            from = try EmailAddress(parsing: sender.from)
        } catch {
            throw CrescendoError(.invalidArgument, "sender.from: \"\(sender.from)\" is not an address (\(error))")
        }
        let replyTo = try sender.replyTo.map { text in
            do { return try EmailAddress(parsing: text) } catch { throw CrescendoError(.invalidArgument, "sender.reply_to: \"\(text)\" is not an address (\(error))") }
        }
        for provider in configuration.providers.values where provider.channel == .email {
            var signer: DKIMSigner?
            if let dkim = provider.dkim {
                do {
                    signer = try DKIMSigner(keyFile: dkim.keyFile, domain: dkim.domain, selector: dkim.selector)
                } catch {
                    throw CrescendoError(.invalidArgument, "providers.\(provider.name).dkim: \(error)")
                }
            }
            let composer = EmailComposer(from: from, replyTo: replyTo, domain: sender.domain, signer: signer)
            switch provider.kind {
            case .emlFolder(let path):
                transports[provider.name] = EMLFolderTransport(folder: EMLFolder(path: path), composer: composer)
            case .smtp(let settings):
                var tls = TLSConfiguration.makeClientConfiguration()
                if settings.insecureSkipVerify { tls.certificateVerification = .none }
                let security: SMTPConfiguration.Security = switch settings.security {
                case .plain: .plain
                case .starttls: .startTLS(required: true)
                case .tls: .tls
                }
                let smtp = SMTPConfiguration(
                    host: settings.host, port: settings.port, security: security, tlsConfiguration: tls,
                    credentials: settings.username.map { SMTPConfiguration.Credentials(username: $0, password: settings.password ?? "") },
                    heloName: settings.heloName ?? sender.domain,
                    timeouts: .init(connect: .seconds(settings.timeout), command: .seconds(settings.timeout), data: .seconds(settings.timeout * 4)),
                    maxConnections: settings.connections, maxMessagesPerConnection: settings.messagesPerConnection)
                transports[provider.name] = SMTPTransport(pool: SMTPConnectionPool(configuration: smtp), composer: composer, envelopeFrom: from.address)
            case .twilio, .smsWebhook, .fcm, .apns, .jsonFolder, .extractFolder:
                continue
            }
        }
        return transports
    }

    public static func renderer(_ configuration: MessagingConfiguration) -> TemplateMessageRenderer {
        var links: LinkSigner?
        if let base = configuration.linkBaseURL, let secret = configuration.linkSecret { links = LinkSigner(secret: secret, baseURL: base) }
        let renderer = TemplateMessageRenderer(links: links, defaultCurrency: configuration.defaultCurrency, trackClicks: configuration.trackClicks, trackOpens: configuration.trackOpens)
        renderer.unsubscribeMailbox = configuration.unsubscribeMailbox
        return renderer
    }

    public static func settings(_ configuration: MessagingConfiguration, worker: String) -> Dispatcher.Settings {
        var settings = Dispatcher.Settings(
            worker: worker, lease: configuration.lease, batchSize: configuration.batchSize, concurrency: configuration.concurrency,
            retry: configuration.retry, ruleSets: configuration.ruleSets, defaultProviders: configuration.channels,
            providerRates: configuration.providers.compactMapValues(\.rate), localeField: configuration.localeField, timeZoneField: configuration.timeZoneField, countryField: configuration.countryField)
        settings.routes = configuration.routes
        return settings
    }
}
