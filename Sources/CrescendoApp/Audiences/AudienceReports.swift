import CrescendoCore
import Foundation

/// What the audience commands print, for people and (`--json`) for scripts.
public enum AudienceReports {
    public struct Count: Encodable, Sendable {
        public var entity: String
        public var count: Int
        public var milliseconds: Int

        public init(entity: String, count: Int, milliseconds: Int) {
            self.entity = entity
            self.count = count
            self.milliseconds = milliseconds
        }
    }

    public static func preview(_ preview: AudiencePreview) -> (json: [OrderedJSONObject], table: String) {
        let objects = preview.rows.map { row in OrderedJSONObject(pairs: zip(preview.fields, row).map { ($0, JSONValue($1)) }) }
        let table = Output.table(preview.fields, preview.rows.map { $0.map { $0.text ?? "∅" } })
        return (objects, table)
    }

    public struct Distribution: Encodable, Sendable {
        public struct Bucket: Encodable, Sendable {
            public var value: JSONValue
            public var count: Int
            public var share: Double
        }

        public var entity: String
        public var field: String
        public var total: Int
        public var distinctValues: Int
        public var top: [Bucket]
        /// Rows whose value is not among the top ones.
        public var others: Int

        public init(_ distribution: AudienceDistribution) {
            entity = distribution.entity
            field = distribution.field
            total = distribution.total
            distinctValues = distribution.distinctValues
            top = distribution.top.map {
                Bucket(value: JSONValue($0.value), count: $0.count, share: distribution.total == 0 ? 0 : (Double($0.count) / Double(distribution.total) * 10_000).rounded() / 10_000)
            }
            others = distribution.total - distribution.top.reduce(0) { $0 + $1.count }
        }

        public var table: String {
            var rows = top.map { bucket -> [String] in
                let value: String = switch bucket.value {
                case .null: "∅ (no value)"
                case .string(let text): text
                case .integer(let n): String(n)
                case .number(let n): String(n)
                case .bool(let flag): flag ? "true" : "false"
                }
                return [value, String(bucket.count), String(format: "%.1f%%", bucket.share * 100)]
            }
            if others > 0 { rows.append(["(\(distinctValues - top.count) other values)", String(others), String(format: "%.1f%%", total == 0 ? 0 : Double(others) / Double(total) * 100)]) }
            return Output.table([field, "count", "share"], rows) + "\n\(total) \(entity) rows, \(distinctValues) distinct values"
        }
    }

    public struct SQL: Encodable, Sendable {
        public var engine: String
        public var sql: String
        public var binds: [JSONValue]

        public init(engine: String, query: SQLQuery) {
            self.engine = engine
            sql = query.text
            binds = query.binds.map { JSONValue($0.value) }
        }

        public var text: String {
            var lines = [sql + ";"]
            if !binds.isEmpty {
                lines.append("-- bound values, in order:")
                for (index, bind) in binds.enumerated() {
                    let shown: String = switch bind {
                    case .null: "NULL"
                    case .string(let text): "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
                    case .integer(let n): String(n)
                    case .number(let n): String(n)
                    case .bool(let flag): flag ? "true" : "false"
                    }
                    lines.append("--   \(index + 1): \(shown)")
                }
            }
            return lines.joined(separator: "\n")
        }
    }

    /// An audience as stored, with its size now when it was counted (`show`).
    public struct AudienceInfo: Encodable, Sendable {
        public var audience: SavedAudience
        public var currentSize: Int?

        public init(_ audience: SavedAudience, currentSize: Int? = nil) {
            self.audience = audience
            self.currentSize = currentSize
        }

        private enum Key: String, CodingKey { case currentSize }

        /// One flat object: the audience's own fields, then `current_size`.
        public func encode(to encoder: any Encoder) throws {
            try audience.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encodeIfPresent(currentSize, forKey: .currentSize)
        }

        public var text: String {
            let a = audience
            var lines = ["audience   \(a.name)", "kind       \(a.kind.rawValue)", "rows of    \(a.entity)"]
            if let rule = a.rule {
                let on = a.sourceEntity.map { $0 != a.entity ? "on \($0): " : "" } ?? ""
                lines.append("rule       \(on)\(rule)")
            }
            if let dimension = a.dimension { lines.append("moved to   \(dimension)") }
            if !a.attributes.isEmpty { lines.append("attributes \(a.attributes.joined(separator: ", "))") }
            if let size = a.size { lines.append("size       \(size) (at \(a.computedAt ?? "?"))") }
            if let currentSize { lines.append("now        \(currentSize)") }
            if let upload = a.upload {
                lines.append("uploaded   \(upload.file) (column \(upload.column) matched on \(a.entity).\(upload.field))")
                lines.append("           \(upload.rows) rows: \(upload.matchedRows) matched, \(upload.unmatchedRows) unmatched, \(upload.invalidRows) invalid")
            }
            lines.append("created    \(a.createdAt)")
            lines.append("updated    \(a.updatedAt)")
            return lines.joined(separator: "\n")
        }
    }
}
