using System.Text.Json;
using Doppel.Portal.E2E.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Doppel.Portal.Tests;

/// <summary>
/// The graph view (wwwroot/graph.js) in a real Chromium with 5,000 twins: every twin drawn, and a pan frame's drawing
/// well inside one 60 Hz frame (16.7 ms). Runs the script on a bare page, so no server and no sign-in are needed;
/// skipped where Debian's Chromium is not installed (no browser download).
/// </summary>
public sealed class ExplorerGraphPerformanceTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Graph_of_5000_twins_draws_every_node_and_pans_in_well_under_16_ms_a_frame()
    {
        // Skips without Chromium, but fails under CI=true (the same rule as the end-to-end suite).
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
        await page.SetContentAsync("<canvas id=g style='width:1200px;height:700px;display:block'></canvas>");
        await page.AddScriptTagAsync(new() { Path = GraphScript() });

        // 5,000 twins: a building-like hierarchy (each twin under one parent, four children each) plus 2,500
        // cross relationships, in 12 models, generated deterministically.
        var stats = await page.EvaluateAsync<JsonElement>("""
            () => {
              const n = 5000, ids = [], groups = [], edges = [];
              let seed = 7; const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
              for (let i = 0; i < n; i++) { ids.push('twin-' + i); groups.push(i % 12); if (i > 0) edges.push(Math.floor((i - 1) / 4), i); }
              for (let k = 0; k < 2500; k++) edges.push(Math.floor(rnd() * n), Math.floor(rnd() * n));
              const id = doppelGraph.create(document.getElementById('g'), null);
              doppelGraph.setData(id, { ids, groups, edges });
              const whole = doppelGraph.measurePan(id, 120, 3, 2);
              doppelGraph.zoom(id, 12);
              const close = doppelGraph.measurePan(id, 120, 9, 5);
              return { whole, close };
            }
            """);

        var whole = stats.GetProperty("whole");
        var close = stats.GetProperty("close");
        output.WriteLine($"whole graph: layout {Ms(whole, "layoutMs")}, pan frame median {Ms(whole, "median")}, mean {Ms(whole, "mean")}, p95 {Ms(whole, "p95")}, max {Ms(whole, "max")}, nodes {whole.GetProperty("nodes")}, edges {whole.GetProperty("edges")}");
        output.WriteLine($"zoomed in x12: pan frame median {Ms(close, "median")}, mean {Ms(close, "mean")}, p95 {Ms(close, "p95")}, max {Ms(close, "max")}, nodes {close.GetProperty("nodes")}, edges {close.GetProperty("edges")}");
        Assert.Equal(5000, whole.GetProperty("nodes").GetInt32());

        // The median and mean, not the tail: this machine's cores are shared, and a preempted frame says nothing about
        // the drawing code (the zoomed-in view, with 40 nodes, shows the same tail).
        Assert.True(whole.GetProperty("median").GetDouble() < 8, $"median {whole.GetProperty("median")} ms");
        Assert.True(whole.GetProperty("mean").GetDouble() < 16, $"mean {whole.GetProperty("mean")} ms");
        Assert.True(close.GetProperty("median").GetDouble() < 4, $"median {close.GetProperty("median")} ms");
        Assert.True(whole.GetProperty("layoutMs").GetDouble() < 1000, $"layout {whole.GetProperty("layoutMs")} ms");
    }

    private static string Ms(JsonElement e, string name) => e.GetProperty(name).GetDouble().ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + " ms";

    private static string GraphScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "src", "Doppel.Portal", "wwwroot", "graph.js");
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException("src/Doppel.Portal/wwwroot/graph.js was not found above the test's folder.");
    }
}
