import Foundation

/// Direct-mail extracts: each accepted letter's row is kept as it is decided
/// (`crescendo_extract_row`), and an activity's extract is written once nothing of it is left to
/// decide, then recorded (`crescendo_extract`) with where it went and how many rows it holds.
extension MessageRepository {
    func prepareExtracts() -> [String] {
        let big = dialect == .postgres ? "bigint" : "INTEGER"
        return [
            "CREATE TABLE IF NOT EXISTS crescendo_extract_row (message TEXT PRIMARY KEY, execution \(big) NOT NULL, activity TEXT NOT NULL, row TEXT NOT NULL)",
            "CREATE INDEX IF NOT EXISTS crescendo_extract_row_activity ON crescendo_extract_row (execution, activity)",
            "CREATE TABLE IF NOT EXISTS crescendo_extract (execution \(big) NOT NULL, activity TEXT NOT NULL, provider TEXT NOT NULL, location TEXT NOT NULL, \"rows\" \(big) NOT NULL, written_at \(big) NOT NULL, PRIMARY KEY (execution, activity))",
        ]
    }

    /// Keeps a letter's row; a repeat (the same message decided again after a crash) replaces it.
    func extractRowStep(message: String, execution: Int64, activity: String, row: ExtractRow) throws -> SQLStep {
        let json = String(decoding: try JSONEncoder().encode(row), as: UTF8.self)
        return SQLStep(query(
            "INSERT INTO crescendo_extract_row (message, execution, activity, row) VALUES (?, ?, ?, ?) ON CONFLICT (message) DO UPDATE SET row = excluded.row",
            [Self.text(message), Self.int(execution), Self.text(activity), Self.text(json)]))
    }

    /// Direct-mail activities with nothing pending and no extract yet: those of `candidates`, or
    /// of the whole outbox when nil (after a restart).
    public func extractsDue(candidates: Set<ExtractKey>? = nil) async throws -> [ExtractKey] {
        if let candidates, candidates.isEmpty { return [] }
        var text = """
            SELECT m.campaign, m.execution, m.activity FROM crescendo_message m \
            WHERE m.channel = 'direct-mail' AND NOT EXISTS (SELECT 1 FROM crescendo_extract e WHERE e.execution = m.execution AND e.activity = m.activity)
            """
        var values: [(Value, ValueKind)] = []
        if let candidates {
            text += " AND m.execution IN (\(candidates.map { _ in "?" }.joined(separator: ", ")))"
            values = candidates.map { Self.int($0.execution) }
        }
        text += " GROUP BY m.campaign, m.execution, m.activity HAVING sum(CASE WHEN m.status = 'pending' THEN 1 ELSE 0 END) = 0"
        let rows = try await store.rows(query(text, values, columns: [.text, .integer, .text]))
        return rows.compactMap { row in
            guard case .text(let campaign) = row[0], case .integer(let execution) = row[1], case .text(let activity) = row[2] else { return nil }
            let key = ExtractKey(campaign: campaign, execution: execution, activity: activity)
            return candidates.map { $0.contains(key) ? key : nil } ?? key
        }
    }

    /// The rows of the letters sent (handed to the extract) by one activity, in message id order.
    public func extractRows(execution: Int64, activity: String) async throws -> [ExtractRow] {
        let rows = try await store.rows(query(
            "SELECT r.row FROM crescendo_extract_row r JOIN crescendo_message m ON m.id = r.message WHERE r.execution = ? AND r.activity = ? AND m.status IN ('sent', 'delivered') ORDER BY r.message",
            [Self.int(execution), Self.text(activity)], columns: [.text]))
        let decoder = JSONDecoder()
        return try rows.compactMap { row in try row[0].text.map { try decoder.decode(ExtractRow.self, from: Data($0.utf8)) } }
    }

    /// Notes a delivered extract; the first record stands (a repeat after a crash wrote the same file).
    public func recordExtract(_ record: ExtractRecord) async throws {
        _ = try await must([SQLStep(query(
            "INSERT INTO crescendo_extract (execution, activity, provider, location, \"rows\", written_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (execution, activity) DO NOTHING",
            [Self.int(record.execution), Self.text(record.activity), Self.text(record.provider), Self.text(record.location), Self.int(Int64(record.rows)), Self.int(record.writtenAt)]))], "record the extract")
    }

    public func extracts(campaign: String, execution: Int64? = nil) async throws -> [ExtractRecord] {
        var text = "SELECT e.execution, e.activity, e.provider, e.location, e.\"rows\", e.written_at FROM crescendo_extract e WHERE e.execution IN (SELECT DISTINCT execution FROM crescendo_message WHERE campaign = ?)"
        var values = [Self.text(campaign)]
        if let execution {
            text += " AND e.execution = ?"
            values.append(Self.int(execution))
        }
        let rows = try await store.rows(query(text + " ORDER BY e.execution, e.activity", values, columns: [.integer, .text, .text, .text, .integer, .integer]))
        return rows.compactMap { row in
            guard case .integer(let execution) = row[0], case .text(let activity) = row[1], case .text(let provider) = row[2], case .text(let location) = row[3],
                case .integer(let count) = row[4], case .integer(let written) = row[5] else { return nil }
            return ExtractRecord(execution: execution, activity: activity, provider: provider, location: location, rows: Int(count), writtenAt: written)
        }
    }
}

/// An execution's direct-mail activity, the unit an extract covers.
public struct ExtractKey: Sendable, Hashable {
    public var campaign: String
    public var execution: Int64
    public var activity: String

    public init(campaign: String, execution: Int64, activity: String) {
        self.campaign = campaign
        self.execution = execution
        self.activity = activity
    }
}
