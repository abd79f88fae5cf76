import CrescendoCore
import GRDB

extension SQLiteStore {
    public func perform(_ steps: [SQLStep]) async throws -> [[[Value]]]? {
        try await perform("run a unit of work") {
            try await pool.write { db -> [[[Value]]]? in
                var results: [[[Value]]] = []
                // GRDB's write is one transaction; a savepoint lets a declined unit roll back
                // without turning the decline into an error.
                var declined = false
                try db.inSavepoint {
                    for step in steps {
                        let statement = try db.makeStatement(sql: step.query.text)
                        let arguments = Self.arguments(step.query.binds)
                        var rows: [[Value]] = []
                        if statement.columnCount > 0 {
                            let types = step.query.columns.map(\.fieldType)
                            let cursor = try Row.fetchCursor(statement, arguments: arguments)
                            while let row = try cursor.next() {
                                rows.append(types.enumerated().map { index, type in SQLiteValues.value(row[index] as DatabaseValue, type) })
                            }
                        } else {
                            try statement.execute(arguments: arguments)
                        }
                        if step.requiresRow, rows.isEmpty {
                            declined = true
                            return .rollback
                        }
                        results.append(rows)
                    }
                    return .commit
                }
                return declined ? nil : results
            }
        }
    }
}
