namespace Doppel.Storage.Tests.Support;

/// <summary>
/// Where the PostgreSQL tests find their server: <c>DOPPEL_TEST_POSTGRES</c>, a connection string whose role may
/// create schemas in its database (<c>eval "$(bash .ci/postgres.sh)"</c> starts such a server). Without it the
/// PostgreSQL tests are skipped with a reason on a developer's machine and fail on CI (<c>CI=true</c>), so that CI
/// never passes by skipping them silently.
/// </summary>
/// <remarks>Also compiled into Doppel.Server.Tests (linked), so that both projects follow one rule.</remarks>
internal static class PostgreSqlTestEnvironment
{
    public const string Variable = "DOPPEL_TEST_POSTGRES";

    private const string HowTo = "run `eval \"$(bash .ci/postgres.sh)\"` first (it starts a local PostgreSQL and exports the variable)";

    /// <summary>The connection string, or a skip (locally) or a failure (on CI) when it is not set.</summary>
    public static string RequireConnectionString()
    {
        var value = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(value))
        {
            return value;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{Variable} is not set, and CI=true: CI must run the PostgreSQL tests, not skip them; {HowTo}.");
        }

        throw new SkipException($"{Variable} is not set, so the PostgreSQL tests are skipped; {HowTo}.");
    }
}
