using Microsoft.Playwright;

namespace Doppel.Portal.E2E.Support;

/// <summary>
/// Runs a walkthrough step by step and keeps a screenshot of the page after each one (and of the page as it was
/// when a step failed) in <c>artifacts/portal-e2e/</c>, so a reader sees what the browser saw.
/// </summary>
public sealed class Steps(IPage page, string folder, Func<string>? serverLog = null)
{
    private int _number;

    public static string ArtifactsFolder(string name)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Doppel.slnx")))
        {
            root = root.Parent;
        }

        var folder = Path.Combine(root?.FullName ?? Path.GetTempPath(), "artifacts", name);
        if (Directory.Exists(folder))
        {
            // Only this run's pictures: an earlier run's failure screenshots would mislead.
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        return folder;
    }

    public async Task RunAsync(string name, Func<Task> step)
    {
        var file = Path.Combine(folder, $"{++_number:00}-{name}.png");
        try
        {
            await step();
        }
        catch (Exception ex)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.ChangeExtension(file, ".failed.png"), FullPage = true });
            var log = serverLog?.Invoke().Split('\n').Where(l => l.Contains("fail", StringComparison.OrdinalIgnoreCase) || l.Contains("warn", StringComparison.OrdinalIgnoreCase) || l.Contains("Exception", StringComparison.Ordinal)).TakeLast(20);
            throw new InvalidOperationException($"Step {_number} '{name}' failed at {page.Url}: {ex.Message}\nServer warnings and errors:\n{string.Join('\n', log ?? [])}", ex);
        }

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
    }
}
