import Foundation

/// The semantic checks of a data model: names, keys, versions, links, defaults and guardrails.
struct ModelValidator {
    let model: DataModel
    let marks: ModelMarks
    var problems: [ModelProblem] = []

    init(model: DataModel, marks: ModelMarks) {
        self.model = model
        self.marks = marks
    }

    /// Words of the rule language; a field or link named like one would make rules ambiguous.
    static let reservedWords: Set<String> = [
        "and", "or", "not", "in", "is", "null", "true", "false", "between", "like", "ilike", "exists",
        "where", "count", "sum", "avg", "min", "max", "distinct", "audience", "starts", "with", "contains",
        "today", "now", "select", "from", "as", "on", "join", "order", "group", "by", "having", "limit",
    ]

    private mutating func add(_ line: Int?, _ place: String, _ message: String) {
        problems.append(ModelProblem(line: line, place: place, message: message))
    }

    private mutating func checkName(_ name: String, what: String, line: Int?, place: String) {
        if !DataModel.isSafeIdentifier(name) {
            add(line, place, "\(what) name \"\(name)\" is not a safe identifier (lowercase letters, digits and _, starting with a letter, at most 63 characters)")
        } else if name.hasPrefix("crescendo_") {
            add(line, place, "\(what) name \"\(name)\" uses the prefix crescendo_, which is reserved for the engine's own tables")
        } else if Self.reservedWords.contains(name) {
            add(line, place, "\(what) name \"\(name)\" is a word of the rule language; choose another name")
        }
    }

    mutating func validate() -> [ModelProblem] {
        let guardrails = model.guardrails
        if model.entities.isEmpty { add(nil, "entities", "the model has no entities") }
        if model.entities.count > guardrails.maxEntities {
            add(nil, "entities", "\(model.entities.count) entities exceed the guardrail of \(guardrails.maxEntities) (raise guardrails.max_entities to allow more)")
        }
        if let profile = model.profileEntity, model.entity(named: profile) == nil {
            var message = "profile entity \"\(profile)\" is not defined"
            message += Spelling.hint(profile, among: model.entities.map(\.name))
            add(nil, "profile", message)
        }
        for entity in model.entities { validate(entity) }
        for entity in model.entities { validateLinks(of: entity) }
        return problems
    }

    private mutating func validate(_ entity: Entity) {
        let line = marks.entities[entity.name]
        let place = "entity \(entity.name)"
        checkName(entity.name, what: "entity", line: line, place: place)
        if entity.fields.count > model.guardrails.maxFieldsPerEntity {
            add(line, place, "\(entity.fields.count) fields exceed the guardrail of \(model.guardrails.maxFieldsPerEntity) (raise guardrails.max_fields_per_entity to allow more)")
        }
        let parser = ValueParser(timeZone: TimeZone(identifier: model.timeZone) ?? TimeZone(identifier: "UTC")!)
        for field in entity.fields {
            let fieldLine = marks.fields["\(entity.name).\(field.name)"]
            let fieldPlace = "\(place), field \(field.name)"
            checkName(field.name, what: "field", line: fieldLine, place: fieldPlace)
            if field.type == .enumeration {
                if field.values.isEmpty { add(fieldLine, fieldPlace, "an enum needs `values: [...]`") }
                if Set(field.values).count != field.values.count { add(fieldLine, fieldPlace, "enum values are listed twice") }
            } else if !field.values.isEmpty {
                add(fieldLine, fieldPlace, "`values` applies to enum fields only")
            }
            if let text = field.defaultValue, case .failure(let problem) = parser.parse(text, for: field) {
                add(fieldLine, fieldPlace, "default \(problem.reason)")
            }
        }
        if entity.key.isEmpty { add(line, place, "the key names no field") }
        for keyName in entity.key {
            guard let field = entity.field(named: keyName) else {
                add(line, place, "key field \"\(keyName)\" is not among the fields\(suggestion(keyName, entity))")
                continue
            }
            if field.nullable { add(marks.fields["\(entity.name).\(keyName)"], "\(place), field \(keyName)", "a key field cannot be nullable") }
            if !field.type.canKey { add(marks.fields["\(entity.name).\(keyName)"], "\(place), field \(keyName)", "a \(field.type.rawValue) field cannot be part of a key") }
        }
        if Set(entity.key).count != entity.key.count { add(line, place, "the key lists a field twice") }
        if entity.version.isEmpty {
            // Reported by the reader already.
        } else if let field = entity.field(named: entity.version) {
            if !field.type.canVersion { add(marks.fields["\(entity.name).\(field.name)"], place, "the version field \"\(field.name)\" must be a timestamp or an integer, not \(field.type.rawValue)") }
            if field.nullable { add(marks.fields["\(entity.name).\(field.name)"], place, "the version field \"\(field.name)\" cannot be nullable") }
            if entity.key.contains(field.name) { add(line, place, "the version field cannot be part of the key") }
        } else {
            add(line, place, "version field \"\(entity.version)\" is not among the fields\(suggestion(entity.version, entity))")
        }
        for index in entity.indexes {
            for name in index where entity.field(named: name) == nil {
                add(line, place, "index field \"\(name)\" is not among the fields\(suggestion(name, entity))")
            }
        }
    }

    private func suggestion(_ name: String, _ entity: Entity) -> String {
        Spelling.hint(name, among: entity.fields.map(\.name))
    }

    private mutating func validateLinks(of entity: Entity) {
        let fieldNames = Set(entity.fields.map(\.name))
        var linkNames: Set<String> = []
        for link in entity.links {
            let line = marks.links["\(entity.name).\(link.name)"]
            let place = "entity \(entity.name), link \(link.name)"
            checkName(link.name, what: "link", line: line, place: place)
            if fieldNames.contains(link.name) { add(line, place, "a field of \(entity.name) has the same name as this link") }
            if !linkNames.insert(link.name).inserted { add(line, place, "the link is defined twice") }
            guard let target = model.entity(named: link.target) else {
                var message = "links to \"\(link.target)\", which is not an entity of the model"
                message += Spelling.hint(link.target, among: model.entities.map(\.name))
                add(line, place, message)
                continue
            }
            if link.fields.count != target.key.count {
                add(line, place, "`by` names \(link.fields.count) field(s) but \(target.name)'s key has \(target.key.count)")
            }
            for (name, keyName) in zip(link.fields, target.key) {
                guard let field = entity.field(named: name) else {
                    add(line, place, "`by` field \"\(name)\" is not among the fields of \(entity.name)\(suggestion(name, entity))")
                    continue
                }
                if let keyField = target.field(named: keyName), !(field.type == keyField.type || (field.type.widens(to: keyField.type) && keyField.type.widens(to: field.type)) || Set([field.type, keyField.type]).isSubset(of: [.string, .enumeration, .email, .phone])) {
                    add(line, place, "`by` field \"\(name)\" is \(field.type.rawValue) but \(target.name).\(keyName) is \(keyField.type.rawValue)")
                }
            }
            if let reverse = link.reverse {
                checkName(reverse, what: "reverse", line: line, place: place)
                if target.field(named: reverse) != nil || target.link(named: reverse) != nil {
                    add(line, place, "reverse name \"\(reverse)\" is already a field or link of \(target.name)")
                }
                let sameReverse = model.reverseLinks(of: target.name).filter { $0.name == reverse }
                if sameReverse.count > 1, sameReverse.first?.source == entity.name, sameReverse.first?.link.name == link.name {
                    let others = sameReverse.dropFirst().map { "\($0.source).\($0.link.name)" }.joined(separator: ", ")
                    add(line, place, "reverse name \"\(reverse)\" on \(target.name) is also used by \(others)")
                }
            }
        }
    }
}
