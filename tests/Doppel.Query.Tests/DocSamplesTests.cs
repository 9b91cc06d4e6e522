using System.Text.RegularExpressions;
using Doppel.Query.Binding;
using Doppel.Query.Syntax;

namespace Doppel.Query.Tests;

/// <summary>
/// Every runnable query of the ADT query-language docs (testdata/query/adt-docs-samples) parses — except the
/// ones the docs get wrong, which fail the way ADT fails, each with its reason.
/// </summary>
public sealed partial class DocSamplesTests
{
    /// <summary>Doc snippets that are not valid queries, and why.</summary>
    private static readonly Dictionary<string, string> BrokenInDocs = new(StringComparer.Ordinal)
    {
        ["FromNegativeExample"] = "shows that subqueries are not supported",
        ["MatchNameAllExample"] = "docs typo: '(Building-[]-(Sensor)' misses a ')'",
        ["MatchVariableExample"] = "docs typo: 'SELECT Floor,Cafe, Rel DIGITALTWINS' misses FROM",
        ["IsStringExample"] = "docs typo: FROM DIGITIALTWINS",
        ["INOperatorWith"] = "template left in the example: ['floor1','floor2', ..'floorn']",
        ["INOperatorWithout"] = "uses a query parameter (@buildingId), which ADT does not have",
        ["QueryByProperty4"] = "template left in the example: T.<propertyName>",
        ["SelectTop"] = "template left in the example: WHERE ...",
        ["MatchCombinedChainExample"] = "docs typo: [has|includes*..3] lacks the ':' before the relationship names",
    };

    public static TheoryData<string, string> Samples()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoRoot(), "testdata", "query", "adt-docs-samples"), "*.sql").Order(StringComparer.Ordinal))
        {
            foreach (Match block in Block().Matches(File.ReadAllText(file)))
            {
                var name = block.Groups["name"].Value;
                var text = string.Join('\n', block.Groups["body"].Value.Split('\n').Where(l => !l.TrimStart().StartsWith("--", StringComparison.Ordinal)));

                // Some snippets hold several queries separated by a blank line.
                var queries = BlankLine().Split(text).Select(q => q.Trim()).Where(q => q.Length > 0).ToList();
                for (var i = 0; i < queries.Count; i++)
                {
                    // Syntax templates hold placeholders; fragments without SELECT ... FROM are parts of a query.
                    var query = queries[i];
                    if (name.EndsWith("Syntax", StringComparison.Ordinal) || !query.StartsWith("SELECT", StringComparison.OrdinalIgnoreCase)
                        || (!query.Contains("FROM", StringComparison.OrdinalIgnoreCase) && !BrokenInDocs.ContainsKey(name)))
                    {
                        continue;
                    }

                    data.Add(queries.Count == 1 ? name : $"{name}[{i}]", query);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Docs_query_parses_unless_the_docs_get_it_wrong(string name, string query)
    {
        var result = new QueryParser().Parse(query);

        if (BrokenInDocs.TryGetValue(name.Split('[')[0], out var reason))
        {
            Assert.False(result.Succeeded, $"{name} should fail: {reason}");
            Assert.StartsWith("QRY2", result.Error!.Code, StringComparison.Ordinal);
        }
        else
        {
            Assert.True(result.Succeeded, $"{name}: {result.Error?.Message}");
        }
    }

    /// <summary>Doc queries that parse but that ADT's language does not accept, and why.</summary>
    public static readonly Dictionary<string, string> RejectedByBinder = new(StringComparer.Ordinal)
    {
        ["MatchNameMultiExample"] = "docs typo: 'building.$dtId' for the alias 'Building' (names are case-sensitive)",
        ["OtherExamples1"] = "docs error: 'has.role' reads a relationship that has no alias ('JOIN device RELATED space.has' names none)",
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Docs_query_that_parses_also_binds(string name, string query)
    {
        var parsed = new QueryParser().Parse(query);
        if (!parsed.Succeeded)
        {
            return;
        }

        var bound = new QueryBinder().Bind(parsed.Query!, new AnyModel());

        if (RejectedByBinder.TryGetValue(name, out var reason))
        {
            Assert.False(bound.Succeeded, $"{name} should fail: {reason}");
            Assert.Equal(QueryErrors.UnknownName, bound.Error!.Code);
        }
        else
        {
            Assert.True(bound.Succeeded, $"{name}: {bound.Error?.Message}");
        }
    }

    /// <summary>Model facts of an instance where every model has no descendants.</summary>
    private sealed class AnyModel : IQueryModelFacts
    {
        public IReadOnlyList<string> ModelAndDescendants(string modelId) => [modelId];
    }

    [Fact]
    public void Every_docs_sample_is_exercised()
    {
        var count = Samples().Count;
        Assert.True(count >= 80, $"only {count} samples found");
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Doppel.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run the tests inside the repository.");
    }

    [GeneratedRegex(@"\r?\n\s*\r?\n")]
    private static partial Regex BlankLine();

    [GeneratedRegex(@"-- <(?<name>[A-Za-z0-9_]+)>\r?\n(?<body>.*?)-- </\k<name>>", RegexOptions.Singleline)]
    private static partial Regex Block();
}
