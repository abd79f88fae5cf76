import CrescendoCore
import Testing

@Suite struct ChangePlannerTests {
    func upsert(_ key: String, _ version: Int64, line: Int = 1) -> Change {
        Change(kind: .upsert, line: line, values: [.text(key), .integer(version)], key: key, version: version)
    }

    func delete(_ key: String, _ version: Int64) -> Change {
        Change(kind: .delete, line: 1, values: [.text(key), .integer(version)], key: key, version: version)
    }

    @Test func newKeysAreInserted() {
        let plan = ChangePlanner.plan([upsert("a", 1), upsert("b", 1)], stored: [:])
        #expect(plan.counts.inserted == 2)
        #expect(plan.rowWrites == [0, 1])
    }

    @Test func staleUpsertIsSkippedAndNewerUpdates() {
        let stored: [String: StoredState] = ["a": .live(version: 5), "b": .live(version: 5)]
        let plan = ChangePlanner.plan([upsert("a", 4), upsert("b", 6), upsert("a", 5)], stored: stored)
        #expect(plan.counts.stale == 2)
        #expect(plan.counts.updated == 1)
        #expect(plan.rowWrites == [1])
    }

    @Test func deleteLeavesATombstoneThatBlocksALateOlderUpsert() {
        let first = ChangePlanner.plan([delete("a", 7)], stored: ["a": .live(version: 5)])
        #expect(first.counts.deleted == 1)
        #expect(first.rowDeletes == [0])
        #expect(first.tombstoneWrites == [0])
        let late = ChangePlanner.plan([upsert("a", 6)], stored: ["a": .tombstone(version: 7)])
        #expect(late.counts.stale == 1)
        #expect(late.rowWrites.isEmpty)
    }

    @Test func newerUpsertAfterADeleteBringsTheRowBack() {
        let plan = ChangePlanner.plan([upsert("a", 8)], stored: ["a": .tombstone(version: 7)])
        #expect(plan.counts.inserted == 1)
        #expect(plan.rowWrites == [0])
        #expect(plan.tombstoneClears == [0])
    }

    @Test func severalChangesToOneKeyApplyInOrderAndNetOut() {
        // live v5 → update v6 → delete v7 → late v6.5 (stale) → reinsert v8
        let changes = [upsert("a", 6), delete("a", 7), upsert("a", 6), upsert("a", 8)]
        let plan = ChangePlanner.plan(changes, stored: ["a": .live(version: 5)])
        #expect(plan.counts.updated == 1)
        #expect(plan.counts.deleted == 1)
        #expect(plan.counts.stale == 1)
        #expect(plan.counts.inserted == 1)
        #expect(plan.rowWrites == [3])
        #expect(plan.rowDeletes.isEmpty)
        #expect(plan.tombstoneWrites.isEmpty)
        #expect(plan.tombstoneClears.isEmpty)
    }

    @Test func deleteOfAnAbsentKeyStillLeavesATombstone() {
        let plan = ChangePlanner.plan([delete("z", 3), upsert("z", 2)], stored: [:])
        #expect(plan.counts.deleted == 1)
        #expect(plan.counts.absentDeletes == 1)
        #expect(plan.counts.stale == 1)
        #expect(plan.tombstoneWrites == [0])
        #expect(plan.rowDeletes.isEmpty)
    }

    @Test func aDeleteWinsATie() {
        let plan = ChangePlanner.plan([delete("a", 5)], stored: ["a": .live(version: 5)])
        #expect(plan.counts.deleted == 1)
        let upsertTie = ChangePlanner.plan([upsert("a", 5)], stored: ["a": .tombstone(version: 5)])
        #expect(upsertTie.counts.stale == 1)
    }
}
