using Doppel.Api.Authentication;
using Doppel.Api.Hosting;
using Doppel.Management;
using Doppel.Management.Access;
using Doppel.Storage.Management;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Doppel.Api.Management;

/// <summary>Composition of the control plane: services, the ARM bearer scheme, the front door and the endpoints.</summary>
public static class ManagementExtensions
{
    /// <summary>
    /// Registers the control plane over <paramref name="store"/>, with ARM bearer authentication by the trusted
    /// issuers' <paramref name="keys"/>. Group membership comes from the token's <c>groups</c> claim unless an
    /// <see cref="IPrincipalDirectory"/> is registered first. Needs an <see cref="Doppel.Storage.IInstanceStore"/>
    /// and a <see cref="TimeProvider"/>.
    /// </summary>
    public static IServiceCollection AddDoppelManagement(this IServiceCollection services, ManagementOptions options, ControlPlaneOptions http, IManagementStore store, TrustedIssuerKeys keys)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(http);
        services.AddSingleton(options);
        services.AddSingleton(http);
        services.AddSingleton(store);
        services.TryAddSingleton<IPrincipalDirectory, TokenGroupsDirectory>();

        // Endpoint secrets survive restarts only with a key the host keeps (the server's data directory holds one).
        services.TryAddSingleton(_ => SecretProtector.Ephemeral());
        services.AddSingleton<AccessEvaluator>();
        services.AddSingleton<DataPlaneAccess>();
        services.AddSingleton<ManagementService>();
        services.TryAddSingleton<InstanceCache>();
        services.AddHostedService<ManagementWorker>();
        services.AddRouting();
        services.AddAuthentication().AddTrustedBearer(ArmMiddleware.Scheme, keys, http.Audiences);
        return services;
    }

    /// <summary>Adds the control plane's front door; call after the data plane's and before routing.</summary>
    public static IApplicationBuilder UseDoppelManagement(this IApplicationBuilder app) => app.UseMiddleware<ArmMiddleware>();

    /// <summary>Maps the ARM endpoints.</summary>
    public static IEndpointRouteBuilder MapDoppelManagement(this IEndpointRouteBuilder endpoints) => endpoints.MapManagementApi();
}

/// <summary>Runs the control plane's queued operations (provisioning, deletion) for the life of the server.</summary>
internal sealed class ManagementWorker(ManagementService service, InstanceCache instances) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        service.InstanceRemoved += instances.Forget;
        return service.RunWorkerAsync(stoppingToken);
    }
}
