import Foundation

/// Everything that must hold before a campaign is published: the graph (names, wiring, no cycle,
/// start to end, guardrails), the schedule, the variables, and every activity's options bound
/// against the data model — rules and expressions type-checked, templates' fields known, inputs of
/// the same dimension where they meet. Each problem names its activity.
///
/// The activities are checked by building their statements without running them
/// (`ActivityRunner.dryRun`), so validation and execution cannot disagree.
public struct CampaignValidator: Sendable {
    public let store: any WorkspaceStore
    public let model: DataModel

    /// Checks a template's syntax (`part`, `text`) and returns the problem, if any. Rendering lives
    /// outside the core, so the app passes its template engine's check in.
    public var templateCheck: (@Sendable (_ part: String, _ text: String) -> String?)?

    public init(store: any WorkspaceStore, model: DataModel, templateCheck: (@Sendable (_ part: String, _ text: String) -> String?)? = nil) {
        self.templateCheck = templateCheck
        self.store = store
        self.model = model
    }

    /// A value of each variable for checking: its default, or a stand-in of its type.
    static func sampleVariables(_ definition: CampaignDefinition) -> [String: String] {
        var values: [String: String] = [:]
        for variable in definition.variables where variable.defaultValue == nil {
            switch variable.type {
            case .integer, .decimal: values[variable.name] = "0"
            case .boolean: values[variable.name] = "false"
            case .date: values[variable.name] = "2000-01-01"
            case .timestamp: values[variable.name] = "2000-01-01T00:00:00Z"
            default: values[variable.name] = "x"
            }
        }
        return values
    }

    public func problems(_ definition: CampaignDefinition) async -> [CampaignProblem] {
        var problems = definition.graph.problems(limits: definition.limits).map { CampaignProblem(line: $0.activity.flatMap { definition.activity(named: $0)?.line }, activity: $0.activity, $0.message) }
        if let schedule = definition.schedule {
            do {
                _ = try schedule.schedule()
            } catch {
                problems.append(CampaignProblem(error.message))
            }
        }
        let environment: RuleEnvironment
        do {
            environment = RuleEnvironment(
                now: Int64(Date().timeIntervalSince1970) * 1_000_000, timeZone: TimeZone(identifier: model.timeZone) ?? TimeZone(identifier: "UTC")!,
                variables: try ExecutionDriver.variables(Self.sampleVariables(definition), for: definition))
        } catch {
            problems.append(CampaignProblem(error.message))
            return problems
        }
        // Activity checks need a sound graph to walk.
        if let templateCheck {
            for activity in definition.activities {
                guard case .channel(_, let options) = activity.kind else { continue }
                for (part, text) in (options.content ?? [:]).sorted(by: { $0.key < $1.key }) {
                    if let message = templateCheck(part, text) {
                        problems.append(CampaignProblem(line: activity.line, activity: activity.name, "content.\(part): \(message)"))
                    }
                }
            }
        }
        guard problems.isEmpty else { return problems }
        let runner = ActivityRunner(store: store, model: model, definition: definition, execution: 0, environment: environment, dryRun: true)
        var machine = ExecutionMachine(definition: definition)
        var failed = false
        while !failed {
            let actions = machine.nextActions(now: 0)
            if actions.isEmpty || actions.contains(where: { if case .complete = $0 { true } else { false } }) { break }
            for action in actions {
                switch action {
                case .run(let name):
                    let activity = definition.activity(named: name)!
                    let inputs = machine.inputs(of: name).map { ActivityRunner.Input(transition: $0.transition, record: $0.record) }
                    do {
                        let outcome = try await runner.run(activity, inputs: inputs, now: 0)
                        var passed = outcome
                        passed.waitUntil = nil
                        machine.finished(name, outcome: passed, now: 0)
                    } catch let error as CrescendoError {
                        let prefix = "activity \"\(name)\": "
                        let message = error.message.hasPrefix(prefix) ? String(error.message.dropFirst(prefix.count)) : error.message
                        problems.append(CampaignProblem(line: activity.line, activity: name, message))
                        // Later activities depend on this one's output; carry on with what is independent.
                        machine.skipped(name)
                    } catch {
                        problems.append(CampaignProblem(line: activity.line, activity: name, "\(error)"))
                        machine.skipped(name)
                    }
                case .skip(let name): machine.skipped(name)
                case .endWait(let name): machine.finished(name, outcome: machine.outcomes[name] ?? ActivityOutcome(outputs: [:]), now: 0)
                case .sleep, .complete: failed = true
                case .fail: failed = true
                }
            }
        }
        return problems
    }

    /// Throws `invalid_campaign` with every problem.
    public func validate(_ definition: CampaignDefinition, source: String) async throws {
        let problems = await problems(definition)
        if !problems.isEmpty { throw CrescendoError.invalidCampaign(source, problems) }
    }
}
