/// Finds written rows whose link points at a parent row that is not stored (an orphan), for the
/// ingestion summary. Engines answer one question — which of these parent keys exist — and this
/// does the rest, remembering (up to a bound) which parents exist and which do not across batches:
/// while one entity is ingested, the others do not change.
public struct ParentCheck: Sendable {
    public let link: Link
    public let target: Entity
    /// Positions of the link's fields in the owning entity.
    public let positions: [Int]
    /// Parent keys looked up so far: true when the parent exists.
    private var known: [String: Bool] = [:]
    /// The current batch's answers that were not remembered.
    private var batchAnswers: [String: Bool] = [:]
    /// A link to the entity being written may see its parents deleted by the same feed; its
    /// answers hold for one batch only.
    private let cacheable: Bool

    /// Bounds the memory of the remembered answers (about 40 bytes each) whatever the input's size.
    public static let cacheLimit = 200_000

    /// One check per link of `entity` whose target is in `model`.
    public static func checks(for entity: Entity, in model: DataModel) -> [ParentCheck] {
        entity.links.compactMap { link in
            guard let target = model.entity(named: link.target) else { return nil }
            return ParentCheck(link: link, target: target, positions: link.fields.compactMap(entity.fieldIndex(named:)), cacheable: target.name != entity.name)
        }
    }

    private init(link: Link, target: Entity, positions: [Int], cacheable: Bool) {
        self.link = link
        self.target = target
        self.positions = positions
        self.cacheable = cacheable
    }

    /// Parent keys (canonical text → key values) that written rows point at and whose existence
    /// is not known yet; the engine looks these up and passes the answer to `record`.
    public func unknownParents(of written: [Change]) -> [String: [Value]] {
        var unknown: [String: [Value]] = [:]
        for change in written {
            guard let key = parentKey(of: change), known[key] == nil else { continue }
            unknown[key] = positions.map { change.values[$0] }
        }
        return unknown
    }

    /// Takes the engine's answer: which of the `unknown` parent keys exist.
    public mutating func record(unknown: [String: [Value]], found: Set<String>) {
        batchAnswers.removeAll(keepingCapacity: true)
        for key in unknown.keys {
            let exists = found.contains(key)
            if cacheable, known.count < Self.cacheLimit { known[key] = exists } else { batchAnswers[key] = exists }
        }
    }

    private func parentKey(of change: Change) -> String? {
        if positions.count == 1 {
            let value = change.values[positions[0]]
            return value.isNull ? nil : value.text
        }
        let values = positions.map { change.values[$0] }
        return values.contains(where: \.isNull) ? nil : Change.keyText(values)
    }

    private func isOrphan(_ change: Change) -> Bool {
        guard let key = parentKey(of: change) else { return false }
        return !(known[key] ?? batchAnswers[key] ?? true)
    }

    /// Adds the orphans among `written` to `counts`: per link, and once per row however many of its
    /// links dangle.
    public static func tally(_ written: [Change], checks: [ParentCheck], into counts: inout IngestCounts) {
        for change in written {
            var dangling = false
            for check in checks where check.isOrphan(change) {
                counts.orphansByLink[check.link.name, default: 0] += 1
                dangling = true
            }
            if dangling { counts.orphans += 1 }
        }
    }
}
