import Testing

@testable import CrescendoCore

/// The graph checks on campaigns as their files are written: `definition.graph.problems(limits:)`
/// with the limits the file sets. (The checks against a data model need a store; they are covered
/// with one.)
@Suite struct CampaignValidationTests {
    /// start → guests → segments(gold, rest) → gold mail / rest text → join → done.
    static let activities = [
        "start: {type: start}",
        "guests: {type: build-audience, entity: profile, rule: \"tier != 'none'\"}",
        "segments: {type: split, subsets: [{name: gold, filter: \"tier = 'gold'\"}], complement: rest}",
        "gold mail: {type: email}",
        "rest text: {type: sms}",
        "join: {type: and-join}",
        "done: {type: end}",
    ]
    static let transitions = [
        "start -> guests", "guests -> segments", "segments.gold -> gold mail", "segments.rest -> rest text",
        "gold mail -> join", "rest text -> join", "join -> done",
    ]

    static func campaign(limits: String, activities: [String], transitions: [String]) -> String {
        """
        name: checks
        limits: \(limits)
        activities:
        \(activities.map { "  " + $0 }.joined(separator: "\n"))
        transitions:
        \(transitions.map { "  - " + $0 }.joined(separator: "\n"))
        """
    }

    /// The graph problems of the campaign above after `change`, as printed.
    static func problems(
        limits: String = "{max_activities: 12, max_channel_activities: 4}",
        _ change: (inout [String], inout [String]) -> Void = { _, _ in }
    ) throws -> [String] {
        var activities = Self.activities
        var transitions = Self.transitions
        change(&activities, &transitions)
        return try problems(campaign(limits: limits, activities: activities, transitions: transitions))
    }

    static func problems(_ yaml: String) throws -> [String] {
        let definition = try CampaignLoader(sourceName: "checks.yaml").load(yaml)
        return definition.graph.problems(limits: definition.limits).map(\.description)
    }

    @Test func theCampaignAsWrittenHasNoProblems() throws {
        #expect(try Self.problems() == [])
    }

    @Test func aCycleIsReportedAsItsPath() throws {
        let problems = try Self.problems { activities, transitions in
            activities += ["check: {type: test, branches: [{name: again, when: \"count > 0\"}], default: finish}", "pause: {type: wait, duration: 1d}"]
            transitions.removeAll { $0 == "join -> done" }
            transitions += ["join -> check", "check.again -> pause", "pause -> join", "check.finish -> done"]
        }
        #expect(problems == ["activity \"join\": the transitions form a cycle: join → check → pause → join"])
    }

    @Test func anActivityNoStartReaches() throws {
        // The orphan has no input at all; what follows it cannot be reached from the start.
        let problems = try Self.problems { activities, transitions in
            activities += ["orphan: {type: dedup, by: [email]}", "orphan note: {type: alert, message: \"{{count}} orphans\"}"]
            transitions += ["orphan -> orphan note", "orphan note -> join"]
        }
        #expect(problems == [
            "activity \"orphan\": no transition leads to it",
            "activity \"orphan note\": cannot be reached from a start",
        ])
    }

    @Test func anActivityThatLeadsToNoEnd() throws {
        let problems = try Self.problems("""
            name: checks
            activities:
              start: {type: start}
              guests: {type: build-audience, entity: profile}
              both: {type: fork, branches: [mail, note]}
              mail: {type: email}
              note: {type: alert, message: "{{count}} guests"}
              done: {type: end}
            transitions:
              - start -> guests
              - guests -> both
              - both.mail -> mail
              - both.note -> note
              - mail -> done
            """)
        #expect(problems == ["activity \"note\": leads to no end activity"])
    }

    @Test func aCombineNeedsTwoInputs() throws {
        let problems = try Self.problems { activities, transitions in
            activities[5] = "join: {type: combine, operation: union}"
            activities.append("done text: {type: end}")
            transitions.removeAll { $0 == "rest text -> join" }
            transitions.append("rest text -> done text")
        }
        #expect(problems == ["activity \"join\": combine needs at least 2 inputs, it has 1"])
    }

    @Test func twoInputsWhereOneIsAllowed() throws {
        let problems = try Self.problems { activities, transitions in
            activities.removeAll { $0.hasPrefix("join:") }
            transitions.removeAll { $0.contains("join") }
            transitions += ["gold mail -> done", "rest text -> done"]
        }
        #expect(problems == ["activity \"done\": end takes 1 input, it has 2; combine them first"])
    }

    @Test func aTransitionFromAnUnknownOutputListsTheOutputs() throws {
        let problems = try Self.problems { _, transitions in
            transitions[2] = "segments.gld -> gold mail"
        }
        #expect(problems.first == "activity \"segments\": has no output \"gld\" (its outputs: gold, rest) — did you mean \"gold\"?")
        // Without it, the mail has no input left.
        #expect(problems.dropFirst() == ["activity \"gold mail\": no transition leads to it"])
        let fromEnd = try Self.problems { _, transitions in transitions.append("done -> join") }
        #expect(fromEnd.contains("activity \"done\": has no output \"out\" (its outputs: none)"))
        let unknown = try Self.problems { _, transitions in
            transitions[1] = "guests -> segmnts"
            transitions.append("guets -> segments")
        }
        #expect(unknown.contains("activity \"guests\": output \"out\" goes to no activity named \"segmnts\" — did you mean \"segments\"?"))
        #expect(unknown.contains("a transition comes from no activity named \"guets\" — did you mean \"guests\"?"))
    }

    @Test func twoTransitionsFromOneOutput() throws {
        let problems = try Self.problems { _, transitions in
            transitions.insert("segments.gold -> rest text", at: 3)
        }
        #expect(problems == ["activity \"segments\": output \"gold\" has two transitions; use a fork to run branches side by side"])
    }

    @Test func guardrailsComeFromTheFile() throws {
        #expect(try Self.problems(limits: "{max_activities: 6, max_channel_activities: 1}") == [
            "7 activities, more than the limit of 6",
            "2 channel activities, more than the limit of 1",
        ])
        #expect(try Self.problems(limits: "{max_activities: 7, max_channel_activities: 2}") == [])
        // A channel-free campaign may forbid channels altogether.
        #expect(try Self.problems(limits: "{max_channel_activities: 0}").contains("2 channel activities, more than the limit of 0"))
    }

    @Test func theDefaultGuardrailsApplyWhenTheFileSetsNone() throws {
        let branches = (1...11).map { "b\($0)" }
        let yaml = """
            name: many mails
            activities:
              start: {type: start}
              guests: {type: build-audience, entity: profile}
              all: {type: fork, branches: [\(branches.joined(separator: ", "))]}
            \(branches.map { "  mail \($0): {type: email}\n  done \($0): {type: end}" }.joined(separator: "\n"))
            transitions:
              - start -> guests
              - guests -> all
            \(branches.map { "  - all.\($0) -> mail \($0)\n  - mail \($0) -> done \($0)" }.joined(separator: "\n"))
            """
        #expect(try Self.problems(yaml) == ["11 channel activities, more than the limit of 10"])
    }

    @Test func duplicateNamesInTheListForm() throws {
        let problems = try Self.problems("""
            name: checks
            activities:
              - {name: start, type: start}
              - {name: guests, type: build-audience, entity: profile}
              - {name: mail, type: email}
              - {name: mail, type: sms}
              - {name: done, type: end}
            transitions: [start -> guests, guests -> mail, mail -> done]
            """)
        #expect(problems == ["activity \"mail\": the name is used by two activities"])
    }

    @Test func everyProblemIsReportedAtOnce() throws {
        let problems = try Self.problems(limits: "{max_activities: 6, max_channel_activities: 1}") { activities, transitions in
            activities.append("gold text: {type: sms}")
            transitions[2] = "segments.gld -> gold mail"
            transitions.append("segments.rest -> done")
            transitions.append("gold text -> join")
        }
        #expect(problems == [
            "8 activities, more than the limit of 6",
            "3 channel activities, more than the limit of 1",
            "activity \"segments\": has no output \"gld\" (its outputs: gold, rest) — did you mean \"gold\"?",
            "activity \"segments\": output \"rest\" has two transitions; use a fork to run branches side by side",
            "activity \"gold mail\": no transition leads to it",
            "activity \"gold text\": no transition leads to it",
        ])
    }
}

extension CampaignValidationTests {
    /// A read-audience needs no input: it begins its own branch (the executor runs it at once), and
    /// what follows it is reachable just as the activity it joins directly is.
    @Test func aBranchBegunByTargetingWithoutAnInputIsReachable() throws {
        let problems = try Self.problems("""
            name: checks
            activities:
              start: {type: start}
              guests: {type: build-audience, entity: profile}
              vip list: {type: read-audience, audience: vips}
              vip first: {type: dedup, by: [id]}
              guests and vips: {type: combine, operation: union}
              mail: {type: email}
              done: {type: end}
            transitions:
              - start -> guests
              - guests -> guests and vips
              - vip list -> vip first
              - vip first -> guests and vips
              - guests and vips -> mail
              - mail -> done
            """)
        #expect(problems == [])
    }
}
