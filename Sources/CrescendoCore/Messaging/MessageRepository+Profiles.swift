extension MessageRepository {
    /// The profiles behind canonical keys, read now (not from the campaign's snapshot): the
    /// policies and templates see the person as they are at send time.
    public func profiles(keys: [String]) async throws -> [String: [String: Value]] {
        guard let profile else { return [:] }
        let keyFields = profile.key.map { profile.field(named: $0)! }
        var result: [String: [String: Value]] = [:]
        let columns = profile.fields.map { dialect.output(dialect.quote($0.name)) }
        let kinds = profile.fields.map { ValueKind($0.type) }
        let keyPositions = profile.keyPositions
        for chunk in Self.chunks(Array(Set(keys)), size: 300) {
            var binds: [(Value, ValueKind)] = []
            var tuples: [String] = []
            for key in chunk {
                let parts = key.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
                guard parts.count == keyFields.count else { continue }
                var values: [(Value, ValueKind)] = []
                for (part, field) in zip(parts, keyFields) {
                    guard case .success(let value) = ValueParser.utc.parse(part, for: field) else { break }
                    values.append((value, ValueKind(field.type)))
                }
                guard values.count == keyFields.count else { continue }
                binds += values
                tuples.append(keyFields.count == 1 ? "?" : "(\(values.map { _ in "?" }.joined(separator: ", ")))")
            }
            guard !tuples.isEmpty else { continue }
            let keyColumns = keyFields.map { dialect.quote($0.name) }
            let left = keyColumns.count == 1 ? keyColumns[0] : "(\(keyColumns.joined(separator: ", ")))"
            let text = "SELECT \(columns.joined(separator: ", ")) FROM \(dialect.quote(profile.name)) WHERE \(left) IN (\(tuples.joined(separator: ", ")))"
            for row in try await store.rows(query(text, binds, columns: kinds)) {
                let key = OutboxMessage.canonicalKey(keyPositions.map { row[$0] })
                var fields: [String: Value] = [:]
                for (field, value) in zip(profile.fields, row) { fields[field.name] = value }
                result[key] = fields
            }
        }
        return result
    }
}
