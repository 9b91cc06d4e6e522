using System.Globalization;
using System.Text.Json.Nodes;

namespace Doppel.Portal.Services;

/// <summary>A model as the models list returns it (with its definition).</summary>
/// <param name="Id">Its DTMI.</param>
/// <param name="DisplayName">The display name in English or the first language given, or null.</param>
/// <param name="UploadTime">When it was uploaded.</param>
/// <param name="Decommissioned">Whether it is decommissioned.</param>
/// <param name="Definition">The DTDL interface as uploaded.</param>
public sealed record ModelEntry(string Id, string? DisplayName, DateTimeOffset? UploadTime, bool Decommissioned, JsonObject? Definition);

/// <summary>A twin with the ETag it was read at.</summary>
public sealed record TwinEntry(JsonObject Twin, string? ETag)
{
    /// <summary>The twin's id.</summary>
    public string Id => (string?)Twin["$dtId"] ?? "";

    /// <summary>The twin's model.</summary>
    public string Model => (string?)Twin["$metadata"]?["$model"] ?? "";
}

/// <summary>A page of query results.</summary>
/// <param name="Items">The rows as the service wrote them.</param>
/// <param name="ContinuationToken">The token for the next page; null on the last page.</param>
/// <param name="Charge">The <c>query-charge</c> header, if the service sent one.</param>
public sealed record QueryPage(IReadOnlyList<JsonNode?> Items, string? ContinuationToken, double? Charge);

/// <summary>
/// An instance's data plane (ADT api-version 2023-10-31) as the explorer uses it. It calls the public endpoint at
/// <c>{origin}/instances/{name}</c> with the person's own data-plane token, so the instance's Data Owner and Data
/// Reader assignments decide what succeeds — refusals arrive as <see cref="PortalApiException"/>.
/// </summary>
public sealed class DataPlaneApi(PortalApi api)
{
    /// <summary>The data-plane api-version the explorer speaks.</summary>
    public const string Version = "2023-10-31";

    private const string JsonPatch = "application/json-patch+json";

    /// <summary>Every model of the instance with its definition (all pages).</summary>
    public async Task<IReadOnlyList<ModelEntry>> ModelsAsync(string instance, CancellationToken cancellationToken = default) =>
        [.. (await AllPagesAsync(Path(instance, "/models", "includeModelDefinition=true"), cancellationToken).ConfigureAwait(false)).Select(Model)];

    /// <summary>Uploads models as one set: <paramref name="jsonArray"/> is a JSON array of DTDL interfaces.</summary>
    public async Task<IReadOnlyList<string>> UploadModelsAsync(string instance, string jsonArray, CancellationToken cancellationToken = default)
    {
        var response = await api.SendAsync(PortalApi.DigitalTwins, HttpMethod.Post, Path(instance, "/models"), jsonArray, cancellationToken: cancellationToken).ConfigureAwait(false);
        return [.. (response.Body as JsonArray ?? []).Select(m => (string?)m?["id"]).OfType<string>()];
    }

    /// <summary>Decommissions a model (ADT's only model update: replace <c>/decommissioned</c> with true).</summary>
    public Task DecommissionModelAsync(string instance, string id, CancellationToken cancellationToken = default) =>
        api.SendAsync(PortalApi.DigitalTwins, HttpMethod.Patch, Path(instance, "/models/" + Uri.EscapeDataString(id)),
            new JsonArray(new JsonObject { ["op"] = "replace", ["path"] = "/decommissioned", ["value"] = true }), JsonPatch, cancellationToken);

    /// <summary>Deletes a model.</summary>
    public Task DeleteModelAsync(string instance, string id, CancellationToken cancellationToken = default) =>
        api.SendAsync(PortalApi.DigitalTwins, HttpMethod.Delete, Path(instance, "/models/" + Uri.EscapeDataString(id)), null, cancellationToken: cancellationToken);

    /// <summary>One twin with its ETag.</summary>
    public async Task<TwinEntry> TwinAsync(string instance, string id, CancellationToken cancellationToken = default)
    {
        var response = await api.SendAsync(PortalApi.DigitalTwins, HttpMethod.Get, TwinPath(instance, id), null, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new TwinEntry(response.Body as JsonObject ?? [], response.Header("ETag"));
    }

    /// <summary>Creates (or replaces) a twin.</summary>
    public async Task<TwinEntry> PutTwinAsync(string instance, string id, JsonObject twin, CancellationToken cancellationToken = default)
    {
        var response = await api.SendAsync(PortalApi.DigitalTwins, HttpMethod.Put, TwinPath(instance, id), twin, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new TwinEntry(response.Body as JsonObject ?? twin, response.Header("ETag"));
    }

    /// <summary>Updates a twin with a JSON Patch document.</summary>
    public Task PatchTwinAsync(string instance, string id, JsonArray patch, CancellationToken cancellationToken = default) =>
        api.SendAsync(PortalApi.DigitalTwins, HttpMethod.Patch, TwinPath(instance, id), patch, JsonPatch, cancellationToken);

    /// <summary>Deletes a twin (the service refuses while it has relationships).</summary>
    public Task DeleteTwinAsync(string instance, string id, CancellationToken cancellationToken = default) =>
        api.SendAsync(PortalApi.DigitalTwins, HttpMethod.Delete, TwinPath(instance, id), null, cancellationToken: cancellationToken);

    /// <summary>A twin's outgoing relationships (all pages).</summary>
    public async Task<IReadOnlyList<JsonObject>> RelationshipsAsync(string instance, string twinId, CancellationToken cancellationToken = default) =>
        [.. (await AllPagesAsync(TwinPath(instance, twinId, "/relationships"), cancellationToken).ConfigureAwait(false)).OfType<JsonObject>()];

    /// <summary>A twin's incoming relationships (all pages; ADT lists them without properties).</summary>
    public async Task<IReadOnlyList<JsonObject>> IncomingRelationshipsAsync(string instance, string twinId, CancellationToken cancellationToken = default) =>
        [.. (await AllPagesAsync(TwinPath(instance, twinId, "/incomingrelationships"), cancellationToken).ConfigureAwait(false)).OfType<JsonObject>()];

    /// <summary>Creates a relationship from <paramref name="sourceId"/> to <paramref name="targetId"/>.</summary>
    public Task CreateRelationshipAsync(string instance, string sourceId, string relationshipId, string name, string targetId, CancellationToken cancellationToken = default) =>
        api.SendAsync(PortalApi.DigitalTwins, HttpMethod.Put, TwinPath(instance, sourceId, "/relationships/" + Uri.EscapeDataString(relationshipId)),
            new JsonObject { ["$targetId"] = targetId, ["$relationshipName"] = name }, cancellationToken: cancellationToken);

    /// <summary>Deletes a relationship.</summary>
    public Task DeleteRelationshipAsync(string instance, string sourceId, string relationshipId, CancellationToken cancellationToken = default) =>
        api.SendAsync(PortalApi.DigitalTwins, HttpMethod.Delete, TwinPath(instance, sourceId, "/relationships/" + Uri.EscapeDataString(relationshipId)), null,
            cancellationToken: cancellationToken);

    /// <summary>Runs a query (or continues one with <paramref name="continuationToken"/>).</summary>
    public async Task<QueryPage> QueryAsync(string instance, string query, string? continuationToken = null, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["query"] = query };
        if (continuationToken is not null)
        {
            body["continuationToken"] = continuationToken;
        }

        var response = await api.SendAsync(PortalApi.DigitalTwins, HttpMethod.Post, Path(instance, "/query"), body, cancellationToken: cancellationToken).ConfigureAwait(false);
        double? charge = double.TryParse(response.Header("query-charge"), NumberStyles.Float, CultureInfo.InvariantCulture, out var c) ? c : null;
        return new QueryPage([.. response.Body?["value"] as JsonArray ?? []], (string?)response.Body?["continuationToken"], charge);
    }

    /// <summary>The data-plane address of <paramref name="path"/> on an instance.</summary>
    public static string Path(string instance, string path, string? query = null) =>
        $"/instances/{Uri.EscapeDataString(instance)}{path}?api-version={Version}{(query is null ? "" : "&" + query)}";

    private static string TwinPath(string instance, string id, string rest = "") => Path(instance, "/digitaltwins/" + Uri.EscapeDataString(id) + rest);

    private async Task<List<JsonNode>> AllPagesAsync(string first, CancellationToken cancellationToken)
    {
        var all = new List<JsonNode>();
        string? next = first;
        while (next is not null)
        {
            var page = await api.GetAsync(PortalApi.DigitalTwins, next, cancellationToken).ConfigureAwait(false);
            all.AddRange((page?["value"] as JsonArray ?? []).OfType<JsonNode>());
            next = (string?)page?["nextLink"];
        }

        return all;
    }

    private static ModelEntry Model(JsonNode node)
    {
        var uploaded = (string?)node["uploadTime"];
        return new ModelEntry((string?)node["id"] ?? "", LanguageText(node["displayName"]),
            uploaded is null ? null : DateTimeOffset.Parse(uploaded, CultureInfo.InvariantCulture),
            (bool?)node["decommissioned"] ?? false, node["model"] as JsonObject);
    }

    /// <summary>A DTDL string or language map as one text: English first, else the first language.</summary>
    public static string? LanguageText(JsonNode? node) => node switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        JsonObject map => (string?)map["en"] ?? map.Select(p => (string?)p.Value).FirstOrDefault(),
        _ => null,
    };
}
