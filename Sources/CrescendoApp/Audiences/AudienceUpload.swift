import CrescendoCore
import CrescendoIngest
import Foundation

/// Brings an outside list (CSV or JSON Lines of identities) into the portal: each row's value is
/// matched to rows of an entity by one field; matched rows become the members, and every row that
/// did not match, or whose value is not valid for the field, goes to `FILE.unmatched.csv` with its
/// line and reason.
public enum AudienceUpload {
    public static func run(
        workbench: AudienceWorkbench, name: String, file: String, entity entityName: String, field fieldName: String, column: String?
    ) async throws -> SavedAudience {
        try SavedAudience.validateName(name)
        let model = workbench.model
        let entity = try model.requireEntity(entityName)
        guard let field = entity.field(named: fieldName) else {
            var message = "unknown field \"\(fieldName)\" on \(entity.name)"
            message += Spelling.hint(fieldName, among: entity.fields.map(\.name))
            throw CrescendoError(.unknownName, message)
        }
        let columnName = column ?? field.name

        // Read the whole list first: a file that cannot be read to its end changes nothing.
        var reader: any RecordReader
        do {
            reader = try openReader(path: file)
        } catch {
            throw CrescendoError(.unreadableInput, "\(file): \(error)")
        }
        let columns = reader.columns
        guard let columnIndex = columns.firstIndex(of: columnName) else {
            var message = "\(file): no column \"\(columnName)\" (the file has: \(columns.joined(separator: ", ")))"
            message += Spelling.hint(columnName, among: columns)
            throw CrescendoError(.invalidArgument, message)
        }
        let parser = ValueParser(timeZone: workbench.environment.timeZone)
        var accepted: [(line: Int, value: Value, values: [String?])] = []
        var invalid: [(Rejection, [String?]?)] = []
        var rows = 0
        do {
            while let item = try reader.next() {
                rows += 1
                switch item {
                case .malformed(let line, let reason):
                    invalid.append((Rejection(line: line, field: nil, reason: reason), nil))
                case .record(let record):
                    let text = columnIndex < record.values.count ? record.values[columnIndex]?.trimmingCharacters(in: .whitespaces) : nil
                    guard let text, !text.isEmpty else {
                        invalid.append((Rejection(line: record.line, field: columnName, reason: "is empty"), record.values))
                        continue
                    }
                    switch parser.parse(text, for: field) {
                    case .success(let value): accepted.append((record.line, value, record.values))
                    case .failure(let problem):
                        invalid.append((Rejection(line: record.line, field: columnName, reason: problem.reason), record.values))
                    }
                }
            }
        } catch let error as CrescendoError {
            throw error
        } catch {
            throw CrescendoError(.unreadableInput, "\(file): \(error)")
        }

        // Reconcile distinct values in chunks, each a bound IN list.
        let sql = PopulationSQL(dialect: workbench.store.dialect, model: model)
        var distinct: [Value] = []
        var seen: Set<Value> = []
        for row in accepted where seen.insert(row.value).inserted { distinct.append(row.value) }
        var matches: [Value: [[Value]]] = [:]
        for start in stride(from: 0, to: distinct.count, by: 500) {
            let chunk = Array(distinct[start..<min(start + 500, distinct.count)])
            for row in try await workbench.store.rows(sql.lookup(entity, field: field, values: chunk)) {
                // Stored values come back canonical; match them to the canonical uploaded ones by text.
                matches[Self.matchKey(row[0]), default: []].append(Array(row.dropFirst()))
            }
        }
        var members: [[Value]] = []
        var memberKeys: Set<[Value]> = []
        var unmatched: [(Rejection, [String?]?)] = []
        var matchedRows = 0
        for row in accepted {
            guard let keys = matches[Self.matchKey(row.value)] else {
                unmatched.append((Rejection(line: row.line, field: columnName, reason: "no \(entity.name) has \(field.name) = \(row.value.text ?? "")"), row.values))
                continue
            }
            matchedRows += 1
            for key in keys where memberKeys.insert(key).inserted { members.append(key) }
        }
        let ambiguous = matches.values.filter { $0.count > 1 }.count

        var unmatchedFile: String?
        let problems = (invalid + unmatched).sorted { $0.0.line < $1.0.line }
        if !problems.isEmpty, file != "-" {
            let path = Self.unmatchedPath(for: file)
            var writer = try RejectsWriter(path: path, columns: columns)
            for (rejection, values) in problems { try writer.write(rejection, values: values, columns: columns) }
            try writer.close()
            unmatchedFile = path
        }
        let summary = UploadSummary(
            file: file, column: columnName, field: field.name, rows: rows, matchedRows: matchedRows,
            unmatchedRows: unmatched.count, invalidRows: invalid.count, ambiguousValues: ambiguous, unmatchedFile: unmatchedFile)
        let audience = SavedAudience(name: name, kind: .upload, entity: entity.name, upload: summary)
        return try await workbench.store.saveAudience(audience, members: .rows(members), columns: MemberColumn.columns(for: entity, attributes: []))
    }

    /// `list.csv` → `list.unmatched.csv` (beside the input, like ingestion's rejects file).
    static func unmatchedPath(for file: String) -> String {
        var base = file
        for suffix in [".gz", ".csv", ".tsv", ".jsonl", ".ndjson"] where base.lowercased().hasSuffix(suffix) {
            base = String(base.dropLast(suffix.count))
        }
        return base + ".unmatched.csv"
    }

    /// Values compare by their canonical text (a decimal stored as REAL reads back as `12.5`, typed
    /// as `12.50`).
    static func matchKey(_ value: Value) -> Value {
        if case .decimal(let text) = value, let number = Double(text) { return .decimal(String(number)) }
        return value
    }
}
