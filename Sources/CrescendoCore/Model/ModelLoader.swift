import Foundation
import Yams

/// Reads a data model from its YAML text and validates it, collecting every problem (with the line
/// and the entity/field it concerns) so that a user fixes the file in one pass rather than one error
/// at a time.
public struct ModelLoader: Sendable {
    /// Names the file in error messages.
    public var sourceName: String

    public init(sourceName: String = "model.yaml") {
        self.sourceName = sourceName
    }

    public func load(contentsOf path: String) throws(CrescendoError) -> DataModel {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CrescendoError(.unreadableInput, "\(path): cannot read the model file", cause: error)
        }
        return try ModelLoader(sourceName: path).load(yaml: text)
    }

    public func load(yaml text: String) throws(CrescendoError) -> DataModel {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw CrescendoError(.invalidModel, "\(sourceName): not valid YAML: \(Self.describe(error))")
        } catch {
            throw CrescendoError(.invalidModel, "\(sourceName): not valid YAML: \(error)")
        }
        var reader = Reader()
        guard let root, case .mapping(let top) = root else {
            throw CrescendoError(.invalidModel, "\(sourceName): the model must be a mapping with `entities:`")
        }
        let model = reader.readModel(top, at: root)
        var problems = reader.problems
        if let model {
            var validator = ModelValidator(model: model, marks: reader.marks)
            problems += validator.validate()
        }
        guard problems.isEmpty, let model else {
            let count = problems.count
            let lines = problems.map { "  \($0)" }.joined(separator: "\n")
            throw CrescendoError(
                .invalidModel,
                "\(sourceName): \(count) problem\(count == 1 ? "" : "s"):\n\(lines)"
            )
        }
        return model
    }

    static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return "line \(mark.line), column \(mark.column): \(problem)"
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Its context text is the whole document: keep only where.
            let keys = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
            return "line \(context.mark.line), column \(context.mark.column): \(keys) written twice in the same mapping"
        default:
            return "\(error)"
        }
    }
}

/// One thing wrong with a model file.
public struct ModelProblem: Sendable, CustomStringConvertible, Equatable {
    public var line: Int?
    /// Where in the model: "entity reservation, field check_in".
    public var place: String
    public var message: String

    public var description: String {
        let prefix = line.map { "line \($0): " } ?? ""
        return place.isEmpty ? "\(prefix)\(message)" : "\(prefix)\(place): \(message)"
    }
}

/// Where each named part of the model was written, so that semantic problems found after parsing
/// still point at a line.
struct ModelMarks: Sendable {
    var entities: [String: Int] = [:]
    var fields: [String: Int] = [:]  // "entity.field"
    var links: [String: Int] = [:]  // "entity.link"
}

/// Turns the YAML tree into model values, recording shape problems (wrong node kinds, unknown keys).
private struct Reader {
    var problems: [ModelProblem] = []
    var marks = ModelMarks()

    mutating func problem(_ node: Node?, _ place: String, _ message: String) {
        problems.append(ModelProblem(line: node?.mark?.line, place: place, message: message))
    }

    func pairs(_ mapping: Node.Mapping) -> [(String, Node, Node)] {
        mapping.map { ($0.key.string ?? "", $0.key, $0.value) }
    }

    mutating func unknownKeys(_ mapping: Node.Mapping, allowed: [String], place: String) {
        for (key, keyNode, _) in pairs(mapping) where !allowed.contains(key) {
            var message = "unknown key \"\(key)\""
            message += Spelling.hint(key, among: allowed)
            problem(keyNode, place, message + " (allowed: \(allowed.joined(separator: ", ")))")
        }
    }

    mutating func stringList(_ node: Node, place: String, what: String) -> [String]? {
        switch node {
        case .scalar(let scalar):
            return [scalar.string]
        case .sequence(let sequence):
            var result: [String] = []
            for item in sequence {
                guard case .scalar(let scalar) = item else {
                    problem(item, place, "\(what) must be a list of names")
                    return nil
                }
                result.append(scalar.string)
            }
            return result
        default:
            problem(node, place, "\(what) must be a name or a list of names")
            return nil
        }
    }

    mutating func readModel(_ top: Node.Mapping, at root: Node) -> DataModel? {
        unknownKeys(top, allowed: ["profile", "time_zone", "entities", "guardrails"], place: "")
        var guardrails = Guardrails.defaults
        if let node = top["guardrails"] {
            if case .mapping(let limits) = node {
                unknownKeys(limits, allowed: ["max_entities", "max_fields_per_entity"], place: "guardrails")
                if let value = limits["max_entities"] {
                    if let number = value.int, number > 0 { guardrails.maxEntities = number } else { problem(value, "guardrails", "max_entities must be a positive whole number") }
                }
                if let value = limits["max_fields_per_entity"] {
                    if let number = value.int, number > 0 { guardrails.maxFieldsPerEntity = number } else { problem(value, "guardrails", "max_fields_per_entity must be a positive whole number") }
                }
            } else {
                problem(node, "guardrails", "must be a mapping")
            }
        }
        var timeZone = "UTC"
        if let node = top["time_zone"] {
            if let name = node.string, TimeZone(identifier: name) != nil {
                timeZone = name
            } else {
                problem(node, "time_zone", "\"\(node.string ?? "")\" is not an IANA time zone name (e.g. Europe/Lisbon)")
            }
        }
        guard let entitiesNode = top["entities"] else {
            problem(root, "", "missing `entities:`")
            return nil
        }
        guard case .mapping(let entityMap) = entitiesNode else {
            problem(entitiesNode, "entities", "must be a mapping of entity names to their definitions")
            return nil
        }
        var entities: [Entity] = []
        for (name, keyNode, body) in pairs(entityMap) {
            marks.entities[name] = keyNode.mark?.line
            if let entity = readEntity(name, body) { entities.append(entity) }
        }
        return DataModel(profileEntity: top["profile"]?.string, timeZone: timeZone, entities: entities, guardrails: guardrails)
    }

    mutating func readEntity(_ name: String, _ node: Node) -> Entity? {
        let place = "entity \(name)"
        guard case .mapping(let body) = node else {
            problem(node, place, "must be a mapping with key, version and fields")
            return nil
        }
        unknownKeys(body, allowed: ["key", "version", "fields", "indexes", "links"], place: place)
        var key: [String] = []
        if let keyNode = body["key"] {
            key = stringList(keyNode, place: place, what: "key") ?? []
        } else {
            problem(node, place, "missing `key:` (the primary key field, or a list of them)")
        }
        var version = ""
        if let versionNode = body["version"] {
            version = versionNode.string ?? ""
        } else {
            problem(node, place, "missing `version:` (a timestamp or integer field that orders changes)")
        }
        var fields: [Field] = []
        if let fieldsNode = body["fields"], case .mapping(let fieldMap) = fieldsNode {
            for (fieldName, keyNode, fieldBody) in pairs(fieldMap) {
                marks.fields["\(name).\(fieldName)"] = keyNode.mark?.line
                if let field = readField(fieldName, fieldBody, entity: name) { fields.append(field) }
            }
        } else {
            problem(body["fields"] ?? node, place, "missing `fields:` (a mapping of field names to types)")
        }
        var indexes: [[String]] = []
        if let indexesNode = body["indexes"] {
            if case .sequence(let list) = indexesNode {
                for item in list {
                    if let fields = stringList(item, place: place, what: "an index") { indexes.append(fields) }
                }
            } else {
                problem(indexesNode, place, "indexes must be a list (each a field or a list of fields)")
            }
        }
        var links: [Link] = []
        if let linksNode = body["links"] {
            if case .mapping(let linkMap) = linksNode {
                for (linkName, keyNode, linkBody) in pairs(linkMap) {
                    marks.links["\(name).\(linkName)"] = keyNode.mark?.line
                    if let link = readLink(linkName, linkBody, entity: name) { links.append(link) }
                }
            } else {
                problem(linksNode, place, "links must be a mapping of link names to {to, by, reverse}")
            }
        }
        return Entity(name: name, key: key, version: version, fields: fields, indexes: indexes, links: links)
    }

    mutating func readField(_ name: String, _ node: Node, entity: String) -> Field? {
        let place = "entity \(entity), field \(name)"
        let typeName: String
        var field = Field(name: name, type: .string)
        switch node {
        case .scalar(let scalar):
            typeName = scalar.string
        case .mapping(let body):
            unknownKeys(body, allowed: ["type", "nullable", "default", "values", "index"], place: place)
            guard let type = body["type"]?.string else {
                problem(node, place, "missing `type:`")
                return nil
            }
            typeName = type
            if let value = body["nullable"] {
                if let flag = value.bool { field.nullable = flag } else { problem(value, place, "nullable must be true or false") }
            }
            if let value = body["index"] {
                if let flag = value.bool { field.indexed = flag } else { problem(value, place, "index must be true or false") }
            }
            if let value = body["default"] {
                field.defaultValue = value.string
            }
            if let value = body["values"] {
                field.values = stringList(value, place: place, what: "values") ?? []
            }
        default:
            problem(node, place, "must be a type name or a mapping with `type:`")
            return nil
        }
        guard let type = FieldType(rawValue: typeName) else {
            var message = "unknown type \"\(typeName)\""
            if let guess = Spelling.suggest(typeName, among: FieldType.allCases.map(\.rawValue)) {
                message += " — did you mean \"\(guess)\"?"
            }
            problem(node, place, message + " (types: \(FieldType.allCases.map(\.rawValue).joined(separator: ", ")))")
            return nil
        }
        field.type = type
        return field
    }

    mutating func readLink(_ name: String, _ node: Node, entity: String) -> Link? {
        let place = "entity \(entity), link \(name)"
        guard case .mapping(let body) = node else {
            problem(node, place, "must be a mapping like {to: hotel, by: hotel_id, reverse: reservations}")
            return nil
        }
        unknownKeys(body, allowed: ["to", "by", "reverse", "kind"], place: place)
        guard let target = body["to"]?.string else {
            problem(node, place, "missing `to:` (the linked entity)")
            return nil
        }
        guard let byNode = body["by"], let fields = stringList(byNode, place: place, what: "by") else {
            problem(node, place, "missing `by:` (the field, or fields, holding the linked entity's key)")
            return nil
        }
        var kind = Link.Kind.manyToOne
        if let kindNode = body["kind"] {
            if let parsed = kindNode.string.flatMap(Link.Kind.init(rawValue:)) { kind = parsed } else {
                problem(kindNode, place, "kind must be many-to-one or one-to-one")
            }
        }
        return Link(name: name, target: target, fields: fields, reverse: body["reverse"]?.string, kind: kind)
    }
}
