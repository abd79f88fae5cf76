import CrescendoCore
import CrescendoIngest
import Foundation

/// Reads consent and suppression files (CSV or JSON Lines, gzip or not). Every row is checked
/// before anything is written; one bad row refuses the whole file with its line, field and
/// reason, so a half-imported consent list can never exist.
public enum ProfileListImport {
    static func rows(path: String, required: [String], optional: [String]) throws -> [(line: Int, values: [String: String])] {
        var reader: any RecordReader
        do {
            reader = try openReader(path: path)
        } catch {
            throw CrescendoError(.unreadableInput, "\(path): \(error)")
        }
        var rows: [(Int, [String: String])] = []
        var problems: [String] = []
        while let item = try reader.next() {
            switch item {
            case .malformed(let line, let reason):
                problems.append("\(path) line \(line): \(reason)")
            case .record(let record):
                var values: [String: String] = [:]
                for (column, value) in zip(reader.columns, record.values) { if let value, !value.isEmpty { values[column] = value } }
                rows.append((record.line, values))
            }
        }
        let columns = reader.columns
        for column in required where !columns.contains(column) {
            throw CrescendoError(.invalidArgument, "\(path): no column \"\(column)\"\(Spelling.hint(column, among: columns)) (needed: \(required.joined(separator: ", ")); optional: \(optional.joined(separator: ", ")))")
        }
        for column in columns where !required.contains(column) && !optional.contains(column) {
            throw CrescendoError(.invalidArgument, "\(path): column \"\(column)\" is not understood\(Spelling.hint(column, among: required + optional)) (columns: \(required.joined(separator: ", ")), \(optional.joined(separator: ", ")))")
        }
        if !problems.isEmpty { throw CrescendoError(.invalidArgument, problems.prefix(20).joined(separator: "\n") + (problems.count > 20 ? "\n… \(problems.count - 20) more" : "")) }
        return rows
    }

    static func channel(_ text: String?, path: String, line: Int) throws -> Channel {
        guard let text, let channel = Channel(rawValue: text.lowercased()) else {
            throw CrescendoError(.invalidArgument, "\(path) line \(line): channel: \"\(text ?? "")\" is not email, sms, push or direct-mail")
        }
        return channel
    }

    static func instant(_ text: String?, path: String, line: Int, field: String, now: Int64) throws -> Int64 {
        guard let text else { return now }
        guard let micros = ValueParser.utc.parseTimestamp(text) else {
            throw CrescendoError(.invalidArgument, "\(path) line \(line): \(field): \"\(text)\" is not a timestamp (ISO 8601, e.g. 2026-11-30T08:15:00Z)")
        }
        return micros / 1_000_000
    }

    /// Consent: the profile's key column(s), `channel`, `status` (opted_in/opted_out, also
    /// in/out, yes/no, true/false), optional `purpose` (marketing), `changed_at`, `source`.
    public static func consent(path: String, profile: Entity, now: Int64) throws -> [MessageRepository.ConsentRecord] {
        let rows = try rows(path: path, required: profile.key + ["channel", "status"], optional: ["purpose", "changed_at", "source"])
        return try rows.map { line, values in
            var parts: [String] = []
            for key in profile.key {
                guard let text = values[key] else { throw CrescendoError(.invalidArgument, "\(path) line \(line): \(key): the profile key is empty") }
                if case .failure(let problem) = ValueParser.utc.parse(text, for: profile.field(named: key)!) {
                    throw CrescendoError(.invalidArgument, "\(path) line \(line): \(key): \(problem.reason)")
                }
                parts.append(text)
            }
            let statusText = (values["status"] ?? "").lowercased()
            let status: ConsentStatus
            switch statusText {
            case "opted_in", "in", "yes", "true", "1", "opt_in": status = .optedIn
            case "opted_out", "out", "no", "false", "0", "opt_out": status = .optedOut
            default: throw CrescendoError(.invalidArgument, "\(path) line \(line): status: \"\(values["status"] ?? "")\" is not opted_in or opted_out")
            }
            let purpose = values["purpose"] ?? "marketing"
            guard !purpose.contains(where: \.isWhitespace) else { throw CrescendoError(.invalidArgument, "\(path) line \(line): purpose: \"\(purpose)\" must be one word") }
            return MessageRepository.ConsentRecord(
                profileKey: parts.joined(separator: "\u{1F}"), channel: try channel(values["channel"], path: path, line: line), purpose: purpose, status: status,
                changedAt: try instant(values["changed_at"], path: path, line: line, field: "changed_at", now: now), source: values["source"] ?? (path as NSString).lastPathComponent)
        }
    }

    /// Suppression: `address`, optional `channel` (email), `reason` (manual), `detail`, `created_at`.
    public static func suppression(path: String, now: Int64) throws -> [SuppressionEntry] {
        let rows = try rows(path: path, required: ["address"], optional: ["channel", "reason", "detail", "created_at"])
        return try rows.map { line, values in
            let channel = try channel(values["channel"] ?? "email", path: path, line: line)
            guard let address = values["address"], SendPolicy.isValid(address, channel: channel) else {
                throw CrescendoError(.invalidArgument, "\(path) line \(line): address: \"\(values["address"] ?? "")\" is not a valid \(channel.rawValue) address")
            }
            let reason = values["reason"] ?? "manual"
            guard SuppressionEntry.reasons.contains(reason) else {
                throw CrescendoError(.invalidArgument, "\(path) line \(line): reason: \"\(reason)\" is not one of \(SuppressionEntry.reasons.joined(separator: ", "))")
            }
            return SuppressionEntry(channel: channel, address: address, reason: reason, detail: values["detail"], createdAt: try instant(values["created_at"], path: path, line: line, field: "created_at", now: now))
        }
    }
}
