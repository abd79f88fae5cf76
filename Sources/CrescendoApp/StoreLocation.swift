import CrescendoCore
import Foundation

/// Where a workspace lives, parsed from `--store` or `CRESCENDO_STORE`.
///
/// `sqlite:PATH` (or a bare path) for the embedded engine; `postgres://user:pass@host:port/db` for
/// PostgreSQL. The password is kept out of `description`, which is what logs and messages print.
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    public static let defaultValue = "sqlite:crescendo.db"
    public static let environmentVariable = "CRESCENDO_STORE"

    /// `--store` if given, else `CRESCENDO_STORE`, else `crescendo.db` in the current folder.
    public static func resolve(_ option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws(CrescendoError) -> StoreLocation {
        try parse(option ?? environment[environmentVariable] ?? defaultValue)
    }

    public static func parse(_ text: String) throws(CrescendoError) -> StoreLocation {
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            return .postgres(try PostgresLocation(url: text))
        }
        var path = text
        if path.hasPrefix("sqlite://") {
            path.removeFirst("sqlite://".count)
        } else if path.hasPrefix("sqlite:") {
            path.removeFirst("sqlite:".count)
        } else if path.contains("://") {
            throw CrescendoError(.invalidStoreURL, "store \"\(Self.redact(text))\" is not understood (expected sqlite:PATH or postgres://user:password@host:port/database)")
        }
        guard !path.isEmpty else {
            throw CrescendoError(.invalidStoreURL, "store \"\(text)\" names no file (expected sqlite:PATH)")
        }
        return .sqlite(path: path)
    }

    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let location): location.description
        }
    }

    static func redact(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@"), let scheme = text.range(of: "://"), let colon = text[scheme.upperBound..<at].firstIndex(of: ":") else { return text }
        return String(text[..<text.index(after: colon)]) + "***" + String(text[at...])
    }
}

/// A PostgreSQL server and database.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    /// `sslmode=require` (or verify-full) in the URL asks for TLS; loopback defaults to plain.
    public var requireTLS: Bool
    /// `?schema=NAME` keeps a workspace in its own schema, so one database can hold several.
    public var schema: String?

    public init(url text: String) throws(CrescendoError) {
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            throw CrescendoError(.invalidStoreURL, "store \"\(StoreLocation.redact(text))\" is not a valid PostgreSQL URL (expected postgres://user:password@host:port/database)")
        }
        self.host = host
        port = components.port ?? 5432
        user = components.user?.removingPercentEncoding ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        password = components.password?.removingPercentEncoding
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? user : path
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        requireTLS = ["require", "verify-ca", "verify-full"].contains(mode)
        schema = components.queryItems?.first { $0.name == "schema" }?.value
        if let schema, !Self.isSafeIdentifier(schema) {
            throw CrescendoError(.invalidStoreURL, "schema \"\(schema)\" is not a safe identifier (lowercase letters, digits and _, starting with a letter)")
        }
    }

    static func isSafeIdentifier(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, first >= 97, first <= 122, bytes.count <= 63 else { return false }
        return bytes.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
    }

    public var description: String {
        "postgres://\(user)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)" + (schema.map { "?schema=\($0)" } ?? "")
    }
}
