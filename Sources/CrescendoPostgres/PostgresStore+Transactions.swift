import CrescendoCore
import PostgresNIO

extension PostgresStore {
    /// Thrown inside the transaction to roll a declined unit back.
    private struct Declined: Error {}

    public func perform(_ steps: [SQLStep]) async throws -> [[[Value]]]? {
        do {
            return try await perform("run a unit of work") {
                try await client.withTransaction(logger: logger) { connection -> [[[Value]]] in
                    var results: [[[Value]]] = []
                    for step in steps {
                        let types = step.query.columns.map(\.fieldType)
                        let stream = try await connection.query(PostgresQuery(unsafeSQL: step.query.text, binds: Self.bindings(step.query.binds)), logger: self.logger)
                        var rows: [[Value]] = []
                        for try await row in stream {
                            var values: [Value] = []
                            for (cell, type) in zip(row, types) { values.append(try PostgresValues.value(cell, type)) }
                            rows.append(values)
                        }
                        if step.requiresRow, rows.isEmpty { throw Declined() }
                        results.append(rows)
                    }
                    return results
                }
            }
        } catch let error as PostgresTransactionError where error.closureError is Declined {
            return nil
        } catch is Declined {
            return nil
        }
    }
}
