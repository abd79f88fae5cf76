import Foundation

/// The outbox (which is also the communication history), consent and suppression, kept in the
/// workspace's store through `WorkspaceStore.perform` and `rows` so that both engines share one
/// implementation.
///
/// Workers share the outbox through claims: a claim sets the worker and a lease on a batch of due
/// messages in one statement (on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so concurrent
/// claimers pass each other instead of waiting); a record only lands while the claim is still
/// this worker's. A lease that runs out (the worker died) makes the message claimable again.
public struct MessageRepository: Sendable, StoreStatements {
    public let store: any WorkspaceStore
    public let model: DataModel

    public init(store: any WorkspaceStore, model: DataModel) {
        self.store = store
        self.model = model
    }

    public var profile: Entity? { model.profileEntity.flatMap(model.entity(named:)) }

    // MARK: Schema

    /// Creates the tables when missing.
    public func prepare() async throws {
        let big = dialect == .postgres ? "bigint" : "INTEGER"
        let stamp = dialect.columnType(.timestamp)
        var profileColumns = ""
        if let profile {
            for (column, key) in zip(MessageHistory.profileColumns(profile), profile.key) {
                profileColumns += "\(dialect.quote(column)) \(dialect.columnType(profile.field(named: key)!.type)), "
            }
        }
        let statements = [
            """
            CREATE TABLE IF NOT EXISTS crescendo_message (id TEXT PRIMARY KEY, profile_key TEXT, \(profileColumns)campaign TEXT NOT NULL, \
            execution \(big) NOT NULL, activity TEXT NOT NULL, channel TEXT NOT NULL, category TEXT NOT NULL, target TEXT NOT NULL, \
            address TEXT, status TEXT NOT NULL, reason TEXT, detail TEXT, created_at \(stamp) NOT NULL, sent_at \(stamp), updated_at \(stamp) NOT NULL, \
            due_epoch \(big) NOT NULL, expires_epoch \(big), sent_epoch \(big), attempts \(big) NOT NULL DEFAULT 0, sending \(big) NOT NULL DEFAULT 0, segments \(big), worker TEXT, lease_until \(big), \
            provider TEXT, provider_id TEXT, payload TEXT NOT NULL)
            """,
            "CREATE INDEX IF NOT EXISTS crescendo_message_due ON crescendo_message (status, due_epoch)",
            "CREATE INDEX IF NOT EXISTS crescendo_message_profile ON crescendo_message (profile_key, channel, sent_epoch)",
            "CREATE INDEX IF NOT EXISTS crescendo_message_execution ON crescendo_message (execution, activity, status)",
            "CREATE TABLE IF NOT EXISTS crescendo_consent (profile_key TEXT NOT NULL, channel TEXT NOT NULL, purpose TEXT NOT NULL, status TEXT NOT NULL, changed_at \(big) NOT NULL, source TEXT NOT NULL, PRIMARY KEY (profile_key, channel, purpose))",
            "CREATE TABLE IF NOT EXISTS crescendo_suppression (channel TEXT NOT NULL, address TEXT NOT NULL, reason TEXT NOT NULL, detail TEXT, created_at \(big) NOT NULL, PRIMARY KEY (channel, address))",
        ]
        let all = statements + prepareFeedback() + prepareExtracts()
        do {
            _ = try await must(all.map(SQLStep.init), "prepare the message tables")
        } catch {
            // Two processes creating the tables at once on PostgreSQL: the second sees them now.
            _ = try await must(all.map(SQLStep.init), "prepare the message tables")
        }
    }

    // MARK: Enqueue

    /// Copies a channel activity's targeted population into the outbox, excluded rows included
    /// (as history with their reason). Ids are deterministic, so a re-run of the activity adds
    /// nothing the outbox already holds.
    public func enqueue(from population: String, _ messages: MessagePopulation, campaign: String, execution: Int64, activity: String, activityIndex: Int, targetColumns: [String], fallbackColumns: [String] = [], profileKeyCount: Int, expiresAt: Int64?, now: Int64) -> SQLStep {
        func q(_ name: String) -> String { dialect.quote(name) }
        let separator = "'\u{1F}'"
        func canonical(_ columns: [String]) -> String {
            columns.map { "coalesce(CAST(\(q($0)) AS TEXT), '')" }.joined(separator: " || \(separator) || ")
        }
        let profileParts = (0..<profileKeyCount).map { "p\($0)" }
        let profileKey = "CASE WHEN \(q("p0")) IS NULL THEN NULL ELSE \(canonical(profileParts)) END"
        let prefix = "'\(execution)-\(activityIndex)-\(messages.channel.rawValue)-'"
        let payload = payloadExpression(messages)
        let historyColumns = profile.map { MessageHistory.profileColumns($0).map(q) } ?? []
        let insertColumns = ["id", "profile_key"] + historyColumns + ["campaign", "execution", "activity", "channel", "category", "target", "address", "status", "reason", "created_at", "updated_at", "due_epoch", "expires_epoch", "payload"]
        let historyValues = (0..<historyColumns.count).map { q("p\($0)") }
        var target = canonical(targetColumns)
        if !fallbackColumns.isEmpty {
            target = "CASE WHEN \(q("p0")) IS NULL THEN 'row' || \(separator) || \(canonical(fallbackColumns)) ELSE \(target) END"
        }
        let selected = [
            "\(prefix) || \(target)", profileKey,
        ] + historyValues + [
            "?", "?", "?", "?", "?", target, q("crescendo_address"),
            "CASE WHEN \(q("crescendo_excluded")) IS NULL THEN 'pending' ELSE 'excluded' END", q("crescendo_excluded"),
            "?", "?", "?", "?", payload,
        ]
        let text = "INSERT INTO crescendo_message (\(insertColumns.joined(separator: ", "))) SELECT \(selected.joined(separator: ", ")) FROM \(q(population)) WHERE true ON CONFLICT (id) DO NOTHING"
        return SQLStep(query(text, [
            Self.text(campaign), Self.int(execution), Self.text(activity), Self.text(messages.channel.rawValue), Self.text(messages.category.rawValue),
            Self.timestamp(now), Self.timestamp(now), Self.int(now), Self.int(expiresAt),
        ]))
    }

    /// The message's template fields as one JSON object, computed from the population's columns.
    func payloadExpression(_ messages: MessagePopulation) -> String {
        let pairs = messages.fields.enumerated().map { index, name -> String in
            let column = dialect.quote("f\(index)")
            let value = (messages.jsonFields ?? []).contains(name) && dialect == .sqlite ? "json(\(column))" : column
            return "'\(name.replacingOccurrences(of: "'", with: "''"))', \(value)"
        }
        if pairs.isEmpty { return "'{}'" }
        return dialect == .postgres ? "CAST(json_build_object(\(pairs.joined(separator: ", "))) AS TEXT)" : "json_object(\(pairs.joined(separator: ", ")))"
    }

    /// The messages a population would send, as the dispatcher would see them, without putting
    /// them in the outbox: what test mode renders to show the SMS segments it would bill.
    public func preview(_ messages: MessagePopulation, campaign: String, execution: Int64, limit: Int) async throws -> [OutboxMessage] {
        guard let profile else { return [] }
        func q(_ name: String) -> String { dialect.quote(name) }
        let keys = profile.key.indices.map { q("p\($0)") }
        let text = "SELECT \((keys + [q("crescendo_address"), payloadExpression(messages)]).map { dialect.output($0) }.joined(separator: ", ")) FROM \(q(messages.table)) WHERE \(q("crescendo_excluded")) IS NULL ORDER BY \(keys.joined(separator: ", ")) LIMIT \(max(1, limit))"
        let rows = try await store.rows(query(text, columns: Array(repeating: .text, count: keys.count + 2)))
        return rows.enumerated().map { index, row in
            let key = OutboxMessage.canonicalKey(Array(row.prefix(keys.count)))
            return OutboxMessage(
                id: "test-\(execution)-\(index)", campaign: campaign, execution: execution, activity: "", channel: messages.channel, category: messages.category,
                address: row[keys.count].text, profileKey: key, profileValues: [], attempt: 1, expiresAt: nil, payload: row[keys.count + 1].text ?? "{}")
        }
    }

    // MARK: Claims

    static let claimedColumns = "id, campaign, execution, activity, channel, category, address, profile_key, attempts, expires_epoch, payload, sending"

    /// Takes up to `limit` due messages for `worker` until `now + lease`. A claim is not an
    /// attempt: only a send that starts counts (`markSending`), so the tail of a batch whose
    /// worker died is not held against its messages.
    public func claim(worker: String, lease: Int64, now: Int64, limit: Int, channels: [Channel]? = nil) async throws -> [OutboxMessage] {
        var filter = "status = 'pending' AND due_epoch <= ? AND (lease_until IS NULL OR lease_until < ?)"
        var values = [Self.int(now), Self.int(now)]
        if let channels {
            filter += " AND channel IN (\(channels.map { _ in "?" }.joined(separator: ", ")))"
            values += channels.map { Self.text($0.rawValue) }
        }
        let lock = dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        let text = """
            UPDATE crescendo_message SET worker = ?, lease_until = ? \
            WHERE id IN (SELECT id FROM crescendo_message WHERE \(filter) ORDER BY due_epoch, id LIMIT \(max(1, limit))\(lock)) \
            AND status = 'pending' AND (lease_until IS NULL OR lease_until < ?) \
            RETURNING \(Self.claimedColumns)
            """
        let columns: [ValueKind] = [.text, .text, .integer, .text, .text, .text, .text, .text, .integer, .integer, .text, .integer]
        guard let results = try await store.perform([SQLStep(query(text, [Self.text(worker), Self.int(now + lease)] + values + [Self.int(now)], columns: columns))]) else { return [] }
        return results[0].compactMap { row in
            guard case .text(let id) = row[0], case .text(let campaign) = row[1], case .integer(let execution) = row[2], case .text(let activity) = row[3],
                let channel = row[4].text.flatMap(Channel.init(rawValue:)), let category = row[5].text.flatMap(MessageCategory.init(rawValue:)),
                case .integer(let attempts) = row[8]
            else { return nil }
            var expires: Int64?
            if case .integer(let value) = row[9] { expires = value }
            let profileKey = row[7].text
            return OutboxMessage(
                id: id, campaign: campaign, execution: execution, activity: activity, channel: channel, category: category, address: row[6].text,
                profileKey: profileKey, profileValues: [], attempt: Int(attempts) + 1, expiresAt: expires, payload: row[10].text ?? "{}",
                interrupted: row[11] == .integer(1))
        }.sorted { $0.id < $1.id }
    }

    /// Notes that a send of a claimed message starts, and counts the attempt, before the provider
    /// is called. False when the claim is no longer this worker's (its lease ran out and another
    /// worker took it): then it must not be sent. A message whose sends keep being cut short
    /// (it kills its worker) is recognised by `sending` still set at its next claim.
    public func markSending(_ id: String, worker: String) async throws -> Bool {
        try await store.perform([SQLStep(query("UPDATE crescendo_message SET attempts = attempts + 1, sending = 1 WHERE id = ? AND worker = ? AND status = 'pending' RETURNING 1", [Self.text(id), Self.text(worker)], columns: [.integer]), requiresRow: true)]) != nil
    }

    /// Keeps the claim alive while a slow batch is being sent.
    public func renew(_ ids: [String], worker: String, until: Int64) async throws {
        guard !ids.isEmpty else { return }
        _ = try await store.perform([SQLStep(query("UPDATE crescendo_message SET lease_until = ? WHERE worker = ? AND status = 'pending' AND id IN (\(ids.map { _ in "?" }.joined(separator: ", ")))", [Self.int(until), Self.text(worker)] + ids.map(Self.text)))])
    }

    /// Writes how a claimed message ended; lands only while the claim is still `worker`'s.
    /// Returns false when the claim was lost (the lease ran out and another worker took it).
    @discardableResult
    public func record(_ records: [DispatchRecord], worker: String, now: Int64) async throws -> Bool {
        guard !records.isEmpty else { return true }
        var steps: [SQLStep] = []
        let mine = "id = ? AND worker = ? AND status = 'pending'"
        let done = "sending = 0, worker = NULL, lease_until = NULL"
        for record in records {
            let id = [Self.text(record.id), Self.text(worker)]
            switch record.action {
            case .send:
                continue
            case .recordSent(let providerID):
                if let row = record.extractRow, let key = record.extract {
                    steps.append(try extractRowStep(message: record.id, execution: key.execution, activity: key.activity, row: row))
                }
                steps.append(SQLStep(query("UPDATE crescendo_message SET status = 'sent', reason = NULL, detail = NULL, sent_at = ?, sent_epoch = ?, updated_at = ?, provider = ?, provider_id = ?, segments = ?, \(done) WHERE \(mine)", [Self.timestamp(now), Self.int(now), Self.timestamp(now), Self.text(record.provider), Self.text(providerID), Self.int(record.segments.map(Int64.init))] + id)))
            case .recordExcluded(let reason, let detail):
                steps.append(SQLStep(query("UPDATE crescendo_message SET status = 'excluded', reason = ?, detail = ?, updated_at = ?, \(done) WHERE \(mine)", [Self.text(reason), Self.text(detail), Self.timestamp(now)] + id)))
            case .reschedule(let at, let reason, let detail):
                steps.append(SQLStep(query("UPDATE crescendo_message SET due_epoch = ?, reason = ?, detail = ?, updated_at = ?, \(done) WHERE \(mine)", [Self.int(at), Self.text(reason), Self.text(detail), Self.timestamp(now)] + id)))
            case .recordExpired:
                steps.append(SQLStep(query("UPDATE crescendo_message SET status = 'expired', reason = ?, updated_at = ?, \(done) WHERE \(mine)", [Self.text(ExclusionReason.expired), Self.timestamp(now)] + id)))
            case .recordFailed(let reason, let detail, _):
                steps.append(SQLStep(query("UPDATE crescendo_message SET status = 'failed', reason = ?, detail = ?, provider = ?, updated_at = ?, \(done) WHERE \(mine)", [Self.text(reason), Self.text(detail), Self.text(record.provider), Self.timestamp(now)] + id)))
            }
        }
        guard !steps.isEmpty else { return true }
        return try await store.perform(steps) != nil
    }

    /// Messages still waiting in the outbox (due now or later), for `worker --once` and reports.
    public func pendingCount(execution: Int64? = nil) async throws -> Int {
        var text = "SELECT count(*) FROM crescendo_message WHERE status = 'pending'"
        var values: [(Value, ValueKind)] = []
        if let execution {
            text += " AND execution = ?"
            values.append(Self.int(execution))
        }
        guard case .integer(let count)? = try await store.rows(query(text, values, columns: [.integer])).first?.first else { return 0 }
        return Int(count)
    }

    /// The earliest due time of a pending message, in seconds.
    public func nextDue() async throws -> Int64? {
        guard case .integer(let due)? = try await store.rows(query("SELECT min(due_epoch) FROM crescendo_message WHERE status = 'pending'", columns: [.integer])).first?.first else { return nil }
        return due
    }
}
