import ArgumentParser
import CrescendoApp
import CrescendoCore
import Foundation

@main
struct Crescendo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crescendo",
        abstract: "Campaign orchestration on your own relational data.",
        discussion: "The store is --store, else $CRESCENDO_STORE, else sqlite:crescendo.db in the current folder.",
        subcommands: [ModelCommand.self, IngestCommand.self, DataCommand.self, AudienceCommand.self, CampaignCommand.self, WorkerCommand.self, ConsentCommand.self, SuppressionCommand.self, FeedbackCommand.self, SampleCommand.self, DemoCommand.self]
    )
}

/// Options every command that touches a workspace shares.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "sqlite:PATH or postgres://user:password@host:port/database (default: $CRESCENDO_STORE or sqlite:crescendo.db)")
    var store: String?

    @Flag(name: .long, help: "Print the result as JSON for scripts.")
    var json = false

    func location(default fallback: String? = nil) throws -> StoreLocation {
        try StoreLocation.resolve(store ?? (ProcessInfo.processInfo.environment[StoreLocation.environmentVariable] == nil ? fallback : nil))
    }
}

/// Runs a command body, turning Crescendo errors into a message (or JSON) and a meaningful exit code.
func reporting(json: Bool, _ body: () async throws -> ExitStatus) async throws {
    let status: ExitStatus
    do {
        status = try await body()
    } catch let error as CrescendoError {
        if json { print(Output.errorJSON(error)) } else { Output.printError(error.description) }
        throw ExitCode(ExitStatus(for: error).rawValue)
    } catch let error as ExitCode {
        throw error
    } catch {
        // Anything the store or a library threw without a Crescendo code is still reported the same way.
        let wrapped = CrescendoError(.storeFailure, "\(error)")
        if json { print(Output.errorJSON(wrapped)) } else { Output.printError(wrapped.description) }
        throw ExitCode(ExitStatus(for: wrapped).rawValue)
    }
    if status != .success { throw ExitCode(status.rawValue) }
}
