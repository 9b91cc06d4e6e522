using System.Text;
using System.Text.Json;
using Doppel.Query.Ast;
using Doppel.Query.Syntax;

namespace Doppel.Query.Differential.Oracle;

/// <summary>A query the oracle refuses: what the service must answer with <c>SqlQueryError</c>.</summary>
public sealed class OracleQueryException : Exception
{
    /// <summary>Creates the error.</summary>
    public OracleQueryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error.</summary>
    public OracleQueryException()
    {
    }

    /// <summary>Creates the error.</summary>
    public OracleQueryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The reference meaning of a query (docs/query-semantics.md), computed the slow, obvious way over an
/// <see cref="OracleGraph"/>: every collection enumerated, every condition evaluated in three-valued logic, every
/// MATCH path walked. It shares nothing with the SQL compiler but the parser.
/// </summary>
public sealed class QueryOracle(OracleGraph graph)
{
    /// <summary>ADT's limits, as the semantics page lists them.</summary>
    public const int MaxJoins = 5;

    /// <summary>Most hops of one MATCH, counting each edge's largest.</summary>
    public const int MaxHops = 10;

    /// <summary>Most AND and OR operators in one query.</summary>
    public const int MaxLogicalOperators = 50;

    /// <summary>Most values in one IN or NIN list.</summary>
    public const int MaxListItems = 100;

    private static readonly HashSet<string> TypeTests = new(StringComparer.Ordinal)
    {
        "IS_DEFINED", "IS_NULL", "IS_BOOL", "IS_NUMBER", "IS_STRING", "IS_OBJECT", "IS_PRIMITIVE",
    };

    private static readonly HashSet<string> StringTests = new(StringComparer.Ordinal)
    {
        "STARTSWITH", "STARTS_WITH", "ENDSWITH", "ENDS_WITH", "CONTAINS",
    };

    /// <summary>Parses and runs <paramref name="query"/>: the rows as JSON texts, in the order of the collections' keys.</summary>
    /// <exception cref="OracleQueryException">The query is not valid (a syntax or semantic error).</exception>
    public IReadOnlyList<string> Run(string query)
    {
        var parsed = new QueryParser().Parse(query);
        if (!parsed.Succeeded)
        {
            throw new OracleQueryException(parsed.Error!.Message);
        }

        return Run(parsed.Query!);
    }

    /// <summary>Runs a parsed query.</summary>
    /// <exception cref="OracleQueryException">The query is not valid.</exception>
    public IReadOnlyList<string> Run(QueryStatement query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var scope = Scope.Of(query);
        scope.Check(query);

        var rows = query.Match is { } match ? MatchRows(match, scope, query.Where) : CollectionRows(query);
        var selected = rows.Where(row => query.Where is null || Condition(query.Where, row, scope) == Truth.True).ToList();
        if (query.Select.Count)
        {
            return [Json(writer =>
            {
                writer.WriteStartObject();
                writer.WriteNumber("COUNT", selected.Count);
                writer.WriteEndObject();
            })];
        }

        IEnumerable<Row> limited = query.Select.Top is { } top ? selected.Take(top) : selected;
        return [.. limited.Select(row => Project(query.Select, row, scope))];
    }

    // ---- rows -------------------------------------------------------------------------------------------------

    /// <summary>FROM and JOINs: nested loops in the order of the collections' keys.</summary>
    private List<Row> CollectionRows(QueryStatement query)
    {
        var from = query.From;
        var source = from.Source == QuerySource.Relationships ? graph.Relationships : graph.Twins;
        var rows = source.Select(entity => Row.Empty.With(from.Alias ?? Scope.Unnamed, entity)).ToList();
        foreach (var join in query.Joins)
        {
            var next = new List<Row>();
            foreach (var row in rows)
            {
                foreach (var relationship in graph.Outgoing(row[join.Source].Key).Where(r => r.Name == join.Relationship))
                {
                    var joined = row.With(join.Target, graph.TwinsById[relationship.TargetId]);
                    next.Add(join.RelationshipAlias is { } alias ? joined.With(alias, relationship) : joined);
                }
            }

            rows = next;
        }

        return rows;
    }

    /// <summary>MATCH: every walk of the pattern, no relationship twice, then the distinct bindings of its aliases.</summary>
    private List<Row> MatchRows(MatchClause match, Scope scope, Expression? where)
    {
        // A plain shortcut, not an optimisation of meaning: a node whose $dtId a top-level AND pins to literals can
        // only bind those twins, since any other twin makes that conjunct, and so WHERE, not true.
        var pinned = PinnedIds(where);
        var results = new List<Row>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var start in graph.Twins)
        {
            if (Allowed(match.Nodes[0].Alias, start))
            {
                Walk(0, start, Row.Empty.With(match.Nodes[0].Alias, start), []);
            }
        }

        return results;

        bool Allowed(string alias, OracleEntity twin) => !pinned.TryGetValue(alias, out var ids) || ids.Contains(twin.Key);

        void Walk(int edgeIndex, OracleEntity at, Row row, List<OracleEntity> used)
        {
            if (edgeIndex == match.Edges.Count)
            {
                var key = string.Join('\u0001', row.Bindings.Select(b => b.Alias + "\u0002" + b.Entity.Id + "\u0002" + b.Entity.Key));
                if (seen.Add(key))
                {
                    results.Add(row);
                }

                return;
            }

            var edge = match.Edges[edgeIndex];
            var (least, most) = Scope.HopRange(edge);
            var nextAlias = match.Nodes[edgeIndex + 1].Alias;
            foreach (var (end, last) in Walks(at, edge, least, most, used))
            {
                if (!Allowed(nextAlias, end))
                {
                    continue;
                }

                var next = row;
                if (edge.Alias is { } edgeAlias)
                {
                    next = next.With(edgeAlias, last!);
                }

                Walk(edgeIndex + 1, end, next.With(nextAlias, end), used);
            }
        }
    }

    /// <summary>
    /// The ends of the walks of <paramref name="least"/> to <paramref name="most"/> relationships from
    /// <paramref name="start"/> along <paramref name="edge"/>, each with its last relationship. <paramref name="used"/>
    /// holds the relationships the path already took; a walk takes none of them and none twice. The list is extended
    /// while a walk's end is being used and restored afterwards.
    /// </summary>
    private IEnumerable<(OracleEntity End, OracleEntity? Last)> Walks(OracleEntity start, MatchEdge edge, int least, int most, List<OracleEntity> used)
    {
        var trail = new List<(OracleEntity At, OracleEntity Relationship)>();
        return Step(start, 0);

        IEnumerable<(OracleEntity, OracleEntity?)> Step(OracleEntity at, int taken)
        {
            if (taken >= least)
            {
                yield return (at, trail.Count > 0 ? trail[^1].Relationship : null);
            }

            if (taken == most)
            {
                yield break;
            }

            foreach (var (relationship, other) in Neighbours(at, edge))
            {
                if (used.Any(u => ReferenceEquals(u, relationship)))
                {
                    continue;
                }

                used.Add(relationship);
                trail.Add((other, relationship));
                foreach (var end in Step(other, taken + 1))
                {
                    yield return end;
                }

                trail.RemoveAt(trail.Count - 1);
                used.RemoveAt(used.Count - 1);
            }
        }
    }

    private IEnumerable<(OracleEntity Relationship, OracleEntity Other)> Neighbours(OracleEntity twin, MatchEdge edge)
    {
        bool Named(OracleEntity r) => edge.Names.Count == 0 || edge.Names.Contains(r.Name);

        if (edge.Direction is EdgeDirection.Right or EdgeDirection.Either)
        {
            foreach (var r in graph.Outgoing(twin.Key).Where(Named))
            {
                yield return (r, graph.TwinsById[r.TargetId]);
            }
        }

        if (edge.Direction is EdgeDirection.Left or EdgeDirection.Either)
        {
            foreach (var r in graph.Incoming(twin.Key).Where(Named))
            {
                yield return (r, graph.TwinsById[r.Id]);
            }
        }
    }

    /// <summary>Aliases whose <c>$dtId</c> a top-level conjunct restricts to string literals.</summary>
    private static Dictionary<string, HashSet<string>> PinnedIds(Expression? where)
    {
        var pinned = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var conjunct in Conjuncts(where))
        {
            var (path, values) = conjunct switch
            {
                BinaryExpression { Operator: "=", Left: PropertyPath p, Right: Literal l } => (p, new[] { l.Value }),
                BinaryExpression { Operator: "=", Left: Literal l, Right: PropertyPath p } => (p, new[] { l.Value }),
                InExpression { Negated: false, Value: PropertyPath p, List: var list } when list.Items.All(i => i is Literal) =>
                    (p, list.Items.Select(i => ((Literal)i).Value).ToArray()),
                _ => (null, []),
            };
            if (path is { Segments: [var alias, "$dtId"] })
            {
                var ids = values.OfType<string>().ToHashSet(StringComparer.Ordinal);
                if (pinned.TryGetValue(alias, out var existing))
                {
                    existing.IntersectWith(ids);
                }
                else
                {
                    pinned[alias] = ids;
                }
            }
        }

        return pinned;

        static IEnumerable<Expression> Conjuncts(Expression? e) => e switch
        {
            null => [],
            BinaryExpression { Operator: "AND" } and => Conjuncts(and.Left).Concat(Conjuncts(and.Right)),
            _ => [e],
        };
    }

    // ---- conditions and values --------------------------------------------------------------------------------

    private Truth Condition(Expression expression, Row row, Scope scope)
    {
        switch (expression)
        {
            case BinaryExpression { Operator: "AND" } and:
                return OracleValue.And(Condition(and.Left, row, scope), Condition(and.Right, row, scope));
            case BinaryExpression { Operator: "OR" } or:
                return OracleValue.Or(Condition(or.Left, row, scope), Condition(or.Right, row, scope));
            case BinaryExpression comparison:
                return OracleValue.Compare(Value(comparison.Left, row, scope), Value(comparison.Right, row, scope), comparison.Operator);
            case NotExpression not:
                return OracleValue.Not(Condition(not.Operand, row, scope));
            case InExpression @in:
                var value = Value(@in.Value, row, scope);
                var any = @in.List.Items.Aggregate(Truth.False, (acc, item) => OracleValue.Or(acc, OracleValue.Compare(value, Value(item, row, scope), "=")));
                return @in.Negated ? OracleValue.Not(any) : any;
            case FunctionCall call:
                return Function(call, row, scope);
            default:
                return Value(expression, row, scope).AsCondition();
        }
    }

    private OracleValue Value(Expression expression, Row row, Scope scope) => expression switch
    {
        Literal literal => OracleValue.FromLiteral(literal.Value),
        PropertyPath path => Resolve(path, row, scope),
        ArrayLiteral array => new OracleValue(JsonSerializer.SerializeToElement(array.Items.Select(i => ((Literal)i).Value).ToArray())),
        _ => Condition(expression, row, scope) switch
        {
            Truth.True => OracleValue.FromBool(true),
            Truth.False => OracleValue.FromBool(false),
            _ => OracleValue.Undefined,
        },
    };

    private static OracleValue Resolve(PropertyPath path, Row row, Scope scope)
    {
        var (entity, rest) = scope.Start(path, row);
        var current = entity.Document;
        foreach (var segment in rest)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(segment, out current))
            {
                return OracleValue.Undefined;
            }
        }

        return new OracleValue(current);
    }

    private Truth Function(FunctionCall call, Row row, Scope scope)
    {
        var args = call.Arguments;
        if (call.Name == "IS_OF_MODEL")
        {
            var form = Scope.ModelTest(call, scope);
            var twin = form.Alias is null ? row.Bindings[0].Entity : row[form.Alias];
            return graph.IsOfModel(twin.ModelId, form.Model, form.Exact) ? Truth.True : Truth.False;
        }

        if (TypeTests.Contains(call.Name))
        {
            var kind = Value(args[0], row, scope).Kind;
            var result = call.Name switch
            {
                "IS_DEFINED" => kind != JsonValueKind.Undefined,
                "IS_NULL" => kind == JsonValueKind.Null,
                "IS_BOOL" => kind == JsonValueKind.True,
                "IS_NUMBER" => kind == JsonValueKind.Number,
                "IS_STRING" => kind == JsonValueKind.String,
                "IS_OBJECT" => kind == JsonValueKind.Object,
                _ => kind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.Null,
            };
            return result ? Truth.True : Truth.False;
        }

        var first = Value(args[0], row, scope);
        var second = Value(args[1], row, scope);
        if (call.Name == "ARRAY_CONTAINS")
        {
            if (first.Kind != JsonValueKind.Array)
            {
                return Truth.Undefined;
            }

            return first.Element!.Value.EnumerateArray().Any(item => OracleValue.Compare(new OracleValue(item), second, "=") == Truth.True)
                ? Truth.True
                : Truth.False;
        }

        if (first.Kind != JsonValueKind.String || second.Kind != JsonValueKind.String)
        {
            return Truth.Undefined;
        }

        var text = first.Element!.Value.GetString()!;
        var part = second.Element!.Value.GetString()!;
        var found = call.Name switch
        {
            "STARTSWITH" or "STARTS_WITH" => text.StartsWith(part, StringComparison.Ordinal),
            "ENDSWITH" or "ENDS_WITH" => text.EndsWith(part, StringComparison.Ordinal),
            _ => text.Contains(part, StringComparison.Ordinal),
        };
        return found ? Truth.True : Truth.False;
    }

    // ---- rows out ---------------------------------------------------------------------------------------------

    private static string Project(SelectClause select, Row row, Scope scope)
    {
        if (select.Star)
        {
            return row.Bindings[0].Entity.Document.GetRawText();
        }

        // One whole collection without AS: each row is that collection's document, whatever else the query binds.
        if (select.Items is [{ Alias: null, Value: PropertyPath { Segments: [var only] } }] && scope.IsAlias(only))
        {
            return row[only].Document.GetRawText();
        }

        return Json(writer =>
        {
            writer.WriteStartObject();
            foreach (var item in select.Items)
            {
                var path = (PropertyPath)item.Value;
                if (Resolve(path, row, scope).Element is { } value)
                {
                    writer.WritePropertyName(item.Alias ?? path.Segments[^1]);
                    value.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        });
    }

    private static string Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>One binding of every alias of a row, in the order the query binds them.</summary>
    private sealed record Row(IReadOnlyList<(string Alias, OracleEntity Entity)> Bindings)
    {
        public static Row Empty { get; } = new([]);

        public OracleEntity this[string alias] => Bindings.First(b => b.Alias == alias).Entity;

        public Row With(string alias, OracleEntity entity) => new([.. Bindings, (alias, entity)]);
    }

    /// <summary>The collections a query binds, and every static rule on names, functions and limits.</summary>
    private sealed class Scope
    {
        /// <summary>The name a FROM collection without an alias is bound under; no path can spell it.</summary>
        public const string Unnamed = "\0from";

        private Scope(List<(string Name, bool IsRelationship)> collections)
        {
            Collections = collections;
        }

        public List<(string Name, bool IsRelationship)> Collections { get; }

        public bool IsAlias(string name) => Collections.Any(c => c.Name == name);

        public static Scope Of(QueryStatement query)
        {
            if (query.OrderBy.Count > 0)
            {
                throw new OracleQueryException("ORDER BY is not part of the ADT query language.");
            }

            var collections = new List<(string Name, bool IsRelationship)>();
            void Bind(string name, bool isRelationship)
            {
                if (collections.Any(c => c.Name == name))
                {
                    throw new OracleQueryException($"The alias {name} is bound twice.");
                }

                collections.Add((name, isRelationship));
            }

            var from = query.From;
            if (from.Source == QuerySource.Relationships)
            {
                if (query.Joins.Count > 0 || query.Match is not null)
                {
                    throw new OracleQueryException("FROM RELATIONSHIPS cannot be combined with JOIN or MATCH.");
                }

                Bind(from.Alias ?? Unnamed, true);
            }
            else if (query.Match is { } match)
            {
                if (query.Joins.Count > 0)
                {
                    throw new OracleQueryException("JOIN and MATCH cannot be combined.");
                }

                if (from.Alias is { } fromAlias && match.Nodes.All(n => n.Alias != fromAlias))
                {
                    throw new OracleQueryException($"The FROM alias {fromAlias} is not a twin of the MATCH.");
                }

                var hops = 0;
                for (var i = 0; i < match.Nodes.Count; i++)
                {
                    Bind(match.Nodes[i].Alias, false);
                    if (i < match.Edges.Count)
                    {
                        var edge = match.Edges[i];
                        var (least, most) = HopRange(edge);
                        if (least < 1 || most < least)
                        {
                            throw new OracleQueryException("A hop range must allow at least one hop.");
                        }

                        if (edge.Alias is { } edgeAlias)
                        {
                            if (most != 1)
                            {
                                throw new OracleQueryException("A variable-length relationship condition takes no alias.");
                            }

                            Bind(edgeAlias, true);
                        }

                        hops += most;
                    }
                }

                if (hops > MaxHops)
                {
                    throw new OracleQueryException($"A MATCH may take at most {MaxHops} hops.");
                }
            }
            else
            {
                Bind(from.Alias ?? Unnamed, false);
                if (query.Joins.Count > MaxJoins)
                {
                    throw new OracleQueryException($"A query may have at most {MaxJoins} JOINs.");
                }

                foreach (var join in query.Joins)
                {
                    if (!collections.Any(c => c.Name == join.Source && !c.IsRelationship))
                    {
                        throw new OracleQueryException($"The JOIN source {join.Source} is not a twin collection of the query.");
                    }

                    Bind(join.Target, false);
                    if (join.RelationshipAlias is { } relationshipAlias)
                    {
                        Bind(relationshipAlias, true);
                    }
                }
            }

            return new Scope(collections);
        }

        /// <summary>The fewest and most hops of an edge; ADT's range start is exclusive.</summary>
        public static (int Least, int Most) HopRange(MatchEdge edge) => (edge.MinHops, edge.MaxHops) switch
        {
            (null, null) => (1, 1),
            (null, int most) => (1, most),
            (int least, int most) when least == most => (least, most),
            (int least, int most) => (least + 1, most),
            (int least, null) => (least, least),
        };

        public void Check(QueryStatement query)
        {
            var select = query.Select;
            if (select.Star && Collections.Count > 1)
            {
                throw new OracleQueryException("SELECT * cannot be used with JOIN or MATCH; name the collections.");
            }

            if (select.Star && query.Match is not null)
            {
                throw new OracleQueryException("SELECT * cannot be used with MATCH; name the collections.");
            }

            foreach (var item in select.Items)
            {
                CheckPath((PropertyPath)item.Value);
            }

            // A row is one JSON object, which cannot hold one name twice.
            var names = select.Items.Select(i => i.Alias ?? ((PropertyPath)i.Value).Segments[^1]).ToList();
            if (names.Count != names.Distinct(StringComparer.Ordinal).Count())
            {
                throw new OracleQueryException("Two projections have the same name; give one another name with AS.");
            }

            if (query.Where is { } where)
            {
                var logical = 0;
                CheckCondition(where, ref logical);
                if (logical > MaxLogicalOperators)
                {
                    throw new OracleQueryException($"A query may have at most {MaxLogicalOperators} AND and OR operators.");
                }
            }
        }

        /// <summary>Where a path starts: the collection its first segment names, or the only collection.</summary>
        public (OracleEntity Entity, IEnumerable<string> Segments) Start(PropertyPath path, Row row) =>
            IsAlias(path.Segments[0]) ? (row[path.Segments[0]], path.Segments.Skip(1)) : (row.Bindings[0].Entity, path.Segments);

        public static (string? Alias, string Model, bool Exact) ModelTest(FunctionCall call, Scope scope)
        {
            var args = call.Arguments;
            var (alias, model, exact) = args switch
            {
                [Literal { Value: string m }] => (null, m, null),
                [Literal { Value: string m }, PropertyPath e] => (null, m, e),
                [PropertyPath { Segments: [var a] }, Literal { Value: string m }] => (a, m, null),
                [PropertyPath { Segments: [var a] }, Literal { Value: string m }, PropertyPath e] => (a, m, (PropertyPath?)e),
                _ => throw new OracleQueryException("IS_OF_MODEL takes ([collection,] 'dtmi' [, exact])."),
            };
            if (exact is not null && !(exact.Segments is [var word] && string.Equals(word, "exact", StringComparison.OrdinalIgnoreCase)))
            {
                throw new OracleQueryException("The last argument of IS_OF_MODEL can only be the word exact.");
            }

            if (alias is null)
            {
                if (scope.Collections.Count != 1)
                {
                    throw new OracleQueryException("IS_OF_MODEL must name its collection when the query has several.");
                }

                if (scope.Collections[0].IsRelationship)
                {
                    throw new OracleQueryException("IS_OF_MODEL applies to twins, not relationships.");
                }

                return (null, model, exact is not null);
            }

            var collection = scope.Collections.FirstOrDefault(c => c.Name == alias);
            if (collection.Name is null)
            {
                throw new OracleQueryException($"IS_OF_MODEL names {alias}, which is not a collection of the query.");
            }

            if (collection.IsRelationship)
            {
                throw new OracleQueryException("IS_OF_MODEL applies to twins, not relationships.");
            }

            return (alias, model, exact is not null);
        }

        private void CheckPath(PropertyPath path)
        {
            if (!IsAlias(path.Segments[0]) && Collections.Count != 1)
            {
                throw new OracleQueryException($"{path.Segments[0]} is not a collection of the query.");
            }
        }

        private void CheckCondition(Expression expression, ref int logical)
        {
            switch (expression)
            {
                case BinaryExpression { Operator: "AND" or "OR" } binary:
                    logical++;
                    CheckCondition(binary.Left, ref logical);
                    CheckCondition(binary.Right, ref logical);
                    break;
                case BinaryExpression comparison:
                    CheckOperand(comparison.Left, comparison.Operator, ref logical);
                    CheckOperand(comparison.Right, comparison.Operator, ref logical);
                    break;
                case NotExpression not:
                    CheckCondition(not.Operand, ref logical);
                    break;
                case InExpression @in:
                    if (@in.List.Items.Count > MaxListItems)
                    {
                        throw new OracleQueryException($"An IN or NIN list may hold at most {MaxListItems} values.");
                    }

                    CheckOperand(@in.Value, @in.Negated ? "NIN" : "IN", ref logical);
                    CheckCondition(@in.List, ref logical);
                    break;
                case ArrayLiteral array:
                    foreach (var item in array.Items)
                    {
                        CheckCondition(item, ref logical);
                    }

                    break;
                case Literal { Value: double number } when !double.IsFinite(number):
                    throw new OracleQueryException("A number literal is out of range.");
                case FunctionCall call:
                    CheckFunction(call);
                    break;
                case PropertyPath path:
                    RefuseWholeCollection(path);
                    CheckPath(path);
                    break;
            }
        }

        /// <summary>A whole twin or relationship is neither a condition nor a value to compare (docs/query-semantics.md).</summary>
        private void RefuseWholeCollection(Expression expression)
        {
            if (expression is PropertyPath { Segments: [var only] } && IsAlias(only))
            {
                throw new OracleQueryException($"The collection {only} is not a value; compare one of its properties.");
            }
        }

        /// <summary>
        /// Comparison operands are values: a property or a literal. A condition (a function, a comparison, NOT,
        /// AND, OR, IN) or a list there is refused, as the compiler refuses it; the spec leaves it open.
        /// </summary>
        private void CheckOperand(Expression operand, string op, ref int logical)
        {
            if (operand is not (Literal or PropertyPath))
            {
                throw new OracleQueryException($"Only a property or a literal can be compared with {op}.");
            }

            RefuseWholeCollection(operand);

            CheckCondition(operand, ref logical);
        }

        private void CheckFunction(FunctionCall call)
        {
            if (call.Name == "IS_OF_MODEL")
            {
                ModelTest(call, this);
                return;
            }

            var arity = TypeTests.Contains(call.Name) ? 1
                : StringTests.Contains(call.Name) || call.Name == "ARRAY_CONTAINS" ? 2
                : throw new OracleQueryException($"{call.Name} is not a function of the query language.");
            if (call.Arguments.Count != arity)
            {
                throw new OracleQueryException($"{call.Name} takes {arity} argument(s).");
            }

            // ADT's ARRAY_CONTAINS checks for a value: a string, number or boolean literal.
            if (call.Name == "ARRAY_CONTAINS" && call.Arguments[1] is not Literal { Value: string or long or double or bool })
            {
                throw new OracleQueryException("The value ARRAY_CONTAINS looks for must be a string, number or boolean literal.");
            }

            foreach (var argument in call.Arguments)
            {
                switch (argument)
                {
                    case PropertyPath path:
                        if (StringTests.Contains(call.Name))
                        {
                            RefuseWholeCollection(path);
                        }

                        CheckPath(path);
                        break;
                    case Literal:
                        var ignored = 0;
                        CheckCondition(argument, ref ignored);
                        break;
                    default:
                        throw new OracleQueryException($"The arguments of {call.Name} must be properties or literals.");
                }
            }
        }
    }
}
