import Testing

@testable import CrescendoCore

/// The execution state machine, driven by hand: what it asks for at each step, given what finished.
@Suite struct ExecutionMachineTests {
    typealias T = CampaignGraph.Transition

    static func machine(_ yaml: String) throws -> ExecutionMachine {
        ExecutionMachine(definition: try CampaignLoader(sourceName: "machine.yaml").load(yaml))
    }

    /// An outcome whose outputs hold `count` rows each (an empty population when 0 and `ended`).
    static func rows(_ count: Int, _ outputs: [String] = ["out"], ended: Bool = false, waitUntil: Int64? = nil) -> ActivityOutcome {
        ActivityOutcome(
            outputs: Dictionary(uniqueKeysWithValues: outputs.map { ($0, OutputRecord(table: ended ? nil : "w_\($0)", shape: nil, count: count, ended: ended)) }),
            waitUntil: waitUntil, rows: count)
    }

    static let linear = """
        name: linear
        activities:
          start: {type: start}
          guests: {type: build-audience, entity: profile, rule: "tier = 'gold'"}
          mail: {type: email}
          done: {type: end}
        transitions:
          - start -> guests
          - guests -> mail
          - mail -> done
        """

    /// start → guests → fork(mail, text); mail → thanks → join; text → join; join → done.
    static let fork = """
        name: fork
        activities:
          start: {type: start}
          guests: {type: build-audience, entity: profile}
          both: {type: fork, branches: [mail, text]}
          mail: {type: email}
          thanks: {type: alert, message: "{{count}} mailed"}
          text: {type: sms}
          join: {type: and-join}
          done: {type: end}
        transitions:
          - start -> guests
          - guests -> both
          - both.mail -> mail
          - both.text -> text
          - mail -> thanks
          - thanks -> join
          - text -> join
          - join -> done
        """

    /// start → guests → fork(mail, later); later is a wait before the text; both meet at the join.
    static let waiting = """
        name: waiting
        activities:
          start: {type: start}
          guests: {type: build-audience, entity: profile}
          both: {type: fork, branches: [now, later]}
          mail: {type: email}
          pause: {type: wait, duration: 1h}
          text: {type: sms}
          join: {type: and-join}
          done: {type: end}
        transitions:
          - start -> guests
          - guests -> both
          - both.now -> mail
          - both.later -> pause
          - pause -> text
          - mail -> join
          - text -> join
          - join -> done
        """

    @Test func aLinearCampaignRunsInOrder() throws {
        var machine = try Self.machine(Self.linear)
        var order: [String] = []
        for (name, count) in [("start", 0), ("guests", 42), ("mail", 42), ("done", 0)] {
            #expect(machine.nextActions(now: 0) == [.run(name)])
            #expect(machine.states[name] == .running)
            // Nothing else starts while it runs.
            #expect(machine.nextActions(now: 0) == [])
            order.append(name)
            machine.finished(name, outcome: name == "done" ? ActivityOutcome(outputs: [:]) : Self.rows(count), now: 0)
        }
        #expect(order == ["start", "guests", "mail", "done"])
        #expect(machine.inputs(of: "mail").map(\.record) == [Self.rows(42).outputs["out"]!])
        #expect(machine.inputs(of: "mail").map(\.transition) == [T(from: "guests", to: "mail")])
        #expect(machine.nextActions(now: 0) == [.complete])
        #expect(machine.isComplete)
    }

    @Test func forkBranchesStartTogetherAndTheJoinWaitsForAll() throws {
        var machine = try Self.machine(Self.fork)
        for name in ["start", "guests"] {
            #expect(machine.nextActions(now: 0) == [.run(name)])
            machine.finished(name, outcome: Self.rows(10), now: 0)
        }
        #expect(machine.nextActions(now: 0) == [.run("both")])
        machine.finished("both", outcome: Self.rows(10, ["mail", "text"]), now: 0)
        // Both branches in the same call.
        #expect(machine.nextActions(now: 0) == [.run("mail"), .run("text")])
        machine.finished("text", outcome: Self.rows(10), now: 0)
        #expect(machine.nextActions(now: 0) == [])  // mail still runs; the join waits
        machine.finished("mail", outcome: Self.rows(10), now: 0)
        #expect(machine.nextActions(now: 0) == [.run("thanks")])
        #expect(machine.states["join"] == .pending)
        machine.finished("thanks", outcome: Self.rows(10), now: 0)
        #expect(machine.nextActions(now: 0) == [.run("join")])
        #expect(machine.inputs(of: "join").map(\.transition.from) == ["thanks", "text"])
        #expect(machine.inputs(of: "join").allSatisfy { !$0.record.ended && $0.record.count == 10 })
    }

    @Test func anEndedBranchSkipsDownstreamButAJoinWithOneDeliveredInputRuns() throws {
        var machine = try Self.machine(Self.fork)
        for name in ["start", "guests"] {
            _ = machine.nextActions(now: 0)
            machine.finished(name, outcome: Self.rows(10), now: 0)
        }
        _ = machine.nextActions(now: 0)
        machine.finished("both", outcome: Self.rows(10, ["mail", "text"]), now: 0)
        _ = machine.nextActions(now: 0)
        // The mail had nobody left to send to: its branch ends.
        machine.finished("mail", outcome: Self.rows(0, ended: true), now: 0)
        machine.finished("text", outcome: Self.rows(10), now: 0)
        #expect(machine.transitionCounts().first { $0.0 == T(from: "mail", to: "thanks") }?.1 == 0)
        #expect(machine.nextActions(now: 0) == [.skip("thanks")])
        machine.skipped("thanks")
        #expect(machine.states["thanks"] == .skipped)
        // One input ended, the other delivered: the and-join still runs.
        #expect(machine.nextActions(now: 0) == [.run("join")])
        #expect(machine.inputs(of: "join").map(\.record.ended) == [true, false])
        machine.finished("join", outcome: Self.rows(10), now: 0)
        #expect(machine.nextActions(now: 0) == [.run("done")])
        machine.finished("done", outcome: ActivityOutcome(outputs: [:]), now: 0)
        #expect(machine.nextActions(now: 0) == [.complete])
        #expect(machine.isComplete)
    }

    @Test func aTestBranchNotTakenIsSkippedToItsEnd() throws {
        var machine = try Self.machine("""
            name: branches
            activities:
              start: {type: start}
              guests: {type: build-audience, entity: profile}
              big enough:
                type: test
                branches: [{name: many, when: "count >= 10"}]
                default: few
              mail: {type: email}
              done: {type: end}
              note: {type: alert, message: few}
              done small: {type: end}
            transitions:
              - start -> guests
              - guests -> big enough
              - big enough.many -> mail
              - mail -> done
              - big enough.few -> note
              - note -> done small
            """)
        for name in ["start", "guests", "big enough"] {
            #expect(machine.nextActions(now: 0) == [.run(name)])
            // The test took `few`: its `many` output is absent from the outcome.
            machine.finished(name, outcome: Self.rows(3, name == "big enough" ? ["few"] : ["out"]), now: 0)
        }
        #expect(machine.delivery(T(from: "big enough", output: "many", to: "mail")) == .endedBranch)
        #expect(machine.nextActions(now: 0) == [.skip("mail"), .run("note")])
        machine.skipped("mail")
        machine.finished("note", outcome: Self.rows(3), now: 0)
        // A skipped activity ends its branch too.
        #expect(machine.nextActions(now: 0) == [.skip("done"), .run("done small")])
        machine.skipped("done")
        machine.finished("done small", outcome: ActivityOutcome(outputs: [:]), now: 0)
        #expect(machine.nextActions(now: 0) == [.complete])
        #expect(machine.isComplete)
        #expect(machine.states["mail"] == .skipped && machine.states["done"] == .skipped)
    }

    @Test func aWaitSleepsUntilItsEndAndNeverEndsEarly() throws {
        var machine = try Self.machine(Self.waiting)
        for name in ["start", "guests"] {
            _ = machine.nextActions(now: 0)
            machine.finished(name, outcome: Self.rows(5), now: 0)
        }
        _ = machine.nextActions(now: 0)
        machine.finished("both", outcome: Self.rows(5, ["now", "later"]), now: 0)
        #expect(machine.nextActions(now: 0) == [.run("mail"), .run("pause")])
        machine.finished("pause", outcome: Self.rows(5, waitUntil: 3600), now: 0)
        #expect(machine.states["pause"] == .waiting(until: 3600))
        #expect(machine.transitionCounts().first { $0.0.from == "pause" }?.1 == nil)
        // The mail still runs: nothing to do, and no sleep either.
        #expect(machine.nextActions(now: 10) == [])
        machine.finished("mail", outcome: Self.rows(5), now: 10)
        #expect(machine.nextActions(now: 10) == [.sleep(until: 3600)])
        #expect(machine.nextActions(now: 3599) == [.sleep(until: 3600)])
        #expect(machine.states["pause"] == .waiting(until: 3600))
        #expect(machine.nextActions(now: 3600) == [.endWait("pause")])
        var outcome = machine.outcomes["pause"]!
        outcome.waitUntil = nil
        machine.finished("pause", outcome: outcome, now: 3600)
        #expect(machine.states["pause"] == .done)
        #expect(machine.nextActions(now: 3600) == [.run("text")])
    }

    @Test func aWaitWhoseEndHasPassedIsDoneAtOnce() throws {
        var machine = try Self.machine(Self.waiting)
        machine.finished("pause", outcome: Self.rows(5, waitUntil: 100), now: 100)
        #expect(machine.states["pause"] == .done)
        machine.finished("text", outcome: Self.rows(5, waitUntil: 50), now: 100)
        #expect(machine.states["text"] == .done)
    }

    @Test func theEarliestOfSeveralWaitsIsSleptUntil() throws {
        var machine = try Self.machine("""
            name: two waits
            activities:
              start: {type: start}
              both: {type: fork, branches: [a, b]}
              long: {type: wait, duration: 15m}
              short: {type: wait, duration: 5m}
              done a: {type: end}
              done b: {type: end}
            transitions: [start -> both, both.a -> long, both.b -> short, long -> done a, short -> done b]
            """)
        _ = machine.nextActions(now: 0)
        machine.finished("start", outcome: Self.rows(0), now: 0)
        _ = machine.nextActions(now: 0)
        machine.finished("both", outcome: Self.rows(0, ["a", "b"]), now: 0)
        #expect(machine.nextActions(now: 0) == [.run("long"), .run("short")])
        machine.finished("long", outcome: Self.rows(0, waitUntil: 900), now: 0)
        machine.finished("short", outcome: Self.rows(0, waitUntil: 300), now: 0)
        #expect(machine.nextActions(now: 1) == [.sleep(until: 300)])
        #expect(machine.nextActions(now: 300) == [.endWait("short")])
        machine.finished("short", outcome: Self.rows(0), now: 300)
        #expect(machine.nextActions(now: 300) == [.run("done b")])
        machine.finished("done b", outcome: ActivityOutcome(outputs: [:]), now: 300)
        #expect(machine.nextActions(now: 300) == [.sleep(until: 900)])
        // A late wake-up ends it just the same.
        #expect(machine.nextActions(now: 5000) == [.endWait("long")])
    }

    @Test func aFailureStopsNewRunsAndFailsOnceTheRunningOnesAreDone() throws {
        var machine = try Self.machine(Self.fork)
        for name in ["start", "guests"] {
            _ = machine.nextActions(now: 0)
            machine.finished(name, outcome: Self.rows(10), now: 0)
        }
        _ = machine.nextActions(now: 0)
        machine.finished("both", outcome: Self.rows(10, ["mail", "text"]), now: 0)
        #expect(machine.nextActions(now: 0) == [.run("mail"), .run("text")])
        machine.failed("mail", message: "the provider refused")
        #expect(machine.states["mail"] == .failed("the provider refused"))
        // The text still runs: wait for it, start nothing.
        #expect(machine.nextActions(now: 0) == [])
        machine.finished("text", outcome: Self.rows(10), now: 0)
        #expect(machine.nextActions(now: 0) == [.fail(activity: "mail", message: "the provider refused")])
        #expect(machine.states["thanks"] == .pending)
        #expect(machine.states["join"] == .pending)
        #expect(!machine.isComplete)
        // A failed source ends the branches that leave it.
        #expect(machine.delivery(T(from: "mail", to: "thanks")) == .endedBranch)
    }

    @Test func restoringAfterACrashCarriesOnWhereItStopped() throws {
        var machine = try Self.machine(Self.waiting)
        // What the records said when the worker died: the fork done, the mail's run never
        // recorded as finished, the pause waiting.
        machine.restore("start", state: .done, outcome: Self.rows(0))
        machine.restore("guests", state: .done, outcome: Self.rows(8))
        machine.restore("both", state: .done, outcome: Self.rows(8, ["now", "later"]))
        machine.restore("mail", state: .running, outcome: nil)
        machine.restore("pause", state: .waiting(until: 500), outcome: Self.rows(8, waitUntil: 500))
        machine.restore("renamed since", state: .done, outcome: Self.rows(1))
        #expect(machine.states["renamed since"] == nil)
        #expect(machine.states["mail"] == .pending)
        #expect(machine.states["pause"] == .waiting(until: 500))
        // Done stays done: only the interrupted mail runs again.
        #expect(machine.nextActions(now: 100) == [.run("mail")])
        #expect(machine.inputs(of: "mail").map(\.record.count) == [8])
        machine.finished("mail", outcome: Self.rows(8), now: 100)
        #expect(machine.nextActions(now: 100) == [.sleep(until: 500)])
        #expect(machine.nextActions(now: 500) == [.endWait("pause")])
        machine.finished("pause", outcome: Self.rows(8), now: 500)
        #expect(machine.nextActions(now: 500) == [.run("text")])
        machine.finished("text", outcome: Self.rows(8), now: 500)
        #expect(machine.nextActions(now: 500) == [.run("join")])
        machine.finished("join", outcome: Self.rows(8), now: 500)
        #expect(machine.nextActions(now: 500) == [.run("done")])
        machine.finished("done", outcome: ActivityOutcome(outputs: [:]), now: 500)
        #expect(machine.nextActions(now: 500) == [.complete])
        #expect(machine.isComplete)
    }

    @Test func aWaitThatEndedWhileTheWorkerWasDownEndsAtOnce() throws {
        var machine = try Self.machine(Self.waiting)
        for name in ["start", "guests"] { machine.restore(name, state: .done, outcome: Self.rows(8)) }
        machine.restore("both", state: .done, outcome: Self.rows(8, ["now", "later"]))
        machine.restore("mail", state: .running, outcome: nil)
        machine.restore("pause", state: .waiting(until: 500), outcome: Self.rows(8, waitUntil: 500))
        #expect(machine.nextActions(now: 9000) == [.endWait("pause"), .run("mail")])
    }

    @Test func restoringAFinishedExecutionRunsNothing() throws {
        var machine = try Self.machine(Self.linear)
        machine.restore("start", state: .done, outcome: Self.rows(0))
        machine.restore("guests", state: .done, outcome: Self.rows(0, ended: true))
        machine.restore("mail", state: .skipped, outcome: ActivityOutcome(outputs: [:]))
        machine.restore("done", state: .skipped, outcome: ActivityOutcome(outputs: [:]))
        #expect(machine.nextActions(now: 0) == [.complete])
        #expect(machine.isComplete)
    }

    @Test func transitionCountsAreNilUntilTheSourceFinishes() throws {
        var machine = try Self.machine(Self.fork)
        #expect(machine.transitionCounts().count == 8)
        #expect(machine.transitionCounts().allSatisfy { $0.1 == nil })
        for name in ["start", "guests"] {
            _ = machine.nextActions(now: 0)
            machine.finished(name, outcome: Self.rows(name == "start" ? 0 : 42), now: 0)
        }
        _ = machine.nextActions(now: 0)
        #expect(machine.states["both"] == .running)
        func count(_ from: String, _ output: String = "out") -> Int?? {
            machine.transitionCounts().first { $0.0.from == from && $0.0.output == output }.map(\.1)
        }
        #expect(count("start") == .some(0))
        #expect(count("guests") == .some(42))
        #expect(count("both", "mail") == .some(nil))  // running: nothing crossed yet
        machine.finished("both", outcome: Self.rows(42, ["mail", "text"]), now: 0)
        _ = machine.nextActions(now: 0)
        machine.finished("mail", outcome: Self.rows(0, ended: true), now: 0)
        machine.finished("text", outcome: Self.rows(40), now: 0)
        #expect(count("both", "mail") == .some(42))
        #expect(count("mail") == .some(0))  // an ended branch
        #expect(count("text") == .some(40))
        #expect(count("thanks") == .some(nil))
        _ = machine.nextActions(now: 0)
        machine.skipped("thanks")
        #expect(count("thanks") == .some(0))
    }
}
