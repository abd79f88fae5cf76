import Foundation
import Testing

@testable import CrescendoCore
import CrescendoSample

/// Reading campaign files: both forms of `activities:`, JSON as YAML, and problems that point at
/// the activity and the line.
@Suite struct CampaignLoaderTests {
    typealias T = CampaignGraph.Transition

    static func load(_ text: String) throws -> CampaignDefinition {
        try CampaignLoader(sourceName: "welcome.yaml").load(text)
    }

    /// The error a file is refused with (recorded as an issue when it loads).
    static func refusal(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> CrescendoError? {
        do {
            _ = try CampaignLoader(sourceName: "welcome.yaml").load(text)
            Issue.record("the campaign loaded", sourceLocation: sourceLocation)
            return nil
        } catch {
            #expect(error.code == .invalidCampaign, sourceLocation: sourceLocation)
            return error
        }
    }

    /// The problems a file is refused with, as printed: `line N: activity "x": …`.
    static func problems(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        guard let error = refusal(text, sourceLocation: sourceLocation) else { return [] }
        let problems = (error.cause as? CampaignProblems)?.problems ?? []
        // The message lists each of them.
        for problem in problems { #expect(error.message.contains("  \(problem)"), sourceLocation: sourceLocation) }
        return problems.map(\.description)
    }

    /// The definition without where each activity was written.
    static func withoutLines(_ definition: CampaignDefinition) -> CampaignDefinition {
        var definition = definition
        for index in definition.activities.indices { definition.activities[index].line = nil }
        return definition
    }

    static let mapping = """
        name: welcome
        description: New gold guests, one per city.
        activities:
          start: {type: start}
          guests:
            type: build-audience
            entity: profile
            rule: "tier = 'gold'"
          first per city: {type: dedup, by: [city], keep: 2, choose: highest, expression: spend}
          done: {type: end}
        transitions:
          - start -> guests
          - guests -> first per city
          - first per city -> done
        """

    @Test func theMappingFormKeepsTheOrderAndTheLines() throws {
        let definition = try Self.load(Self.mapping)
        #expect(definition.name == "welcome")
        #expect(definition.description == "New gold guests, one per city.")
        #expect(definition.activities.map(\.name) == ["start", "guests", "first per city", "done"])
        #expect(definition.activities.map(\.line) == [4, 5, 9, 10])
        #expect(definition.activities.map(\.kind.typeName) == ["start", "build-audience", "dedup", "end"])
        guard case .buildAudience(let audience)? = definition.activity(named: "guests")?.kind else {
            Issue.record("guests is not a build-audience")
            return
        }
        #expect(audience.entity == "profile" && audience.rule == "tier = 'gold'" && audience.continueIfEmpty == nil)
        guard case .dedup(let dedup)? = definition.activity(named: "first per city")?.kind else {
            Issue.record("first per city is not a dedup")
            return
        }
        #expect(dedup.by == ["city"] && dedup.keep == 2 && dedup.choose == .highest && dedup.expression == "spend")
        #expect(definition.transitions == [T(from: "start", to: "guests"), T(from: "guests", to: "first per city"), T(from: "first per city", to: "done")])
        // Defaults when the file says nothing.
        #expect(definition.variables.isEmpty && definition.schedule == nil)
        #expect(definition.minimumTriggerGap == 60)
        #expect(definition.limits == CampaignGraph.Limits())
        #expect(definition.graph.problems(limits: definition.limits).isEmpty)
    }

    @Test func theListFormReadsTheSame() throws {
        let list = try Self.load("""
            name: welcome
            description: New gold guests, one per city.
            activities:
              - {name: start, type: start}
              - name: guests
                type: build-audience
                entity: profile
                rule: "tier = 'gold'"
              - {name: first per city, type: dedup, by: [city], keep: 2, choose: highest, expression: spend}
              - {name: done, type: end}
            transitions:
              - start -> guests
              - guests -> first per city
              - first per city -> done
            """)
        #expect(list.activities.map(\.line) == [4, 5, 9, 10])
        #expect(list == (try Self.load(Self.mapping)))
    }

    @Test func theJSONFormEqualsTheYAMLForm() throws {
        let json = try Self.load("""
            {
              "name": "welcome",
              "description": "New gold guests, one per city.",
              "activities": {
                "start": {"type": "start"},
                "guests": {"type": "build-audience", "entity": "profile", "rule": "tier = 'gold'"},
                "first per city": {"type": "dedup", "by": ["city"], "keep": 2, "choose": "highest", "expression": "spend"},
                "done": {"type": "end"}
              },
              "transitions": ["start -> guests", "guests -> first per city", {"from": "first per city", "to": "done"}]
            }
            """)
        #expect(Self.withoutLines(json) == Self.withoutLines(try Self.load(Self.mapping)))
        #expect(json.activities.map(\.line) == [5, 6, 7, 8])
    }

    @Test func theThreeFormsOfATransition() throws {
        let definition = try Self.load("""
            name: forms
            activities:
              start: {type: start}
              split: {type: split, subsets: [{name: gold, filter: "tier = 'gold'"}], complement: rest}
              gold mail: {type: email}
              rest mail: {type: email}
              done: {type: end}
              done rest: {type: end}
            transitions:
              - start -> split
              - "split.gold -> gold mail"
              - {from: split, output: rest, to: rest mail}
              - {from: gold mail, to: done}
              - rest mail.out->done rest
            """)
        #expect(definition.transitions == [
            T(from: "start", to: "split"), T(from: "split", output: "gold", to: "gold mail"),
            T(from: "split", output: "rest", to: "rest mail"), T(from: "gold mail", to: "done"), T(from: "rest mail", to: "done rest"),
        ])
        #expect(definition.activity(named: "split")?.kind.outputNames == ["gold", "rest"])
        #expect(definition.graph.problems().isEmpty)
    }

    @Test func variablesTriggersAndLimits() throws {
        let definition = try Self.load("""
            name: tuned
            variables:
              min_nights: {type: integer, default: 2}
              city: string
              since: {type: date}
            triggers: {minimum_gap: 10m}
            limits: {max_activities: 50, max_channel_activities: 2}
            activities: {start: {type: start}, done: {type: end}}
            transitions: [start -> done]
            """)
        #expect(definition.variables == [
            CampaignVariable(name: "min_nights", type: .integer, defaultValue: "2"),
            CampaignVariable(name: "city", type: .string),
            CampaignVariable(name: "since", type: .date),
        ])
        #expect(definition.minimumTriggerGap == 600)
        #expect(definition.limits == CampaignGraph.Limits(maxActivities: 50, maxChannelActivities: 2))
        #expect((try? Self.load(Self.mapping.replacingOccurrences(of: "name: welcome", with: "name: welcome\ntriggers: {minimum_gap: 2h}")))?.minimumTriggerGap == 7200)
    }

    @Test func badVariablesTriggersAndLimitsAreRefusedWithTheirLine() {
        let problems = Self.problems("""
            name: tuned
            variables:
              min_nights: {type: integer, default: two}
              city: strng
              9lives: integer
            triggers: {minimum_gap: soon, every: 1h}
            limits: {max_activities: 0, max_channel_activities: many}
            activities: {start: {type: start}, done: {type: end}}
            transitions: [start -> done]
            """)
        #expect(problems.contains { $0.hasPrefix("line 3: variable min_nights: the default \"two\" is not an integer") })
        #expect(problems.contains { $0.hasPrefix("line 4: variable city: the type must be one of string, integer, decimal, boolean, date, timestamp — did you mean \"string\"?") })
        #expect(problems.contains("line 5: variable \"9lives\": a name is letters, digits and _, starting with a letter"))
        #expect(problems.contains("line 6: triggers.minimum_gap: \"soon\" is not a duration such as 30s, 10m, 2h or 1d"))
        #expect(problems.contains { $0.hasPrefix("line 6: triggers: unknown key \"every\"") })
        #expect(problems.contains("line 7: limits.max_activities must be a positive whole number"))
        #expect(problems.contains("line 7: limits.max_channel_activities must be a whole number"))
        #expect(problems.count == 7)
    }

    @Test func theSampleCampaignLoadsWithASoundGraph() throws {
        // The demo writes it to a file; load it from one, as `campaign test` does.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stay-reminder-\(UUID().uuidString.prefix(8)).yaml").path
        try Data(SampleCampaigns.stayReminder.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (definition, source) = try CampaignLoader.load(path: path)
        #expect(source.hasPrefix("# Reminds guests"))
        #expect(definition.name == "stay-reminder")
        #expect(definition.minimumTriggerGap == 600)
        #expect(definition.variables.map(\.name) == ["horizon_days", "min_stays"])
        #expect(definition.graph.problems(limits: definition.limits).map(\.description) == [])
        #expect(throws: CrescendoError.self) { try CampaignLoader.load(path: path + ".missing") }
    }

    // MARK: Problems name the activity and the line

    /// One bad activity among good ones; its problems.
    static func activityProblems(_ activity: String) -> [String] {
        problems("""
            name: welcome
            activities:
              start: {type: start}
            \(activity)
              done: {type: end}
            transitions: [start -> done]
            """)
    }

    @Test func anUnknownTypeSuggestsTheNearestOne() {
        #expect(Self.activityProblems("  mail: {type: emial}").first?.hasPrefix(
            "line 4: activity \"mail\": unknown type \"emial\" — did you mean \"email\"? (types: start, end, fork,") == true)
        #expect(Self.activityProblems("  mail:\n    type: emial\n    fields: [first_name]").first?.hasPrefix(
            "line 4: activity \"mail\": unknown type \"emial\" — did you mean \"email\"?") == true)
        #expect(Self.activityProblems("  mail: {entity: profile}") == [
            "line 4: activity \"mail\": needs a `type:` (one of \(ActivityKind.typeNames.joined(separator: ", ")))"
        ])
    }

    @Test func anUnknownOptionGetsAHint() {
        #expect(Self.activityProblems("  first:\n    type: dedup\n    by: [city]\n    kep: 2") == [
            "line 7: activity \"first\": unknown key \"kep\" — did you mean \"keep\"? (allowed: by, keep, choose, expression, fields, values, duplicates)"
        ])
        #expect(Self.activityProblems("  start again: {type: start, rule: x}").first?.hasPrefix("line 4: activity \"start again\": unknown key \"rule\"") == true)
    }

    @Test func aMissingRequiredOptionIsNamed() {
        #expect(Self.activityProblems("  first: {type: dedup, keep: 2}") == ["line 4: activity \"first\": needs `by:`"])
        #expect(Self.activityProblems("  both:\n    type: fork") == ["line 5: activity \"both\": needs `branches:`"])
    }

    @Test func aValueOfTheWrongTypeIsNamed() {
        let keep = Self.activityProblems("  first: {type: dedup, by: [city], keep: many}")
        #expect(keep.count == 1)
        #expect(keep.first?.hasPrefix("line 4: activity \"first\": keep: ") == true)
        let choose = Self.activityProblems("  first: {type: dedup, by: [city], choose: best}")
        #expect(choose.first?.hasPrefix("line 4: activity \"first\": choose: ") == true)
    }

    @Test func badActivityNamesAndMissingNames() {
        #expect(Self.activityProblems("  \"mail!\": {type: email}") == [
            "line 4: activity \"mail!\": an activity name is letters, digits, spaces, - and _ (at most 100 characters)"
        ])
        #expect(Self.activityProblems("  mail: email") == ["line 4: activity \"mail\": options must be a mapping with `type:`"])
        #expect(Self.problems("""
            name: welcome
            activities:
              - {name: start, type: start}
              - {type: email}
              - {name: done, type: end}
            transitions: [start -> done]
            """) == ["line 4: each activity in the list needs a `name:`"])
        #expect(Self.problems("name: ' '\nactivities: {start: {type: start}}\ntransitions: []") == ["line 1: the campaign needs a `name:`"])
    }

    @Test func badTransitionsSayWhere() {
        let problems = Self.problems("""
            name: welcome
            activities: {start: {type: start}, done: {type: end}}
            transitions:
              - start => done
              - start -> -> done
              - {from: start}
              - [start, done]
              - {from: start, to: done, via: out}
            """)
        #expect(problems == [
            "line 4: transition \"start => done\" is not \"from -> to\" or \"from.output -> to\"",
            "line 5: transition \"start -> -> done\" is not \"from -> to\" or \"from.output -> to\"",
            "line 6: a transition needs `from:` and `to:`",
            "line 7: a transition is \"from -> to\" or {from, output, to}",
            "line 8: transition: unknown key \"via\" (allowed: from, output, to)",
        ])
        #expect(Self.problems("name: x\nactivities: {start: {type: start}}\ntransitions: start -> done").first?.hasPrefix("line 3: transitions must be a list") == true)
    }

    @Test func theTopLevelMustBeAMappingWithItsParts() {
        #expect(Self.refusal("- start\n- done\n")?.message == "welcome.yaml: a campaign must be a mapping with `name:`, `activities:` and `transitions:`")
        #expect(Self.refusal("")?.message == "welcome.yaml: a campaign must be a mapping with `name:`, `activities:` and `transitions:`")
        #expect(Self.problems("name: x\nsteps: []") == [
            "line 2: unknown key \"steps\" (allowed: name, description, variables, schedule, triggers, limits, activities, transitions)",
            "the campaign needs `activities:`",
            "the campaign needs `transitions:` (\"start -> audience\", …)",
        ])
    }

    @Test func invalidYAMLSaysItsLine() {
        let error = Self.refusal("name: welcome\nactivities:\n  start: {type: start\n  done: {type: end}\ntransitions: []\n")
        #expect(error?.message.hasPrefix("welcome.yaml: not valid YAML or JSON: line ") == true)
        let json = Self.refusal("{\n  \"name\": \"welcome\",\n  \"activities\": {\"start\": {\"type\": \"start\"},,}\n}")
        #expect(json?.message.hasPrefix("welcome.yaml: not valid YAML or JSON: line 3, column") == true)
    }

    @Test func twoActivitiesOfTheSameNameInTheMappingForm() {
        let error = Self.refusal("""
            name: welcome
            activities:
              start: {type: start}
              mail: {type: email}
              mail: {type: sms}
              done: {type: end}
            transitions: [start -> mail, mail -> done]
            """)
        // Where the first one is, not the whole file.
        #expect(error?.message == "welcome.yaml: not valid YAML or JSON: line 4, column 3: \"mail\" written twice in the same mapping")
    }

    @Test func everyProblemIsReportedNotOnlyTheFirst() {
        let problems = Self.problems("""
            name: welcome
            activities:
              start: {type: start}
              mail: {type: emial}
              first: {type: dedup}
              done: {type: end}
            transitions: [start => done]
            """)
        #expect(problems.count == 3)
        #expect(problems.map { $0.prefix(7) } == ["line 4:", "line 5:", "line 7:"])
        #expect(Self.refusal("name: x\nactivities: {a: {type: emial}, b: {type: dedup}}\ntransitions: []")?.message.hasPrefix("welcome.yaml: 2 problems:\n  line 2: activity \"a\"") == true)
    }
}
