using Doppel.Query.Differential.Corpus;

namespace Doppel.Query.Differential.Differential;

/// <summary>
/// Every corpus case on one engine: the rows of every page together equal the oracle's as a multiset of canonical
/// JSON rows (for TOP: as many rows as the limit allows, all from the full answer), or both refuse the query.
/// </summary>
public abstract class DifferentialTests<TEngine>(TEngine engine)
    where TEngine : Engine
{
    [SkippableTheory]
    [MemberData(nameof(QueryCorpus.Data), MemberType = typeof(QueryCorpus))]
    public async Task Query_case_answers_what_the_oracle_answers(string name, string query)
    {
        engine.SkipIfUnavailable();

        var disagreement = await DifferentialRunner.CompareAsync(engine, query);

        if (KnownDisagreements.IntermittentReason(engine.Name, query) is not null)
        {
            // Either outcome is accepted; the case still has to run to the end without hanging.
            return;
        }

        if (KnownDisagreements.Reason(engine.Name, query) is { } reason)
        {
            Assert.True(disagreement is not null, $"{name} now agrees on {engine.Name}: remove it from KnownDisagreements ({reason})");
        }
        else
        {
            Assert.True(disagreement is null, $"{name} on {engine.Name}: {query}\n{disagreement}");
        }
    }

    [SkippableFact]
    public void Seed_graph_was_written_whole_through_the_services()
    {
        engine.SkipIfUnavailable();

        Assert.Equal((QueryCorpus.Graph.Twins.Count + QueryCorpus.Graph.RawTwins.Count, QueryCorpus.Graph.Relationships.Count), engine.Written);
    }
}

/// <summary>The corpus on SQLite.</summary>
[Collection(SeededSqlite.Name)]
public sealed class SqliteDifferentialTests(SqliteEngine engine) : DifferentialTests<SqliteEngine>(engine);

/// <summary>The corpus on PostgreSQL (skipped without DOPPEL_TEST_POSTGRES, failed without it under CI=true).</summary>
[Collection(SeededPostgreSql.Name)]
public sealed class PostgreSqlDifferentialTests(PostgreSqlEngine engine) : DifferentialTests<PostgreSqlEngine>(engine);
