using Doppel.Query.Differential.Corpus;
using Doppel.Query.Differential.Oracle;

namespace Doppel.Query.Differential;

/// <summary>The corpus as data: complete, current, and meaningful to the oracle before any database sees it.</summary>
public sealed class CorpusTests
{
    private static readonly Lazy<QueryOracle> Oracle = new(() => new QueryOracle(QueryCorpus.OfflineGraph()));

    [Fact]
    public void Generated_corpus_file_is_what_the_generator_writes()
    {
        var expected = string.Join('\n', CorpusGenerator.Lines()) + "\n";
        if (Environment.GetEnvironmentVariable("DOPPEL_REGENERATE_CORPUS") == "1")
        {
            File.WriteAllText(QueryCorpus.GeneratedFile, expected);
        }

        Assert.Equal(expected, File.ReadAllText(QueryCorpus.GeneratedFile).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Corpus_holds_several_hundred_distinct_cases_in_every_file()
    {
        var cases = QueryCorpus.Cases;

        Assert.True(cases.Count >= 800, $"only {cases.Count} cases");
        Assert.Equal(cases.Count, cases.Select(c => c.Query).Distinct(StringComparer.Ordinal).Count());
        foreach (var file in new[] { "basics.txt", "joins.txt", "match.txt", "projections.txt", "errors.txt", "generated.txt" })
        {
            Assert.Contains(cases, c => c.File == file);
        }
    }

    [Fact]
    public void Seed_graph_has_two_hundred_twins_and_about_six_hundred_relationships_with_unique_keys()
    {
        var graph = QueryCorpus.Graph;

        Assert.Equal(200, graph.Twins.Count);
        Assert.InRange(graph.Relationships.Count, 550, 700);
        Assert.Equal(200, graph.Twins.Select(t => t.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(graph.Relationships.Count, graph.Relationships.Select(r => (r.SourceId, r.Id)).Distinct().Count());
    }

    [Fact]
    public void Seed_graph_is_the_same_on_every_build()
    {
        var again = DifferentialGraph.Build(Path.Combine(QueryCorpus.Folder, "models.json"));

        Assert.Equal(QueryCorpus.Graph.Twins, again.Twins);
        Assert.Equal(QueryCorpus.Graph.Relationships, again.Relationships);
    }

    [Fact]
    public void Error_cases_are_errors_and_other_files_mostly_return_rows_on_the_oracle()
    {
        var outcomes = QueryCorpus.Cases.Select(c => (Case: c, Rows: Try(c.Query))).ToList();

        var notRefused = outcomes.Where(o => o.Case.File == "errors.txt" && o.Rows is not null).Select(o => o.Case.Name).ToList();
        Assert.True(notRefused.Count == 0, "not refused: " + string.Join(", ", notRefused));
        var refused = outcomes.Where(o => o.Case.File != "errors.txt" && o.Rows is null).Select(o => o.Case.Name).ToList();
        Assert.True(refused.Count == 0, "refused outside errors.txt: " + string.Join(", ", refused));
        var withRows = outcomes.Count(o => o.Rows is { Count: > 0 } rows && rows[0] != """{"COUNT":0}""");
        Assert.True(withRows > outcomes.Count / 2, $"only {withRows} of {outcomes.Count} cases return rows: the corpus tests too little");
    }

    private static IReadOnlyList<string>? Try(string query)
    {
        try
        {
            return Oracle.Value.Run(query);
        }
        catch (OracleQueryException)
        {
            return null;
        }
    }
}
