import CrescendoCore
import Foundation
import Logging
import PostgresNIO

/// The production engine: a PostgreSQL database through postgres-nio's connection pool.
///
/// Create it with `withStore`, which runs the client for the length of the work and shuts it down
/// after, so no connection outlives the command (or service) that opened it.
public final class PostgresStore: WorkspaceStore {
    public let engine = "postgres"
    let client: PostgresClient
    let logger: Logger
    let name: String

    /// What to connect to. TLS is off unless `requireTLS` (loopback and private networks).
    public struct Configuration: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var user: String
        public var password: String?
        public var database: String
        public var requireTLS: Bool
        /// The schema that holds the workspace (created when missing); nil for the user's default.
        /// Must be a safe identifier: the caller validates it.
        public var schema: String?

        public init(host: String, port: Int, user: String, password: String?, database: String, requireTLS: Bool = false, schema: String? = nil) {
            self.host = host
            self.port = port
            self.user = user
            self.password = password
            self.database = database
            self.requireTLS = requireTLS
            self.schema = schema
        }

        /// The location without its password, for messages.
        public var redacted: String {
            "postgres://\(user)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)" + (schema.map { "?schema=\($0)" } ?? "")
        }
    }

    init(client: PostgresClient, logger: Logger, name: String) {
        self.client = client
        self.logger = logger
        self.name = name
    }

    /// Runs `body` with a store whose client runs in a child task, then shuts the client down.
    public static func withStore<T: Sendable>(_ configuration: Configuration, _ body: (PostgresStore) async throws -> T) async throws -> T {
        var clientConfiguration = PostgresClient.Configuration(
            host: configuration.host, port: configuration.port, username: configuration.user,
            password: configuration.password, database: configuration.database,
            tls: configuration.requireTLS ? .require(.makeClientConfiguration()) : .disable
        )
        clientConfiguration.options.maximumConnections = 4
        clientConfiguration.options.connectTimeout = .seconds(10)
        if let schema = configuration.schema {
            // Every pooled connection starts with the workspace's schema first on its search path.
            clientConfiguration.options.additionalStartupParameters = [("search_path", schema)]
        }
        var logger = Logger(label: "crescendo.postgres")
        logger.logLevel = .critical
        try await probe(configuration, logger: logger)
        let client = PostgresClient(configuration: clientConfiguration, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            let store = PostgresStore(client: client, logger: logger, name: configuration.redacted)
            try await store.prepare(schema: configuration.schema)
            return try await body(store)
        }
    }

    /// One direct connection before the pool starts: the pool retries a refused connection for
    /// a minute before giving up, while a person at a terminal wants the server's reason now.
    static func probe(_ configuration: Configuration, logger: Logger) async throws {
        do {
            let connectionConfiguration = PostgresConnection.Configuration(
                host: configuration.host, port: configuration.port, username: configuration.user,
                password: configuration.password, database: configuration.database,
                tls: configuration.requireTLS ? .require(try .init(configuration: .makeClientConfiguration())) : .disable
            )
            let connection = try await PostgresConnection.connect(configuration: connectionConfiguration, id: 0, logger: logger)
            try await connection.close()
        } catch let error as PSQLError {
            throw CrescendoError(.storeFailure, "cannot connect to \(configuration.redacted): \(explain(error))")
        } catch {
            throw CrescendoError(.storeFailure, "cannot connect to \(configuration.redacted): \(error)")
        }
    }

    /// Creates the engine's own tables once per database; an advisory lock keeps two processes
    /// starting together from racing on the catalog.
    func prepare(schema: String?) async throws {
        try await perform("prepare the workspace") {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(7298110113)", logger: self.logger)
                if let schema {
                    try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(PostgresSchema.quote(schema))"), logger: self.logger)
                }
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS crescendo_model_versions (
                        version integer PRIMARY KEY,
                        applied_at text NOT NULL,
                        source text NOT NULL,
                        model_json text NOT NULL
                    )
                    """, logger: self.logger)
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS crescendo_tombstones (
                        entity text NOT NULL,
                        key text NOT NULL,
                        version bigint NOT NULL,
                        deleted_at text NOT NULL,
                        PRIMARY KEY (entity, key)
                    )
                    """, logger: self.logger)
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS crescendo_audiences (
                        id bigserial PRIMARY KEY,
                        name text NOT NULL UNIQUE,
                        definition text NOT NULL
                    )
                    """, logger: self.logger)
            }
        }
    }

    public func appliedModel() async throws -> AppliedModel? {
        try await perform("read the applied model") {
            try await client.withConnection { connection in try await Self.appliedModel(connection, self.logger) }
        }
    }

    static func appliedModel(_ connection: PostgresConnection, _ logger: Logger) async throws -> AppliedModel? {
        let rows = try await connection.query(
            "SELECT version, applied_at, source, model_json FROM crescendo_model_versions ORDER BY version DESC LIMIT 1",
            logger: logger
        )
        for try await (version, appliedAt, source, json) in rows.decode((Int, String, String, String).self) {
            let model = try JSONDecoder().decode(DataModel.self, from: Data(json.utf8))
            return AppliedModel(version: version, appliedAt: appliedAt, source: source, model: model)
        }
        return nil
    }

    public func count(_ entity: Entity) async throws -> Int {
        try await perform("count \(entity.name)") {
            let rows = try await client.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(PostgresSchema.quote(entity.name))"), logger: logger)
            for try await count in rows.decode(Int.self) { return count }
            return 0
        }
    }

    public func row(_ entity: Entity, key: [Value]) async throws -> [Value]? {
        let columns = entity.fields.map { "\(PostgresSchema.quote($0.name))::text" }.joined(separator: ", ")
        let sql = "SELECT \(columns) FROM \(PostgresSchema.quote(entity.name)) WHERE \(PostgresSchema.keyIn(entity))"
        var binds = PostgresBindings()
        for value in key { binds.append(PostgresTextArray([value.text])) }
        return try await perform("read \(entity.name)") {
            let rows = try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
            for try await row in rows {
                var values: [Value] = []
                for (cell, field) in zip(row, entity.fields) {
                    values.append(PostgresValues.value(try cell.decode(String?.self), field.type))
                }
                return values
            }
            return nil
        }
    }

    public func tombstone(_ entity: Entity, key: [Value]) async throws -> Int64? {
        try await perform("read tombstones") {
            let rows = try await client.query(
                "SELECT version FROM crescendo_tombstones WHERE entity = \(entity.name) AND key = \(Change.keyText(key))",
                logger: logger
            )
            for try await version in rows.decode(Int64.self) { return version }
            return nil
        }
    }

    /// Nothing to do: the client belongs to `withStore`, which shuts it down when its body returns.
    public func close() async throws {}

    /// Drops a workspace schema and everything in it; for tests and for deleting a workspace.
    public func dropSchema(_ schema: String) async throws {
        try await perform("drop schema \(schema)") {
            _ = try await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(PostgresSchema.quote(schema)) CASCADE"), logger: logger)
        }
    }

    /// Runs a store operation, turning PostgreSQL's errors into one that says what was being done,
    /// with the server's own message (PSQLError hides it from `description` on purpose).
    func perform<T: Sendable>(_ what: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PSQLError {
            throw CrescendoError(.storeFailure, "\(name): cannot \(what): \(Self.explain(error))")
        } catch let error as CrescendoError {
            throw error
        } catch let error as PostgresTransactionError {
            if let closureError = error.closureError as? CrescendoError { throw closureError }
            if let psql = error.closureError as? PSQLError {
                throw CrescendoError(.storeFailure, "\(name): cannot \(what): \(Self.explain(psql))")
            }
            if let closureError = error.closureError { throw closureError }
            throw CrescendoError(.storeFailure, "\(name): cannot \(what): \(String(reflecting: error))")
        } catch let error as DecodingError {
            throw CrescendoError(.storeFailure, "\(name): cannot \(what): the stored model cannot be read (\(error))")
        }
    }

    static func explain(_ error: PSQLError) -> String {
        if let message = error.serverInfo?[.message] {
            let detail = error.serverInfo?[.detail].map { " (\($0))" } ?? ""
            return message + detail
        }
        if let underlying = error.underlying { return "\(underlying)" }
        return "\(error.code)"
    }
}

/// Conversions from PostgreSQL's text output to canonical values.
enum PostgresValues {
    static func value(_ text: String?, _ type: FieldType) -> Value {
        guard let text else { return .null }
        switch type {
        case .integer: return Int64(text).map(Value.integer) ?? .text(text)
        case .decimal: return .decimal(text)
        case .boolean: return .boolean(text == "true" || text == "t")
        case .timestamp: return ValueParser.utc.parseTimestamp(text).map(Value.timestamp) ?? .text(text)
        default: return .text(text)
        }
    }
}
