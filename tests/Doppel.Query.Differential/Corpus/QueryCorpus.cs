using System.Text.Json.Nodes;
using Doppel.Query.Differential.Oracle;

namespace Doppel.Query.Differential.Corpus;

/// <summary>One query case of the corpus: where it is written and its text.</summary>
public sealed record QueryCase(string File, int Line, string Query)
{
    /// <summary>The case's name in test output: <c>basics.txt:12</c>.</summary>
    public string Name => $"{File}:{Line}";
}

/// <summary>The files of <c>testdata/query/differential</c> and the graph they run on.</summary>
public static class QueryCorpus
{
    /// <summary>The folder of the corpus.</summary>
    public static string Folder { get; } = Path.Combine(RepoRoot(), "testdata", "query", "differential");

    /// <summary>The generated file, which <see cref="CorpusGenerator"/> writes.</summary>
    public static string GeneratedFile => Path.Combine(Folder, "generated.txt");

    /// <summary>Every case of every file, files in name order, lines in file order.</summary>
    public static IReadOnlyList<QueryCase> Cases { get; } = Load();

    /// <summary>The cases as xUnit theory data: the case's name, then its text.</summary>
    public static TheoryData<string, string> Data()
    {
        var data = new TheoryData<string, string>();
        foreach (var c in Cases)
        {
            data.Add(c.Name, c.Query);
        }

        return data;
    }

    /// <summary>The case named <paramref name="name"/>.</summary>
    public static QueryCase Find(string name) => Cases.Single(c => c.Name == name);

    /// <summary>The seed graph, built once.</summary>
    public static DifferentialGraph Graph { get; } = DifferentialGraph.Build(Path.Combine(Folder, "models.json"));

    /// <summary>
    /// The seed graph as the oracle would hold it without a database: the request bodies with the system names a
    /// store adds. The differential tests build their oracle from the stored documents instead.
    /// </summary>
    public static OracleGraph OfflineGraph()
    {
        var twins = Graph.Twins.Select(t =>
        {
            var body = JsonNode.Parse(t.Body)!.AsObject();
            body["$dtId"] = t.Id;
            body["$etag"] = "W/\"seed\"";
            return body.ToJsonString();
        }).Concat(Graph.RawTwins.Select(t => t.Body));
        var relationships = Graph.Relationships.Select(r =>
        {
            var body = JsonNode.Parse(r.Body)!.AsObject();
            body["$relationshipId"] = r.Id;
            body["$sourceId"] = r.SourceId;
            body["$etag"] = "W/\"seed\"";
            return body.ToJsonString();
        });
        return new OracleGraph(twins, relationships, Graph.Extends);
    }

    private static List<QueryCase> Load()
    {
        var cases = new List<QueryCase>();
        foreach (var file in Directory.EnumerateFiles(Folder, "*.txt").Order(StringComparer.Ordinal))
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var text = lines[i].Trim();
                if (text.Length > 0 && !text.StartsWith('#'))
                {
                    cases.Add(new QueryCase(Path.GetFileName(file), i + 1, text));
                }
            }
        }

        return cases;
    }

    private static string RepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Doppel.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Doppel.slnx not found above the test's folder.");
    }
}
