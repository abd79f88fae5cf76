import ArgumentParser
import CrescendoApp
import CrescendoCore
import Foundation

struct ModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Apply and show the workspace's data model.",
        subcommands: [Apply.self, Show.self]
    )

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate a model YAML file and migrate the store to it.")

        @Argument(help: "The model YAML file.") var file: String
        @Flag(name: .long, help: "Allow changes that drop tables, columns or values.") var allowDestructive = false
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                let model = try ModelLoader().load(contentsOf: file)
                let source = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
                let report = try await Workspace.withStore(try options.location()) { store in
                    ModelApplyReport(try await store.apply(model, source: source, allowDestructive: allowDestructive))
                }
                if options.json { Output.printJSON(report) } else { print(report.text) }
                return .success
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the applied model: entities, fields, links both ways.")

        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await reporting(json: options.json) {
                let report = try await Workspace.withStore(try options.location()) { store in
                    ModelShowReport(try await Workspace.requireModel(store))
                }
                if options.json { Output.printJSON(report) } else { print(report.text) }
                return .success
            }
        }
    }
}
