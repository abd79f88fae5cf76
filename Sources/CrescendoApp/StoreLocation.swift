import CrescendoCore
import CrescendoPostgres
import Foundation

/// Where a workspace lives, parsed from `--store` or `CRESCENDO_STORE`.
///
/// `sqlite:PATH` (or a bare path) for the embedded engine; `postgres://user:pass@host:port/db` for
/// PostgreSQL. The password is kept out of `description`, which is what logs and messages print.
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresStore.Configuration)

    public static let defaultValue = "sqlite:crescendo.db"
    public static let environmentVariable = "CRESCENDO_STORE"

    /// `--store` if given, else `CRESCENDO_STORE`, else `crescendo.db` in the current folder.
    public static func resolve(_ option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws(CrescendoError) -> StoreLocation {
        try parse(option ?? environment[environmentVariable] ?? defaultValue)
    }

    public static func parse(_ text: String) throws(CrescendoError) -> StoreLocation {
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            return .postgres(try PostgresStore.Configuration(url: text))
        }
        var path = text
        if path.hasPrefix("sqlite://") {
            path.removeFirst("sqlite://".count)
        } else if path.hasPrefix("sqlite:") {
            path.removeFirst("sqlite:".count)
        } else if path.contains("://") {
            throw CrescendoError(.invalidStoreURL, "store \"\(Self.redact(text))\" is not understood (expected sqlite:PATH or postgres://user:password@host:port/database)")
        }
        if !text.hasPrefix("sqlite:"), path.contains(where: { $0 == "=" || $0 == "@" || $0.isWhitespace }) {
            // Most likely a connection string in another syntax; never create a file named after it.
            throw CrescendoError(.invalidStoreURL, "store \"\(Self.redact(text).prefix(12))…\" is not understood (expected sqlite:PATH or postgres://user:password@host:port/database)")
        }
        guard !path.isEmpty else {
            throw CrescendoError(.invalidStoreURL, "store \"\(text)\" names no file (expected sqlite:PATH)")
        }
        return .sqlite(path: path)
    }

    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let configuration): configuration.redacted
        }
    }

    public static func redact(_ text: String) -> String { PostgresStore.Configuration.redact(text) }
}

