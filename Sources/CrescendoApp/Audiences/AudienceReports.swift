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

    public struct AudienceInfo: Encodable, Sendable {
        public var name: String
        public var kind: String
        public var entity: String
        public var sourceEntity: String?
        public var rule: String?
        public var dimension: String?
        public var attributes: [String]
        public var size: Int?
        public var currentSize: Int?
        public var computedAt: String?
        public var createdAt: String
        public var updatedAt: String
        public var upload: UploadSummary?

        public init(_ audience: SavedAudience, currentSize: Int? = nil) {
            name = audience.name
            kind = audience.kind.rawValue
            entity = audience.entity
            sourceEntity = audience.sourceEntity
            rule = audience.rule
            dimension = audience.dimension
            attributes = audience.attributes
            size = audience.size
            self.currentSize = currentSize
            computedAt = audience.computedAt
            createdAt = audience.createdAt
            updatedAt = audience.updatedAt
            upload = audience.upload
        }

        public var text: String {
            var lines = ["audience   \(name)", "kind       \(kind)", "rows of    \(entity)"]
            if let rule { lines.append("rule       \(sourceEntity.map { $0 != entity ? "on \($0): " : "" } ?? "")\(rule)") }
            if let dimension { lines.append("moved to   \(dimension)") }
            if !attributes.isEmpty { lines.append("attributes \(attributes.joined(separator: ", "))") }
            if let size { lines.append("size       \(size) (at \(computedAt ?? "?"))") }
            if let currentSize { lines.append("now        \(currentSize)") }
            if let upload {
                lines.append("uploaded   \(upload.file) (column \(upload.column) matched on \(entity).\(upload.field))")
                lines.append("           \(upload.rows) rows: \(upload.matchedRows) matched, \(upload.unmatchedRows) unmatched, \(upload.invalidRows) invalid")
            }
            lines.append("created    \(createdAt)")
            lines.append("updated    \(updatedAt)")
            return lines.joined(separator: "\n")
        }
    }
}
