using System.Text.Json;
using System.Text.Json.Nodes;
using Doppel.Identity.Directory;
using Doppel.Identity.Tokens;
using Doppel.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OpenIddict.Server.AspNetCore;

namespace Doppel.Identity.Hosting;

/// <summary>
/// The front door of the token service. Requests to <c>/{tenant}/oauth2/v2.0/token</c>,
/// <c>/{tenant}/v2.0/.well-known/openid-configuration</c> and <c>/{tenant}/discovery/v2.0/keys</c> get their tenant
/// resolved (by id or domain; unknown → Entra's AADSTS90002), the tenant segment moved into the path base, and are
/// handed to OpenIddict. <c>/common/discovery/instance</c> (MSAL's instance discovery) is answered here. The
/// device-code flow's endpoints (<see cref="DeviceFlowEndpoints"/>) and sign-out are Doppel's own. Anything else passes.
/// </summary>
public sealed partial class IdentityEndpointsMiddleware(RequestDelegate next, DirectoryService directory, ILogger<IdentityEndpointsMiddleware> logger)
{
    private static readonly string[] Handled = [IdentityExtensions.TokenPath, IdentityExtensions.ConfigurationPath, IdentityExtensions.KeysPath, IdentityExtensions.AuthorizationPath];
    private const string LogoutPath = "oauth2/v2.0/logout";
    private static readonly string[] Own = [DeviceFlowEndpoints.StartPath, DeviceFlowEndpoints.PagePath, LogoutPath];

    /// <summary>Runs the middleware.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = context.Request.Path.Value ?? "/";
        var slash = path.IndexOf('/', 1);
        if (slash < 0)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var segment = Uri.UnescapeDataString(path[1..slash]);
        var rest = path[(slash + 1)..];
        if (string.Equals(path, "/common/discovery/instance", StringComparison.OrdinalIgnoreCase))
        {
            await InstanceDiscoveryAsync(context).ConfigureAwait(false);
            return;
        }

        if (path.StartsWith("/common/userrealm/", StringComparison.OrdinalIgnoreCase))
        {
            await UserRealmAsync(context, Uri.UnescapeDataString(path["/common/userrealm/".Length..])).ConfigureAwait(false);
            return;
        }

        var handled = Handled.Contains(rest, StringComparer.OrdinalIgnoreCase);
        var own = Own.Contains(rest, StringComparer.OrdinalIgnoreCase);
        if (!handled && !own)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        try
        {
            var tenant = await directory.FindTenantAsync(segment, context.RequestAborted).ConfigureAwait(false);
            if (tenant is null)
            {
                var refusal = EntraErrors.TenantNotFound(segment);
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest, refusal.Error, refusal.Description).ConfigureAwait(false);
                return;
            }

            var tenantRequest = new TenantRequest(tenant, TenantRequest.OriginOf(context.Request));
            if (string.Equals(rest, DeviceFlowEndpoints.StartPath, StringComparison.OrdinalIgnoreCase))
            {
                await DeviceFlowEndpoints.StartAsync(context, tenantRequest).ConfigureAwait(false);
                return;
            }

            if (string.Equals(rest, DeviceFlowEndpoints.PagePath, StringComparison.OrdinalIgnoreCase))
            {
                await DeviceFlowEndpoints.PageAsync(context, tenantRequest).ConfigureAwait(false);
                return;
            }

            if (string.Equals(rest, LogoutPath, StringComparison.OrdinalIgnoreCase))
            {
                await LogoutAsync(context, tenant).ConfigureAwait(false);
                return;
            }

            context.Features.Set(tenantRequest);
            var originalPath = context.Request.Path;
            var originalBase = context.Request.PathBase;
            context.Request.PathBase = originalBase.Add(new PathString("/" + path[1..slash]));
            context.Request.Path = new PathString("/" + rest);
            try
            {
                var handlers = context.RequestServices.GetService(typeof(IAuthenticationHandlerProvider)) as IAuthenticationHandlerProvider;
                if (handlers is not null
                    && await handlers.GetHandlerAsync(context, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme).ConfigureAwait(false) is IAuthenticationRequestHandler handler
                    && await handler.HandleRequestAsync().ConfigureAwait(false))
                {
                    return;
                }
            }
            finally
            {
                context.Request.Path = originalPath;
                context.Request.PathBase = originalBase;
            }

            await WriteErrorAsync(context, StatusCodes.Status404NotFound, "invalid_request", $"AADSTS90000: There is no identity endpoint at {path}.").ConfigureAwait(false);
        }
        catch (StoreUnavailableException ex) when (!context.Response.HasStarted)
        {
            LogStoreUnavailable(logger, ex.Failure, ex.Message);
            await WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, "temporarily_unavailable", "AADSTS90033: A transient error has occurred. Please try again.").ConfigureAwait(false);
        }
        catch (DirectoryException ex) when (!context.Response.HasStarted && ex.Error == DirectoryError.Conflict)
        {
            await WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, "temporarily_unavailable", $"AADSTS90033: {ex.Message}").ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
#pragma warning disable CA1031 // The edge of the token service: anything unexpected is logged and answered in Entra's shape.
        catch (Exception ex) when (!context.Response.HasStarted)
#pragma warning restore CA1031
        {
            LogUnexpected(logger, ex, context.Request.Method, path);
            await WriteErrorAsync(context, StatusCodes.Status500InternalServerError, "server_error", "AADSTS90000: An unexpected error occurred; the server log has the details.").ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sign-out. Doppel keeps no sign-in session (every authorization asks for the password), so there is nothing to
    /// end; the browser goes back to <c>post_logout_redirect_uri</c> when it is a redirect URI registered in the tenant
    /// (never to an unregistered one), else it gets a page saying so.
    /// </summary>
    private async Task LogoutAsync(HttpContext context, Tenant tenant)
    {
        var target = context.Request.Query["post_logout_redirect_uri"].ToString();
        if (target.Length > 0)
        {
            var apps = await directory.ListApplicationsAsync(tenant.Id, context.RequestAborted).ConfigureAwait(false);
            var registered = apps.SelectMany(a => a.PublicClient.RedirectUris.Concat(a.Web.RedirectUris).Concat(a.Spa.RedirectUris)).Append("http://localhost");
            if (registered.Any(r => ValidateAuthorizationRequestHandler.RedirectMatches(r, target)))
            {
                var state = context.Request.Query["state"].ToString();
                context.Response.Redirect(state.Length == 0 ? target : $"{target}{(target.Contains('?', StringComparison.Ordinal) ? '&' : '?')}state={Uri.EscapeDataString(state)}");
                return;
            }
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Signed out - Doppel</title></head><body style=\"font-family:'Segoe UI',system-ui,sans-serif\"><main style=\"max-width:420px;margin:8vh auto\"><h1>You have signed out</h1><p>Doppel keeps no sign-in session; you can close this window.</p></main></body></html>").ConfigureAwait(false);
    }

    /// <summary>MSAL's instance discovery, answered for this server's own host.</summary>
    private static async Task InstanceDiscoveryAsync(HttpContext context)
    {
        var host = context.Request.Host.Value ?? "localhost";
        var authorize = context.Request.Query["authorization_endpoint"].FirstOrDefault();
        var tenant = "common";
        if (Uri.TryCreate(authorize, UriKind.Absolute, out var endpoint) && endpoint.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries) is [var t, ..])
        {
            tenant = t;
        }

        var body = new JsonObject
        {
            ["tenant_discovery_endpoint"] = $"{TenantRequest.OriginOf(context.Request)}/{Uri.EscapeDataString(tenant)}/{IdentityExtensions.ConfigurationPath}",
            ["api-version"] = "1.1",
            ["metadata"] = new JsonArray(new JsonObject
            {
                ["preferred_network"] = host,
                ["preferred_cache"] = host,
                ["aliases"] = new JsonArray(host),
            }),
        };
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body.ToJsonString()).ConfigureAwait(false);
    }

    /// <summary>
    /// MSAL's home-realm discovery before a password grant: every account here is managed (no federation), so MSAL
    /// sends the password to the token endpoint rather than to a WS-Trust endpoint.
    /// </summary>
    private static async Task UserRealmAsync(HttpContext context, string userName)
    {
        var at = userName.LastIndexOf('@');
        var body = new JsonObject
        {
            ["ver"] = "1.0",
            ["account_type"] = "Managed",
            ["domain_name"] = at >= 0 ? userName[(at + 1)..] : string.Empty,
            ["cloud_instance_name"] = context.Request.Host.Value,
            ["cloud_audience_urn"] = "urn:federation:MicrosoftOnline",
        };
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body.ToJsonString()).ConfigureAwait(false);
    }

    /// <summary>Writes an error in the token endpoint's shape (Entra's).</summary>
    internal static async Task WriteErrorAsync(HttpContext context, int status, string error, string description)
    {
        var response = new OpenIddict.Abstractions.OpenIddictResponse { Error = error, ErrorDescription = description };
        EntraErrorShape.Shape(response, context, null);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(JsonSerializer.Serialize(response)).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 6402, Level = LogLevel.Error, Message = "Identity request {Method} {Path} failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 6401, Level = LogLevel.Warning, Message = "Identity request refused with 503: the store is unavailable ({Failure}): {Reason}")]
    private static partial void LogStoreUnavailable(ILogger logger, StoreFailure failure, string reason);
}
