using Doppel.Twins.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Doppel.Api.Hosting;

/// <summary>Reads request bodies with a byte limit and a media-type check, so a huge or odd body is a 4xx, never a 500.</summary>
public static class RequestBody
{
    /// <summary>Media types of JSON bodies.</summary>
    public static readonly string[] Json = ["application/json"];

    /// <summary>Media types of JSON Patch bodies (ADT consumes json-patch+json; plain JSON is tolerated).</summary>
    public static readonly string[] JsonPatch = ["application/json-patch+json", "application/json"];

    /// <summary>Reads the whole body, refusing more than <paramref name="limit"/> bytes (413) and other media types (415).</summary>
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(HttpContext context, long limit, IReadOnlyList<string> mediaTypes)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(mediaTypes);
        var contentType = context.Request.ContentType;
        if (!string.IsNullOrEmpty(contentType))
        {
            var mediaType = contentType.Split(';', 2)[0].Trim();
            if (!mediaTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase))
            {
                throw new AdtException(AdtErrorKind.UnsupportedMediaType, AdtErrorCodes.UnsupportedMediaType,
                    $"The content type '{mediaType}' is not accepted here; send {string.Join(" or ", mediaTypes)}.");
            }
        }

        if (context.Request.ContentLength > limit)
        {
            throw AdtErrors.PayloadTooLarge(limit);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limit + 1;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw AdtErrors.PayloadTooLarge(limit);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}
