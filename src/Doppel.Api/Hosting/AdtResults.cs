using System.Reflection;
using System.Text.Json;
using Doppel.Twins.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;

namespace Doppel.Api.Hosting;

/// <summary>
/// The typed results of the data-plane handlers (CONVENTIONS D15): each writes ADT's exact wire shape (a stored JSON
/// text as it is, the <c>ETag</c> header) and describes itself to OpenAPI through <see cref="IEndpointMetadataProvider"/>,
/// so a handler's signature — <c>Results&lt;AdtJson, AdtError&gt;</c> — is also its documented contract.
/// </summary>
public static class AdtResults
{
    /// <summary>200 with <paramref name="json"/> as the body and, when given, an <c>ETag</c> header.</summary>
    public static AdtJson Json(string json, string? etag = null) => new(json, etag);

    /// <summary>201 with <paramref name="json"/> as the body.</summary>
    public static AdtCreatedJson Created(string json) => new(json);

    /// <summary>204 with, when given, an <c>ETag</c> header.</summary>
    public static AdtNoContent NoContent(string? etag = null) => new(etag);

    /// <summary>
    /// Runs a handler's work and turns an <see cref="AdtException"/> it raises into its <see cref="AdtError"/> result,
    /// the same envelope the data-plane middleware writes for errors raised outside a handler.
    /// </summary>
    public static async Task<Results<T, AdtError>> Run<T>(Func<Task<T>> work)
        where T : IResult
    {
        ArgumentNullException.ThrowIfNull(work);
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (AdtException error)
        {
            return new AdtError(error);
        }
    }

    /// <summary>Documents error answers (ADT's envelope) of an endpoint beyond the ones every data-plane endpoint has.</summary>
    public static RouteHandlerBuilder ProducesAdtErrors(this RouteHandlerBuilder builder, params int[] statusCodes)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(statusCodes);
        return builder.WithMetadata([.. statusCodes.Select(status => (object)AdtError.Describe(status))]);
    }

    internal static ProducesResponseTypeMetadata Json<TBody>(int status) =>
        new(status, typeof(TBody), ["application/json"]);
}

/// <summary>200 with a JSON text as the body and an optional <c>ETag</c> header.</summary>
public sealed class AdtJson : IResult, IStatusCodeHttpResult, IContentTypeHttpResult, IEndpointMetadataProvider
{
    internal AdtJson(string json, string? etag)
    {
        Json = json;
        ETag = etag;
    }

    /// <summary>The body.</summary>
    public string Json { get; }

    /// <summary>The <c>ETag</c> header, if any.</summary>
    public string? ETag { get; }

    /// <inheritdoc />
    public int? StatusCode => StatusCodes.Status200OK;

    /// <inheritdoc />
    public string ContentType => AdtResponses.JsonContentType;

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext) => AdtResponses.WriteAsync(httpContext, StatusCodes.Status200OK, ETag, Json);

    /// <inheritdoc />
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(AdtResults.Json<JsonElement>(StatusCodes.Status200OK));
    }
}

/// <summary>201 with a JSON text as the body (POST /models).</summary>
public sealed class AdtCreatedJson : IResult, IStatusCodeHttpResult, IContentTypeHttpResult, IEndpointMetadataProvider
{
    internal AdtCreatedJson(string json)
    {
        Json = json;
    }

    /// <summary>The body.</summary>
    public string Json { get; }

    /// <inheritdoc />
    public int? StatusCode => StatusCodes.Status201Created;

    /// <inheritdoc />
    public string ContentType => AdtResponses.JsonContentType;

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext) => AdtResponses.WriteAsync(httpContext, StatusCodes.Status201Created, null, Json);

    /// <inheritdoc />
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(AdtResults.Json<JsonElement>(StatusCodes.Status201Created));
    }
}

/// <summary>204 with an optional <c>ETag</c> header (PATCH answers with the new ETag).</summary>
public sealed class AdtNoContent : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    internal AdtNoContent(string? etag)
    {
        ETag = etag;
    }

    /// <summary>The <c>ETag</c> header, if any.</summary>
    public string? ETag { get; }

    /// <inheritdoc />
    public int? StatusCode => StatusCodes.Status204NoContent;

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext) => AdtResponses.WriteAsync(httpContext, StatusCodes.Status204NoContent, ETag, null);

    /// <inheritdoc />
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status204NoContent, typeof(void)));
    }
}

/// <summary>
/// An ADT error envelope, <c>{"error":{"code","message","details"?}}</c> with <c>x-ms-error-code</c>. Every data-plane
/// endpoint can answer 400 (api-version), 401 (token) and 503 (store); endpoints add their own with
/// <see cref="AdtResults.ProducesAdtErrors"/>.
/// </summary>
public sealed class AdtError : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    private static readonly int[] Common = [StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status503ServiceUnavailable];

    /// <summary>Wraps <paramref name="error"/>.</summary>
    public AdtError(AdtException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    /// <summary>The error.</summary>
    public AdtException Error { get; }

    /// <inheritdoc />
    public int? StatusCode => AdtResponses.StatusOf(Error.Kind);

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext) => AdtResponses.WriteErrorAsync(httpContext, Error);

    /// <inheritdoc />
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var status in Common)
        {
            builder.Metadata.Add(Describe(status));
        }
    }

    internal static ProducesResponseTypeMetadata Describe(int status) => AdtResults.Json<AdtErrorResponse>(status);
}

/// <summary>The shape of ADT's error body, for OpenAPI.</summary>
/// <param name="Error">The error.</param>
public sealed record AdtErrorResponse(AdtErrorBody Error);

/// <summary>One error of ADT's error body, for OpenAPI.</summary>
/// <param name="Code">ADT's error code (docs/errors/&lt;code&gt;.md).</param>
/// <param name="Message">What went wrong and what to do.</param>
/// <param name="Details">More errors, such as one per DTDL diagnostic.</param>
public sealed record AdtErrorBody(string Code, string Message, IReadOnlyList<AdtErrorBody>? Details);
