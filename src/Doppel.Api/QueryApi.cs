using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Doppel.Api.Hosting;
using Doppel.Twins.Errors;
using Doppel.Twins.Json;
using Doppel.Twins.Query;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Doppel.Api;

/// <summary>The query API: <c>POST /query</c> with the ADT query language, paged by continuation tokens.</summary>
public static class QueryApi
{
    /// <summary>Maps the query endpoint on a data-plane group.</summary>
    public static RouteGroupBuilder MapQueryApi(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.MapPost("/query", QueryAsync).WithTags("Query").WithName("Query_QueryTwins").WithSummary("Runs a query over the twin graph.")
            .ProducesAdtErrors(StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status429TooManyRequests);
        return group;
    }

    private static Task<Results<AdtJson, AdtError>> QueryAsync(HttpContext context, QueryService queries) => AdtResults.Run(async () =>
    {
        var request = DataPlaneRequest.Of(context);
        var body = await RequestBody.ReadAsync(context, 64 * 1024, RequestBody.Json);
        var json = WireFormat.ParseBody(body, 16, AdtErrorCodes.BadRequest) as JsonObject
            ?? throw new AdtException(AdtErrorKind.BadRequest, AdtErrorCodes.BadRequest, "The body must be a JSON object: {\"query\": \"SELECT ...\"}.");
        var page = await queries.QueryAsync(request.Instance.Id,
            new QueryRequest(StringMember(json, "query"), StringMember(json, "continuationToken"), Paging.MaxItems(context)),
            context.RequestAborted);

        context.Response.Headers["query-charge"] = page.Charge.ToString("0.##", CultureInfo.InvariantCulture);
        return AdtResults.Json(Serialize(page));
    });

    private static string? StringMember(JsonObject body, string name) => body[name] switch
    {
        null => null,
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        _ => throw new AdtException(AdtErrorKind.BadRequest, AdtErrorCodes.BadRequest, $"The member '{name}' of the body must be a string."),
    };

    /// <summary>The page as ADT writes it: the rows as they are, and a null token on the last page.</summary>
    private static string Serialize(QueryPage page)
    {
        var text = new StringBuilder("{\"value\":[");
        for (var i = 0; i < page.Items.Count; i++)
        {
            text.Append(i == 0 ? string.Empty : ",").Append(page.Items[i]);
        }

        text.Append("],\"continuationToken\":").Append(page.ContinuationToken is null ? "null" : JsonSerializer.Serialize(page.ContinuationToken)).Append('}');
        return text.ToString();
    }
}
