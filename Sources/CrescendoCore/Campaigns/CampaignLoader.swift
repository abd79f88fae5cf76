import Foundation
import Yams

/// Reads a campaign file, YAML or its JSON form (JSON is read as the YAML it is), collecting every
/// problem with its line and activity rather than stopping at the first.
///
/// The format:
/// ```yaml
/// name: welcome
/// description: …
/// variables: {min_nights: {type: integer, default: "2"}}
/// schedule: {time_zone: Europe/Lisbon, daily: {at: ["09:00"]}}
/// triggers: {minimum_gap: 10m}
/// limits: {max_activities: 500, max_channel_activities: 10}
/// activities:                      # a mapping name → options, or a list with `name:`
///   start: {type: start}
///   guests: {type: build-audience, entity: profile, rule: "tier = 'gold'"}
///   done: {type: end}
/// transitions:                     # "from -> to", "from.output -> to", or {from, output, to}
///   - start -> guests
///   - guests -> done
/// ```
public struct CampaignLoader {
    public var sourceName: String

    public init(sourceName: String) {
        self.sourceName = sourceName
    }

    public static func load(path: String) throws(CrescendoError) -> (definition: CampaignDefinition, source: String) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CrescendoError(.unreadableInput, "\(path): cannot read the campaign file", cause: ErrorDescription(error))
        }
        return (try CampaignLoader(sourceName: path).load(text), text)
    }

    public func load(_ text: String) throws(CrescendoError) -> CampaignDefinition {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw CrescendoError(.invalidCampaign, "\(sourceName): not valid YAML or JSON: \(ModelLoader.describe(error))")
        } catch {
            throw CrescendoError(.invalidCampaign, "\(sourceName): not valid YAML or JSON: \(error)")
        }
        guard let root, case .mapping(let top) = root else {
            throw CrescendoError(.invalidCampaign, "\(sourceName): a campaign must be a mapping with `name:`, `activities:` and `transitions:`")
        }
        var reader = Reader()
        let definition = reader.read(top)
        guard reader.problems.isEmpty, let definition else { throw .invalidCampaign(sourceName, reader.problems) }
        return definition
    }

    struct Reader {
        var problems: [CampaignProblem] = []

        mutating func problem(_ node: Node?, _ activity: String?, _ message: String) {
            problems.append(CampaignProblem(line: node?.mark?.line, activity: activity, message))
        }

        mutating func unknownKeys(_ mapping: Node.Mapping, allowed: [String], activity: String?, place: String) {
            for (key, value) in mapping {
                let name = key.string ?? ""
                guard !allowed.contains(name) else { continue }
                _ = value
                let options = allowed.isEmpty ? "it takes no options" : "allowed: \(allowed.joined(separator: ", "))"
                problem(key, activity, "\(place)unknown key \"\(name)\"\(Spelling.hint(name, among: allowed)) (\(options))")
            }
        }

        mutating func read(_ top: Node.Mapping) -> CampaignDefinition? {
            unknownKeys(top, allowed: ["name", "description", "variables", "schedule", "triggers", "limits", "activities", "transitions"], activity: nil, place: "")
            let name = top["name"]?.string ?? ""
            if name.trimmingCharacters(in: .whitespaces).isEmpty { problem(top["name"], nil, "the campaign needs a `name:`") }
            var definition = CampaignDefinition(name: name, description: top["description"]?.string, activities: [], transitions: [])
            if let node = top["variables"] { definition.variables = variables(node) }
            if let node = top["schedule"] {
                do {
                    definition.schedule = try YAMLDecoder().decode(ScheduleSpec.self, from: node)
                } catch {
                    problem(node, nil, Self.describe(error))
                }
            }
            if let node = top["triggers"] {
                if case .mapping(let mapping) = node {
                    unknownKeys(mapping, allowed: ["minimum_gap"], activity: nil, place: "triggers: ")
                    if let gap = mapping["minimum_gap"] {
                        if let seconds = gap.string.flatMap(CampaignDuration.seconds) { definition.minimumTriggerGap = seconds } else { problem(gap, nil, "triggers.minimum_gap: \"\(gap.string ?? "")\" is not a duration such as 30s, 10m, 2h or 1d") }
                    }
                } else {
                    problem(node, nil, "triggers must be a mapping")
                }
            }
            if let node = top["limits"] {
                if case .mapping(let mapping) = node {
                    unknownKeys(mapping, allowed: ["max_activities", "max_channel_activities"], activity: nil, place: "limits: ")
                    if let value = mapping["max_activities"] {
                        if let number = value.int, number > 0 { definition.limits.maxActivities = number } else { problem(value, nil, "limits.max_activities must be a positive whole number") }
                    }
                    if let value = mapping["max_channel_activities"] {
                        if let number = value.int, number >= 0 { definition.limits.maxChannelActivities = number } else { problem(value, nil, "limits.max_channel_activities must be a whole number") }
                    }
                } else {
                    problem(node, nil, "limits must be a mapping")
                }
            }
            switch top["activities"] {
            case .mapping(let mapping)?:
                for (key, value) in mapping {
                    if let activity = activity(name: key.string ?? "", key: key, value) { definition.activities.append(activity) }
                }
            case .sequence(let sequence)?:
                for item in sequence {
                    guard case .mapping(let mapping) = item, let name = mapping["name"]?.string else {
                        problem(item, nil, "each activity in the list needs a `name:`")
                        continue
                    }
                    var rest = mapping
                    rest["name"] = nil
                    if let activity = activity(name: name, key: item, .mapping(rest)) { definition.activities.append(activity) }
                }
            case nil:
                problem(nil, nil, "the campaign needs `activities:`")
            default:
                problem(top["activities"], nil, "activities must be a mapping of names to options, or a list")
            }
            switch top["transitions"] {
            case .sequence(let sequence)?:
                for item in sequence { if let transition = transition(item) { definition.transitions.append(transition) } }
            case nil:
                problem(nil, nil, "the campaign needs `transitions:` (\"start -> audience\", …)")
            default:
                problem(top["transitions"], nil, "transitions must be a list such as [\"start -> audience\", \"split.vip -> email\"]")
            }
            return problems.isEmpty ? definition : nil
        }

        mutating func variables(_ node: Node) -> [CampaignVariable] {
            guard case .mapping(let mapping) = node else {
                problem(node, nil, "variables must be a mapping of names to a type or {type, default}")
                return []
            }
            var result: [CampaignVariable] = []
            for (key, value) in mapping {
                let name = key.string ?? ""
                guard name.range(of: "^[A-Za-z_][A-Za-z0-9_]*$", options: .regularExpression) != nil else {
                    problem(key, nil, "variable \"\(name)\": a name is letters, digits and _, starting with a letter")
                    continue
                }
                var typeName: String?
                var defaultValue: String?
                switch value {
                case .scalar(let scalar): typeName = scalar.string
                case .mapping(let options):
                    unknownKeys(options, allowed: ["type", "default"], activity: nil, place: "variable \(name): ")
                    typeName = options["type"]?.string
                    defaultValue = options["default"]?.string
                default: break
                }
                let allowed: [FieldType] = [.string, .integer, .decimal, .boolean, .date, .timestamp]
                guard let typeName, let type = FieldType(rawValue: typeName), allowed.contains(type) else {
                    problem(value, nil, "variable \(name): the type must be one of \(allowed.map(\.rawValue).joined(separator: ", "))\(typeName.map { Spelling.hint($0, among: allowed.map(\.rawValue)) } ?? "")")
                    continue
                }
                if let defaultValue, case .failure(let error) = ValueParser().parse(defaultValue, for: Field(name: name, type: type)) {
                    problem(value, nil, "variable \(name): the default \"\(defaultValue)\" is not \(type == .integer ? "an" : "a") \(type.rawValue): \(error)")
                }
                result.append(CampaignVariable(name: name, type: type, defaultValue: defaultValue))
            }
            return result
        }

        mutating func transition(_ node: Node) -> CampaignGraph.Transition? {
            switch node {
            case .scalar(let scalar):
                let parts = scalar.string.components(separatedBy: "->").map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                    problem(node, nil, "transition \"\(scalar.string)\" is not \"from -> to\" or \"from.output -> to\"")
                    return nil
                }
                // Activity names may contain dots only when no output is named; prefer the longest
                // activity-name reading at planning time, here split at the last dot.
                if let dot = parts[0].lastIndex(of: ".") {
                    return CampaignGraph.Transition(from: String(parts[0][..<dot]), output: String(parts[0][parts[0].index(after: dot)...]), to: parts[1])
                }
                return CampaignGraph.Transition(from: parts[0], to: parts[1])
            case .mapping(let mapping):
                unknownKeys(mapping, allowed: ["from", "output", "to"], activity: nil, place: "transition: ")
                guard let from = mapping["from"]?.string, let to = mapping["to"]?.string else {
                    problem(node, nil, "a transition needs `from:` and `to:`")
                    return nil
                }
                return CampaignGraph.Transition(from: from, output: mapping["output"]?.string ?? "out", to: to)
            default:
                problem(node, nil, "a transition is \"from -> to\" or {from, output, to}")
                return nil
            }
        }

        mutating func activity(name: String, key: Node, _ node: Node) -> CampaignActivity? {
            guard name.range(of: "^[A-Za-z0-9_][A-Za-z0-9_ -]*$", options: .regularExpression) != nil, name.count <= 100 else {
                problem(key, name, "an activity name is letters, digits, spaces, - and _ (at most 100 characters)")
                return nil
            }
            guard case .mapping(var options) = node else {
                problem(node, name, "options must be a mapping with `type:`")
                return nil
            }
            guard let type = options["type"]?.string else {
                problem(node, name, "needs a `type:` (one of \(ActivityKind.typeNames.joined(separator: ", ")))")
                return nil
            }
            options["type"] = nil
            let line = key.mark?.line
            func decode<T: Decodable>(_: T.Type, allowed: [String]) -> T? {
                unknownKeys(options, allowed: allowed, activity: name, place: "")
                do {
                    return try YAMLDecoder().decode(T.self, from: .mapping(options))
                } catch {
                    problem(node, name, Self.describe(error))
                    return nil
                }
            }
            func keys<K: CodingKey & CaseIterable>(_: K.Type) -> [String] { K.allCases.map(\.stringValue) }
            let kind: ActivityKind?
            switch type {
            case "start":
                unknownKeys(options, allowed: [], activity: name, place: "")
                kind = .start
            case "end": kind = decode(EndOptions.self, allowed: keys(EndOptions.CodingKeys.self)).map(ActivityKind.end)
            case "fork": kind = decode(ForkOptions.self, allowed: keys(ForkOptions.CodingKeys.self)).map(ActivityKind.fork)
            case "and-join": kind = decode(AndJoinOptions.self, allowed: keys(AndJoinOptions.CodingKeys.self)).map(ActivityKind.andJoin)
            case "wait": kind = decode(WaitOptions.self, allowed: keys(WaitOptions.CodingKeys.self)).map(ActivityKind.wait)
            case "test": kind = decode(TestOptions.self, allowed: keys(TestOptions.CodingKeys.self)).map(ActivityKind.test)
            case "alert": kind = decode(AlertOptions.self, allowed: keys(AlertOptions.CodingKeys.self)).map(ActivityKind.alert)
            case "build-audience": kind = decode(BuildAudienceOptions.self, allowed: keys(BuildAudienceOptions.CodingKeys.self)).map(ActivityKind.buildAudience)
            case "read-audience": kind = decode(ReadAudienceOptions.self, allowed: keys(ReadAudienceOptions.CodingKeys.self)).map(ActivityKind.readAudience)
            case "incremental-query": kind = decode(IncrementalQueryOptions.self, allowed: keys(IncrementalQueryOptions.CodingKeys.self)).map(ActivityKind.incrementalQuery)
            case "combine": kind = decode(CombineOptions.self, allowed: keys(CombineOptions.CodingKeys.self)).map(ActivityKind.combine)
            case "dedup": kind = decode(DedupOptions.self, allowed: keys(DedupOptions.CodingKeys.self)).map(ActivityKind.dedup)
            case "enrichment":
                var enrichment = decode(EnrichmentOptions.self, allowed: keys(EnrichmentOptions.CodingKeys.self))
                // Keep the aliases in the order written: the columns come out in that order.
                if case .mapping(let add)? = options["add"] {
                    enrichment?.add = KeyValueList(add.map { ($0.key.string ?? "", $0.value.string ?? "") })
                }
                kind = enrichment.map(ActivityKind.enrichment)
            case "split": kind = decode(SplitOptions.self, allowed: keys(SplitOptions.CodingKeys.self)).map(ActivityKind.split)
            case "change-dimension": kind = decode(ChangeDimensionOptions.self, allowed: keys(ChangeDimensionOptions.CodingKeys.self)).map(ActivityKind.changeDimension)
            case "save-audience": kind = decode(SaveAudienceOptions.self, allowed: keys(SaveAudienceOptions.CodingKeys.self)).map(ActivityKind.saveAudience)
            case "load-file":
                var load = decode(LoadFileOptions.self, allowed: keys(LoadFileOptions.CodingKeys.self))
                if case .mapping(let columns)? = options["columns"] {
                    load?.columns = KeyValueList(columns.map { ($0.key.string ?? "", $0.value.string ?? "") })
                }
                kind = load.map(ActivityKind.loadFile)
            case "reconciliation": kind = decode(ReconciliationOptions.self, allowed: keys(ReconciliationOptions.CodingKeys.self)).map(ActivityKind.reconciliation)
            default:
                if let channel = Channel(rawValue: type) {
                    kind = decode(ChannelOptions.self, allowed: keys(ChannelOptions.CodingKeys.self)).map { ActivityKind.channel(channel, $0) }
                } else {
                    problem(options.isEmpty ? node : key, name, "unknown type \"\(type)\"\(Spelling.hint(type, among: ActivityKind.typeNames)) (types: \(ActivityKind.typeNames.joined(separator: ", ")))")
                    kind = nil
                }
            }
            return kind.map { CampaignActivity(name: name, kind: $0, line: line) }
        }

        /// A decoding error as the field it is about and what is wrong.
        static func describe(_ error: any Error) -> String {
            func path(_ keys: [any CodingKey]) -> String {
                keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
            }
            switch error {
            case DecodingError.keyNotFound(let key, let context):
                let place = path(context.codingPath)
                return "\(place.isEmpty ? "" : place + ": ")needs `\(key.stringValue):`"
            case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
                return "\(path(context.codingPath)): \(context.debugDescription)"
            case DecodingError.dataCorrupted(let context):
                return "\(path(context.codingPath)): \(context.debugDescription)"
            case let error as CrescendoError:
                return error.message
            default:
                return "\(error)"
            }
        }
    }
}
