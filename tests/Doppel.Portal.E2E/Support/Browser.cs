using Microsoft.Playwright;

namespace Doppel.Portal.E2E.Support;

/// <summary>
/// Debian's Chromium under Playwright: the path comes from DOPPEL_CHROMIUM or the usual Debian places. Without a
/// browser the tests skip on a developer's machine and fail under CI=true (CI must not skip a suite silently).
/// </summary>
public static class Browser
{
    private static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/lib/chromium/chromium"];

    public static string? ExecutablePath =>
        Environment.GetEnvironmentVariable("DOPPEL_CHROMIUM") is { Length: > 0 } given ? given : Candidates.FirstOrDefault(File.Exists);

    /// <summary>Skips the test when no browser is installed, except under CI where that is a failure.</summary>
    public static string Require()
    {
        var path = ExecutablePath;
        if (path is not null)
        {
            return path;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("CI=true but no Chromium was found; .ci/run installs Debian's chromium (or set DOPPEL_CHROMIUM).");
        }

        Skip.If(true, "No Chromium on this machine (apt-get install chromium, or set DOPPEL_CHROMIUM).");
        return "";
    }

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Require(),
            Headless = true,
            // Root in a container has no user namespace for Chromium's sandbox.
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
        return (playwright, browser);
    }
}
