using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.RateLimiting;
using Doppel.Diagnostics;
using Doppel.Dtdl.Resolution;
using Doppel.Query.Binding;
using Doppel.Query.Sql;
using Doppel.Query.Syntax;
using Doppel.Storage.DataPlane;
using Doppel.Twins.Errors;
using Doppel.Twins.Models;

namespace Doppel.Twins.Query;

/// <summary>A query request: the text, or the token of the page to continue with, and the page size asked for.</summary>
public sealed record QueryRequest(string? Query, string? ContinuationToken, int? MaxItemsPerPage);

/// <summary>One page of rows, each row its JSON text; the token of the next page, or null on the last.</summary>
/// <param name="Items">The rows.</param>
/// <param name="ContinuationToken">Where the next page starts, or null.</param>
/// <param name="Charge">The query units this page cost (the <c>query-charge</c> header).</param>
public sealed record QueryPage(IReadOnlyList<string> Items, string? ContinuationToken, double Charge);

/// <summary>
/// <c>POST /query</c>: parses (Doppel.Query), binds against the instance's models, compiles for the store's SQL
/// dialect and runs one page in the database. Queries read the committed state, so a query sent after a write's
/// response sees that write. docs/query-semantics.md says what each construct means.
/// </summary>
public sealed class QueryService(IDataPlaneStore store, ModelService models, DataPlaneLimits limits) : IDisposable
{
    // ADT's query rate limit, per instance: a token bucket refilled every 100 ms, so short bursts pass.
    private readonly PartitionedRateLimiter<string> rate = PartitionedRateLimiter.Create<string, string>(instanceId =>
        limits.QueryRequestsPerSecond <= 0
            ? RateLimitPartition.GetNoLimiter(instanceId)
            : RateLimitPartition.GetTokenBucketLimiter(instanceId, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = limits.QueryRequestsPerSecond,
                TokensPerPeriod = Math.Max(1, limits.QueryRequestsPerSecond / 10),
                ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));

    private readonly QueryParser parser = new(new QueryParserOptions { MaxLength = limits.MaxQueryLength });
    private readonly QueryBinder binder = new(limits.QueryShape);
    private readonly SqlCompiler compiler = new(store.Query.Dialect);
    private const int MaxCachedQueries = 2048;
    private readonly ConcurrentDictionary<(string Instance, long ModelVersion, string Text), BoundQuery> bound = new();
    private readonly ConditionalWeakTable<InstanceModels, ModelFacts> facts = new();

    /// <summary>Runs one page of a query.</summary>
    public async Task<QueryPage> QueryAsync(string instanceId, QueryRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var lease = rate.AttemptAcquire(instanceId);
        if (!lease.IsAcquired)
        {
            throw new AdtException(AdtErrorKind.TooManyRequests, AdtErrorCodes.QuotaReachedError,
                $"The instance received more than {limits.QueryRequestsPerSecond} query requests in a second. Retry after the time in the Retry-After header.");
        }

        var continuation = request.ContinuationToken is { Length: > 0 } token
            ? ContinuationToken.Decode(instanceId, token) ?? throw new AdtException(AdtErrorKind.BadRequest, AdtErrorCodes.BadRequest,
                "The continuation token is invalid: pass the continuationToken of the previous page unchanged.")
            : null;
        var text = continuation?.Query ?? request.Query;
        if (string.IsNullOrWhiteSpace(text))
        {
            throw QueryError("The request has no query.", "Send {\"query\": \"SELECT ...\"}.");
        }

        var instanceModels = await models.GetModelsAsync(instanceId, cancellationToken).ConfigureAwait(false);
        var query = Bind(instanceId, instanceModels, text);
        if (request.MaxItemsPerPage is < 1)
        {
            throw new AdtException(AdtErrorKind.BadRequest, AdtErrorCodes.InvalidArgument, "max-items-per-page must be a positive number.");
        }

        var pageSize = Math.Min(request.MaxItemsPerPage ?? limits.QueryPageSize, limits.MaxQueryPageSize);
        var remaining = continuation is null ? query.Top : continuation.Remaining;
        var limit = Math.Min(pageSize, remaining ?? int.MaxValue);
        // ORDER BY (a Doppel extension) pages by position; every other query continues after the last row's key.
        var ordered = query.OrderBy.Count > 0;
        var offset = continuation?.Offset ?? 0;
        // One row more than the page, to know whether a page follows; the next page continues after the page's last
        // row, the only one whose key is read.
        var statement = compiler.Compile(query, new SqlPageRequest(instanceId, ordered ? null : continuation?.After, limit + 1, offset) { KeyRow = limit - 1 });
        IReadOnlyList<object?[]> rows = limit == 0 && query.Shape != SelectShape.Count
            ? []
            : await ReadAsync(statement, cancellationToken).ConfigureAwait(false);

        var items = new List<string>(Math.Min(rows.Count, limit));
        var bytes = 0L;
        foreach (var row in rows.Take(query.Shape == SelectShape.Count ? 1 : limit))
        {
            var item = Row(query, statement, row);
            bytes += item.Length;
            items.Add(item);
        }

        string? next = null;
        if (query.Shape != SelectShape.Count && rows.Count > limit && remaining - limit is null or > 0)
        {
            var last = rows[limit - 1];
            var after = last.Take(statement.KeyColumns).Select(k => (string)k!).ToList();
            next = new ContinuationToken(text, ordered ? [] : after, remaining - limit, ordered ? offset + limit : 0).Encode(instanceId);
        }

        return new QueryPage(items, next, Charge(query, items.Count, bytes));
    }

    /// <inheritdoc />
    public void Dispose() => rate.Dispose();

    /// <summary>
    /// The bound query for a text, from the cache when the same instance asked it at the same model version (a bound
    /// query holds the IS_OF_MODEL closure, so a model change must bind again); parse or bind errors are not cached.
    /// </summary>
    private BoundQuery Bind(string instanceId, InstanceModels instanceModels, string text)
    {
        var key = (instanceId, instanceModels.Version, text);
        if (bound.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var parsed = parser.Parse(text);
        if (!parsed.Succeeded)
        {
            throw ParseError(parsed.Error!);
        }

        var result = binder.Bind(parsed.Query!, facts.GetValue(instanceModels, m => new ModelFacts(m.Set)));
        if (!result.Succeeded)
        {
            throw QueryError(result.Error!.Cause, result.Error.Action);
        }

        // A plain bound cache: cleared when full, which is rare (it holds distinct query texts).
        if (bound.Count >= MaxCachedQueries)
        {
            bound.Clear();
        }

        bound[key] = result.Query!;
        return result.Query!;
    }

    private async Task<IReadOnlyList<object?[]>> ReadAsync(SqlStatement statement, CancellationToken cancellationToken)
    {
        try
        {
            return await store.Query.ReadAsync(statement, limits.QueryTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (QueryTimeoutException)
        {
            throw new AdtException(AdtErrorKind.BadRequest, AdtErrorCodes.TimeoutError,
                $"The query took longer than {limits.QueryTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} seconds and was stopped. Narrow it, e.g. with a $dtId or IS_OF_MODEL condition.");
        }
    }

    /// <summary>One row as JSON: the document itself, an object of projections, or <c>{"COUNT": n}</c>.</summary>
    private static string Row(BoundQuery query, SqlStatement statement, object?[] row)
    {
        if (query.Shape == SelectShape.Document)
        {
            return (string)row[statement.KeyColumns]!;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            writer.WriteStartObject();
            for (var i = 0; i < statement.Outputs.Count; i++)
            {
                var output = statement.Outputs[i];
                var value = row[statement.KeyColumns + i];
                if (value is null)
                {
                    continue;
                }

                writer.WritePropertyName(output.Name!);
                switch (output.Kind)
                {
                    case OutputKind.Integer:
                        writer.WriteNumberValue((long)value);
                        break;
                    case OutputKind.String:
                        writer.WriteStringValue((string)value);
                        break;
                    default:
                        writer.WriteRawValue((string)value, skipInputValidation: true);
                        break;
                }
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// Query units for a page: one for the query, a quarter for each further collection, a tenth per row
    /// returned and a fifth per 10 KB of rows. An estimate of the work, in the range ADT charges for similar pages.
    /// </summary>
    private static double Charge(BoundQuery query, int rows, long bytes) =>
        Math.Round(1 + (0.25 * (query.Collections.Count - 1)) + (0.1 * rows) + (0.2 * bytes / 10_240.0), 2);

    private static AdtException ParseError(Diagnostic error)
    {
        var location = error.Location;
        return new AdtException(AdtErrorKind.BadRequest, AdtErrorCodes.SqlQueryError, location is null
            ? $"SQL query parse failed: {error.Cause} See samples in https://aka.ms/adtv2query for the correct syntax."
            : $"SQL query parse failed: Line={location.Line}, Position={location.Column - 1}, Message={error.Cause} See samples in https://aka.ms/adtv2query for the correct syntax.");
    }

    private static AdtException QueryError(string cause, string action) =>
        new(AdtErrorKind.BadRequest, AdtErrorCodes.SqlQueryError, $"SQL query failed: {cause} {action} See https://aka.ms/adtv2query.");

    /// <summary>The binder's view of an instance's models: a model and the models that extend it.</summary>
    private sealed class ModelFacts(ModelSet set) : IQueryModelFacts
    {
        private readonly ConcurrentDictionary<string, IReadOnlyList<string>> closures = new(StringComparer.Ordinal);

        public IReadOnlyList<string> ModelAndDescendants(string modelId) => closures.GetOrAdd(modelId, id =>
        {
            var result = new List<string> { id };
            foreach (var (other, info) in set.Interfaces)
            {
                if (!string.Equals(other, id, StringComparison.Ordinal) && info.Ancestors.Contains(id))
                {
                    result.Add(other);
                }
            }

            return result;
        });
    }
}
