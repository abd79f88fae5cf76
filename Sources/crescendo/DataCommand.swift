import ArgumentParser
import CrescendoApp
import CrescendoCore
import Foundation

struct DataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Look at stored rows.",
        subcommands: [Count.self, Get.self]
    )

    struct Count: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Count the rows of an entity.")

        @Argument(help: "The entity.") var entity: String
        @OptionGroup var options: StoreOptions

        func run() async throws {
            struct Report: Encodable { var entity: String; var count: Int }
            try await reporting(json: options.json) {
                let report = try await Workspace.withStore(try options.location()) { store in
                    let model = try await Workspace.requireModel(store).model
                    let entity = try model.requireEntity(self.entity)
                    return Report(entity: entity.name, count: try await store.count(entity))
                }
                if options.json { Output.printJSON(report) } else { print(report.count) }
                return .success
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one row by its key (several values for a composite key, in key order).")

        @Argument(help: "The entity.") var entity: String
        @Argument(help: "The key value(s).") var key: [String]
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                let lookup = try await Workspace.withStore(try options.location()) { store in
                    try await RowLookup.find(entity: entity, key: key, in: store)
                }
                switch lookup {
                case .found(let row):
                    if options.json { Output.printJSON(row.fields) } else { print(row.text) }
                    return .success
                case .absent(let message):
                    if options.json { Output.printJSON(["error": ["code": "not_found", "message": message]]) } else { Output.printError(message) }
                    return .notFound
                }
            }
        }
    }
}
