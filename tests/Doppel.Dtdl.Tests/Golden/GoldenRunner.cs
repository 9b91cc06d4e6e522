using System.Collections.Concurrent;

namespace Doppel.Dtdl.Tests.Golden;

/// <summary>Runs a golden case through <see cref="DtdlParser"/> with the settings the case names.</summary>
internal static class GoldenRunner
{
    private static readonly ConcurrentDictionary<DtdlParserOptions, DtdlParser> Parsers = new();

    /// <summary>
    /// Maps the case's settings onto <see cref="DtdlParserOptions"/>: <c>AllowUndefinedExtensions</c> → true,
    /// <c>DisallowUndefinedExtensions</c> → false, neither → null (the DTDL version's default);
    /// <c>maxDtdlVersion</c> → <see cref="DtdlParserOptions.MaxDtdlVersion"/>. Everything else stays at ADT's defaults.
    /// </summary>
    public static DtdlParserOptions OptionsFor(GoldenCase golden)
    {
        bool? allowUndefinedExtensions =
            golden.Options.Contains("AllowUndefinedExtensions") ? true
            : golden.Options.Contains("DisallowUndefinedExtensions") ? false
            : null;

        return DtdlParserOptions.Default with
        {
            AllowUndefinedExtensions = allowUndefinedExtensions,
            MaxDtdlVersion = golden.MaxDtdlVersion ?? DtdlParserOptions.Default.MaxDtdlVersion,
        };
    }

    /// <summary>Parses the case's documents as one upload.</summary>
    public static DtdlParseResult Run(GoldenCase golden)
    {
        var parser = Parsers.GetOrAdd(OptionsFor(golden), options => new DtdlParser(options));
        return parser.Parse(golden.ToDocuments());
    }
}
