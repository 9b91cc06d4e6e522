using Doppel.Storage;
using Microsoft.AspNetCore.Http;

namespace Doppel.Api.Hosting;

/// <summary>
/// What instance resolution found out about a data-plane request: the instance, and the request path's segments
/// after the instance prefix, percent-decoded from the raw request target (so an id may hold <c>/</c> as
/// <c>%2F</c>, which the routed path keeps encoded).
/// </summary>
public sealed class DataPlaneRequest(InstanceRecord instance, IReadOnlyList<string> segments)
{
    /// <summary>The instance addressed.</summary>
    public InstanceRecord Instance { get; } = instance;

    /// <summary>The decoded path segments after the instance prefix, e.g. <c>["digitaltwins", "a/b"]</c>.</summary>
    public IReadOnlyList<string> Segments { get; } = segments;

    /// <summary>The decoded segment at <paramref name="index"/>.</summary>
    public string Segment(int index) => index < Segments.Count ? Segments[index] : string.Empty;

    /// <summary>The data-plane request of <paramref name="context"/>; only endpoints behind resolution call this.</summary>
    public static DataPlaneRequest Of(HttpContext context) =>
        context?.Features.Get<DataPlaneRequest>() ?? throw new InvalidOperationException("Not a data-plane request.");
}
