using Doppel.Api.Authentication;
using Doppel.Api.Hosting;
using Doppel.Dtdl;
using Doppel.Storage.DataPlane;
using Doppel.Twins.Models;
using Doppel.Twins.Query;
using Doppel.Twins.Relationships;
using Doppel.Twins.Telemetry;
using Doppel.Twins.Twins;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Doppel.Api;

/// <summary>Composition of the data plane: services, the front-door middleware and the endpoint groups.</summary>
public static class DataPlaneExtensions
{
    /// <summary>
    /// Registers the data-plane services over <paramref name="store"/>, and bearer authentication with
    /// <paramref name="keys"/>. Needs an <see cref="Doppel.Storage.IInstanceStore"/> and a <see cref="TimeProvider"/>.
    /// </summary>
    public static IServiceCollection AddDoppelDataPlane(this IServiceCollection services, DataPlaneOptions options, IDataPlaneStore store, TrustedIssuerKeys keys)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.AddSingleton(options.Limits);
        services.AddSingleton(store);
        services.AddSingleton(new DtdlParser(DtdlParserOptions.Default with { MaxInterfacesPerUpload = options.Limits.MaxModelsPerUpload }));
        services.AddSingleton<ModelService>();
        services.AddSingleton<TwinService>();
        services.AddSingleton<RelationshipService>();
        services.AddSingleton<TelemetryService>();
        services.AddSingleton<QueryService>();
        services.AddSingleton<Doppel.Api.Hosting.InstanceCache>();
        services.AddRouting();
        services.AddDataPlaneBearer(keys);
        return services;
    }

    /// <summary>Adds the data plane's front door (instance resolution, authentication, api-version, errors); call before routing.</summary>
    public static IApplicationBuilder UseDoppelDataPlane(this IApplicationBuilder app) => app.UseMiddleware<DataPlaneMiddleware>();

    /// <summary>Maps every data-plane endpoint; they answer only behind instance resolution.</summary>
    public static IEndpointRouteBuilder MapDoppelDataPlane(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(string.Empty);
        group.AddEndpointFilter(async (context, next) =>
            context.HttpContext.Features.Get<DataPlaneRequest>() is null ? Results.NotFound() : await next(context));
        group.MapModelsApi();
        group.MapDigitalTwinsApi();
        group.MapRelationshipsApi();
        group.MapQueryApi();
        return endpoints;
    }
}
