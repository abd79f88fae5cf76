import CrescendoCore
import CrescendoPostgres
import CrescendoSQLite

/// Opens the store a location names for the length of one piece of work, and closes it after,
/// also when the work throws. PostgreSQL's client runs as a child task of this scope, so nothing
/// outlives the command that opened it.
public enum Workspace {
    public static func withStore<T: Sendable>(
        _ location: StoreLocation,
        _ body: (any WorkspaceStore) async throws -> T
    ) async throws -> T {
        switch location {
        case .sqlite(let path):
            let store = try SQLiteStore(path: path)
            do {
                let result = try await body(store)
                try await store.close()
                return result
            } catch {
                try? await store.close()
                throw error
            }
        case .postgres(let configuration):
            return try await PostgresStore.withStore(configuration) { store in try await body(store) }
        }
    }

    /// The applied model, or an error telling the user to apply one first.
    public static func requireModel(_ store: any WorkspaceStore) async throws -> AppliedModel {
        guard let applied = try await store.appliedModel() else {
            throw CrescendoError(.unknownName, "the workspace has no data model yet; apply one with `crescendo model apply FILE`")
        }
        return applied
    }
}
