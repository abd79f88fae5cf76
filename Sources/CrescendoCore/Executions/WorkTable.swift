/// What a population carries: rows of one entity (its key columns `k0…`), and the attributes
/// activities added on the way (enrichment aliases), by name.
public struct PopulationShape: Sendable, Hashable, Codable {
    public var entity: String
    public var attributes: [PopulationAttribute]
    /// Fields of the entity copied into the work table when the population was targeted (column
    /// `crescendo_c<i>` holds `carried[i]`): later activities read them, and follow links from
    /// them, without joining the entity again, as a hand-written script carries a stay's guest
    /// and date forward instead of re-reading millions of stays at each step.
    public var carried: [String]

    public init(entity: String, attributes: [PopulationAttribute] = [], carried: [String] = []) {
        self.entity = entity
        self.attributes = attributes
        self.carried = carried
    }

    enum CodingKeys: String, CodingKey { case entity, attributes, carried }

    /// Records written before fields were carried decode as carrying none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        entity = try container.decode(String.self, forKey: .entity)
        attributes = try container.decode([PopulationAttribute].self, forKey: .attributes)
        carried = try container.decodeIfPresent([String].self, forKey: .carried) ?? []
    }

    /// The same rows without carried copies: what an activity passes on after time went by (a
    /// wait), so the ones after it read the entity's current values.
    public var withoutCarried: PopulationShape { PopulationShape(entity: entity, attributes: attributes) }

    /// The work table column holding each carried field, by field name.
    var carriedColumns: [(field: String, column: String)] {
        carried.enumerated().map { ($1, "crescendo_c\($0)") }
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
