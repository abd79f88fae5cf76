import CrescendoCore
import Foundation

extension PostgresStore.Configuration {
    /// Parses `postgres://user:password@host:port/database[?schema=NAME&sslmode=require]`.
    ///
    /// `schema` keeps a workspace in its own schema, so one database can hold several; `sslmode`
    /// require, verify-ca or verify-full asks for TLS (loopback and private networks default to plain).
    public init(url text: String) throws(CrescendoError) {
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty,
            ["postgres", "postgresql"].contains(components.scheme ?? "")
        else {
            throw CrescendoError(.invalidStoreURL, "store \"\(Self.redact(text))\" is not a valid PostgreSQL URL (expected postgres://user:password@host:port/database)")
        }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let user = components.user?.removingPercentEncoding ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        let schema = components.queryItems?.first { $0.name == "schema" }?.value
        if let schema, !DataModel.isSafeIdentifier(schema) {
            throw CrescendoError(.invalidStoreURL, "schema \"\(schema)\" is not a safe identifier (lowercase letters, digits and _, starting with a letter)")
        }
        self.init(
            host: host, port: components.port ?? 5432, user: user, password: components.password?.removingPercentEncoding,
            database: path.isEmpty ? user : path, requireTLS: ["require", "verify-ca", "verify-full"].contains(mode), schema: schema
        )
    }

    /// The URL with its password masked, for messages that might reach a log.
    public static func redact(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@"), let scheme = text.range(of: "://"),
            let colon = text[scheme.upperBound..<at].firstIndex(of: ":")
        else { return text }
        return String(text[..<text.index(after: colon)]) + "***" + String(text[at...])
    }

}
