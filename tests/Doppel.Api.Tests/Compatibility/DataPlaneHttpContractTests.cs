using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Doppel.Api.Tests.Support;

namespace Doppel.Api.Tests.Compatibility;

/// <summary>One server for the contract tests; each test seeds an instance of its own.</summary>
public sealed class ContractServer : IAsyncLifetime
{
    private DataPlaneServer? _server;

    internal DataPlaneServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public async Task InitializeAsync() => _server = await DataPlaneServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>
    /// A client of a new instance holding the test models, the room twins <c>r1</c>, <c>r2</c>, <c>r3</c>, the floor
    /// <c>f1</c> and the relationship <c>r1 → r2</c> named <c>a</c> (adjacentTo).
    /// </summary>
    internal async Task<InstanceClient> SeededAsync()
    {
        var client = Server.Client(await Server.NewInstanceAsync());
        await Adt.OkAsync(await client.PostAsync("models", Samples.Models()), HttpStatusCode.Created);
        foreach (var id in new[] { "r1", "r2", "r3" })
        {
            await Adt.OkAsync(await client.PutAsync("digitaltwins/" + id, Samples.RoomTwin()));
        }

        await Adt.OkAsync(await client.PutAsync("digitaltwins/f1", Samples.FloorTwin()));
        await Adt.OkAsync(await client.PutAsync("digitaltwins/r1/relationships/a", """{"$targetId":"r2","$relationshipName":"adjacentTo","doorCount":1}"""));
        return client;
    }
}

/// <summary>
/// The HTTP contract of every data-plane operation as ADT's spec and the official SDKs expect it
/// (sdk-requirements.md b.5–b.7, adt-facts.md §2–§4): status codes, Content-Type, ETag headers and their agreement
/// with <c>$etag</c>, empty 204s, the error envelope with <c>x-ms-error-code</c>, and absolute nextLinks.
/// </summary>
public sealed class DataPlaneHttpContractTests(ContractServer fixture) : IClassFixture<ContractServer>
{
    private const string JsonContentType = "application/json; charset=utf-8";
    private const string Patch = "application/json-patch+json";

    private static readonly string Room = InstanceClient.Encode(Samples.RoomId);
    private static readonly string Floor = InstanceClient.Encode(Samples.FloorId);

    public enum ETagRule
    {
        /// <summary>No ETag header (models, lists, deletes, telemetry).</summary>
        None,

        /// <summary>An ETag header equal to the body's <c>$etag</c> (twins and relationships).</summary>
        InBody,

        /// <summary>An ETag header and no body or no <c>$etag</c> in it (PATCH 204s, components).</summary>
        HeaderOnly,
    }

    /// <summary>operationId, method, path, body, content type, status, ETag rule.</summary>
    public static TheoryData<string, string, string, string?, string?, int, ETagRule> Operations => new()
    {
        { "DigitalTwinModels_Add", "POST", "models", """[{"@id":"dtmi:doppel:test:Extra;1","@type":"Interface","@context":"dtmi:dtdl:context;3"}]""", "application/json", 201, ETagRule.None },
        { "DigitalTwinModels_List", "GET", "models?includeModelDefinition=true", null, null, 200, ETagRule.None },
        { "DigitalTwinModels_GetById", "GET", $"models/{Room}", null, null, 200, ETagRule.None },
        { "DigitalTwinModels_Update", "PATCH", $"models/{Floor}", """[{"op":"replace","path":"/decommissioned","value":true}]""", Patch, 204, ETagRule.None },
        { "DigitalTwinModels_Delete", "DELETE", $"models/{Floor}", null, null, 204, ETagRule.None },
        { "DigitalTwins_GetById", "GET", "digitaltwins/r1", null, null, 200, ETagRule.InBody },
        { "DigitalTwins_Add", "PUT", "digitaltwins/new", Samples.RoomTwin(), "application/json", 200, ETagRule.InBody },
        { "DigitalTwins_Update", "PATCH", "digitaltwins/r1", """[{"op":"replace","path":"/area","value":3}]""", Patch, 204, ETagRule.HeaderOnly },
        { "DigitalTwins_Delete", "DELETE", "digitaltwins/r3", null, null, 204, ETagRule.None },
        { "DigitalTwins_GetRelationshipById", "GET", "digitaltwins/r1/relationships/a", null, null, 200, ETagRule.InBody },
        { "DigitalTwins_AddRelationship", "PUT", "digitaltwins/r2/relationships/b", """{"$targetId":"r3","$relationshipName":"adjacentTo"}""", "application/json", 200, ETagRule.InBody },
        { "DigitalTwins_UpdateRelationship", "PATCH", "digitaltwins/r1/relationships/a", """[{"op":"replace","path":"/doorCount","value":2}]""", Patch, 204, ETagRule.HeaderOnly },
        { "DigitalTwins_DeleteRelationship", "DELETE", "digitaltwins/r1/relationships/a", null, null, 204, ETagRule.None },
        { "DigitalTwins_ListRelationships", "GET", "digitaltwins/r1/relationships?relationshipName=adjacentTo", null, null, 200, ETagRule.None },
        { "DigitalTwins_ListIncomingRelationships", "GET", "digitaltwins/r2/incomingrelationships", null, null, 200, ETagRule.None },
        { "DigitalTwins_SendTelemetry", "POST", "digitaltwins/r1/telemetry", """{"temperature":1}""", "application/json", 204, ETagRule.None },
        { "DigitalTwins_SendComponentTelemetry", "POST", "digitaltwins/r1/components/thermostat/telemetry", """{"temperature":1}""", "application/json", 204, ETagRule.None },
        { "DigitalTwins_GetComponent", "GET", "digitaltwins/r1/components/thermostat", null, null, 200, ETagRule.HeaderOnly },
        { "DigitalTwins_UpdateComponent", "PATCH", "digitaltwins/r1/components/thermostat", """[{"op":"add","path":"/setpoint","value":20}]""", Patch, 204, ETagRule.HeaderOnly },
    };

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task Operation_answers_ADTs_status_content_type_and_ETag(string operation, string method, string path, string? body, string? contentType, int status, ETagRule etag)
    {
        using var client = await fixture.SeededAsync();

        using var response = await client.SendAsync(new HttpMethod(method), path, body, contentType, new Dictionary<string, string> { ["Message-Id"] = "m-1" });

        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"{operation}: expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.False(response.Headers.Contains("x-ms-error-code"), operation);
        if (status == 204)
        {
            Assert.Equal(string.Empty, text);
            Assert.Null(response.Content.Headers.ContentType);
        }
        else
        {
            Assert.Equal(JsonContentType, response.Content.Headers.ContentType?.ToString());
            using var _ = JsonDocument.Parse(text);
        }

        var header = response.Headers.ETag;
        switch (etag)
        {
            case ETagRule.None:
                Assert.True(header is null, $"{operation} must not send an ETag, sent {header}");
                break;
            case ETagRule.InBody:
                AssertWeak(header, operation);
                Assert.Equal(header!.ToString(), JsonDocument.Parse(text).RootElement.GetProperty("$etag").GetString());
                break;
            case ETagRule.HeaderOnly:
                AssertWeak(header, operation);
                break;
        }
    }

    [Fact]
    public async Task ETag_of_a_PATCH_is_the_one_the_next_GET_returns_for_twins_components_and_relationships()
    {
        using var client = await fixture.SeededAsync();

        using var twinPatch = await client.PatchAsync("digitaltwins/r1", """[{"op":"replace","path":"/area","value":5}]""");
        using var twinGet = await client.GetAsync("digitaltwins/r1");
        using var componentPatch = await client.PatchAsync("digitaltwins/r1/components/thermostat", """[{"op":"add","path":"/setpoint","value":5}]""");
        using var componentGet = await client.GetAsync("digitaltwins/r1/components/thermostat");
        using var twinAfterComponent = await client.GetAsync("digitaltwins/r1");
        using var relationshipPatch = await client.PatchAsync("digitaltwins/r1/relationships/a", """[{"op":"replace","path":"/doorCount","value":5}]""");
        using var relationshipGet = await client.GetAsync("digitaltwins/r1/relationships/a");

        Assert.Equal(twinPatch.Headers.ETag, twinGet.Headers.ETag);
        Assert.NotEqual(twinPatch.Headers.ETag, componentPatch.Headers.ETag);
        Assert.Equal(componentPatch.Headers.ETag, componentGet.Headers.ETag);
        Assert.Equal(componentPatch.Headers.ETag!.ToString(), (await Adt.JsonAsync(twinAfterComponent)).GetProperty("$etag").GetString());
        Assert.Equal(relationshipPatch.Headers.ETag, relationshipGet.Headers.ETag);
        Assert.Equal(relationshipPatch.Headers.ETag!.ToString(), (await Adt.JsonAsync(relationshipGet)).GetProperty("$etag").GetString());
    }

    /// <summary>operationId, method, path, body, content type, status, code: the not-found (or refusal) of each operation.</summary>
    public static TheoryData<string, string, string, string?, string?, int, string> Failures => new()
    {
        { "DigitalTwinModels_Add", "POST", "models", """[{"@id":"dtmi:doppel:test:Room;1","@type":"Interface","@context":"dtmi:dtdl:context;3"}]""", "application/json", 409, "ModelAlreadyExists" },
        { "DigitalTwinModels_List", "GET", "models?dependenciesFor=dtmi:doppel:test:None;1", null, null, 404, "ModelNotFound" },
        { "DigitalTwinModels_GetById", "GET", "models/dtmi%3Adoppel%3Atest%3ANone%3B1", null, null, 404, "ModelNotFound" },
        { "DigitalTwinModels_Update", "PATCH", "models/dtmi%3Adoppel%3Atest%3ANone%3B1", """[{"op":"replace","path":"/decommissioned","value":true}]""", Patch, 404, "ModelNotFound" },
        { "DigitalTwinModels_Delete", "DELETE", "models/dtmi%3Adoppel%3Atest%3ASpace%3B1", null, null, 409, "ModelReferencesNotDeleted" },
        { "DigitalTwins_GetById", "GET", "digitaltwins/ghost", null, null, 404, "DigitalTwinNotFound" },
        { "DigitalTwins_Add", "PUT", "digitaltwins/r1", """{"$metadata":{"$model":"dtmi:doppel:test:Room;1"},"thermostat":{"$metadata":{}},"area":"x"}""", "application/json", 400, "ValidationFailed" },
        { "DigitalTwins_Update", "PATCH", "digitaltwins/ghost", """[{"op":"add","path":"/area","value":1}]""", Patch, 404, "DigitalTwinNotFound" },
        { "DigitalTwins_Delete", "DELETE", "digitaltwins/r1", null, null, 400, "RelationshipsNotDeleted" },
        { "DigitalTwins_GetRelationshipById", "GET", "digitaltwins/r1/relationships/none", null, null, 404, "RelationshipNotFound" },
        { "DigitalTwins_AddRelationship", "PUT", "digitaltwins/r1/relationships/b", """{"$targetId":"ghost","$relationshipName":"adjacentTo"}""", "application/json", 404, "TargetTwinNotFound" },
        { "DigitalTwins_UpdateRelationship", "PATCH", "digitaltwins/r1/relationships/none", """[{"op":"add","path":"/doorCount","value":1}]""", Patch, 404, "RelationshipNotFound" },
        { "DigitalTwins_DeleteRelationship", "DELETE", "digitaltwins/r1/relationships/none", null, null, 404, "RelationshipNotFound" },
        { "DigitalTwins_ListRelationships", "GET", "digitaltwins/ghost/relationships", null, null, 404, "DigitalTwinNotFound" },
        { "DigitalTwins_ListIncomingRelationships", "GET", "digitaltwins/ghost/incomingrelationships", null, null, 404, "DigitalTwinNotFound" },
        { "DigitalTwins_SendTelemetry", "POST", "digitaltwins/ghost/telemetry", "{}", "application/json", 404, "DigitalTwinNotFound" },
        { "DigitalTwins_SendComponentTelemetry", "POST", "digitaltwins/r1/components/none/telemetry", "{}", "application/json", 404, "ComponentNotFound" },
        { "DigitalTwins_GetComponent", "GET", "digitaltwins/r1/components/none", null, null, 404, "ComponentNotFound" },
        { "DigitalTwins_UpdateComponent", "PATCH", "digitaltwins/r1/components/thermostat", """[{"op":"add","path":"/setpoint","value":1}]""", Patch, 412, "PreconditionFailed" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Operation_failure_is_ADTs_error_envelope_with_x_ms_error_code_and_no_ETag(string operation, string method, string path, string? body, string? contentType, int status, string code)
    {
        using var client = await fixture.SeededAsync();
        var headers = new Dictionary<string, string> { ["Message-Id"] = "m-1" };
        if (status == 412)
        {
            headers["If-Match"] = "W/\"00000000-0000-0000-0000-000000000000\"";
        }

        using var response = await client.SendAsync(new HttpMethod(method), path, body, contentType, headers);

        await Adt.ErrorAsync(response, (HttpStatusCode)status, code);
        Assert.Equal(JsonContentType, response.Content.Headers.ContentType?.ToString());
        Assert.True(response.Headers.ETag is null, $"{operation} sent an ETag with an error");
    }

    [Theory]
    [InlineData("models?includeModelDefinition=true&dependenciesFor=dtmi%3Adoppel%3Atest%3ARoom%3B1", "max-items-per-page", 3, "id")]
    [InlineData("models", "x-ms-max-item-count", 4, "id")]
    [InlineData("digitaltwins/r4/relationships?relationshipName=near", "max-items-per-page", 3, "$relationshipId")]
    [InlineData("digitaltwins/f1/incomingrelationships", "max-items-per-page", 6, "$relationshipId")]
    public async Task NextLink_is_an_absolute_URL_under_the_instance_prefix_that_keeps_the_query_and_the_api_version(string path, string header, int expected, string idProperty)
    {
        using var client = await fixture.SeededAsync();
        await Adt.OkAsync(await client.PutAsync("digitaltwins/r4", Samples.RoomTwin()));
        foreach (var source in new[] { "r1", "r2", "r3" })
        {
            await Adt.OkAsync(await client.PutAsync($"digitaltwins/{source}/relationships/to-f1", """{"$targetId":"f1","$relationshipName":"near"}"""));
            await Adt.OkAsync(await client.PutAsync($"digitaltwins/r4/relationships/near-{source}", """{"$targetId":"f1","$relationshipName":"near"}"""));
        }

        await Adt.OkAsync(await client.PutAsync("digitaltwins/r4/relationships/adjacent", """{"$targetId":"r1","$relationshipName":"adjacentTo"}"""));
        var query = path.Contains('?', StringComparison.Ordinal) ? path[(path.IndexOf('?', StringComparison.Ordinal) + 1)..] : null;
        var resource = query is null ? path : path[..path.IndexOf('?', StringComparison.Ordinal)];
        var url = client.Url(path, "2022-05-31").ToString();
        var seen = new List<string>();
        var links = 0;

        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Add(header, "1");
            using var response = await client.Http.SendAsync(request);
            await Adt.OkAsync(response);
            var page = await Adt.JsonAsync(response);
            Assert.Equal(1, page.GetProperty("value").GetArrayLength());
            var item = page.GetProperty("value")[0];
            seen.Add((item.TryGetProperty("$sourceId", out var source) ? source.GetString() + "/" : string.Empty) + item.GetProperty(idProperty).GetString());
            if (!page.TryGetProperty("nextLink", out var next))
            {
                break;
            }

            url = next.GetString()!;
            links++;
            Assert.StartsWith($"{client.BaseAddress}{resource}?", url, StringComparison.Ordinal);
            Assert.Contains("api-version=2022-05-31", url, StringComparison.Ordinal);
            if (query is not null)
            {
                Assert.All(query.Split('&'), part => Assert.Contains(part, url, StringComparison.Ordinal));
            }
        }

        Assert.Equal(expected, seen.Count);
        Assert.Equal(expected - 1, links);
        Assert.Equal(seen.Count, seen.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task NextLink_of_an_instance_addressed_by_host_name_is_absolute_on_that_host()
    {
        var server = fixture.Server;
        using var seeded = await fixture.SeededAsync();
        var instance = seeded.BaseAddress.Segments[^1].TrimEnd('/');
        using var http = HostNameClient(server);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"https://127.0.0.1:{server.Port}/models?api-version=2023-10-31");
        request.Headers.Host = $"{instance}.api.westeurope.digitaltwins.localhost:{server.Port}";
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", server.Token);
        request.Headers.Add("max-items-per-page", "2");

        using var response = await http.SendAsync(request);

        await Adt.OkAsync(response);
        var next = (await Adt.JsonAsync(response)).GetProperty("nextLink").GetString();
        Assert.StartsWith($"https://{instance}.api.westeurope.digitaltwins.localhost:{server.Port}/models?api-version=2023-10-31&continuationToken=", next, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("many")]
    public async Task Max_items_per_page_that_is_not_a_positive_integer_is_400_InvalidArgument(string value)
    {
        using var client = await fixture.SeededAsync();

        using var response = await client.GetAsync("models", new Dictionary<string, string> { ["max-items-per-page"] = value });

        await Adt.ErrorAsync(response, HttpStatusCode.BadRequest, "InvalidArgument");
    }

    [Theory]
    [InlineData("digitaltwins/r1")]
    [InlineData("digitaltwins/r1/relationships/a")]
    [InlineData("digitaltwins/r1/components/thermostat")]
    public async Task JSON_Patch_in_another_media_type_is_415_UnsupportedMediaType(string path)
    {
        using var client = await fixture.SeededAsync();

        using var response = await client.SendAsync(HttpMethod.Patch, path, "[]", "text/plain");

        await Adt.ErrorAsync(response, HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType");
    }

    [Fact]
    public async Task Relationship_PUT_with_an_If_None_Match_other_than_star_is_400_InvalidArgument()
    {
        using var client = await fixture.SeededAsync();

        using var response = await client.PutAsync("digitaltwins/r2/relationships/c", """{"$targetId":"r3","$relationshipName":"adjacentTo"}""",
            new Dictionary<string, string> { ["If-None-Match"] = "W/\"x\"" });

        var error = await Adt.ErrorAsync(response, HttpStatusCode.BadRequest, "InvalidArgument");
        Assert.Equal("Invalid If-None-Match header value. Allowed value(s): If-None-Match: *", error.GetProperty("message").GetString());
    }

    private static void AssertWeak(EntityTagHeaderValue? etag, string operation)
    {
        Assert.True(etag is { IsWeak: true }, $"{operation} must send a weak ETag, sent {etag}");
        Assert.Matches("^W/\"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\"$", etag!.ToString());
    }

    /// <summary>
    /// A client that connects to 127.0.0.1 and sends an instance host name (which does not resolve here); the
    /// certificate must still chain to the server's CA.
    /// </summary>
    private static HttpClient HostNameClient(DataPlaneServer server)
    {
        var root = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(server.CaPath);
        var handler = new SocketsHttpHandler
        {
            SslOptions = new System.Net.Security.SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
                    chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(root);
                    chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
                    return certificate is System.Security.Cryptography.X509Certificates.X509Certificate2 leaf && chain.Build(leaf);
                },
            },
        };
        return new HttpClient(handler, disposeHandler: true);
    }
}
