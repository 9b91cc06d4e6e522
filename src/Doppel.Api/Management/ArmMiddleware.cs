using Doppel.Api.Authentication;
using Doppel.Api.Hosting;
using Doppel.Management;
using Doppel.Management.Access;
using Doppel.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Doppel.Api.Management;

/// <summary>
/// The front door of the control plane, for requests under <c>/subscriptions</c> and <c>/providers</c> that are not
/// for an instance's data plane: bearer authentication for the ARM audience (401 with ARM's codes), the caller as a
/// <see cref="Principal"/> feature, and the one place where control-plane exceptions become ARM's error envelope.
/// </summary>
public sealed partial class ArmMiddleware(RequestDelegate next, ILogger<ArmMiddleware> logger)
{
    /// <summary>The authentication scheme of the control plane.</summary>
    public const string Scheme = "ManagementBearer";

    /// <summary>Runs the middleware.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Features.Get<DataPlaneRequest>() is not null || !IsArmPath(context.Request.Path))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        try
        {
            var authentication = await context.AuthenticateAsync(Scheme).ConfigureAwait(false);
            if (!authentication.Succeeded)
            {
                var hasToken = context.Request.Headers.Authorization.Any(v => v is not null && v.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase));
                context.Response.Headers.WWWAuthenticate = hasToken ? "Bearer error=\"invalid_token\"" : "Bearer";
                await (hasToken
                    ? ArmResponses.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, ManagementErrorCodes.InvalidAuthenticationToken,
                        $"The access token is invalid: {DataPlaneAuthentication.Describe(authentication.Failure).Replace("https://digitaltwins.azure.net or 0b07f429-9f4b-4714-9392-cc5e8e80c8b0", "https://management.azure.com/", StringComparison.Ordinal)}")
                    : ArmResponses.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, ManagementErrorCodes.AuthenticationFailed,
                        "Authentication failed. The 'Authorization' header is missing.")).ConfigureAwait(false);
                return;
            }

            var principal = PrincipalClaims.From(authentication.Principal);
            if (principal is null)
            {
                await ArmResponses.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, ManagementErrorCodes.InvalidAuthenticationToken,
                    "The access token has no 'oid' (or 'sub') claim naming the caller.").ConfigureAwait(false);
                return;
            }

            context.User = authentication.Principal!;
            context.Features.Set(principal);
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (ManagementException error) when (!context.Response.HasStarted)
            {
                await ArmResponses.WriteErrorAsync(context, ArmResponses.StatusOf(error.Kind), error.Code, error.Message).ConfigureAwait(false);
            }

            await RecordAsync(context, principal).ConfigureAwait(false);
            if (!context.Response.HasStarted && context.GetEndpoint() is null)
            {
                if (context.Response.StatusCode == StatusCodes.Status404NotFound)
                {
                    await ArmResponses.WriteErrorAsync(context, StatusCodes.Status404NotFound, ManagementErrorCodes.NotFound,
                        $"Doppel's control plane has no resource at {context.Request.Path}.").ConfigureAwait(false);
                }
                else if (context.Response.StatusCode == StatusCodes.Status405MethodNotAllowed)
                {
                    await ArmResponses.WriteErrorAsync(context, StatusCodes.Status405MethodNotAllowed, ManagementErrorCodes.MethodNotAllowed,
                        $"The method {context.Request.Method} is not allowed on this resource.").ConfigureAwait(false);
                }
            }
        }
        catch (ManagementException error) when (!context.Response.HasStarted)
        {
            await ArmResponses.WriteErrorAsync(context, ArmResponses.StatusOf(error.Kind), error.Code, error.Message).ConfigureAwait(false);
        }
        catch (StoreUnavailableException ex) when (!context.Response.HasStarted)
        {
            LogStoreUnavailable(logger, ex.Failure, ex.Message);
            await ArmResponses.WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, ManagementErrorCodes.ServiceUnavailable,
                "The store is not available right now; try again.").ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            await ArmResponses.WriteErrorAsync(context, ex.StatusCode, ManagementErrorCodes.InvalidRequestContent, $"The request could not be read: {ex.Message}").ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
#pragma warning disable CA1031 // The edge of the control plane: anything unexpected becomes a 500 envelope and a log line.
        catch (Exception ex) when (!context.Response.HasStarted)
#pragma warning restore CA1031
        {
            LogUnexpected(logger, ex, context.Request.Method, context.Request.Path.Value ?? "/");
            context.Response.Clear();
            await ArmResponses.WriteErrorAsync(context, StatusCodes.Status500InternalServerError, ManagementErrorCodes.InternalServerError,
                "An unexpected error occurred; the server log has the details.").ConfigureAwait(false);
        }
    }

    /// <summary>Writes a PUT, PATCH or DELETE under a subscription to its activity log, whatever its result.</summary>
    private async Task RecordAsync(HttpContext context, Principal principal)
    {
        var method = context.Request.Method;
        var isWrite = HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);
        var segments = (context.Request.Path.Value ?? string.Empty).Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (!isWrite || segments.Length < 3 || context.RequestServices.GetService(typeof(ManagementService)) is not ManagementService service)
        {
            return;
        }

        try
        {
            var asynchronous = context.Response.StatusCode == StatusCodes.Status202Accepted || context.Response.Headers.ContainsKey("Azure-AsyncOperation");
            await service.RecordActivityAsync(principal, segments[1], ActivityOperation.Of(method, segments), context.Request.Path.Value!, context.Response.StatusCode, asynchronous, context.RequestAborted).ConfigureAwait(false);
        }
        catch (StoreUnavailableException ex)
        {
            // The write itself is done and answered; a lost log entry must not turn it into an error.
            LogStoreUnavailable(logger, ex.Failure, ex.Message);
        }
    }

    /// <summary>Whether a path belongs to the control plane.</summary>
    public static bool IsArmPath(PathString path) =>
        path.StartsWithSegments("/subscriptions", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/providers", StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(EventId = 6401, Level = LogLevel.Error, Message = "Control-plane request {Method} {Path} failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 6402, Level = LogLevel.Warning, Message = "Control-plane request refused with 503: the store is unavailable ({Failure}): {Reason}")]
    private static partial void LogStoreUnavailable(ILogger logger, StoreFailure failure, string reason);
}
