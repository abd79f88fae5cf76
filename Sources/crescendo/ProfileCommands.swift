import ArgumentParser
import CrescendoApp
import CrescendoCore
import Foundation

extension MessagingDesk {
    static func with<T: Sendable>(_ options: StoreOptions, _ body: @Sendable (MessagingDesk) async throws -> T) async throws -> T {
        try await Workspace.withStore(try options.location()) { store in try await body(try await MessagingDesk.open(store)) }
    }

    var profile: Entity {
        get throws {
            guard let name = model.profileEntity, let entity = model.entity(named: name) else {
                throw CrescendoError(.unknownName, "the data model names no profile entity (`profile:` in the model file)")
            }
            return entity
        }
    }
}

func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

func channelArgument(_ text: String) throws -> Channel {
    guard let channel = Channel(rawValue: text) else {
        throw CrescendoError(.invalidArgument, "--channel \(text): not a channel\(Spelling.hint(text, among: Channel.allCases.map(\.rawValue))) (email, sms, push, direct-mail)")
    }
    return channel
}

struct ConsentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consent",
        abstract: "Consent per profile, channel and purpose: the record policies read at send time.",
        subcommands: [Import.self, Show.self, Set.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import consent records (CSV or JSON Lines): the profile key column(s), channel, status, and optionally purpose, changed_at, source.",
            discussion: "The whole file is checked first; one bad row refuses it. A record older than the one stored is ignored.")
        @Argument var file: String
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                let (read, changed) = try await MessagingDesk.with(options) { desk in
                    let records = try ProfileListImport.consent(path: file, profile: try desk.profile, now: now())
                    return (records.count, try await desk.repository.setConsent(records))
                }
                if options.json {
                    struct Body: Encodable { var file: String; var rows: Int; var changed: Int }
                    Output.printJSON(Body(file: file, rows: read, changed: changed))
                } else {
                    print("\(file): \(read) consent records read, \(changed) saved (\(read - changed) older than what is on record)")
                }
                return .success
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The consent records of one profile (its key values, in key order).")
        @Argument var key: [String]
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                let records = try await MessagingDesk.with(options) { desk in try await desk.repository.consent(profileKey: try desk.profileKey(key)) }
                if options.json { Output.printJSON(records) } else if records.isEmpty { print("no consent on record for \(key.joined(separator: " "))") } else {
                    print(Output.table(["channel", "purpose", "status", "changed", "source"], records.map { [$0.channel.rawValue, $0.purpose, $0.status.rawValue, CivilTime.iso8601(micros: $0.changedAt * 1_000_000), $0.source] }))
                }
                return .success
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record one person's consent (an opt-in or opt-out taken by a service agent, say).")
        @Argument var key: [String]
        @Option(name: .long, help: "email, sms, push or direct-mail") var channel: String
        @Option(name: .long, help: "opted_in or opted_out") var status: String
        @Option(name: .long, help: "The purpose (default marketing).") var purpose = "marketing"
        @Option(name: .long, help: "Where the consent was given.") var source = "cli"
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                guard let consent = ConsentStatus(rawValue: status) else { throw CrescendoError(.invalidArgument, "--status \(status): opted_in or opted_out") }
                let record = try await MessagingDesk.with(options) { desk in
                    let record = MessageRepository.ConsentRecord(profileKey: try desk.profileKey(key), channel: try channelArgument(channel), purpose: purpose, status: consent, changedAt: now(), source: source)
                    try await desk.repository.setConsent([record])
                    return record
                }
                if options.json { Output.printJSON(record) } else { print("\(key.joined(separator: " ")): \(record.channel.rawValue)/\(record.purpose) \(record.status.rawValue)") }
                return .success
            }
        }
    }
}

struct SuppressionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suppression",
        abstract: "Addresses never sent to: hard bounces, repeated soft bounces, complaints, manual entries.",
        subcommands: [Add.self, Remove.self, List.self, Import.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Suppress an address.")
        @Argument var address: String
        @Option(name: .long) var channel = "email"
        @Option(name: .long, help: "manual, hard_bounce, soft_bounces, complaint, unsubscribed, invalid_token") var reason = "manual"
        @Option(name: .long) var detail: String?
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                let channel = try channelArgument(channel)
                guard SendPolicy.isValid(address, channel: channel) else { throw CrescendoError(.invalidArgument, "\"\(address)\" is not a valid \(channel.rawValue) address") }
                guard SuppressionEntry.reasons.contains(reason) else { throw CrescendoError(.invalidArgument, "--reason \(reason): one of \(SuppressionEntry.reasons.joined(separator: ", "))") }
                let entry = SuppressionEntry(channel: channel, address: address, reason: reason, detail: detail, createdAt: now())
                try await MessagingDesk.with(options) { desk in _ = try await desk.repository.suppress([entry]) }
                if options.json { Output.printJSON(entry) } else { print("suppressed \(channel.rawValue) \(address) (\(reason))") }
                return .success
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take an address off the list (exit 8 when it was not on it).")
        @Argument var address: String
        @Option(name: .long) var channel = "email"
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                let channel = try channelArgument(channel)
                let removed = try await MessagingDesk.with(options) { desk in try await desk.repository.unsuppress(channel: channel, address: address) }
                guard removed else { throw CrescendoError(.notFound, "\(channel.rawValue) \(address) is not suppressed") }
                if options.json {
                    struct Body: Encodable { var channel: String; var address: String; var removed: Bool }
                    Output.printJSON(Body(channel: channel.rawValue, address: address, removed: true))
                } else { print("removed \(channel.rawValue) \(address) from the suppression list") }
                return .success
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The suppression list.")
        @Option(name: .long) var channel: String?
        @Option(name: .long) var limit: Int?
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                let channel = try channel.map(channelArgument)
                let entries = try await MessagingDesk.with(options) { desk in try await desk.repository.suppressions(channel: channel, limit: limit) }
                if options.json { Output.printJSON(entries) } else if entries.isEmpty { print("the suppression list is empty") } else {
                    print(Output.table(["channel", "address", "reason", "since", "detail"], entries.map { [$0.channel.rawValue, $0.address, $0.reason, CivilTime.iso8601(micros: $0.createdAt * 1_000_000), $0.detail ?? ""] }))
                }
                return .success
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import suppressed addresses (CSV or JSON Lines): address, and optionally channel, reason, detail, created_at.",
            discussion: "The whole file is checked first; one bad row refuses it.")
        @Argument var file: String
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                let count = try await MessagingDesk.with(options) { desk in try await desk.repository.suppress(try ProfileListImport.suppression(path: file, now: now())) }
                if options.json {
                    struct Body: Encodable { var file: String; var suppressed: Int }
                    Output.printJSON(Body(file: file, suppressed: count))
                } else { print("\(file): \(count) addresses suppressed") }
                return .success
            }
        }
    }
}
