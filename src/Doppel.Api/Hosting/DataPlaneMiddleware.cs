using Doppel.Api.Authentication;
using Doppel.Api.Management;
using Doppel.Management.Access;
using Doppel.Storage;
using Doppel.Twins.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Doppel.Api.Hosting;

/// <summary>
/// The front door of the data plane, in the order DESIGN.md gives: instance resolution (host name
/// <c>{name}.api.{location}.{suffix}</c> or path prefix <c>/instances/{name}</c>; unknown instance → 404), bearer
/// authentication (401 with <c>WWW-Authenticate</c>), the api-version check, then the endpoint; and the one place
/// where data-plane exceptions become ADT's error envelope. Requests for anything else (health probes) pass through.
/// </summary>
public sealed partial class DataPlaneMiddleware(
    RequestDelegate next,
    InstanceCache instances,
    DataPlaneOptions options,
    ILogger<DataPlaneMiddleware> logger,
    BearerPrincipalCache principals,
    DataPlaneAccess? access = null)
{
    private const string PathPrefix = "/instances";
    private readonly string _hostSuffix = "." + options.HostSuffix.ToLowerInvariant();

    /// <summary>Runs the middleware.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (name, prefixLength) = Resolve(context);
        if (name is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var originalPath = context.Request.Path;
        var originalPathBase = context.Request.PathBase;
        try
        {
            var instance = await instances.FindAsync(name, context.RequestAborted).ConfigureAwait(false);
            if (instance is null)
            {
                throw new AdtException(AdtErrorKind.NotFound, AdtErrorCodes.InstanceNotFound,
                    $"There is no Digital Twins instance named {name} on this server. Check the host name or the /instances/{{name}} prefix of the endpoint.");
            }

            if (prefixLength > 0)
            {
                var prefix = originalPath.Value![..prefixLength];
                context.Request.PathBase = originalPathBase.Add(new PathString(prefix));
                context.Request.Path = new PathString(originalPath.Value[prefixLength..]);
            }

            context.Features.Set(new DataPlaneRequest(instance, Segments(context, prefixLength > 0 ? 2 : 0)));

            var authorization = context.Request.Headers.Authorization.ToString();
            var accepted = principals.Find(authorization);
            if (accepted is null)
            {
                var authentication = await context.AuthenticateAsync(DataPlaneAuthentication.Scheme).ConfigureAwait(false);
                if (!authentication.Succeeded)
                {
                    await ChallengeAsync(context, authentication).ConfigureAwait(false);
                    return;
                }

                accepted = principals.Remember(authorization, authentication.Principal);
            }

            context.User = accepted.Principal;
            CheckApiVersion(context);
            if (access is not null)
            {
                await AuthorizeAsync(context, access, instance, name, accepted.Caller).ConfigureAwait(false);
            }

            await next(context).ConfigureAwait(false);
            if (!context.Response.HasStarted)
            {
                if (context.GetEndpoint() is null && context.Response.StatusCode == StatusCodes.Status404NotFound)
                {
                    throw new AdtException(AdtErrorKind.NotFound, AdtErrorCodes.NotFound, $"The data plane has no resource at {context.Request.Path}.");
                }

                // Routing answers a method the resource lacks through an endpoint of its own (405 with Allow, no
                // body), so this cannot wait for a missing endpoint: every 405 gets ADT's envelope.
                if (context.Response.StatusCode == StatusCodes.Status405MethodNotAllowed)
                {
                    context.Response.Headers["x-ms-error-code"] = AdtErrorCodes.MethodNotAllowed;
                    var body = new System.Text.Json.Nodes.JsonObject
                    {
                        ["error"] = new System.Text.Json.Nodes.JsonObject
                        {
                            ["code"] = AdtErrorCodes.MethodNotAllowed,
                            ["message"] = $"The method {context.Request.Method} is not allowed on this resource.",
                        },
                    };
                    await AdtResponses.WriteJsonAsync(context, body.ToJsonString(Doppel.Twins.Json.WireFormat.JsonOptions)).ConfigureAwait(false);
                }
            }
        }
        catch (AdtException error) when (!context.Response.HasStarted)
        {
            await AdtResponses.WriteErrorAsync(context, error).ConfigureAwait(false);
        }
        catch (StoreUnavailableException ex) when (!context.Response.HasStarted)
        {
            LogStoreUnavailable(logger, ex.Failure, ex.Message);
            await AdtResponses.WriteErrorAsync(context, new AdtException(AdtErrorKind.Unavailable, AdtErrorCodes.ServiceUnavailable,
                "The store is not available right now; try again.")).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            var error = ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? new AdtException(AdtErrorKind.PayloadTooLarge, AdtErrorCodes.PayloadTooLarge, "The request body is too large.")
                : new AdtException(AdtErrorKind.BadRequest, AdtErrorCodes.BadRequest, $"The request could not be read: {ex.Message}");
            await AdtResponses.WriteErrorAsync(context, error).ConfigureAwait(false);
        }
        catch (NotSupportedException ex) when (!context.Response.HasStarted)
        {
            context.Response.StatusCode = StatusCodes.Status501NotImplemented;
            context.Response.Headers["x-ms-error-code"] = AdtErrorCodes.NotImplemented;
            var body = new System.Text.Json.Nodes.JsonObject
            {
                ["error"] = new System.Text.Json.Nodes.JsonObject { ["code"] = AdtErrorCodes.NotImplemented, ["message"] = ex.Message },
            };
            await AdtResponses.WriteJsonAsync(context, body.ToJsonString(Doppel.Twins.Json.WireFormat.JsonOptions)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
#pragma warning disable CA1031 // The edge of the data plane: anything unexpected becomes a 500 envelope and a log line.
        catch (Exception ex) when (!context.Response.HasStarted)
#pragma warning restore CA1031
        {
            LogUnexpected(logger, ex, context.Request.Method, context.Request.Path.Value ?? "/");
            context.Response.Clear();
            await AdtResponses.WriteErrorAsync(context, new AdtException((AdtErrorKind)(-1), AdtErrorCodes.InternalServerError,
                "An unexpected error occurred; the server log has the details.")).ConfigureAwait(false);
        }
        finally
        {
            context.Request.Path = originalPath;
            context.Request.PathBase = originalPathBase;
        }
    }

    private (string? Name, int PrefixLength) Resolve(HttpContext context)
    {
        var host = context.Request.Host.Host.ToLowerInvariant();
        if (host.EndsWith(_hostSuffix, StringComparison.Ordinal))
        {
            var labels = host[..^_hostSuffix.Length].Split('.');
            if (labels is [var instance, "api", { Length: > 0 }] && instance.Length > 0)
            {
                return (instance, 0);
            }
        }

        var path = context.Request.Path;
        if (path.StartsWithSegments(PathPrefix, StringComparison.OrdinalIgnoreCase, out var rest) && rest.HasValue && rest.Value!.Length > 1)
        {
            var end = rest.Value.IndexOf('/', 1);
            var name = end < 0 ? rest.Value[1..] : rest.Value[1..end];
            return (name, PathPrefix.Length + 1 + name.Length);
        }

        return (null, 0);
    }

    /// <summary>
    /// Refuses the request unless a role assignment grants its data action (instances the control plane owns), with
    /// 404 for an instance not provisioned yet or a token of another tenant, 403 for a missing role.
    /// </summary>
    private static async Task AuthorizeAsync(HttpContext context, DataPlaneAccess access, InstanceRecord instance, string name, Principal? caller)
    {
        var request = DataPlaneRequest.Of(context);
        var action = DataPlaneActions.For(context.Request.Method, request.Segments);
        var principal = caller ?? new Principal(string.Empty, null, [], "(no oid)", false);
        var decision = await access.CheckAsync(instance, principal, action, context.RequestAborted).ConfigureAwait(false);
        switch (decision)
        {
            case DataPlaneDecision.NotFound:
                throw new AdtException(AdtErrorKind.NotFound, AdtErrorCodes.InstanceNotFound,
                    $"There is no Digital Twins instance named {name} on this server. Check the host name or the /instances/{{name}} prefix of the endpoint.");
            case DataPlaneDecision.ForeignTenant:
                throw new AdtException(AdtErrorKind.NotFound, AdtErrorCodes.SubDomainNotFound, "Sub-Domain not found.");
            case DataPlaneDecision.Forbidden:
                throw new AdtException(AdtErrorKind.Forbidden, AdtErrorCodes.Forbidden,
                    $"The principal '{principal.ObjectId}' has no role assignment on this Digital Twins instance that grants '{action}'. Assign it a role such as Azure Digital Twins Data Owner or Azure Digital Twins Data Reader on the instance, its resource group or its subscription.");
            default:
                break;
        }
    }

    private static List<string> Segments(HttpContext context, int skip)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var routed = context.Request.Path.Value ?? "/";
        var routedSegments = routed.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (raw is { Length: > 0 } && raw[0] == '/')
        {
            var query = raw.IndexOf('?', StringComparison.Ordinal);
            var rawPath = query < 0 ? raw : raw[..query];
            var rawSegments = rawPath.Split('/', StringSplitOptions.RemoveEmptyEntries);
            // Kestrel removes dot segments from the routed path; if it did, trust the routed path instead.
            if (Math.Max(rawSegments.Length - skip, 0) == routedSegments.Length)
            {
                return Unescaped(rawSegments, Math.Min(skip, rawSegments.Length));
            }
        }

        return Unescaped(routedSegments, 0);
    }

    // Every data-plane request comes through here: a plain loop, not LINQ's Skip/ToList/Select chain.
    private static List<string> Unescaped(string[] segments, int from)
    {
        var list = new List<string>(segments.Length - from);
        for (var i = from; i < segments.Length; i++)
        {
            list.Add(Uri.UnescapeDataString(segments[i]));
        }

        return list;
    }

    private static Task ChallengeAsync(HttpContext context, AuthenticateResult authentication)
    {
        var hasToken = context.Request.Headers.Authorization.Any(v => v is not null && v.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase));
        var message = hasToken ? DataPlaneAuthentication.Describe(authentication.Failure) : "The request has no bearer token; send Authorization: Bearer <token> with a token for https://digitaltwins.azure.net.";
        context.Response.Headers.WWWAuthenticate = hasToken
            ? $"Bearer error=\"invalid_token\", error_description=\"{message.Replace("\"", "'", StringComparison.Ordinal)}\""
            : "Bearer";
        return AdtResponses.WriteErrorAsync(context, new AdtException(AdtErrorKind.Unauthorized, AdtErrorCodes.Unauthorized, message));
    }

    private void CheckApiVersion(HttpContext context)
    {
        if (options.SkipApiVersionCheck)
        {
            return;
        }

        var values = context.Request.Query["api-version"];
        if (values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            throw new AdtException(AdtErrorKind.BadRequest, AdtErrorCodes.MissingApiVersionParameter,
                "The api-version query parameter (?api-version=) is required for all requests.");
        }

        if (values.Count > 1 || !DataPlaneOptions.SupportedApiVersions.Contains(values[0], StringComparer.Ordinal))
        {
            throw new AdtException(AdtErrorKind.BadRequest, AdtErrorCodes.InvalidApiVersionParameter,
                $"The api-version '{values}' is invalid. The supported versions are '{string.Join(",", DataPlaneOptions.SupportedApiVersions)}'.");
        }
    }

    [LoggerMessage(EventId = 6301, Level = LogLevel.Error, Message = "Data-plane request {Method} {Path} failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 6302, Level = LogLevel.Warning, Message = "Data-plane request refused with 503: the store is unavailable ({Failure}): {Reason}")]
    private static partial void LogStoreUnavailable(ILogger logger, StoreFailure failure, string reason);
}
