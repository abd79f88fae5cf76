import ArgumentParser
import CrescendoApp
import CrescendoCore
import CrescendoMessaging
import Foundation

struct FeedbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feedback",
        abstract: "What came back after sending: unsubscribes, bounces, complaints. Updates history, suppression and consent.",
        subcommands: [Import.self, Callback.self, Unsubscribe.self, SMSReply.self, Click.self, Open.self])

    /// The signer of the messaging configuration's links.
    static func signer(_ messaging: String?) throws -> LinkSigner {
        guard let path = messaging ?? ProcessInfo.processInfo.environment["CRESCENDO_MESSAGING"] else {
            throw CrescendoError(.invalidArgument, "--messaging FILE (or $CRESCENDO_MESSAGING) is needed to check the link's signature")
        }
        let configuration = try MessagingConfiguration.load(path: path)
        guard let base = configuration.linkBaseURL, let secret = configuration.linkSecret else {
            throw CrescendoError(.invalidArgument, "\(path): links.base_url and a secret are needed to check links")
        }
        return LinkSigner(secret: secret, baseURL: base)
    }

    struct Click: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a click on a tracked link and print where it leads (what the redirect endpoint does).",
            discussion: "A changed target or a forged link is refused (exit 4): the redirect is never open.")
        @Argument var url: String
        @Option(name: .long, help: "The messaging configuration (default $CRESCENDO_MESSAGING).") var messaging: String?
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                let signer = try FeedbackCommand.signer(messaging)
                guard url.hasPrefix(signer.baseURL), let click = signer.verifyClick(url: url) else {
                    throw CrescendoError(.invalidArgument, "the link is not one of ours or was changed: refused")
                }
                _ = try await MessagingDesk.with(options) { desk in
                    try await desk.repository.apply(.init(kind: .click, messageID: click.id, detail: click.target, at: now(), source: "click"))
                }
                if options.json {
                    struct Body: Encodable { var message: String; var location: String }
                    Output.printJSON(Body(message: click.id, location: click.target))
                } else { print(click.target) }
                return .success
            }
        }
    }

    struct Open: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record an open from a tracking pixel's URL.")
        @Argument var url: String
        @Option(name: .long, help: "The messaging configuration (default $CRESCENDO_MESSAGING).") var messaging: String?
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                let signer = try FeedbackCommand.signer(messaging)
                guard url.hasPrefix(signer.baseURL), let id = signer.verify(url: url, action: "open") else {
                    throw CrescendoError(.invalidArgument, "the pixel URL is not one of ours or was changed: refused")
                }
                _ = try await MessagingDesk.with(options) { desk in
                    try await desk.repository.apply(.init(kind: .open, messageID: id, at: now(), source: "pixel"))
                }
                if options.json {
                    struct Body: Encodable { var message: String; var opened: Bool }
                    Output.printJSON(Body(message: id, opened: true))
                } else { print("message \(id): opened") }
                return .success
            }
        }
    }

    struct SMSReply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sms-reply",
            abstract: "Apply an inbound SMS (what a provider's inbound webhook carries): STOP and its synonyms opt the sender out of SMS.")
        @Option(name: .long, help: "The sender's number.") var from: String
        @Option(name: .long, help: "The message text.") var body: String
        @OptionGroup var options: StoreOptions

        /// The keywords carriers and providers treat as an opt-out (CTIA, Twilio).
        static let stopWords: Set<String> = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE", "ARRET", "ARRÊT"]

        func run() async throws {
            try await reporting(json: options.json) {
                let word = body.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters)).uppercased()
                guard Self.stopWords.contains(word) else {
                    if options.json {
                        struct Body: Encodable { var from: String; var stop: Bool }
                        Output.printJSON(Body(from: from, stop: false))
                    } else { print("\(from): not an opt-out keyword; nothing to do") }
                    return .success
                }
                let address: String
                switch PhoneNumber.e164(from, defaultCountry: nil) {
                case .success(let normalized): address = normalized
                case .failure(let problem): throw CrescendoError(.invalidArgument, "--from \(from): \(problem.message)")
                }
                let outcome = try await MessagingDesk.with(options) { desk in
                    try await desk.repository.apply(.init(kind: .unsubscribe, address: address, channel: .sms, detail: body, at: now(), source: "SMS reply"))
                }
                if options.json { Output.printJSON(outcome) } else {
                    print(outcome.optedOut ? "\(address): opted out of marketing SMS" : "\(address): no message of ours went to this number; nobody to opt out")
                }
                return .success
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply bounce (DSN, RFC 3464) and complaint (ARF, RFC 5965) messages, and unsubscribe requests sent to List-Unsubscribe's mailto: a file, or every file of a folder.",
            discussion: "Hard bounces and complaints suppress the address; 3 soft bounces in 30 days do too; a complaint also opts the person out. Unsubscribe requests need the messaging configuration to check their token. Files that are neither are listed and skipped (exit 3).")
        @Argument var path: String
        @Option(name: .long, help: "The messaging configuration, to check unsubscribe requests (default $CRESCENDO_MESSAGING).") var messaging: String?
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                let files = try FeedbackReader.files(at: path)
                let signer = (messaging ?? ProcessInfo.processInfo.environment["CRESCENDO_MESSAGING"]) == nil ? nil : try FeedbackCommand.signer(messaging)
                let reads = files.map { FeedbackReader.read(path: $0, now: now(), signer: signer) }
                let results = try await MessagingDesk.with(options) { desk in
                    var results: [(kind: String, outcome: MessageRepository.FeedbackOutcome?, problem: String?)] = []
                    for feedback in reads.flatMap(\.feedback) {
                        do {
                            results.append((feedback.kind.rawValue, try await desk.repository.apply(feedback), nil))
                        } catch let error as CrescendoError where error.code == .notFound {
                            results.append((feedback.kind.rawValue, nil, error.message))
                        }
                    }
                    return results
                }
                var kinds: [String: Int] = [:]
                for result in results where result.outcome != nil { kinds[result.kind, default: 0] += 1 }
                let skipped = reads.compactMap { read in read.skipped.map { (file: read.path, reason: $0) } }
                let unmatched = results.filter { $0.outcome?.message == nil }.count
                if options.json {
                    struct Skip: Encodable { var file: String; var reason: String }
                    struct Body: Encodable {
                        var files: Int; var applied: [String: Int]; var unmatched: Int; var suppressed: Int; var optedOut: Int; var skipped: [Skip]; var problems: [String]
                        enum CodingKeys: String, CodingKey { case files, applied, unmatched, suppressed, optedOut = "opted_out", skipped, problems }
                    }
                    Output.printJSON(Body(
                        files: files.count, applied: kinds, unmatched: unmatched, suppressed: results.filter { $0.outcome?.suppressed == true }.count,
                        optedOut: results.filter { $0.outcome?.optedOut == true }.count, skipped: skipped.map { Skip(file: $0.file, reason: $0.reason) },
                        problems: results.compactMap(\.problem)))
                } else {
                    print("\(files.count) files: " + (kinds.isEmpty ? "no feedback" : kinds.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
                        + (unmatched > 0 ? "; \(unmatched) about no message of ours (applied to the address)" : ""))
                    for skip in skipped { print("skipped \(skip.file): \(skip.reason)") }
                    for problem in results.compactMap(\.problem) { print("not applied: \(problem)") }
                }
                return skipped.isEmpty && results.allSatisfy({ $0.problem == nil }) ? .success : .completedWithRejections
            }
        }
    }

    struct Callback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply SMS providers' delivery callbacks: one body per line (Twilio's form, or the webhook's JSON), from a file or - for standard input.",
            discussion: "Delivered marks the message delivered; failures are hard or soft bounces by the provider's error code (hard ones suppress the number, 3 soft in 30 days too). Lines that are not callbacks are listed with their line number and skipped (exit 3).")
        @Option(name: .long, help: "twilio or sms-webhook.") var provider: String
        @Argument var path: String
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                guard let kind = ProviderCallback.Provider(rawValue: provider) else {
                    throw CrescendoError(.invalidArgument, "--provider \(provider): must be \(ProviderCallback.Provider.allCases.map(\.rawValue).joined(separator: " or "))")
                }
                let text: String
                if path == "-" {
                    text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                } else {
                    do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
                        throw CrescendoError(.unreadableInput, "\(path): cannot read it (\(error.localizedDescription))")
                    }
                }
                let source = path == "-" ? "stdin" : path
                var feedback: [MessageRepository.Feedback] = []
                var skipped: [String] = []
                var ignored = 0
                for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                    do {
                        if let item = try ProviderCallback.feedback(kind, body: String(line), now: now()) { feedback.append(item) } else { ignored += 1 }
                    } catch {
                        skipped.append("\(source) line \(index + 1): \(error)")
                    }
                }
                let parsed = feedback
                let outcomes = try await MessagingDesk.with(options) { desk in
                    var outcomes: [(kind: String, outcome: MessageRepository.FeedbackOutcome)] = []
                    for item in parsed { outcomes.append((item.kind.rawValue, try await desk.repository.apply(item))) }
                    return outcomes
                }
                var applied: [String: Int] = [:]
                for outcome in outcomes { applied[outcome.kind, default: 0] += 1 }
                let unmatched = outcomes.filter { $0.outcome.message == nil }.count
                if options.json {
                    struct Body: Encodable {
                        var applied: [String: Int]; var ignored: Int; var unmatched: Int; var suppressed: Int; var skipped: [String]
                    }
                    Output.printJSON(Body(applied: applied, ignored: ignored, unmatched: unmatched, suppressed: outcomes.filter(\.outcome.suppressed).count, skipped: skipped))
                } else {
                    print((applied.isEmpty ? "no feedback" : applied.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
                        + "; \(ignored) status(es) on the way ignored" + (unmatched > 0 ? "; \(unmatched) about no message of ours" : ""))
                    for line in skipped { print("skipped \(line)") }
                }
                return skipped.isEmpty ? .success : .completedWithRejections
            }
        }
    }

    struct Unsubscribe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply a one-click unsubscribe link (what the List-Unsubscribe POST or the link in a message carries).",
            discussion: "The link's signature is checked with the messaging configuration's secret; a changed or forged link is refused (exit 4).")
        @Argument var url: String
        @Option(name: .long, help: "The messaging configuration (default $CRESCENDO_MESSAGING).") var messaging: String?
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                let signer = try FeedbackCommand.signer(messaging)
                guard url.hasPrefix(signer.baseURL), let id = signer.verify(url: url, action: "unsubscribe") else {
                    throw CrescendoError(.invalidArgument, "the unsubscribe link is not one of ours or was changed: refused")
                }
                let outcome = try await MessagingDesk.with(options) { desk in
                    try await desk.repository.apply(.init(kind: .unsubscribe, messageID: id, at: now(), source: "one-click link"))
                }
                if options.json { Output.printJSON(outcome) } else {
                    print(outcome.optedOut ? "message \(id): its recipient is opted out of marketing email" : "message \(id): no profile to opt out")
                }
                return .success
            }
        }
    }
}
