/// What a population carries: rows of one entity (its key columns `k0…`), and the attributes
/// activities added on the way (enrichment aliases), by name.
public struct PopulationShape: Sendable, Hashable, Codable {
    public var entity: String
    public var attributes: [PopulationAttribute]

    public init(entity: String, attributes: [PopulationAttribute] = []) {
        self.entity = entity
        self.attributes = attributes
    }

    /// The attribute types by name, for rules that use them (`RuleEnvironment.attributes`).
    public var attributeTypes: [String: FieldType] {
        Dictionary(attributes.map { ($0.name, $0.type) }, uniquingKeysWith: { a, _ in a })
    }

    /// The rows of a loaded file, not yet reconciled with an entity: the key `k0` is the line.
    public static let fileEntity = "@file"

    public var isFile: Bool { entity == Self.fileEntity }

    func keyColumns(_ model: DataModel) -> [String] {
        if isFile { return ["k0"] }
        return (model.entity(named: entity)?.key ?? []).indices.map { "k\($0)" }
    }
}

public struct PopulationAttribute: Sendable, Hashable, Codable {
    public var name: String
    public var type: FieldType

    public init(name: String, type: FieldType) {
        self.name = name
        self.type = type
    }

    /// Attribute names become column names: letters, digits and `_`, not the key columns' `k0…`
    /// nor the `crescendo_` prefix the executor uses for its own columns.
    public static func isValidName(_ name: String) -> Bool {
        name.range(of: "^[a-z_][a-z0-9_]{0,62}$", options: .regularExpression) != nil
            && name.range(of: "^k[0-9]+$", options: .regularExpression) == nil
            && !name.hasPrefix("crescendo_")
    }
}

/// An activity's output: the work table holding its rows, or none (a start, a branch that ended).
public struct WorkTable: Sendable, Hashable, Codable {
    public var name: String
    public var shape: PopulationShape

    public init(name: String, shape: PopulationShape) {
        self.name = name
        self.shape = shape
    }

    /// Work table names are built from numbers only, so they never carry user text into SQL.
    public static func name(execution: Int64, activity: Int, output: Int) -> String {
        "crescendo_w\(execution)_\(activity)_\(output)"
    }
}

import Foundation
