import Testing

@testable import CrescendoCore

/// Publish-time checks of a campaign's graph; every problem names its activity.
@Suite struct CampaignGraphTests {
    typealias A = CampaignGraph.Activity
    typealias T = CampaignGraph.Transition

    static func start(_ name: String = "start") -> A { A(name: name, kind: "start", inputs: .none, outputs: ["out"], isStart: true) }
    static func end(_ name: String) -> A { A(name: name, kind: "end", inputs: .one, outputs: [], isEnd: true) }
    static func step(_ name: String, _ kind: String = "build-audience", outputs: [String] = ["out"], inputs: CampaignGraph.ArityRange = .one) -> A {
        A(name: name, kind: kind, inputs: inputs, outputs: outputs)
    }
    static func email(_ name: String) -> A { A(name: name, kind: "email", inputs: .one, outputs: ["out"], isChannel: true) }

    /// start → audience → split(gold, rest) → two emails → join → end.
    static let valid = CampaignGraph(
        activities: [
            start(), step("audience"), step("split", "split", outputs: ["gold", "rest"]), email("gold mail"), email("rest mail"),
            step("join", "and-join", inputs: .twoOrMore), end("done"),
        ],
        transitions: [
            T(from: "start", to: "audience"), T(from: "audience", to: "split"), T(from: "split", output: "gold", to: "gold mail"),
            T(from: "split", output: "rest", to: "rest mail"), T(from: "gold mail", to: "join"), T(from: "rest mail", to: "join"),
            T(from: "join", to: "done"),
        ])

    @Test func aWellFormedCampaignHasNoProblems() {
        #expect(Self.valid.problems().isEmpty)
    }

    static func problems(_ change: (inout CampaignGraph) -> Void, limits: CampaignGraph.Limits = .init()) -> [String] {
        var graph = valid
        change(&graph)
        return graph.problems(limits: limits).map(\.description)
    }

    @Test func unknownNamesAndOutputsGetSuggestions() {
        #expect(Self.problems { $0.transitions[1] = T(from: "audience", to: "splt") }.contains(
            "activity \"audience\": output \"out\" goes to no activity named \"splt\" — did you mean \"split\"?"))
        #expect(Self.problems { $0.transitions[2] = T(from: "split", output: "gld", to: "gold mail") }.contains(
            "activity \"split\": has no output \"gld\" (its outputs: gold, rest) — did you mean \"gold\"?"))
        #expect(Self.problems { $0.transitions.append(T(from: "nowhere", to: "done")) }.contains(
            "a transition comes from no activity named \"nowhere\""))
    }

    @Test func inputsMustBeWiredAsTheKindExpects() {
        // The join loses one input: an and-join needs two.
        let fewer = Self.problems { $0.transitions.removeAll { $0.from == "rest mail" } }
        #expect(fewer.contains("activity \"join\": and-join needs at least 2 inputs, it has 1"))
        #expect(fewer.contains("activity \"rest mail\": leads to no end activity"))
        // Two transitions into a one-input activity.
        #expect(Self.problems {
            $0.activities.removeAll { $0.name == "join" }
            $0.transitions.removeAll { $0.to == "join" || $0.from == "join" }
            $0.transitions += [T(from: "gold mail", to: "done"), T(from: "rest mail", to: "done")]
        }.contains("activity \"done\": end takes 1 input, it has 2; combine them first"))
        // One output used twice.
        #expect(Self.problems { $0.transitions.append(T(from: "split", output: "gold", to: "rest mail")) }.contains(
            "activity \"split\": output \"gold\" has two transitions; use a fork to run branches side by side"))
        // An activity nothing leads to.
        #expect(Self.problems { $0.activities.append(Self.email("orphan")); $0.transitions.append(T(from: "orphan", to: "join")) }.contains(
            "activity \"orphan\": no transition leads to it"))
    }

    @Test func cyclesAreReportedAsTheirPath() {
        let problems = Self.problems {
            $0.activities.append(Self.step("loop", "test", outputs: ["again", "out"]))
            $0.transitions.removeAll { $0.from == "join" }
            $0.transitions += [T(from: "join", to: "loop"), T(from: "loop", output: "again", to: "audience"), T(from: "loop", output: "out", to: "done")]
        }
        #expect(problems.contains { $0.contains("the transitions form a cycle: audience → split → gold mail → join → loop → audience") })
    }

    @Test func startsEndsAndGuardrails() {
        #expect(Self.problems { $0.activities.removeAll { $0.isStart }; $0.transitions.removeAll { $0.from == "start" } }.contains("the campaign has no start activity"))
        #expect(Self.problems { $0.activities.removeAll { $0.isEnd }; $0.transitions.removeAll { $0.to == "done" } }.contains("the campaign has no end activity"))
        #expect(Self.problems({ _ in }, limits: .init(maxActivities: 5)).contains("7 activities, more than the limit of 5"))
        #expect(Self.problems({ _ in }, limits: .init(maxChannelActivities: 1)).contains("2 channel activities, more than the limit of 1"))
        #expect(Self.problems { $0.activities.append(Self.email("gold mail")) }.contains("activity \"gold mail\": the name is used by two activities"))
    }
}
