/// The statements behind the audience operations, for one engine: exact count, preview rows,
/// distribution of a field, and the member rows a snapshot saves.
public struct PopulationSQL: Sendable {
    public let dialect: SQLDialect
    public let model: DataModel

    public init(dialect: SQLDialect, model: DataModel) {
        self.dialect = dialect
        self.model = model
    }

    public func count(_ population: BoundPopulation) -> SQLQuery {
        var compiler = RuleSQLCompiler(dialect: dialect, model: model)
        let scope = compiler.populationScope(population)
        return compiler.sql.finish("SELECT count(*) FROM \(scope.from(dialect))\(scope.whereClause)", columns: [.integer], dialect: dialect)
    }

    /// The first `limit` rows in key order, with `fields` (which may follow to-one links).
    public func preview(_ population: BoundPopulation, fields: [ColumnReference], limit: Int) -> SQLQuery {
        var compiler = RuleSQLCompiler(dialect: dialect, model: model)
        let scope = compiler.populationScope(population)
        let columns = fields.map { dialect.output("\(compiler.join($0.steps, in: scope)).\(dialect.quote($0.field.name))") }
        let order = population.target.key.map { scope.column($0, dialect) }.joined(separator: ", ")
        let limitBind = compiler.sql.bind(.integer(Int64(limit)), .integer)
        let text = "SELECT \(columns.joined(separator: ", ")) FROM \(scope.from(dialect))\(scope.whereClause) ORDER BY \(order) LIMIT \(limitBind)"
        return compiler.sql.finish(text, columns: fields.map(\.kind), dialect: dialect)
    }

    /// The `top` most frequent values of `field`, with their counts, the population's size and the
    /// number of distinct values (nulls count as one value).
    public func distribution(_ population: BoundPopulation, field: ColumnReference, top: Int) -> SQLQuery {
        var compiler = RuleSQLCompiler(dialect: dialect, model: model)
        let scope = compiler.populationScope(population)
        let value = "\(compiler.join(field.steps, in: scope)).\(dialect.quote(field.field.name))"
        let limitBind = compiler.sql.bind(.integer(Int64(top)), .integer)
        let text = """
            SELECT \(dialect.output(value)), \(dialect.output("count(*)")), \(dialect.output("sum(count(*)) OVER ()")), \(dialect.output("count(*) OVER ()")) \
            FROM \(scope.from(dialect))\(scope.whereClause) GROUP BY \(value) \
            ORDER BY count(*) DESC, \(value) IS NULL, \(value) LIMIT \(limitBind)
            """
        return compiler.sql.finish(text, columns: [field.kind, .integer, .integer, .integer], dialect: dialect)
    }

    /// Key columns, then `attributes`, of every member: what a static snapshot stores.
    public func members(_ population: BoundPopulation, attributes: [ColumnReference]) -> SQLQuery {
        var compiler = RuleSQLCompiler(dialect: dialect, model: model)
        let scope = compiler.populationScope(population)
        let target = population.target
        var columns = target.key.enumerated().map { "\(scope.column($1, dialect)) AS \(dialect.quote("k\($0)"))" }
        columns += attributes.enumerated().map { index, attribute in
            "\(compiler.join(attribute.steps, in: scope)).\(dialect.quote(attribute.field.name)) AS \(dialect.quote("a\(index)"))"
        }
        let kinds = target.key.map { ValueKind(target.field(named: $0)!.type) } + attributes.map(\.kind)
        return compiler.sql.finish("SELECT \(columns.joined(separator: ", ")) FROM \(scope.from(dialect))\(scope.whereClause)", columns: kinds, dialect: dialect)
    }
}

extension PopulationSQL {
    /// The rows of `entity` whose `field` is one of `values`: the field, then the key columns.
    /// Reconciles an uploaded list; callers send values in chunks of a few hundred.
    public func lookup(_ entity: Entity, field: Field, values: [Value]) -> SQLQuery {
        var sql = SQLText()
        let kind = ValueKind(field.type)
        let placeholders = values.map { sql.bind($0, kind) }.joined(separator: ", ")
        let columns = ([field.name] + entity.key).map { dialect.output(dialect.quote($0)) }
        let kinds = [kind] + entity.key.map { ValueKind(entity.field(named: $0)!.type) }
        let text = "SELECT \(columns.joined(separator: ", ")) FROM \(dialect.quote(entity.name)) WHERE \(dialect.quote(field.name)) IN (\(placeholders))"
        return sql.finish(text, columns: kinds, dialect: dialect)
    }
}
