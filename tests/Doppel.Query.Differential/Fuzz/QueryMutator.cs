using System.Text;
using Doppel.Query.Differential.Corpus;

namespace Doppel.Query.Differential.Fuzz;

/// <summary>
/// Query texts a fuzzer feeds the parser and the service: the ADT docs' sample queries and the differential
/// corpus, mutated (spans deleted, duplicated or swapped, tokens inserted, cut short, case changed), and soups of
/// random tokens. Deterministic for a seed.
/// </summary>
public sealed class QueryMutator(ulong seed)
{
    /// <summary>Pieces of the language and of its attackers, for insertion and soups.</summary>
    private static readonly string[] Vocabulary =
    [
        "SELECT", "FROM", "DIGITALTWINS", "RELATIONSHIPS", "WHERE", "JOIN", "RELATED", "MATCH", "AS", "AND", "OR", "NOT",
        "IN", "NIN", "TOP", "COUNT", "ORDER", "BY", "TRUE", "FALSE", "NULL", "IS_OF_MODEL", "IS_DEFINED", "STARTSWITH",
        "ARRAY_CONTAINS", "exact", "T", "R", "a", "b", "T.$dtId", "$metadata.$model", "name", "code", "(", ")", "[", "]",
        "[[", "]]", ",", ".", "..", "*", "=", "!=", "<>", "<", "<=", ">", ">=", "-", "->", "<-", ":", "|", "'", "\"",
        "\\", "'x'", "'O\\'B'", "\"q\"", "0", "1", "-1", "10", "99999999999999999999", "1.5", "1e309", ".5", "--", "/*",
        "*/", ";", "\0", "\u2019", "\uFF07", "😀", "\t", "\n", "$", "@p", "?", ":p", "%", "_", "'floor-1'",
        "'dtmi:doppel:diff:Room;1'", "[*..3]", "-[]->", "(a)", "(b)",
    ];

    private readonly Random _random = new((int)(seed % int.MaxValue));

    /// <summary>The seed queries: every SELECT of the ADT docs' samples and every corpus case.</summary>
    public static IReadOnlyList<string> Seeds { get; } = LoadSeeds();

    /// <summary>The next fuzz input: mostly a mutated seed, sometimes a token soup.</summary>
    public string Next()
    {
        if (_random.Next(5) == 0)
        {
            return Soup();
        }

        var text = Seeds[_random.Next(Seeds.Count)];
        var rounds = 1 + _random.Next(3);
        for (var i = 0; i < rounds; i++)
        {
            text = Mutate(text);
        }

        return text;
    }

    private string Soup()
    {
        var builder = new StringBuilder();
        var length = 1 + _random.Next(25);
        for (var i = 0; i < length; i++)
        {
            builder.Append(Vocabulary[_random.Next(Vocabulary.Length)]);
            if (_random.Next(3) > 0)
            {
                builder.Append(' ');
            }
        }

        return builder.ToString();
    }

    private string Mutate(string text)
    {
        if (text.Length == 0)
        {
            return Soup();
        }

        var at = _random.Next(text.Length);
        var span = Math.Min(text.Length - at, 1 + _random.Next(12));
        return _random.Next(7) switch
        {
            0 => text.Remove(at, span),
            1 => text.Insert(at, text.Substring(at, span)),
            2 => text.Insert(at, " " + Vocabulary[_random.Next(Vocabulary.Length)] + " "),
            3 => text[..at],
            4 => text.Insert(at, Vocabulary[_random.Next(Vocabulary.Length)]),
            5 => Swap(text),
            _ => text[..at] + (_random.Next(2) == 0 ? text[at..].ToUpperInvariant() : text[at..].ToLowerInvariant()),
        };
    }

    private string Swap(string text)
    {
        var words = text.Split(' ');
        if (words.Length < 2)
        {
            return text;
        }

        var i = _random.Next(words.Length);
        var j = _random.Next(words.Length);
        (words[i], words[j]) = (words[j], words[i]);
        return string.Join(' ', words);
    }

    private static List<string> LoadSeeds()
    {
        var seeds = new List<string>();
        var folder = Path.Combine(Path.GetDirectoryName(QueryCorpus.Folder)!, "adt-docs-samples");
        foreach (var file in Directory.EnumerateFiles(folder, "*.sql").Order(StringComparer.Ordinal))
        {
            var current = new StringBuilder();
            foreach (var line in File.ReadAllLines(file).Append(""))
            {
                if (line.TrimStart().StartsWith("--", StringComparison.Ordinal) || line.Trim().Length == 0)
                {
                    var query = current.ToString().Trim();
                    if (query.StartsWith("SELECT", StringComparison.OrdinalIgnoreCase))
                    {
                        seeds.Add(query);
                    }

                    current.Clear();
                    continue;
                }

                current.Append(line).Append('\n');
            }
        }

        seeds.AddRange(QueryCorpus.Cases.Select(c => c.Query));
        return seeds;
    }
}
