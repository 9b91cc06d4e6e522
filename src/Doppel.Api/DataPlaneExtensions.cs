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
using Microsoft.OpenApi;

namespace Doppel.Api;

/// <summary>Composition of the data plane: services, the front-door middleware and the endpoint groups.</summary>
public static class DataPlaneExtensions
{
    /// <summary>The name of the data plane's OpenAPI document (<c>docs/openapi/dataplane.json</c>).</summary>
    public const string OpenApiDocumentName = "dataplane";

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
        services.AddOpenApi(OpenApiDocumentName, openApi =>
        {
            // Only the data plane's endpoints (not the health probes of the host) make up its document.
            openApi.ShouldInclude = description => description.GroupName == OpenApiDocumentName;
            openApi.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Doppel: Azure Digital Twins data plane";
                document.Info.Version = DataPlaneOptions.CurrentApiVersion;
                document.Info.Description = "The operations Doppel serves under an instance's endpoint (https://{name}.api.{location}.{suffix} or https://host/instances/{name}). Generated from the endpoints; the differences from ADT's own specification are in docs/differences-from-adt.md.";
                return Task.CompletedTask;
            });
            openApi.AddOperationTransformer((operation, context, _) =>
            {
                // The handlers read their ids from the decoded raw path (ids may hold '/'), so the generator does not see
                // them as bound parameters; describe them, and the api-version every operation needs, here.
                operation.Parameters ??= [];
                foreach (var name in RouteParameters(context.Description.RelativePath))
                {
                    operation.Parameters.Add(new OpenApiParameter
                    {
                        Name = name,
                        In = ParameterLocation.Path,
                        Required = true,
                        Description = "Percent-encoded; may hold '/', '?', '#', '%' and non-ASCII characters.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    });
                }

                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = "api-version",
                    In = ParameterLocation.Query,
                    Required = true,
                    Description = "One of " + string.Join(", ", DataPlaneOptions.SupportedApiVersions) + ".",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
                return Task.CompletedTask;
            });
        });
        return services;
    }

    private static IEnumerable<string> RouteParameters(string? template) =>
        (template ?? string.Empty).Split('/').Where(s => s.StartsWith('{') && s.EndsWith('}')).Select(s => s[1..^1]);

    /// <summary>Adds the data plane's front door (instance resolution, authentication, api-version, errors); call before routing.</summary>
    public static IApplicationBuilder UseDoppelDataPlane(this IApplicationBuilder app) => app.UseMiddleware<DataPlaneMiddleware>();

    /// <summary>Maps every data-plane endpoint; they answer only behind instance resolution.</summary>
    public static IEndpointRouteBuilder MapDoppelDataPlane(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(string.Empty).WithGroupName(OpenApiDocumentName);
        group.AddEndpointFilter(async (context, next) =>
            context.HttpContext.Features.Get<DataPlaneRequest>() is null ? Results.NotFound() : await next(context));
        group.MapModelsApi();
        group.MapDigitalTwinsApi();
        group.MapRelationshipsApi();
        group.MapQueryApi();
        return endpoints;
    }
}
