/// Consent, suppression and what each person already received: the profile side the policies
/// read at send time.
extension MessageRepository {
    /// One consent record: the latest word of the person on a channel and purpose, when and where.
    public struct ConsentRecord: Sendable, Hashable, Codable {
        public var profileKey: String
        public var channel: Channel
        public var purpose: String
        public var status: ConsentStatus
        /// Seconds since the epoch.
        public var changedAt: Int64
        public var source: String

        public init(profileKey: String, channel: Channel, purpose: String, status: ConsentStatus, changedAt: Int64, source: String) {
            self.profileKey = profileKey
            self.channel = channel
            self.purpose = purpose
            self.status = status
            self.changedAt = changedAt
            self.source = source
        }

        enum CodingKeys: String, CodingKey {
            case profileKey = "profile_key", channel, purpose, status
            case changedAt = "changed_at", source
        }
    }

    /// Saves consent records in one transaction. A record older than the one stored is ignored:
    /// replaying an old export never undoes a newer opt-out. Returns how many changed.
    @discardableResult
    public func setConsent(_ records: [ConsentRecord]) async throws -> Int {
        guard !records.isEmpty else { return 0 }
        let results = try await must(records.map(consentStep), "save consent")
        return results.reduce(0) { $0 + $1.count }
    }

    /// Saves one record unless a newer one is stored; returns a row when it changed something.
    func consentStep(_ record: ConsentRecord) -> SQLStep {
        SQLStep(query("""
            INSERT INTO crescendo_consent (profile_key, channel, purpose, status, changed_at, source) VALUES (?, ?, ?, ?, ?, ?) \
            ON CONFLICT (profile_key, channel, purpose) DO UPDATE SET status = excluded.status, changed_at = excluded.changed_at, source = excluded.source \
            WHERE crescendo_consent.changed_at <= excluded.changed_at RETURNING 1
            """, [Self.text(record.profileKey), Self.text(record.channel.rawValue), Self.text(record.purpose), Self.text(record.status.rawValue), Self.int(record.changedAt), Self.text(record.source)], columns: [.integer]))
    }

    public func consent(profileKey: String) async throws -> [ConsentRecord] {
        try await store.rows(query("SELECT profile_key, channel, purpose, status, changed_at, source FROM crescendo_consent WHERE profile_key = ? ORDER BY channel, purpose", [Self.text(profileKey)], columns: [.text, .text, .text, .text, .integer, .text])).compactMap(Self.consentRecord)
    }

    /// The consent status per profile key for one channel and purpose.
    public func consent(profileKeys: [String], channel: Channel, purpose: String) async throws -> [String: ConsentStatus] {
        var statuses: [String: ConsentStatus] = [:]
        for chunk in Self.chunks(Array(Set(profileKeys))) {
            let text = "SELECT profile_key, channel, purpose, status, changed_at, source FROM crescendo_consent WHERE channel = ? AND purpose = ? AND profile_key IN (\(chunk.map { _ in "?" }.joined(separator: ", ")))"
            for record in try await store.rows(query(text, [Self.text(channel.rawValue), Self.text(purpose)] + chunk.map(Self.text), columns: [.text, .text, .text, .text, .integer, .text])).compactMap(Self.consentRecord) {
                statuses[record.profileKey] = record.status
            }
        }
        return statuses
    }

    static func consentRecord(_ row: [Value]) -> ConsentRecord? {
        guard let key = row[0].text, let channel = row[1].text.flatMap(Channel.init(rawValue:)), let purpose = row[2].text,
            let status = row[3].text.flatMap(ConsentStatus.init(rawValue:)), case .integer(let at) = row[4]
        else { return nil }
        return ConsentRecord(profileKey: key, channel: channel, purpose: purpose, status: status, changedAt: at, source: row[5].text ?? "")
    }

    static func chunks<T>(_ values: [T], size: Int = 500) -> [[T]] {
        stride(from: 0, to: values.count, by: size).map { Array(values[$0..<min($0 + size, values.count)]) }
    }

    // MARK: Suppression

    /// Adds or replaces suppression entries in one transaction; returns how many were written.
    @discardableResult
    public func suppress(_ entries: [SuppressionEntry]) async throws -> Int {
        guard !entries.isEmpty else { return 0 }
        _ = try await must(entries.map(suppressionStep), "save the suppression entries")
        return entries.count
    }

    /// Adds or replaces one entry, its address in the form it is compared in.
    func suppressionStep(_ entry: SuppressionEntry) -> SQLStep {
        SQLStep(query("""
            INSERT INTO crescendo_suppression (channel, address, reason, detail, created_at) VALUES (?, ?, ?, ?, ?) \
            ON CONFLICT (channel, address) DO UPDATE SET reason = excluded.reason, detail = excluded.detail, created_at = excluded.created_at
            """, [Self.text(entry.channel.rawValue), Self.text(SuppressionEntry.normalized(entry.address, channel: entry.channel)), Self.text(entry.reason), Self.text(entry.detail), Self.int(entry.createdAt)]))
    }

    /// Removes an address from the list; false when it was not on it.
    public func unsuppress(channel: Channel, address: String) async throws -> Bool {
        let results = try await must([SQLStep(query("DELETE FROM crescendo_suppression WHERE channel = ? AND address = ? RETURNING 1", [Self.text(channel.rawValue), Self.text(SuppressionEntry.normalized(address, channel: channel))], columns: [.integer]))], "remove the suppression entry")
        return !results[0].isEmpty
    }

    public func suppressions(channel: Channel? = nil, limit: Int? = nil) async throws -> [SuppressionEntry] {
        var text = "SELECT channel, address, reason, detail, created_at FROM crescendo_suppression"
        var values: [(Value, ValueKind)] = []
        if let channel {
            text += " WHERE channel = ?"
            values.append(Self.text(channel.rawValue))
        }
        text += " ORDER BY channel, address"
        if let limit { text += " LIMIT \(max(0, limit))" }
        return try await store.rows(query(text, values, columns: [.text, .text, .text, .text, .integer])).compactMap(Self.suppression)
    }

    public func suppressions(addresses: [String], channel: Channel) async throws -> [String: SuppressionEntry] {
        var entries: [String: SuppressionEntry] = [:]
        let normalized = Array(Set(addresses.map { SuppressionEntry.normalized($0, channel: channel) }))
        for chunk in Self.chunks(normalized) {
            let text = "SELECT channel, address, reason, detail, created_at FROM crescendo_suppression WHERE channel = ? AND address IN (\(chunk.map { _ in "?" }.joined(separator: ", ")))"
            for entry in try await store.rows(query(text, [Self.text(channel.rawValue)] + chunk.map(Self.text), columns: [.text, .text, .text, .text, .integer])).compactMap(Self.suppression) {
                entries[entry.address] = entry
            }
        }
        return entries
    }

    static func suppression(_ row: [Value]) -> SuppressionEntry? {
        guard let channel = row[0].text.flatMap(Channel.init(rawValue:)), let address = row[1].text, let reason = row[2].text, case .integer(let at) = row[4] else { return nil }
        return SuppressionEntry(channel: channel, address: address, reason: reason, detail: row[3].text, createdAt: at)
    }

    // MARK: History

    /// When each profile received messages since `since` (seconds), per channel, across campaigns.
    public func received(profileKeys: [String], since: Int64) async throws -> [String: [Channel: [Int64]]] {
        var received: [String: [Channel: [Int64]]] = [:]
        for chunk in Self.chunks(Array(Set(profileKeys))) {
            let text = "SELECT profile_key, channel, sent_epoch FROM crescendo_message WHERE status IN ('sent', 'delivered', 'bounced') AND sent_epoch >= ? AND profile_key IN (\(chunk.map { _ in "?" }.joined(separator: ", ")))"
            for row in try await store.rows(query(text, [Self.int(since)] + chunk.map(Self.text), columns: [.text, .text, .integer])) {
                guard let key = row[0].text, let channel = row[1].text.flatMap(Channel.init(rawValue:)), case .integer(let at) = row[2] else { continue }
                received[key, default: [:]][channel, default: []].append(at)
            }
        }
        return received
    }
}
