import CrescendoCore
import Foundation

/// `data get`: one row by key, with a clear answer when the key was deleted or never loaded.
public enum RowLookup {
    public enum Result: Sendable {
        case found(StoredRow)
        case absent(String)
    }

    public static func find(entity name: String, key texts: [String], in store: any WorkspaceStore) async throws -> Result {
        let model = try await Workspace.requireModel(store).model
        let entity = try model.requireEntity(name)
        guard texts.count == entity.key.count else {
            throw CrescendoError(.invalidArgument, "\(entity.name) has a key of \(entity.key.count) field(s) (\(entity.key.joined(separator: ", "))) but \(texts.count) value(s) were given")
        }
        let parser = ValueParser(timeZone: TimeZone(identifier: model.timeZone) ?? TimeZone(identifier: "UTC")!)
        var key: [Value] = []
        for (text, position) in zip(texts, entity.keyPositions) {
            let field = entity.fields[position]
            switch parser.parse(text, for: field) {
            case .success(let value): key.append(value)
            case .failure(let problem): throw CrescendoError(.invalidArgument, "key field \(field.name): \(problem.reason)")
            }
        }
        if let values = try await store.row(entity, key: key) {
            return .found(StoredRow(entity: entity, values: values))
        }
        let shown = texts.joined(separator: ", ")
        if let version = try await store.tombstone(entity, key: key) {
            let versionField = entity.fields[entity.versionPosition]
            let versionText = versionField.type == .timestamp ? CivilTime.iso8601(micros: version) : String(version)
            return .absent("\(entity.name) \(shown) was deleted (delete version \(versionText))")
        }
        return .absent("\(entity.name) \(shown) is not in the workspace")
    }
}

/// A row with its field names, printed as `name: value` lines or a JSON object.
public struct StoredRow: Sendable {
    public var entity: Entity
    public var values: [Value]

    public var fields: OrderedJSONObject {
        OrderedJSONObject(pairs: zip(entity.fields, values).map { ($0.name, JSONValue($1)) })
    }

    public var text: String {
        let width = entity.fields.map(\.name.count).max() ?? 0
        return zip(entity.fields, values).map { field, value in
            field.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + (value.text ?? "∅")
        }.joined(separator: "\n")
    }
}

/// A JSON value for rows: numbers stay numbers, timestamps become ISO 8601 text.
public enum JSONValue: Sendable, Encodable, Equatable {
    case null, string(String), integer(Int64), number(Double), bool(Bool)

    public init(_ value: Value) {
        switch value {
        case .null: self = .null
        case .text(let text): self = .string(text)
        case .integer(let number): self = .integer(number)
        case .decimal(let text): self = Double(text).map(JSONValue.number) ?? .string(text)
        case .boolean(let flag): self = .bool(flag)
        case .timestamp(let micros): self = .string(CivilTime.iso8601(micros: micros))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .string(let text): try container.encode(text)
        case .integer(let number): try container.encode(number)
        case .number(let number): try container.encode(number)
        case .bool(let flag): try container.encode(flag)
        }
    }
}

/// A JSON object that keeps its keys in the model's field order.
public struct OrderedJSONObject: Sendable, Encodable {
    public var pairs: [(String, JSONValue)]

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (name, value) in pairs { try container.encode(value, forKey: Key(stringValue: name)) }
    }
}
