/// The statements of campaign activities over work tables, for one engine.
///
/// Every population is a table of distinct keys (`k0…`, with a primary key on them) plus its
/// attributes; an activity reads its input tables and fills its output tables with `INSERT …
/// SELECT`, so rows never travel through the process. Rules and expressions are compiled by
/// `RuleSQLCompiler` over a scope that starts at the work table and joins the entity by key (or not
/// at all when only the population's own columns are used).
public struct WorkTableSQL: Sendable {
    public let dialect: SQLDialect
    public let model: DataModel

    public init(dialect: SQLDialect, model: DataModel) {
        self.dialect = dialect
        self.model = model
    }

    func q(_ name: String) -> String { dialect.quote(name) }

    func entity(_ shape: PopulationShape) -> Entity { model.entity(named: shape.entity)! }

    /// Key, carried and attribute column names, in table order.
    func columns(_ shape: PopulationShape) -> [String] {
        shape.keyColumns(model) + shape.carriedColumns.map(\.column) + shape.attributes.map(\.name)
    }

    /// The work table columns that hold a copy of a field of the entity's row: the key, and the
    /// carried fields.
    func copies(_ shape: PopulationShape) -> [String: String] {
        guard !shape.isFile else { return [:] }
        var copies = Dictionary(uniqueKeysWithValues: entity(shape).key.enumerated().map { ($1, "k\($0)") })
        for (field, column) in shape.carriedColumns { copies[field] = column }
        return copies
    }

    public func create(_ table: WorkTable) -> SQLStep {
        var columns: [String]
        if table.shape.isFile {
            columns = ["\(q("k0")) \(dialect.columnType(.integer)) NOT NULL"]
        } else {
            let entity = entity(table.shape)
            columns = entity.key.enumerated().map { "\(q("k\($0)")) \(dialect.columnType(entity.field(named: $1)!.type)) NOT NULL" }
        }
        if !table.shape.carried.isEmpty {
            let entity = entity(table.shape)
            columns += table.shape.carriedColumns.map { "\(q($0.column)) \(dialect.columnType(entity.field(named: $0.field)!.type))" }
        }
        columns += table.shape.attributes.map { "\(q($0.name)) \(dialect.columnType($0.type))" }
        columns.append("PRIMARY KEY (\(table.shape.keyColumns(model).map(q).joined(separator: ", ")))")
        return SQLStep("CREATE TABLE \(q(table.name)) (\(columns.joined(separator: ", ")))")
    }

    public func drop(_ table: String) -> SQLStep { SQLStep("DROP TABLE IF EXISTS \(q(table))") }

    public func count(_ table: String) -> SQLStep {
        SQLStep(SQLQuery(text: "SELECT count(*) FROM \(q(table))", columns: [.integer]))
    }

    func keyMatch(_ a: String, _ b: String, _ shape: PopulationShape) -> String {
        shape.keyColumns(model).map { "\(a).\(q($0)) = \(b).\($0 == "" ? "" : q($0))" }.joined(separator: " AND ")
    }

    /// A compiler and a scope over the rows of `table`: `w` is the work table, the entity joined by
    /// key only when something compiled in the scope reads a column of the entity's row that the
    /// work table holds no copy of (population attributes, the key and carried fields are read
    /// from `w`, and links are followed from them).
    func scope(over table: WorkTable) -> (RuleSQLCompiler, SQLScope) {
        var compiler = RuleSQLCompiler(dialect: dialect, model: model)
        compiler.attributeAlias = "w"
        let entity = entity(table.shape)
        let scope = compiler.scope(entity)
        let on = entity.key.enumerated().map { "\(scope.alias).\(q($1)) = w.\(q("k\($0)"))" }.joined(separator: " AND ")
        scope.leading = (table.name, "w", on)
        scope.copies = copies(table.shape)
        return (compiler, scope)
    }

    // MARK: Targeting

    /// Fills `output` with the members of a bound population and, optionally, attributes.
    public func fill(_ output: WorkTable, from population: BoundPopulation, attributes: [ColumnReference] = []) -> [SQLStep] {
        // Carried fields are read on the member row itself, before the attributes.
        let carried = output.shape.carried.map { ColumnReference(steps: [], entity: population.target.name, field: population.target.field(named: $0)!) }
        let members = PopulationSQL(dialect: dialect, model: model).members(population, attributes: carried + attributes)
        let columns = columns(output.shape).map(q).joined(separator: ", ")
        return [create(output), SQLStep(SQLQuery(text: "INSERT INTO \(q(output.name)) (\(columns)) \(members.text)", binds: members.binds))]
    }

    /// The highest value of `field` among the rows of `table`: an incremental query's mark.
    public func highest(_ field: Field, of table: WorkTable) -> SQLStep {
        let (compiler, scope) = scope(over: table)
        _ = compiler
        scope.requireRow()
        return SQLStep(SQLQuery(text: "SELECT \(dialect.output("max(\(scope.alias).\(q(field.name)))")) FROM \(scope.from(dialect))", columns: [ValueKind(field.type)]))
    }

    // MARK: Combining

    public func combine(_ operation: CombineOperation, inputs: [WorkTable], output: WorkTable, complement: WorkTable?) -> [SQLStep] {
        let primary = inputs[0]
        let keys = primary.shape.keyColumns(model)
        let outColumns = columns(output.shape)
        let list = outColumns.map(q).joined(separator: ", ")
        var steps = [create(output)]
        let union = inputs.map { "SELECT \(keys.map(q).joined(separator: ", ")) FROM \(q($0.name))" }.joined(separator: " UNION ")
        // Attributes come from the primary input (null for rows only the others have).
        let select = outColumns.map { column in keys.contains(column) ? "u.\(q(column))" : "p.\(q(column))" }.joined(separator: ", ")
        switch operation {
        case .union:
            steps.append(SQLStep("INSERT INTO \(q(output.name)) (\(list)) SELECT \(select) FROM (\(union)) AS u LEFT JOIN \(q(primary.name)) AS p ON \(keyMatch("p", "u", primary.shape))"))
        case .intersection, .exclusion:
            let others = inputs.dropFirst().enumerated().map { index, table in
                "\(operation == .exclusion ? "NOT " : "")EXISTS (SELECT 1 FROM \(q(table.name)) AS x\(index) WHERE \(keyMatch("x\(index)", "p", primary.shape)))"
            }
            steps.append(SQLStep("INSERT INTO \(q(output.name)) (\(list)) SELECT \(outColumns.map { "p.\(q($0))" }.joined(separator: ", ")) FROM \(q(primary.name)) AS p WHERE \(others.joined(separator: " AND "))"))
        }
        if let complement {
            let columns = self.columns(complement.shape)
            let select = columns.map { keys.contains($0) ? "u.\(q($0))" : "p.\(q($0))" }.joined(separator: ", ")
            steps.append(create(complement))
            steps.append(SQLStep("""
                INSERT INTO \(q(complement.name)) (\(columns.map(q).joined(separator: ", "))) SELECT \(select) FROM (\(union)) AS u \
                LEFT JOIN \(q(primary.name)) AS p ON \(keyMatch("p", "u", primary.shape)) \
                WHERE NOT EXISTS (SELECT 1 FROM \(q(output.name)) AS o WHERE \(keyMatch("o", "u", primary.shape)))
                """))
        }
        return steps
    }

    // MARK: Ordering, deduplication, splitting

    /// How rows are ranked inside a group or a subset.
    public enum Ordering: Sendable, Hashable {
        case random
        case by([(BoundExpression, descending: Bool)])
        /// Rows whose expressions are not null (nor empty text) first, in the given order.
        case nonEmpty([BoundExpression])
        /// Rows whose expression has the first listed value first, then the second…
        case preference(BoundExpression, [Value])
        case key

        public static func == (a: Ordering, b: Ordering) -> Bool { "\(a)" == "\(b)" }
        public func hash(into hasher: inout Hasher) { hasher.combine("\(self)") }

        var expressions: [BoundExpression] {
            switch self {
            case .random, .key: []
            case .by(let list): list.map(\.0)
            case .nonEmpty(let list): list
            case .preference(let expression, _): [expression]
            }
        }
    }

    func orderBy(_ ordering: Ordering, _ compiler: inout RuleSQLCompiler, _ scope: SQLScope, keys: [String]) -> String {
        var terms: [String] = []
        switch ordering {
        case .random: terms.append("random()")
        case .key: break
        case .by(let list):
            for (expression, descending) in list {
                let value = compiler.value(expression, in: scope, context: .correlated)
                // Nulls last whichever the direction: a missing value is never the "top" one.
                terms.append("(\(value)) IS NULL")
                terms.append("\(value)\(descending ? " DESC" : "")")
            }
        case .nonEmpty(let list):
            for expression in list {
                let value = compiler.value(expression, in: scope, context: .correlated)
                let empty = expression.kind == .text ? "(\(value) IS NULL OR \(value) = '')" : "(\(value) IS NULL)"
                terms.append("CASE WHEN \(empty) THEN 1 ELSE 0 END")
            }
        case .preference(let expression, let values):
            let value = compiler.value(expression, in: scope, context: .correlated)
            let whens = values.enumerated().map { "WHEN \(compiler.sql.bind($1, expression.kind)) THEN \($0)" }.joined(separator: " ")
            terms.append("CASE \(value) \(whens) ELSE \(values.count) END")
        }
        terms += keys.map { "w.\(q($0))" }
        return terms.joined(separator: ", ")
    }

    /// Keeps `keep` rows per group of equal `by` values; the others go to `duplicates`.
    public func dedup(input: WorkTable, by: [BoundExpression], keep: Int, ordering: Ordering, output: WorkTable, duplicates: WorkTable?) -> [SQLStep] {
        var (compiler, scope) = scope(over: input)
        let keys = input.shape.keyColumns(model)
        let columns = columns(input.shape)
        let partition = by.map { compiler.value($0, in: scope, context: .correlated) }.joined(separator: ", ")
        let order = orderBy(ordering, &compiler, scope, keys: keys)
        let inner = "SELECT \(columns.map { "w.\(q($0))" }.joined(separator: ", ")), ROW_NUMBER() OVER (PARTITION BY \(partition) ORDER BY \(order)) AS crescendo_rank FROM \(scope.from(dialect))\(scope.whereClause)"
        let list = columns.map(q).joined(separator: ", ")
        var steps = [create(output)]
        guard let duplicates else {
            // One output: rank and keep in one pass, without a scratch copy of the input.
            let text = "INSERT INTO \(q(output.name)) (\(list)) SELECT \(list) FROM (\(inner)) AS r WHERE crescendo_rank <= \(keep)"
            steps.append(SQLStep(compiler.sql.finish(text, columns: [], dialect: dialect)))
            return steps
        }
        // The ranking runs once into a scratch table when both outputs need it, so random choices agree.
        let ranked = output.name + "_r"
        let rankedCreate = SQLStep(compiler.sql.finish("CREATE TABLE \(q(ranked)) AS \(inner)", columns: [], dialect: dialect))
        steps.append(rankedCreate)
        steps.append(SQLStep("INSERT INTO \(q(output.name)) (\(list)) SELECT \(list) FROM \(q(ranked)) WHERE crescendo_rank <= \(keep)"))
        steps.append(create(duplicates))
        steps.append(SQLStep("INSERT INTO \(q(duplicates.name)) (\(list)) SELECT \(list) FROM \(q(ranked)) WHERE crescendo_rank > \(keep)"))
        steps.append(drop(ranked))
        return steps
    }

    public enum Limit: Sendable, Hashable {
        case rows(Int)
        /// Hundredths of a percent (1050 = 10.5 %) of the subset's candidates, rounded down.
        case share(basisPoints: Int)
    }

    public struct Subset: Sendable, Hashable {
        public var output: WorkTable
        public var filter: BoundExpression?
        public var limit: Limit?
        public var ordering: Ordering
        public init(output: WorkTable, filter: BoundExpression?, limit: Limit?, ordering: Ordering) {
            self.output = output
            self.filter = filter
            self.limit = limit
            self.ordering = ordering
        }
    }

    /// Ordered subsets, each taking from what the earlier ones left (unless `overlap`), then the
    /// complement.
    public func split(input: WorkTable, subsets: [Subset], overlap: Bool, complement: WorkTable?) -> [SQLStep] {
        let keys = input.shape.keyColumns(model)
        let columns = columns(input.shape)
        let list = columns.map(q).joined(separator: ", ")
        var steps: [SQLStep] = []
        var earlier: [String] = []
        for subset in subsets {
            var (compiler, scope) = scope(over: input)
            if let filter = subset.filter { scope.conditions.append(compiler.condition(filter, in: scope, context: .correlated).sql) }
            if !overlap {
                for (index, table) in earlier.enumerated() {
                    scope.conditions.append("NOT EXISTS (SELECT 1 FROM \(q(table)) AS e\(index) WHERE \(keyMatch("e\(index)", "w", input.shape)))")
                }
            }
            let selected = columns.map { "w.\(q($0))" }.joined(separator: ", ")
            let text: String
            switch subset.limit {
            case nil:
                text = "INSERT INTO \(q(subset.output.name)) (\(list)) SELECT \(selected) FROM \(scope.from(dialect))\(scope.whereClause)"
            case .rows(let rows)?:
                let order = orderBy(subset.ordering, &compiler, scope, keys: keys)
                text = "INSERT INTO \(q(subset.output.name)) (\(list)) SELECT \(selected) FROM \(scope.from(dialect))\(scope.whereClause) ORDER BY \(order) LIMIT \(rows)"
            case .share(let basisPoints)?:
                let order = orderBy(subset.ordering, &compiler, scope, keys: keys)
                text = """
                    INSERT INTO \(q(subset.output.name)) (\(list)) SELECT \(list) FROM (SELECT \(selected), \
                    ROW_NUMBER() OVER (ORDER BY \(order)) AS crescendo_rank, count(*) OVER () AS crescendo_total \
                    FROM \(scope.from(dialect))\(scope.whereClause)) AS r WHERE crescendo_rank * 10000 <= crescendo_total * \(basisPoints)
                    """
            }
            steps.append(create(subset.output))
            steps.append(SQLStep(compiler.sql.finish(text, columns: [], dialect: dialect)))
            earlier.append(subset.output.name)
        }
        if let complement {
            let conditions = earlier.enumerated().map { "NOT EXISTS (SELECT 1 FROM \(q($1)) AS e\($0) WHERE \(keyMatch("e\($0)", "w", input.shape)))" }
            steps.append(create(complement))
            steps.append(SQLStep("INSERT INTO \(q(complement.name)) (\(list)) SELECT \(columns.map { "w.\(q($0))" }.joined(separator: ", ")) FROM \(q(input.name)) AS w\(conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))"))
        }
        _ = keys
        return steps
    }

    // MARK: Enrichment and dimensions

    /// The first `count` rows of a 1-N link per population row, as columns.
    public struct Collect: Sendable, Hashable {
        public var step: LinkStep
        public var filter: BoundExpression?
        public var ordering: [(BoundExpression, descending: Bool)]
        public var fields: [ColumnReference]
        public var count: Int
        /// Column names, `count` × `fields.count`, row-major (`alias_1_a`, `alias_1_b`, `alias_2_a`…).
        public var columns: [String]

        public init(step: LinkStep, filter: BoundExpression?, ordering: [(BoundExpression, descending: Bool)], fields: [ColumnReference], count: Int, columns: [String]) {
            self.step = step
            self.filter = filter
            self.ordering = ordering
            self.fields = fields
            self.count = count
            self.columns = columns
        }

        public static func == (a: Collect, b: Collect) -> Bool { a.columns == b.columns && a.step == b.step }
        public func hash(into hasher: inout Hasher) { hasher.combine(columns) }
    }

    public func enrich(input: WorkTable, additions: [(name: String, expression: BoundExpression)], collects: [Collect], output: WorkTable) -> [SQLStep] {
        var (compiler, scope) = scope(over: input)
        var selected = columns(input.shape).map { "w.\(q($0))" }
        for addition in additions { selected.append(compiler.value(addition.expression, in: scope, context: .correlated)) }
        for collect in collects {
            let child = model.entity(named: collect.step.to)!
            for position in 0..<collect.count {
                for field in collect.fields {
                    let inner = compiler.scope(child)
                    let link = zip(collect.step.toColumns, collect.step.fromColumns).map { "\(inner.alias).\(q($0)) = \(scope.rowColumn($1, dialect))" }
                    inner.conditions.append(contentsOf: link)
                    if let filter = collect.filter { inner.conditions.append(compiler.condition(filter, in: inner, context: .correlated).sql) }
                    let value = "\(compiler.join(field.steps, in: inner)).\(q(field.field.name))"
                    var order = collect.ordering.map { "(\(compiler.value($0.0, in: inner, context: .correlated))) IS NULL, \(compiler.value($0.0, in: inner, context: .correlated))\($0.descending ? " DESC" : "")" }
                    order += child.key.map { "\(inner.alias).\(q($0))" }
                    selected.append("(SELECT \(value) FROM \(inner.from(dialect))\(inner.whereClause) ORDER BY \(order.joined(separator: ", ")) LIMIT 1 OFFSET \(position))")
                }
            }
        }
        let list = columns(output.shape).map(q).joined(separator: ", ")
        let text = "INSERT INTO \(q(output.name)) (\(list)) SELECT \(selected.joined(separator: ", ")) FROM \(scope.from(dialect))\(scope.whereClause)"
        return [create(output), SQLStep(compiler.sql.finish(text, columns: [], dialect: dialect))]
    }

    /// Moves a population along link `steps` to another entity's rows, each once. The first link
    /// is followed from the work table's copies of its columns when it holds them, without
    /// reading the source entity; the output carries its own fields from the rows reached.
    public func changeDimension(input: WorkTable, steps: [LinkStep], output: WorkTable) -> [SQLStep] {
        let source = entity(input.shape)
        let copies = copies(input.shape)
        var from = "\(q(input.name)) AS w"
        let fromCopies = steps.first.map { $0.fromColumns.allSatisfy { copies[$0] != nil } } ?? false
        if !fromCopies {
            from += " JOIN \(q(source.name)) AS s0 ON " + source.key.enumerated().map { "s0.\(q($1)) = w.\(q("k\($0)"))" }.joined(separator: " AND ")
        }
        var previous = "s0"
        for (index, step) in steps.enumerated() {
            let alias = "s\(index + 1)"
            let on = zip(step.toColumns, step.fromColumns).map { to, from in
                "\(alias).\(q(to)) = " + (index == 0 && fromCopies ? "w.\(q(copies[from]!))" : "\(previous).\(q(from))")
            }
            from += " JOIN \(q(step.to)) AS \(alias) ON " + on.joined(separator: " AND ")
            previous = alias
        }
        let target = entity(output.shape)
        let selected = (target.key + output.shape.carried).map { "\(previous).\(q($0))" }.joined(separator: ", ")
        let list = columns(output.shape).map(q).joined(separator: ", ")
        return [create(output), SQLStep("INSERT INTO \(q(output.name)) (\(list)) SELECT DISTINCT \(selected) FROM \(from)")]
    }

    // MARK: Tests on counts and variables

    /// A one-row table holding `count`, for test conditions compiled as rules on it.
    public func testTable(_ name: String, count: Int) -> (entity: Entity, steps: [SQLStep]) {
        let entity = Entity(name: name, key: ["count"], version: "count", fields: [Field(name: "count", type: .integer)])
        let steps = [
            SQLStep("CREATE TABLE \(q(name)) (\(q("count")) \(dialect.columnType(.integer)) NOT NULL)"),
            SQLStep("INSERT INTO \(q(name)) (\(q("count"))) VALUES (\(count))"),
        ]
        return (entity, steps)
    }

    /// The index of the first condition that holds on the test table's row, or nothing.
    public func firstTrue(_ conditions: [BoundExpression], on entity: Entity) -> SQLStep {
        var compiler = RuleSQLCompiler(dialect: dialect, model: model)
        let scope = compiler.scope(entity)
        let whens = conditions.enumerated().map { "WHEN \(compiler.condition($1, in: scope, context: .correlated).sql) THEN \($0)" }.joined(separator: " ")
        let text = "SELECT \(dialect.output(conditions.isEmpty ? "-1" : "CASE \(whens) ELSE -1 END")) FROM \(scope.from(dialect))"
        return SQLStep(compiler.sql.finish(text, columns: [.integer], dialect: dialect))
    }
}
