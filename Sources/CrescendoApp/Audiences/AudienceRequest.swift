import CrescendoCore
import Foundation

/// What an audience command was asked, before it meets a store: the rule (text, a file, or the JSON
/// form), the dimension change, the variables and the clock.
public struct AudienceRequest: Sendable {
    public var entity: String?
    public var ruleText: String?
    public var ruleFile: String?
    public var ruleJSONFile: String?
    public var dimension: String?
    public var audience: String?
    /// `name=value` pairs.
    public var variables: [String]
    /// An ISO 8601 time to evaluate relative dates at, instead of now (reproducible runs).
    public var now: String?
    /// Overrides the model's time zone for `today()` and friends.
    public var timeZone: String?

    public init(
        entity: String? = nil, ruleText: String? = nil, ruleFile: String? = nil, ruleJSONFile: String? = nil, dimension: String? = nil,
        audience: String? = nil, variables: [String] = [], now: String? = nil, timeZone: String? = nil
    ) {
        self.entity = entity
        self.ruleText = ruleText
        self.ruleFile = ruleFile
        self.ruleJSONFile = ruleJSONFile
        self.dimension = dimension
        self.audience = audience
        self.variables = variables
        self.now = now
        self.timeZone = timeZone
    }

    /// The rule, from whichever of text, file or JSON file was given (at most one).
    public func rule() throws -> RuleExpression? {
        let given = [ruleText, ruleFile, ruleJSONFile].compactMap { $0 }
        guard given.count <= 1 else { throw CrescendoError(.invalidArgument, "give the rule once: --where, --where-file or --where-json") }
        if let ruleText { return try RuleParser.parse(ruleText) }
        if let ruleFile { return try RuleParser.parse(try Self.read(ruleFile)) }
        if let ruleJSONFile { return try RuleExpression.fromJSON(Data(try Self.read(ruleJSONFile).utf8)) }
        return nil
    }

    static func read(_ path: String) throws -> String {
        if path == "-" { return String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) }
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CrescendoError(.unreadableInput, "cannot read \(path): \((error as NSError).localizedDescription)")
        }
    }

    /// The population asked for: `--on`/`--where`/`--to`, or nil with `--audience`.
    public func spec() throws -> PopulationSpec? {
        let rule = try rule()
        if audience != nil {
            guard entity == nil, rule == nil, dimension == nil else {
                throw CrescendoError(.invalidArgument, "--audience reads a saved audience; it does not combine with --on, --where or --to")
            }
            return nil
        }
        guard let entity else { throw CrescendoError(.invalidArgument, "say which rows: --on ENTITY (or --audience NAME)") }
        return PopulationSpec(entity: entity, rule: rule, dimension: dimension)
    }

    public func environment(for model: DataModel) throws -> RuleEnvironment {
        var environment = RuleEnvironment.current(for: model)
        if let timeZone {
            guard let zone = TimeZone(identifier: timeZone) else {
                throw CrescendoError(.invalidArgument, "--time-zone \(timeZone) is not a time zone name (e.g. Europe/Lisbon)")
            }
            environment.timeZone = zone
        }
        if let now {
            guard let micros = ValueParser(timeZone: environment.timeZone).parseTimestamp(now) else {
                throw CrescendoError(.invalidArgument, "--now \(now) is not an ISO 8601 time (e.g. 2026-11-30T09:00:00Z)")
            }
            environment.now = micros
        }
        for pair in variables {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw CrescendoError(.invalidArgument, "--var \(pair): expected NAME=VALUE")
            }
            let name = String(pair[..<equals]).trimmingCharacters(in: .whitespaces)
            let value = String(pair[pair.index(after: equals)...])
            guard name.hasPrefix("$") ? DataModel.isSafeIdentifier(String(name.dropFirst())) : DataModel.isSafeIdentifier(name) else {
                throw CrescendoError(.invalidArgument, "--var \(pair): \(name) is not a variable name (letters, digits and _)")
            }
            environment.variables[name.hasPrefix("$") ? String(name.dropFirst()) : name] = .text(value)
        }
        return environment
    }

    /// Opens the population: the spec bound against the model, or the saved audience.
    public func population(in workbench: AudienceWorkbench) async throws -> BoundPopulation {
        if let spec = try spec() { return try await workbench.bind(spec) }
        return try await workbench.population(ofAudience: audience!)
    }
}
