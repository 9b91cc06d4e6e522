using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Doppel.Dtdl;

namespace Doppel.Benchmarks;

/// <summary>
/// One whole upload of the RealEstateCore ontology (768 Interfaces) parsed, validated and resolved, as
/// <c>POST /models</c> does it — against a same-run baseline that only parses the same bytes with
/// <see cref="JsonDocument"/>, so the cost can be given as a ratio to raw JSON parsing on a noisy machine.
/// </summary>
/// <remarks>
/// The files are read once in <see cref="Setup"/>: file I/O is not measured. Issue 2's target is the REC v3
/// upload in at most 150 ms on the 2-core development machine. Each category (REC v3, REC v2) has its own
/// baseline, so the Ratio column is always parser time over JsonDocument time for the same documents.
/// <c>*JsonDocumentOnly</c> runs <see cref="JsonDocument.Parse(ReadOnlyMemory{byte}, JsonDocumentOptions)"/> over the
/// 768 documents; <c>*ParseValidateResolve</c> runs <see cref="DtdlParser.Parse"/> on them as one upload.
/// </remarks>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[MedianColumn]
public class DtdlUploadBenchmarks
{
    private const string V3 = "REC v3";
    private const string V2 = "REC v2";

    private readonly DtdlParser _parser = new();
    private DtdlDocument[] _v3 = [];
    private DtdlDocument[] _v2 = [];
    private ReadOnlyMemory<byte>[] _v3Json = [];
    private ReadOnlyMemory<byte>[] _v2Json = [];

    [GlobalSetup]
    public void Setup()
    {
        var v3 = Corpus.ReadAll(Corpus.RealEstateCoreV3);
        var v2 = Corpus.ReadAll(Corpus.RealEstateCoreV2);
        _v3 = [.. v3.Select(f => new DtdlDocument(f.Path, f.Utf8))];
        _v2 = [.. v2.Select(f => new DtdlDocument(f.Path, f.Utf8))];
        _v3Json = [.. v3.Select(f => WithoutBom(f.Utf8))];
        _v2Json = [.. v2.Select(f => WithoutBom(f.Utf8))];

        // A benchmark of an upload that fails early would measure the wrong thing.
        Check(_v3, expected: 768);
        Check(_v2, expected: 768);
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory(V3)]
    public int RecV3JsonDocumentOnly() => ParseJson(_v3Json);

    [Benchmark]
    [BenchmarkCategory(V3)]
    public DtdlParseResult RecV3ParseValidateResolve() => _parser.Parse(_v3);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory(V2)]
    public int RecV2JsonDocumentOnly() => ParseJson(_v2Json);

    [Benchmark]
    [BenchmarkCategory(V2)]
    public DtdlParseResult RecV2ParseValidateResolve() => _parser.Parse(_v2);

    private static int ParseJson(ReadOnlyMemory<byte>[] documents)
    {
        var elements = 0;
        foreach (var utf8 in documents)
        {
            using var document = JsonDocument.Parse(utf8);
            elements += document.RootElement.ValueKind == JsonValueKind.Array ? document.RootElement.GetArrayLength() : 1;
        }

        return elements;
    }

    /// <summary>JsonDocument does not skip a UTF-8 byte order mark in memory; the REC v3 files start with one.</summary>
    private static ReadOnlyMemory<byte> WithoutBom(byte[] utf8) =>
        utf8.AsSpan().StartsWith("\uFEFF"u8) ? utf8.AsMemory(3) : utf8;

    private void Check(DtdlDocument[] upload, int expected)
    {
        if (upload.Length != expected)
        {
            throw new InvalidOperationException($"Expected {expected} documents, found {upload.Length}.");
        }

        var result = _parser.Parse(upload);
        if (!result.IsValid)
        {
            throw new InvalidOperationException($"The upload is invalid: {result.Diagnostics[0]}");
        }
    }
}
