using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Doppel.Query.Ast;
using Doppel.Query.Binding;
using Doppel.Query.Planning;

namespace Doppel.Query.Sql;

/// <summary>What one execution of a compiled query asks for: a page after a key, or the count.</summary>
/// <param name="InstanceId">The instance whose data the query reads.</param>
/// <param name="After">The key of the last row already returned, or null for the first page.</param>
/// <param name="Limit">Most rows to return (the compiler adds none: the caller asks one more to know if a page follows).</param>
/// <param name="Offset">Rows to skip: how ORDER BY queries page (their order is not a key order).</param>
public sealed record SqlPageRequest(string InstanceId, IReadOnlyList<string>? After, int Limit, long Offset = 0)
{
    /// <summary>The one row whose key the caller reads (where the next page continues); null: every row's.</summary>
    public int? KeyRow { get; init; }
}

/// <summary>
/// Turns a <see cref="BoundQuery"/> into one SQL statement for a dialect. Rows come back ordered by their key
/// (the ids of the key collections), so a page continues after the last key it returned: each page is an indexed
/// range read, stable under concurrent writes, and costs no more than the first. (Where the dialect asks for it, a
/// later page in (model, id) order is a statement with <see cref="SqlStatement.Steps"/>: the rest of its model,
/// then model by model.)
/// </summary>
public sealed class SqlCompiler(ISqlDialect dialect)
{
    /// <summary>The dialect this compiler writes.</summary>
    public ISqlDialect Dialect { get; } = dialect ?? throw new ArgumentNullException(nameof(dialect));

    /// <summary>
    /// Whether a later page in (model, id) order is read model by model (<see cref="ModelSteps"/>); the dialect's
    /// choice unless set.
    /// </summary>
    public bool PagesModelByModel { get; init; } = dialect.PagesModelByModel;

    // The IS_OF_MODEL lists of bound queries (which the caller keeps and asks again, page after page), each with the
    // dialect's parameter value of the list and of its cuts: a list of a few hundred model ids took longer to write
    // as a parameter on every call than SQLite took to read the page.
    private readonly ConditionalWeakTable<IReadOnlyList<string>, ConcurrentDictionary<ModelCut, ModelList>> modelLists = new();

    /// <summary>Compiles <paramref name="query"/> for one page (or, for COUNT, the one row).</summary>
    public SqlStatement Compile(BoundQuery query, SqlPageRequest page)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(page);
        return new Writer(Dialect, query, page, this).Write();
    }

    /// <summary>The models of <paramref name="ids"/> that <paramref name="cut"/> keeps, with their parameter value, remembered.</summary>
    private ModelList ListOf(IReadOnlyList<string> ids, ModelCut cut) =>
        modelLists.GetOrCreateValue(ids).GetOrAdd(cut, c =>
        {
            var kept = c.Kept(ids);
            return new ModelList(kept, kept.Count > 1 ? Dialect.StringList(kept) : null);
        });

    /// <summary>The steps of a later page read model by model, from its first model on.</summary>
    private ModelSteps StepsOf(BoundQuery query, SqlPageRequest page, string firstModel) =>
        new(firstModel, Sorted(OrderingModels(query)!), page.Limit,
            model => new Writer(Dialect, query, page, this) { Step = (StepPart.ModelRows, model) }.Write(),
            model => new Writer(Dialect, query, page, this) { Step = (StepPart.LaterModels, model) }.Write(),
            model => NextModel(page.InstanceId, model));

    /// <summary>The first model id at or after <paramref name="from"/> that a twin of the instance has: one index seek.</summary>
    private static SqlStatement NextModel(string instanceId, string from) => new(
        "SELECT model_id FROM twins WHERE instance_id = @p0 AND model_id >= @p1 ORDER BY model_id LIMIT 1",
        [new("@p0", instanceId), new("@p1", from)], 0, [new OutputColumn("model_id", OutputKind.String)]);

    /// <summary>
    /// The models of the first IS_OF_MODEL on the FROM twins at the top level of the WHERE condition, or null: such a
    /// query's rows come in (model, id) order, every row's model in the list.
    /// </summary>
    private static IReadOnlyList<string>? OrderingModels(BoundQuery query)
    {
        if (query.Match is not null || query.Collections[0].Kind != CollectionKind.Twin)
        {
            return null;
        }

        var conjuncts = new List<BoundCondition>();
        SeedPlanner.Split(query.Where, conjuncts);
        return conjuncts.OfType<ModelCondition>().FirstOrDefault(m => m.Collection == query.Collections[0] && m.ModelIds.Count > 0)?.ModelIds;
    }

    // The same lists in ordinal order, for a page that steps through them (ModelSteps).
    private readonly ConditionalWeakTable<IReadOnlyList<string>, string[]> sortedLists = new();

    private string[] Sorted(IReadOnlyList<string> ids) =>
        sortedLists.GetValue(ids, list => list.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray());

    /// <summary>Which models of an IS_OF_MODEL list a part of a later page keeps: all, the page's first model, or those after it.</summary>
    private readonly record struct ModelCut(string? First, bool OnlyFirst)
    {
        public static ModelCut None => default;

        public IReadOnlyList<string> Kept(IReadOnlyList<string> ids)
        {
            if (First is not { } first)
            {
                return ids;
            }

            var onlyFirst = OnlyFirst;
            return ids.Where(id => onlyFirst ? string.Equals(id, first, StringComparison.Ordinal) : string.CompareOrdinal(id, first) > 0).ToList();
        }
    }

    /// <summary>Model ids and, for more than one, the dialect's parameter value of the list.</summary>
    private sealed record ModelList(IReadOnlyList<string> Ids, object? Parameter);

    /// <summary>The part of a later page, read model by model, that a statement reads (<see cref="ModelSteps"/>).</summary>
    private enum StepPart
    {
        /// <summary>The rest of the page's first model, after the page's key: the page's first statement.</summary>
        RestOfModel,

        /// <summary>All rows of one model.</summary>
        ModelRows,

        /// <summary>The rows of the listed models after one.</summary>
        LaterModels,
    }

    /// <summary>The writing of one statement: its text and parameters.</summary>
    private sealed class Writer(ISqlDialect dialect, BoundQuery query, SqlPageRequest page, SqlCompiler compiler)
    {
        /// <summary>The part of a page read model by model this writer writes, and its model (unused for the first part).</summary>
        public (StepPart Part, string Model) Step { get; init; }

        private readonly List<KeyValuePair<string, object?>> parameters = [];
        private readonly Dictionary<string, string> literalParameters = new(StringComparer.Ordinal);
        private string instance = null!;

        /// <summary>The MATCH nodes whose twins are not joined, with the SQL of their ids (<see cref="UnjoinedTwins"/>).</summary>
        private Dictionary<BoundSource, string> unjoined = [];

        public SqlStatement Write()
        {
            instance = Parameter(page.InstanceId);
            if (query.Match is not null)
            {
                unjoined = UnjoinedTwins.Find(query);
            }

            var conditionWriter = new ConditionWriter(dialect, this);
            var keys = query.KeyCollections.SelectMany(KeyColumns).ToList();
            var modelOrdered = ModelOrdered();
            if (modelOrdered)
            {
                // IS_OF_MODEL narrows the twins to some models: rows then come in (model, id) order, which the
                // (instance_id, model_id, id) index gives without a sort, instead of id order, which would read
                // the twins of every model.
                keys.Insert(0, $"{Table(query.Collections[0])}.model_id");
            }

            var outputs = new List<OutputColumn>();
            var outputSql = new List<string>();
            // The tables the outputs and ORDER BY terms read (see Grouped).
            var read = query.OrderBy.Select(o => o.Value).Where(v => v is not LiteralValue).Select(Collection).ToHashSet();
            if (query.Shape == SelectShape.Document)
            {
                outputSql.Add($"{Table(query.DocumentCollection!)}.document");
                outputs.Add(new OutputColumn(null, OutputKind.Json));
                read.Add(query.DocumentCollection!);
            }
            else if (query.Shape == SelectShape.Object)
            {
                foreach (var projection in query.Projections)
                {
                    var (sql, kind) = Projection(projection.Value);
                    outputSql.Add(sql);
                    outputs.Add(new OutputColumn(projection.Name, kind));
                    read.Add(Collection(projection.Value));
                }
            }

            var order = query.OrderBy.SelectMany(conditionWriter.OrderTerms).ToList();
            var where = new List<string>();
            var ctes = new List<string>();
            var from = query.Match is null ? FromAndJoins(where) : new MatchWriter(dialect, this, conditionWriter, unjoined).Write(query.Match, query.Where, where, ctes);
            // A later page read model by model writes the WHERE condition with its lists cut (StepStatement), not here.
            var stepped = page.After is not null && order.Count == 0 && query.Shape != SelectShape.Count
                && modelOrdered && !query.Distinct && compiler.PagesModelByModel;
            if (query.Where is not null && !stepped)
            {
                where.Add(conditionWriter.Condition(query.Where, truthOnly: true));
            }

            var text = new StringBuilder();
            if (ctes.Count > 0)
            {
                text.Append("WITH RECURSIVE ").AppendJoin(",\n", ctes).Append('\n');
            }

            if (query.Shape == SelectShape.Count)
            {
                // COUNT() counts the rows the query would return (distinct bindings for MATCH), TOP included.
                var top = query.Top is { } n ? " LIMIT " + Parameter((long)n) : string.Empty;
                text.Append("SELECT COUNT(*) FROM (SELECT ").Append(query.Distinct ? "DISTINCT " : string.Empty)
                    .AppendJoin(", ", keys).Append(' ').Append(from).Append(" WHERE ").AppendJoin(" AND ", where.Select(Parenthesize))
                    .Append(top).Append(") q");
                return new SqlStatement(text.ToString(), parameters, 0, [new OutputColumn("COUNT", OutputKind.Integer)]);
            }

            if (page.After is { } after && order.Count == 0)
            {
                if (after.Count != keys.Count)
                {
                    throw new ArgumentException("The continuation key does not fit the query.", nameof(page));
                }

                if (stepped)
                {
                    return StepStatement(text, keys, outputSql, outputs, from, where, conditionWriter, after);
                }

                where.Add(KeyAfter(keys, after));
            }

            // ORDER BY terms go into the select list too: PostgreSQL wants them there under DISTINCT.
            var grouped = query.Distinct && Grouped(read);
            text.Append("SELECT ").Append(query.Distinct && !grouped ? "DISTINCT " : string.Empty)
                .AppendJoin(", ", keys.Concat(outputSql).Concat(order.Select(t => t.Sql)))
                .Append(' ').Append(from).Append(" WHERE ").AppendJoin(" AND ", where.Select(Parenthesize));
            var rowKey = keys;
            if (grouped)
            {
                rowKey = [.. keys, .. query.KeyCollections.Where(read.Contains).Select(c => $"{Table(c)}.instance_id")];
                text.Append(" GROUP BY ").AppendJoin(", ", rowKey);
            }

            text.Append(OrderAndPage(order, rowKey));
            return new SqlStatement(text.ToString(), parameters, keys.Count, outputs) { KeyRow = page.KeyRow };
        }

        /// <summary>
        /// A statement of a later page in (model, id) order read model by model: the page's first statement reads the
        /// rest of its first model <c>m</c> (the IS_OF_MODEL lists cut to <c>m</c>, the keys after the last row's) and
        /// carries the <see cref="ModelSteps"/> that go on from there; the others read one model's rows, or the
        /// listed models after one. Each is an index range that starts where its rows do. (A single condition
        /// <c>(model_id, id) &gt; (m, id)</c> let SQLite seek each model of the IS_OF_MODEL list and filter out the
        /// rows before the key, so page n of a model read n pages of its rows; and it built the list every time.)
        /// </summary>
        /// <remarks>
        /// Cutting the lists in C# is right because model ids are DTMIs, which are ASCII: ordinal order is the
        /// database's byte order. Every IS_OF_MODEL on the first collection may be cut, nested ones included: each
        /// statement holds only rows of the models its cut keeps, and such a row's model is in a list exactly when it
        /// is in the list's cut.
        /// </remarks>
        private SqlStatement StepStatement(
            StringBuilder text, List<string> keys, List<string> outputSql, List<OutputColumn> outputs, string from,
            List<string> where, ConditionWriter conditions, IReadOnlyList<string> after)
        {
            var (part, model) = Step;
            var conditionsOfPart = WithCutWhere(where, conditions, part switch
            {
                StepPart.RestOfModel => new ModelCut(after[0], OnlyFirst: true),
                StepPart.ModelRows => new ModelCut(model, OnlyFirst: true),
                _ => new ModelCut(model, OnlyFirst: false),
            });
            if (part == StepPart.RestOfModel)
            {
                // Within the model, after the rest of the key (the model column is the first key column).
                conditionsOfPart.Add(KeyAfter(keys[1..], after.Skip(1).ToList()));
            }

            text.Append("SELECT ").AppendJoin(", ", keys.Concat(outputSql)).Append(' ').Append(from)
                .Append(" WHERE ").AppendJoin(" AND ", conditionsOfPart.Select(Parenthesize)).Append(OrderAndPage([], keys));
            var statement = new SqlStatement(text.ToString(), parameters, keys.Count, outputs) { KeyRow = page.KeyRow };
            return part == StepPart.RestOfModel ? statement with { Steps = compiler.StepsOf(query, page, after[0]) } : statement;
        }

        /// <summary>The conditions and the WHERE condition (a model-ordered query has one), its IS_OF_MODEL lists of the first collection cut by <paramref name="cut"/>.</summary>
        private List<string> WithCutWhere(List<string> where, ConditionWriter conditions, ModelCut cut)
        {
            ModelFilter = cut;
            var result = new List<string>(where) { conditions.Condition(query.Where!, truthOnly: true) };
            ModelFilter = ModelCut.None;
            return result;
        }

        /// <summary>While set, IS_OF_MODEL on the first collection keeps only the model ids it accepts (<see cref="StepStatement"/>).</summary>
        private ModelCut ModelFilter { get; set; }

        /// <summary>The models of an IS_OF_MODEL on <paramref name="collection"/>, cut by <see cref="ModelFilter"/>.</summary>
        public ModelList Models(BoundSource collection, IReadOnlyList<string> ids) =>
            compiler.ListOf(ids, collection == query.Collections[0] ? ModelFilter : ModelCut.None);

        /// <summary>
        /// True when a DISTINCT query's rows can be made distinct by grouping on the keys: when every table the outputs
        /// and ORDER BY terms read is a key collection. Its columns then follow from its key, so each group holds one
        /// row's values and GROUP BY gives the rows DISTINCT gives, but the engine compares keys only: DISTINCT
        /// compares whole documents, and SQLite keeps the rows twice (a DISTINCT index, then the ORDER BY sort) where
        /// a group by the ORDER BY's own columns sorts once. (Selecting the distinct keys in a subquery and joining the
        /// documents back measured about a third of this gain.) SQLite takes each ungrouped column from a row of its
        /// group; PostgreSQL allows them when the table's primary key is grouped, so the GROUP BY and the ORDER BY
        /// (kept equal, for SQLite to sort once) end with the instance_id of each table read: one value, so neither
        /// the groups nor the order change. ORDER BY terms need nothing more: they read key collections too, and
        /// are computed once a group (SQLite then sorts again for them, as it did after DISTINCT).
        /// </summary>
        private bool Grouped(HashSet<BoundSource> read) => read.All(query.KeyCollections.Contains);

        /// <summary>ORDER BY the order terms, then the keys, and the page.</summary>
        private string OrderAndPage(List<(string Sql, bool Descending)> order, List<string> keys)
        {
            var text = new StringBuilder(" ORDER BY ")
                .AppendJoin(", ", order.Select(t => t.Sql + (t.Descending ? " DESC" : string.Empty)).Concat(keys))
                .Append(" LIMIT ").Append(page.Limit.ToString(CultureInfo.InvariantCulture));
            // The page's LIMIT and OFFSET are numbers the service computes, never text of the query, so they are
            // written in place: SQLite plans with a bound LIMIT's value and so re-prepares a statement each time that
            // parameter is bound again, which is every call; written in place, a kept prepared statement is reused.
            if (order.Count > 0)
            {
                text.Append(" OFFSET ").Append(page.Offset.ToString(CultureInfo.InvariantCulture));
            }

            return text.ToString();
        }

        /// <summary>The collection a projection or ORDER BY value reads.</summary>
        private static BoundSource Collection(BoundValue value) => value switch
        {
            CollectionValue c => c.Collection,
            ColumnValue c => c.Collection,
            DocumentValue d => d.Collection,
            _ => throw new InvalidOperationException("Only a literal reads no collection."),
        };

        /// <summary>True when the rows of a FROM query are narrowed by IS_OF_MODEL on the FROM twins at the top level.</summary>
        private bool ModelOrdered() => OrderingModels(query) is not null;

        private static string Parenthesize(string condition) => "(" + condition + ")";

        /// <summary>The rows whose key <paramref name="columns"/> come after <paramref name="values"/>: a comparison, or a row-value comparison for several.</summary>
        private string KeyAfter(List<string> columns, IReadOnlyList<string> values) => columns.Count == 1
            ? $"{columns[0]} > {Parameter(values[0])}"
            : $"({string.Join(", ", columns)}) > ({string.Join(", ", values.Select(k => Parameter(k)))})";

        public string Instance => instance;

        /// <summary>A new parameter holding <paramref name="value"/> as it is.</summary>
        public string Parameter(object? value)
        {
            var name = "@p" + parameters.Count.ToString(CultureInfo.InvariantCulture);
            parameters.Add(new(name, value));
            return name;
        }

        /// <summary>A parameter holding a literal in the dialect's representation; equal literals share one.</summary>
        public string LiteralParameter(object? value)
        {
            var key = value switch
            {
                null => "n",
                string s => "s" + s,
                bool b => b ? "bt" : "bf",
                long l => "l" + l.ToString(CultureInfo.InvariantCulture),
                double d => "d" + d.ToString("R", CultureInfo.InvariantCulture),
                _ => throw new ArgumentException("Not a literal.", nameof(value)),
            };
            if (!literalParameters.TryGetValue(key, out var name))
            {
                name = Parameter(dialect.Literal(value));
                literalParameters[key] = name;
            }

            return name;
        }

        public static string Table(BoundSource source) => "c" + source.Index.ToString(CultureInfo.InvariantCulture);

        public static string TableName(BoundSource source) => source.Kind == CollectionKind.Twin ? "twins" : "relationships";

        private IEnumerable<string> KeyColumns(BoundSource source) => source.Kind == CollectionKind.Twin
            ? [TwinId(source)]
            : [$"{Table(source)}.source_id", $"{Table(source)}.id"];

        /// <summary>The SQL of a twin collection's id: its joined twin's column, or the relationship end that holds it (<see cref="UnjoinedTwins"/>).</summary>
        public string TwinId(BoundSource source) => unjoined.GetValueOrDefault(source) ?? $"{Table(source)}.id";

        private (string Sql, OutputKind Kind) Projection(BoundValue value) => value switch
        {
            CollectionValue c => ($"{Table(c.Collection)}.document", OutputKind.Json),
            ColumnValue c => (ColumnSql(c), OutputKind.String),
            DocumentValue d => dialect.JsonPath(d.Path) is { } path
                ? (dialect.Json(dialect.Document(Table(d.Collection)), Parameter(path)), OutputKind.Json)
                : ("NULL", OutputKind.Json),
            _ => throw new InvalidOperationException("Projections are paths."),
        };

        public static string ColumnSql(ColumnValue value) => Table(value.Collection) + "." + value.Column switch
        {
            SystemColumn.Id => "id",
            SystemColumn.ETag => "etag",
            SystemColumn.ModelId => "model_id",
            SystemColumn.SourceId => "source_id",
            SystemColumn.TargetId => "target_id",
            SystemColumn.Name => "name",
            _ => throw new InvalidOperationException("Unknown column."),
        };

        /// <summary>FROM with the JOINs: each JOIN is the relationship from its source and the twin it targets.</summary>
        private string FromAndJoins(List<string> where)
        {
            var first = query.Collections[0];
            var sql = new StringBuilder($"FROM {TableName(first)} {Table(first)}");
            where.Add($"{Table(first)}.instance_id = {instance}");
            foreach (var join in query.Joins)
            {
                var r = Table(join.Relationship);
                var t = Table(join.Target);
                sql.Append(CultureInfo.InvariantCulture, $" JOIN relationships {r} ON {r}.instance_id = {instance} AND {r}.source_id = {Table(join.Source)}.id AND {r}.name = {Parameter(join.Name)}")
                   .Append(CultureInfo.InvariantCulture, $" JOIN twins {t} ON {t}.instance_id = {instance} AND {t}.id = {r}.target_id");
            }

            return sql.ToString();
        }
    }

    /// <summary>Conditions as SQL with three values, per docs/query-semantics.md.</summary>
    private sealed class ConditionWriter(ISqlDialect dialect, Writer writer)
    {
        /// <summary>
        /// The condition as SQL. With <paramref name="truthOnly"/> (a WHERE filter, which keeps the rows that are
        /// true) a part may be false where it would be unknown: AND and OR stay true exactly when they were, so
        /// that carries down through them, but not through NOT, which tells false from unknown.
        /// </summary>
        public string Condition(BoundCondition condition, bool truthOnly = false) => condition switch
        {
            ConstantCondition c => c.Value switch { true => dialect.True, false => dialect.False, null => dialect.Unknown },
            AndCondition a => $"({Condition(a.Left, truthOnly)} AND {Condition(a.Right, truthOnly)})",
            OrCondition o => $"({Condition(o.Left, truthOnly)} OR {Condition(o.Right, truthOnly)})",
            NotCondition n => $"(NOT {Condition(n.Operand)})",
            CompareCondition c => Compare(c.Operator, Value(c.Left), Value(c.Right), truthOnly),
            InCondition i => In(Value(i.Value), i.Items),
            TypeCondition t => TypeTest(Value(t.Value), t.Kinds),
            ModelCondition m => Models(m),
            StringCondition s => StringTest(s),
            ArrayContainsCondition a => ArrayContains(Value(a.Array), a.Item),
            TruthCondition t => Truth(Value(t.Value)),
            _ => throw new InvalidOperationException($"Unknown condition {condition.GetType().Name}."),
        };

        private string Models(ModelCondition condition)
        {
            var models = writer.Models(condition.Collection, condition.ModelIds);
            var column = $"{Writer.Table(condition.Collection)}.model_id";
            return models.Ids.Count switch
            {
                0 => dialect.False,
                // One model (a model without subtypes, an exact test, a page's first model): a plain equality, which
                // the index takes directly, without building a list.
                1 => $"{column} = {writer.Parameter(models.Ids[0])}",
                _ => dialect.InList(column, writer.Parameter(models.Parameter)),
            };
        }

        /// <summary>
        /// The SQL terms of one ORDER BY key: the value's type rank (undefined, null, boolean, number, string,
        /// array, object), then its value as a boolean, a number and a string; a stored column is text.
        /// </summary>
        public IEnumerable<(string Sql, bool Descending)> OrderTerms(BoundOrder order)
        {
            var value = Value(order.Value);
            if (value is SqlValue.Static s)
            {
                return [(s.Sql, order.Descending)];
            }

            if (value is not SqlValue.Member m)
            {
                return [];
            }

            var kind = dialect.KindName(m.Document, m.Path);
            string Typed(JsonKind k) => $"CASE WHEN {dialect.HasKind(m.Document, m.Path, k)} THEN {dialect.Typed(m.Document, m.Path, k)} END";
            return
            [
                ($"CASE {kind} WHEN 'null' THEN 1 WHEN 'boolean' THEN 2 WHEN 'number' THEN 3 WHEN 'string' THEN 4 WHEN 'array' THEN 5 WHEN 'object' THEN 6 ELSE 0 END", order.Descending),
                (Typed(JsonKind.Boolean), order.Descending),
                (Typed(JsonKind.Number), order.Descending),
                (Typed(JsonKind.String), order.Descending),
            ];
        }

        private SqlValue Value(BoundValue value) => value switch
        {
            LiteralValue l => new SqlValue.Static(l.Kind, dialect.TypedParameter(writer.LiteralParameter(l.Value), l.Kind)),
            ColumnValue c => new SqlValue.Static(JsonKind.String, dialect.Text(Writer.ColumnSql(c))),
            DocumentValue d => dialect.JsonPath(d.Path) is { } path
                ? new SqlValue.Member(dialect.Document(Writer.Table(d.Collection)), writer.Parameter(path))
                : new SqlValue.Undefined(),
            // A whole twin or relationship: an object (the binder lets it reach only type tests and ARRAY_CONTAINS).
            CollectionValue => new SqlValue.Whole(),
            _ => throw new InvalidOperationException($"Unknown value {value.GetType().Name}."),
        };

        private string HasKind(SqlValue value, JsonKind kind) => value switch
        {
            SqlValue.Static s => s.Kind == kind ? dialect.True : dialect.False,
            SqlValue.Whole => kind == JsonKind.Object ? dialect.True : dialect.False,
            SqlValue.Member m => dialect.HasKind(m.Document, m.Path, kind),
            _ => dialect.Unknown,
        };

        private string Typed(SqlValue value, JsonKind kind) => value switch
        {
            SqlValue.Static s => s.Sql,
            SqlValue.Member m => dialect.Typed(m.Document, m.Path, kind),
            _ => throw new InvalidOperationException("An undefined value has no SQL."),
        };

        private static bool NullComparison(string op) => op is "=" or "<=" or ">=";

        private string Compare(string op, SqlValue left, SqlValue right, bool truthOnly)
        {
            if (left is SqlValue.Undefined || right is SqlValue.Undefined)
            {
                return dialect.Unknown;
            }

            op = op == "<>" ? "!=" : op;
            var sqlOp = op == "!=" ? "<>" : op;
            if (left is SqlValue.Static a && right is SqlValue.Static b)
            {
                return a.Kind != b.Kind ? dialect.Unknown
                    : a.Kind == JsonKind.Null ? (NullComparison(op) ? dialect.True : dialect.False)
                    : $"({a.Sql} {sqlOp} {b.Sql})";
            }

            if (left is SqlValue.Static || right is SqlValue.Static)
            {
                var known = left as SqlValue.Static ?? (SqlValue.Static)right;
                var member = left is SqlValue.Static ? right : left;
                var test = HasKind(member, known.Kind);
                if (known.Kind == JsonKind.Null)
                {
                    return $"CASE WHEN {test} THEN {(NullComparison(op) ? dialect.True : dialect.False)} END";
                }

                var l = Typed(left, known.Kind);
                var r = Typed(right, known.Kind);
                return dialect.KindedComparison(test, $"({l} {sqlOp} {r})", truthOnly);
            }

            // Two members: compare only when both have the same kind.
            var (lm, rm) = ((SqlValue.Member)left, (SqlValue.Member)right);
            var lk = dialect.KindName(lm.Document, lm.Path);
            var rk = dialect.KindName(rm.Document, rm.Path);
            var branches = new StringBuilder();
            foreach (var (name, kind) in new[] { ("string", JsonKind.String), ("number", JsonKind.Number), ("boolean", JsonKind.Boolean) })
            {
                branches.Append(CultureInfo.InvariantCulture, $" WHEN '{name}' THEN ({Typed(left, kind)} {sqlOp} {Typed(right, kind)})");
            }

            branches.Append(CultureInfo.InvariantCulture, $" WHEN 'null' THEN {(NullComparison(op) ? dialect.True : dialect.False)}");
            return $"CASE WHEN {lk} = {rk} THEN CASE {lk}{branches} END END";
        }

        private string In(SqlValue value, IReadOnlyList<LiteralValue> items)
        {
            if (value is SqlValue.Undefined || items.Count == 0)
            {
                return value is SqlValue.Undefined ? dialect.Unknown : dialect.False;
            }

            var terms = new List<string>();
            foreach (var group in items.GroupBy(i => i.Kind))
            {
                // A column or literal of another kind: undefined, written without a typed comparison that the
                // database would refuse to type-check (PostgreSQL: text = numeric).
                if (value is SqlValue.Static known && known.Kind != group.Key)
                {
                    terms.Add(dialect.Unknown);
                    continue;
                }

                var test = HasKind(value, group.Key);
                if (group.Key == JsonKind.Null)
                {
                    terms.Add($"CASE WHEN {test} THEN {dialect.True} END");
                    continue;
                }

                var list = string.Join(", ", group.Select(i => dialect.TypedParameter(writer.LiteralParameter(i.Value), i.Kind)).Distinct());
                terms.Add(test == dialect.True
                    ? $"({Typed(value, group.Key)} IN ({list}))"
                    : $"CASE WHEN {test} THEN ({Typed(value, group.Key)} IN ({list})) END");
            }

            return "(" + string.Join(" OR ", terms) + ")";
        }

        private string TypeTest(SqlValue value, IReadOnlyList<JsonKind>? kinds)
        {
            if (kinds is null)
            {
                return value switch
                {
                    SqlValue.Member m => dialect.IsDefined(m.Document, m.Path),
                    SqlValue.Static or SqlValue.Whole => dialect.True,
                    _ => dialect.False,
                };
            }

            if (value is SqlValue.Undefined)
            {
                return dialect.False;
            }

            var tests = string.Join(" OR ", kinds.Select(k => HasKind(value, k)));
            return $"COALESCE({tests}, {dialect.False})";
        }

        private string StringTest(StringCondition condition)
        {
            var value = Value(condition.Value);
            var argument = Value(condition.Argument);
            if (value is SqlValue.Undefined || argument is SqlValue.Undefined
                || value is SqlValue.Static { Kind: not JsonKind.String } || argument is SqlValue.Static { Kind: not JsonKind.String })
            {
                return dialect.Unknown;
            }

            var test = dialect.StringTest(condition.Function, Typed(value, JsonKind.String), Typed(argument, JsonKind.String));
            return $"CASE WHEN {HasKind(value, JsonKind.String)} AND {HasKind(argument, JsonKind.String)} THEN {test} END";
        }

        private string ArrayContains(SqlValue array, LiteralValue item) => array is SqlValue.Member m
            ? $"CASE WHEN {dialect.HasKind(m.Document, m.Path, JsonKind.Array)} THEN {dialect.ArrayContains(m.Document, m.Path, writer.LiteralParameter(item.Value), item.Kind)} END"
            : dialect.Unknown;

        private string Truth(SqlValue value) => value switch
        {
            SqlValue.Member m => $"CASE WHEN {dialect.HasKind(m.Document, m.Path, JsonKind.Boolean)} THEN {dialect.Typed(m.Document, m.Path, JsonKind.Boolean)} END",
            _ => dialect.Unknown,
        };
    }

    /// <summary>A value in SQL: known kind (literal, column), a document member, or undefined.</summary>
    private abstract record SqlValue
    {
        public sealed record Static(JsonKind Kind, string Sql) : SqlValue;

        public sealed record Member(string Document, string Path) : SqlValue;

        public sealed record Undefined : SqlValue;

        public sealed record Whole : SqlValue;
    }

    /// <summary>
    /// The FROM of a MATCH: single-hop edges as joins, longer ones as recursive traversals seeded from the twins
    /// the WHERE clause already narrows down (<see cref="SeedPlanner"/>).
    /// </summary>
    private sealed class MatchWriter(ISqlDialect dialect, Writer writer, ConditionWriter conditions, Dictionary<BoundSource, string> unjoined)
    {
        private readonly Dictionary<int, string> candidateCache = [];
        private SeedPlan plan = null!;
        private BoundMatch match = null!;
        private List<string> ctes = null!;
        private readonly HashSet<int> written = [];

        public string Write(BoundMatch pattern, BoundCondition? condition, List<string> where, List<string> cteList)
        {
            match = pattern;
            ctes = cteList;
            plan = SeedPlanner.Plan(pattern, condition);
            return Build(where);
        }

        private string Build(List<string> where)
        {
            var first = match.Nodes[0];
            var singleHops = match.Edges.Where(e => e.SingleHop).Select(e => Writer.Table(e.Relationship!)).ToList();
            var walks = new List<string>();
            var walkCount = match.Edges.Count(e => !e.SingleHop);
            var sql = new StringBuilder($"FROM twins {Writer.Table(first)}");
            where.Add($"{Writer.Table(first)}.instance_id = {writer.Instance}");
            for (var i = 0; i < match.Edges.Count; i++)
            {
                var edge = match.Edges[i];
                var a = writer.TwinId(match.Nodes[i]);
                var b = Writer.Table(match.Nodes[i + 1]);
                if (edge.SingleHop)
                {
                    var r = Writer.Table(edge.Relationship!);
                    sql.Append(CultureInfo.InvariantCulture, $" JOIN relationships {r} ON {r}.instance_id = {writer.Instance} AND ");
                    sql.Append(edge.Direction switch
                    {
                        EdgeDirection.Right => $"{r}.source_id = {a}",
                        EdgeDirection.Left => $"{r}.target_id = {a}",
                        _ => $"({r}.source_id = {a} OR {r}.target_id = {a})",
                    });
                    sql.Append(Names(r, edge.Names));
                    // A node nobody reads is not joined: the foreign key vouches for its twin (UnjoinedTwins).
                    if (!unjoined.ContainsKey(match.Nodes[i + 1]))
                    {
                        sql.Append(CultureInfo.InvariantCulture, $" JOIN twins {b} ON {b}.instance_id = {writer.Instance} AND {b}.id = {UnjoinedTwins.FarEnd(edge, a)}");
                    }

                    continue;
                }

                var cte = Traversal(i);
                var v = "v" + i.ToString(CultureInfo.InvariantCulture);
                walks.Add(v);
                var forward = plan.Forward[i];
                // A forward walk starts at the left twins, so the planner must read them first and the walk's ends
                // next; left alone, SQLite may scan every twin and probe the walk for each.
                var join = forward ? dialect.OrderedJoin : "JOIN";
                // With single-hop relationships or other walks in the pattern, the walk keeps its path, so that it
                // can be told not to take one of theirs again; otherwise (the common lone walk from a $dtId) only its
                // distinct ends matter, and keeping them few keeps the joins after it cheap.
                var ends = singleHops.Count > 0 || walkCount > 1 ? "s, n, p" : "DISTINCT s, n";
                sql.Append(CultureInfo.InvariantCulture, $" {join} (SELECT {ends} FROM {cte} WHERE d >= {writer.Parameter((long)edge.MinHops)}) {v} ON {v}.{(forward ? "s" : "n")} = {a}")
                   .Append(CultureInfo.InvariantCulture, $" {join} twins {b} ON {b}.instance_id = {writer.Instance} AND {b}.id = {v}.{(forward ? "n" : "s")}");
            }

            NoRelationshipTwice(walks, singleHops, where);
            return sql.ToString();
        }

        /// <summary>
        /// One path never uses a relationship twice: the single-hop relationships of the pattern differ, no walk takes
        /// one of them, and no two walks share one (each walk alone never repeats one: its CTE checks its own path).
        /// </summary>
        private void NoRelationshipTwice(List<string> walks, List<string> hops, List<string> where)
        {
            var sep = dialect.Separator(1);
            var mid = dialect.Separator(2);
            foreach (var walk in walks)
            {
                foreach (var hop in hops)
                {
                    where.Add($"{dialect.Position($"{walk}.p", $"{sep} || {hop}.source_id || {mid} || {hop}.id || {sep}")} = 0");
                }
            }

            for (var i = 0; i < walks.Count; i++)
            {
                for (var j = i + 1; j < walks.Count; j++)
                {
                    where.Add($"NOT {dialect.PathsShare($"{walks[i]}.p", $"{walks[j]}.p")}");
                }
            }

            for (var i = 0; i < hops.Count; i++)
            {
                for (var j = i + 1; j < hops.Count; j++)
                {
                    where.Add($"NOT ({hops[i]}.source_id = {hops[j]}.source_id AND {hops[i]}.id = {hops[j]}.id)");
                }
            }
        }

        /// <summary>The direction of an edge read from its right node.</summary>
        private static EdgeDirection Reversed(EdgeDirection direction) => direction switch
        {
            EdgeDirection.Right => EdgeDirection.Left,
            EdgeDirection.Left => EdgeDirection.Right,
            _ => EdgeDirection.Either,
        };

        private string Names(string relationship, IReadOnlyList<string> names) => names.Count == 0
            ? string.Empty
            : $" AND {relationship}.name IN ({string.Join(", ", names.Select(n => writer.Parameter(n)))})";

        /// <summary>The recursive CTE of variable-length edge <paramref name="i"/>; returns its name.</summary>
        private string Traversal(int i)
        {
            var name = "e" + i.ToString(CultureInfo.InvariantCulture);
            if (!written.Add(i))
            {
                return name;
            }

            var edge = match.Edges[i];
            var forward = plan.Forward[i];
            var seed = forward ? Candidates(i, fromLeft: true) : Candidates(i + 1, fromLeft: false);
            seed ??= $"SELECT id FROM twins WHERE instance_id = {writer.Instance}";

            // Walking backward flips which end of a relationship the walk leaves from.
            var direction = forward ? edge.Direction : Reversed(edge.Direction);
            // A path is the keys of the relationships it used, each "source ␂ id ␁", after a leading ␁; ids hold no
            // control characters, so "␁ source ␂ id ␁" occurs in a path exactly when that relationship was used.
            var sep = dialect.Separator(1);
            var mid = dialect.Separator(2);
            string Key(string r) => $"{r}.source_id || {mid} || {r}.id || {sep}";
            var (fromColumn, toColumn) = direction == EdgeDirection.Left ? ("target_id", "source_id") : ("source_id", "target_id");
            string From(string r, string node) => direction == EdgeDirection.Either
                ? $"({r}.source_id = {node} OR {r}.target_id = {node})"
                : $"{r}.{fromColumn} = {node}";
            string To(string r, string node) => direction == EdgeDirection.Either
                ? $"CASE WHEN {r}.source_id = {node} THEN {r}.target_id ELSE {r}.source_id END"
                : $"{r}.{toColumn}";

            var names = Names("r", edge.Names);
            var max = writer.Parameter((long)edge.MaxHops);
            var text = $"""
                {name}(s, n, d, p) AS (
                SELECT sd.id, {To("r", "sd.id")}, 1, {sep} || {Key("r")} FROM ({seed}) sd JOIN relationships r ON r.instance_id = {writer.Instance} AND {From("r", "sd.id")}{names}
                UNION ALL
                SELECT e.s, {To("r", "e.n")}, e.d + 1, e.p || {Key("r")} FROM {name} e JOIN relationships r ON r.instance_id = {writer.Instance} AND {From("r", "e.n")}{names}
                WHERE e.d < {max} AND {dialect.Position("e.p", $"{sep} || {Key("r")}")} = 0)
                """;
            ctes.Add(text);
            return name;
        }

        /// <summary>
        /// SQL selecting the ids the twins of node <paramref name="node"/> can have, given the WHERE conditions on
        /// nodes on one side of it (and the edges between them), or null when that side does not narrow it.
        /// </summary>
        private string? Candidates(int node, bool fromLeft)
        {
            var key = fromLeft ? node : -node - 1;
            if (candidateCache.TryGetValue(key, out var cached))
            {
                return cached;
            }

            // A node with conditions of its own is narrowed by them alone; otherwise by what its neighbour on this
            // side reaches. Stopping at the first narrowed node keeps a backward walk and a forward walk from
            // ever depending on each other (SeedPlanner).
            var own = plan.Conditions[node];
            string? result;
            var t = Writer.Table(match.Nodes[node]);
            if (own.Count > 0)
            {
                var filters = own.Select(c => conditions.Condition(c, truthOnly: true)).Prepend($"{t}.instance_id = {writer.Instance}");
                result = $"SELECT {t}.id FROM twins {t} WHERE {string.Join(" AND ", filters.Select(f => "(" + f + ")"))}";
            }
            else
            {
                var neighbour = fromLeft ? node - 1 : node + 1;
                var edgeIndex = fromLeft ? node - 1 : node;
                result = neighbour >= 0 && neighbour < match.Nodes.Count && Candidates(neighbour, fromLeft) is { } previous
                    ? Reached(edgeIndex, previous, fromLeft)
                    : null;
            }

            candidateCache[key] = result!;
            return result;
        }

        /// <summary>SQL selecting the twins one edge leads to from the ids <paramref name="start"/> selects.</summary>
        private string Reached(int edgeIndex, string start, bool fromLeft)
        {
            var edge = match.Edges[edgeIndex];
            if (!edge.SingleHop)
            {
                // A longer edge's traversal already holds where it leads: its far end in its own direction.
                var cte = Traversal(edgeIndex);
                var walksThisWay = plan.Forward[edgeIndex] == fromLeft;
                return walksThisWay ? $"SELECT n AS id FROM {cte}" : $"SELECT s AS id FROM {cte}";
            }

            var direction = fromLeft ? edge.Direction : Reversed(edge.Direction);
            var names = Names("x", edge.Names);
            return direction switch
            {
                EdgeDirection.Right => $"SELECT x.target_id AS id FROM relationships x WHERE x.instance_id = {writer.Instance} AND x.source_id IN ({start}){names}",
                EdgeDirection.Left => $"SELECT x.source_id AS id FROM relationships x WHERE x.instance_id = {writer.Instance} AND x.target_id IN ({start}){names}",
                _ => $"SELECT x.target_id AS id FROM relationships x WHERE x.instance_id = {writer.Instance} AND x.source_id IN ({start}){names} UNION SELECT x.source_id FROM relationships x WHERE x.instance_id = {writer.Instance} AND x.target_id IN ({start}){names}",
            };
        }
    }

    /// <summary>
    /// The MATCH nodes whose twins a statement need not join: a node that nothing reads (not selected, not in the
    /// WHERE clause, IS_OF_MODEL or ORDER BY) adds to a row only its id, and its id is the end of an adjacent
    /// relationship. Leaving out its <c>JOIN twins</c> saves a lookup by primary key per row of every hop.
    /// This is safe because the schema makes every relationship's ends exist: <c>relationships (instance_id,
    /// source_id)</c> and <c>(instance_id, target_id)</c> are foreign keys to <c>twins (instance_id, id)</c> on both
    /// engines (migration 2; SQLite enforces them on every connection, <c>ForeignKeys = true</c>), which is also why
    /// deleting a twin with relationships is refused. Joined on its primary key, the twin at a relationship's end is
    /// therefore exactly one row whose id equals that end: the join never dropped nor repeated a row.
    /// Only nodes between single-hop edges (or after the last one) are left out: a walk's joins stay as the seed
    /// planner ordered them. The first node stays too, as the statement's FROM.
    /// </summary>
    private static class UnjoinedTwins
    {
        public static Dictionary<BoundSource, string> Find(BoundQuery query)
        {
            var match = query.Match!;
            var read = Read(query);
            var ids = new Dictionary<BoundSource, string>();
            for (var i = 1; i < match.Nodes.Count; i++)
            {
                var node = match.Nodes[i];
                var between = match.Edges[i - 1].SingleHop && (i == match.Edges.Count || match.Edges[i].SingleHop);
                if (between && !read.Contains(node))
                {
                    var previous = match.Nodes[i - 1];
                    ids[node] = FarEnd(match.Edges[i - 1], ids.GetValueOrDefault(previous) ?? $"{Writer.Table(previous)}.id");
                }
            }

            return ids;
        }

        /// <summary>
        /// The SQL of the twin id a single-hop edge reaches from the node whose id is <paramref name="near"/>. An
        /// undirected edge reaches the end that is not the near node (a self-loop, the near node itself).
        /// </summary>
        public static string FarEnd(BoundEdge edge, string near)
        {
            var r = Writer.Table(edge.Relationship!);
            return edge.Direction switch
            {
                EdgeDirection.Right => $"{r}.target_id",
                EdgeDirection.Left => $"{r}.source_id",
                _ => $"CASE WHEN {r}.source_id = {near} THEN {r}.target_id ELSE {r}.source_id END",
            };
        }

        /// <summary>The collections the selected values, the WHERE clause and the ORDER BY read.</summary>
        private static HashSet<BoundSource> Read(BoundQuery query)
        {
            var read = new HashSet<BoundSource>();
            if (query.DocumentCollection is not null)
            {
                read.Add(query.DocumentCollection);
            }

            foreach (var value in query.Projections.Select(p => p.Value).Concat(query.OrderBy.Select(o => o.Value)))
            {
                SeedPlanner.Add(value, read);
            }

            if (query.Where is not null)
            {
                SeedPlanner.Sources(query.Where, read);
            }

            return read;
        }
    }
}
