import CrescendoCore

/// `model apply` and `model show` results, for tables and `--json`.
public struct ModelApplyReport: Sendable, Codable {
    public var version: Int
    public var changed: Bool
    public var steps: [String]
    public var destructive: [String]

    public init(_ outcome: MigrationOutcome) {
        version = outcome.version
        changed = outcome.changed
        steps = outcome.plan.orderedSteps.map(\.description)
        destructive = outcome.plan.destructiveSteps.map(\.description)
    }

    public var text: String {
        guard changed else { return "the model is unchanged (version \(version))" }
        return (["model version \(version) applied:"] + steps.map { "  - \($0)" }).joined(separator: "\n")
    }
}

public struct ModelShowReport: Sendable, Encodable {
    public var version: Int
    public var appliedAt: String
    public var model: DataModel

    enum CodingKeys: String, CodingKey { case version, appliedAt = "applied_at", model }

    public init(_ applied: AppliedModel) {
        version = applied.version
        appliedAt = applied.appliedAt
        model = applied.model
    }

    public var text: String {
        var lines = ["model version \(version), applied \(appliedAt); profile entity: \(model.profileEntity ?? "none"); time zone \(model.timeZone)"]
        for entity in model.entities {
            lines.append("")
            lines.append("\(entity.name)  key (\(entity.key.joined(separator: ", ")))  version \(entity.version)")
            let rows = entity.fields.map { field -> [String] in
                var type = field.type.rawValue
                if field.type == .enumeration { type += " [\(field.values.joined(separator: ", "))]" }
                var notes: [String] = []
                if field.nullable { notes.append("nullable") }
                if let value = field.defaultValue { notes.append("default \(value)") }
                if field.indexed { notes.append("indexed") }
                return ["  \(field.name)", type, notes.joined(separator: ", ")]
            }
            lines.append(Output.table(["  field", "type", ""], rows))
            for link in entity.links {
                let kind = link.kind == .oneToOne ? "1-1" : "N-1"
                lines.append("  link \(link.name) → \(link.target) by \(link.fields.joined(separator: ", ")) (\(kind))\(link.reverse.map { ", reverse \(link.target).\($0)" } ?? "")")
            }
            for reverse in model.reverseLinks(of: entity.name) {
                lines.append("  reverse \(reverse.name) ← \(reverse.source).\(reverse.link.name) (\(reverse.isToMany ? "1-N" : "1-1"))")
            }
        }
        return lines.joined(separator: "\n")
    }
}
