using System.Globalization;
using System.Text;

namespace Doppel.LoadBench;

/// <summary>The results as a Markdown table: medians over the rounds, each round's figure, and the targets of issue 3.</summary>
internal sealed class Report(BenchOptions options, double loadAtStart, IReadOnlyList<double> loads, IReadOnlyList<string> notes)
{
    public required IReadOnlyList<Measured> Creates { get; init; }

    public required IReadOnlyList<Measured> Bares { get; init; }

    public required IReadOnlyList<Measured> Gets { get; init; }

    public required IReadOnlyList<Measured> Patches { get; init; }

    public required IReadOnlyList<double> Uploads { get; init; }

    public required int UploadBatches { get; init; }

    public required int Interfaces { get; init; }

    public required long TwinsStored { get; init; }

    public required LoadResult? Fill { get; init; }

    public required long Prefilled { get; init; }

    public required long PeakRssKb { get; init; }

    public required long PeakRssBeforeFillKb { get; init; }

    public required long RssKb { get; init; }

    public required long DatabaseBytes { get; init; }

    public string Render()
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"{options.Workers} workers (one HTTP/1.1 connection each, TLS, 127.0.0.1), {options.Rounds} rounds of {options.Warmup.TotalSeconds:F0} s warm-up + {options.Duration.TotalSeconds:F0} s measured per workload; 1-minute load average {loadAtStart:F2} at the start, {loads.Min():F2}–{loads.Max():F2} at the start of the phases.");
        text.AppendLine();
        text.AppendLine("| measurement | target | median | each round | server CPU (cores, median) | |");
        text.AppendLine("| --- | ---: | ---: | --- | ---: | --- |");

        var ratios = Bares.Zip(Gets, (b, g) => g.PerSecond / b.PerSecond).ToList();
        Row("bare endpoint, 1 KiB JSON (baseline), requests/s", "—", Median(Bares.Select(m => m.PerSecond)).ToString("N0", c), Rounds(Bares), Cpu(Bares), "");
        Row("GET twin, requests/s", "—", Median(Gets.Select(m => m.PerSecond)).ToString("N0", c), Rounds(Gets), Cpu(Gets), "");
        var ratio = Median(ratios);
        Row("**GET twin / bare** (same round)", "≥ 50 %", $"**{ratio:P0}**", string.Join(", ", ratios.Select(r => r.ToString("P0", c))), "", Verdict(ratio >= 0.5));
        var creates = Median(Creates.Select(m => m.PerSecond));
        Row("**twin creates/s** (PUT, new ids)", "≥ 5,000/s", $"**{creates:N0}**", Rounds(Creates), Cpu(Creates), Verdict(creates >= 5000));
        var patches = Median(Patches.Select(m => m.PerSecond));
        Row("**twin patches/s** (JSON Patch, distinct twins)", "≥ 5,000/s", $"**{patches:N0}**", Rounds(Patches), Cpu(Patches), Verdict(patches >= 5000));
        if (Uploads.Count > 0)
        {
            var upload = Median(Uploads);
            Row($"**RealEstateCore v3 upload** ({Interfaces} Interfaces, {UploadBatches} POSTs of ≤ 250)", "≤ 2 s", $"**{upload:F2} s**", string.Join(", ", Uploads.Select(u => u.ToString("F2", c) + " s")), "", Verdict(upload <= 2));
        }

        var peakMb = PeakRssKb * 1024 / 1e6;
        var reached = TwinsStored >= options.Twins;
        Row($"**peak RSS** of the server (VmHWM) with {TwinsStored:N0} twins stored", $"≤ 400 MB with 1,000,000", $"**{peakMb:F0} MB** ({PeakRssKb / 1024.0:F0} MiB)", "one fill", "", reached ? Verdict(peakMb <= 400) : $"{Verdict(peakMb <= 400)} at {TwinsStored:N0} twins only");
        text.AppendLine();

        text.AppendLine(c, $"Twins stored: {TwinsStored:N0} ({Prefilled:N0} prefilled through the store before the server started, {TwinsStored - Prefilled - (Fill?.Requests ?? 0):N0} by the create rounds, {Fill?.Requests ?? 0:N0} by the fill{(Fill is null ? "" : $" in {Fill.Elapsed.TotalSeconds:F0} s, {Fill.PerSecond:N0}/s")}). Peak RSS before the fill {PeakRssBeforeFillKb / 1024.0:F0} MiB; RSS at the end {RssKb / 1024.0:F0} MiB; database files {DatabaseBytes / 1e6:F0} MB.");
        text.AppendLine(c, $"Client CPU (the benchmark process, same machine): bare {Median(Bares.Select(m => m.ClientCores)):F2} cores, GET {Median(Gets.Select(m => m.ClientCores)):F2}, create {Median(Creates.Select(m => m.ClientCores)):F2}, patch {Median(Patches.Select(m => m.ClientCores)):F2} (medians).");
        foreach (var note in notes)
        {
            text.AppendLine();
            text.AppendLine(c, $"Note: {note}");
        }

        return text.ToString();

        void Row(string name, string target, string median, string rounds, string cpu, string verdict) =>
            text.AppendLine(c, $"| {name} | {target} | {median} | {rounds} | {cpu} | {verdict} |");
    }

    private static string Verdict(bool met) => met ? "met" : "**missed**";

    private static string Rounds(IEnumerable<Measured> measured) =>
        string.Join(", ", measured.Select(m => m.PerSecond.ToString("N0", CultureInfo.InvariantCulture)));

    private static string Cpu(IEnumerable<Measured> measured) =>
        Median(measured.Select(m => m.ServerCores)).ToString("F2", CultureInfo.InvariantCulture);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
