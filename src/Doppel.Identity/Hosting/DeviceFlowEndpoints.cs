using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using Doppel.Identity.Directory;
using Doppel.Identity.Tokens;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Doppel.Identity.Hosting;

/// <summary>
/// The device-code flow's two HTTP ends: <c>POST /{tenant}/oauth2/v2.0/devicecode</c> (the client starts it) and
/// <c>/{tenant}/devicelogin</c> (the person enters the code and signs in, on a server-rendered page with CSRF
/// protection). The client then polls the token endpoint with <c>grant_type=device_code</c>.
/// </summary>
internal static class DeviceFlowEndpoints
{
    public const string StartPath = "oauth2/v2.0/devicecode";
    public const string PagePath = "devicelogin";

    public static async Task StartAsync(HttpContext context, TenantRequest tenant)
    {
        if (!HttpMethods.IsPost(context.Request.Method) || !context.Request.HasFormContentType)
        {
            await IdentityEndpointsMiddleware.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "invalid_request",
                "AADSTS900561: The endpoint only accepts POST requests with application/x-www-form-urlencoded bodies.").ConfigureAwait(false);
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var clientId = form["client_id"].ToString();
        var scope = form["scope"].ToString();
        var services = context.RequestServices;
        var directory = services.GetRequiredService<DirectoryService>();
        var tenantId = tenant.Tenant.Id;
        EntraErrors.Refusal? refusal = null;
        if (clientId.Length == 0)
        {
            refusal = EntraErrors.MissingParameter("client_id");
        }
        else if (scope.Length == 0)
        {
            refusal = EntraErrors.MissingParameter("scope");
        }
        else
        {
            var isCli = string.Equals(clientId, BuiltInApis.Cli.AppId, StringComparison.OrdinalIgnoreCase);
            var app = isCli ? null : await directory.FindApplicationAsync(tenantId, clientId, context.RequestAborted).ConfigureAwait(false);
            if (!isCli && (app is null || !string.Equals(app.AppId, clientId, StringComparison.OrdinalIgnoreCase)
                || await directory.FindServicePrincipalAsync(tenantId, clientId, context.RequestAborted).ConfigureAwait(false) is null))
            {
                refusal = EntraErrors.ClientNotFound(clientId, tenantId);
            }
            else if (!isCli && app!.IsFallbackPublicClient != true)
            {
                refusal = EntraErrors.PublicClientRequired(clientId);
            }
            else
            {
                var resources = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(s => !TokenIssuance.OidcScopes.Contains(s)).Select(TokenIssuance.ParseScope).ToList();
                if (resources.Select(r => r.Resource.TrimEnd('/')).Distinct(StringComparer.OrdinalIgnoreCase).Count() > 1)
                {
                    refusal = EntraErrors.TwoResources();
                }
                else if (resources.Count > 0 && await services.GetRequiredService<TokenIssuance>().ResolveResourceAsync(tenantId, resources[0].Resource, tenant.Origin, context.RequestAborted).ConfigureAwait(false) is null)
                {
                    refusal = EntraErrors.ResourceNotFound(resources[0].Resource, tenantId);
                }
            }
        }

        if (refusal is { } r)
        {
            await IdentityEndpointsMiddleware.WriteErrorAsync(context, r.Error == "invalid_client" ? StatusCodes.Status401Unauthorized : StatusCodes.Status400BadRequest, r.Error, r.Description).ConfigureAwait(false);
            return;
        }

        var (deviceCode, userCode, expiresIn, interval) = await services.GetRequiredService<DeviceCodes>().StartAsync(tenantId, clientId, scope, context.RequestAborted).ConfigureAwait(false);
        var verification = $"{tenant.Origin}/{tenant.Tenant.Domain}/{PagePath}";
        var body = new JsonObject
        {
            ["user_code"] = userCode,
            ["device_code"] = deviceCode,
            ["verification_uri"] = verification,
            ["expires_in"] = expiresIn,
            ["interval"] = interval,
            ["message"] = $"To sign in, use a web browser to open the page {verification} and enter the code {userCode} to authenticate.",
        };
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(body.ToJsonString()).ConfigureAwait(false);
    }

    public static async Task PageAsync(HttpContext context, TenantRequest tenant)
    {
        var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
        if (HttpMethods.IsGet(context.Request.Method))
        {
            await RenderAsync(context, antiforgery, tenant, context.Request.Query["code"].ToString(), null, StatusCodes.Status200OK).ConfigureAwait(false);
            return;
        }

        if (!HttpMethods.IsPost(context.Request.Method) || !context.Request.HasFormContentType)
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        if (!await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
        {
            await RenderAsync(context, antiforgery, tenant, string.Empty, "The form expired or did not come from this page. Please try again.", StatusCodes.Status400BadRequest).ConfigureAwait(false);
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        if (ConsentPage.IsSubmission(context.Request))
        {
            await ConsentSubmittedAsync(context, antiforgery, tenant).ConfigureAwait(false);
            return;
        }

        var userCode = form["user_code"].ToString();
        var deviceCodes = context.RequestServices.GetRequiredService<DeviceCodes>();
        var directory = context.RequestServices.GetRequiredService<DirectoryService>();
        var tenantId = tenant.Tenant.Id;
        if (await deviceCodes.FindPendingAsync(tenantId, userCode, context.RequestAborted).ConfigureAwait(false) is not { } pending)
        {
            await RenderAsync(context, antiforgery, tenant, userCode, "That code is unknown or has expired. Check the code on your device.", StatusCodes.Status400BadRequest).ConfigureAwait(false);
            return;
        }

        if (form["decline"].Count > 0)
        {
            await deviceCodes.DecideAsync(tenantId, userCode, null, context.RequestAborted).ConfigureAwait(false);
            await DoneAsync(context, "You declined the sign-in. You can close this window.").ConfigureAwait(false);
            return;
        }

        var signIn = await directory.SignInAsync(tenantId, form["username"].ToString(), form["password"].ToString(), context.RequestAborted).ConfigureAwait(false);
        var problem = signIn.Outcome switch
        {
            SignInOutcome.Succeeded => null,
            SignInOutcome.LockedOut => "Your account is locked because of too many failed sign-ins. Try again later.",
            SignInOutcome.Disabled => "Your account is disabled.",
            _ => "Your user name or password is incorrect.",
        };
        if (problem is not null)
        {
            await RenderAsync(context, antiforgery, tenant, userCode, problem, StatusCodes.Status400BadRequest).ConfigureAwait(false);
            return;
        }

        var user = signIn.User!;
        var consent = context.RequestServices.GetRequiredService<DelegatedConsent>();
        if (await consent.PromptForAsync(tenant, pending.ClientId, Scopes(pending.Scope), user, false, context.RequestAborted).ConfigureAwait(false) is { } prompt)
        {
            var ticket = ConsentPage.Protect(context, new ConsentTicket(tenantId, user.Id, pending.ClientId, pending.Scope, DeviceCodes.Normalize(userCode)));
            await ConsentPage.RenderAsync(context, antiforgery, prompt, user, ticket, [new("user_code", userCode)]).ConfigureAwait(false);
            return;
        }

        await deviceCodes.DecideAsync(tenantId, userCode, user.Id, context.RequestAborted).ConfigureAwait(false);
        await DoneAsync(context, "You have signed in on your device. You can close this window.").ConfigureAwait(false);
    }

    /// <summary>Accept or Cancel on the consent prompt after a device sign-in; the ticket must be for this code, still pending.</summary>
    private static async Task ConsentSubmittedAsync(HttpContext context, IAntiforgery antiforgery, TenantRequest tenant)
    {
        var userCode = context.Request.Form["user_code"].ToString();
        var tenantId = tenant.Tenant.Id;
        var deviceCodes = context.RequestServices.GetRequiredService<DeviceCodes>();
        var ticket = ConsentPage.Read(context);
        var pending = await deviceCodes.FindPendingAsync(tenantId, userCode, context.RequestAborted).ConfigureAwait(false);
        if (ticket is null || pending is not { } p || ticket.TenantId != tenantId || ticket.Binding != DeviceCodes.Normalize(userCode)
            || ticket.ClientId != p.ClientId || ticket.Scope != p.Scope)
        {
            await RenderAsync(context, antiforgery, tenant, userCode, "The form expired or the code is no longer pending. Please try again.", StatusCodes.Status400BadRequest).ConfigureAwait(false);
            return;
        }

        if (!ConsentPage.Accepted(context.Request))
        {
            await deviceCodes.DecideAsync(tenantId, userCode, null, context.RequestAborted, consentDeclined: true).ConfigureAwait(false);
            await DoneAsync(context, "You declined the permissions the app asked for. You can close this window.").ConfigureAwait(false);
            return;
        }

        var user = await context.RequestServices.GetRequiredService<DirectoryService>().FindUserAsync(tenantId, ticket.UserId, context.RequestAborted).ConfigureAwait(false);
        if (user is not { AccountEnabled: true })
        {
            await RenderAsync(context, antiforgery, tenant, userCode, "Your account is disabled.", StatusCodes.Status400BadRequest).ConfigureAwait(false);
            return;
        }

        var consent = context.RequestServices.GetRequiredService<DelegatedConsent>();
        if (await consent.PromptForAsync(tenant, p.ClientId, Scopes(p.Scope), user, false, context.RequestAborted).ConfigureAwait(false) is { } prompt)
        {
            var forOrganization = context.Request.Form[ConsentPage.OrganizationField].ToString() == "1";
            await consent.RecordAsync(tenantId, prompt, user, forOrganization, context.RequestAborted).ConfigureAwait(false);
        }

        await deviceCodes.DecideAsync(tenantId, userCode, user.Id, context.RequestAborted).ConfigureAwait(false);
        await DoneAsync(context, "You have signed in on your device. You can close this window.").ConfigureAwait(false);
    }

    private static string[] Scopes(string scope) => scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static async Task RenderAsync(HttpContext context, IAntiforgery antiforgery, TenantRequest tenant, string userCode, string? problem, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var html = HtmlEncoder.Default;
        var page = $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Sign in to your device - Doppel</title>
            <style>body{font-family:"Segoe UI",system-ui,sans-serif;background:#f3f2f1;margin:0}main{max-width:420px;margin:8vh auto;background:#fff;padding:32px 40px;box-shadow:0 2px 6px rgba(0,0,0,.2)}h1{font-size:24px;font-weight:600}label{display:block;margin-top:16px;font-size:14px}input{width:100%;box-sizing:border-box;padding:6px 8px;margin-top:4px;border:1px solid #8a8886;font-size:15px}.problem{color:#a4262c;margin-top:12px}.actions{margin-top:24px;display:flex;gap:8px}button{padding:8px 20px;border:0;font-size:14px;cursor:pointer}.primary{background:#0078d4;color:#fff}.secondary{background:#edebe9}</style>
            </head><body><main>
            <h1>Sign in to your device</h1>
            <p>{{html.Encode(tenant.Tenant.DisplayName)}} ({{html.Encode(tenant.Tenant.Domain)}})</p>
            {{(problem is null ? string.Empty : $"<p class=\"problem\" role=\"alert\">{html.Encode(problem)}</p>")}}
            <form method="post" autocomplete="off">
            <input type="hidden" name="{{html.Encode(tokens.FormFieldName)}}" value="{{html.Encode(tokens.RequestToken ?? string.Empty)}}">
            <label>Code<input name="user_code" value="{{html.Encode(userCode)}}" required autofocus></label>
            <label>User name<input name="username" type="email" autocomplete="username"></label>
            <label>Password<input name="password" type="password" autocomplete="current-password"></label>
            <div class="actions"><button class="primary" type="submit">Sign in</button><button class="secondary" type="submit" name="decline" value="1" formnovalidate>Decline</button></div>
            </form></main></body></html>
            """;
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["X-Frame-Options"] = "DENY";
        context.Response.Headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";
        await context.Response.WriteAsync(page).ConfigureAwait(false);
    }

    private static async Task DoneAsync(HttpContext context, string message)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync($"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Doppel</title></head><body style=\"font-family:'Segoe UI',system-ui,sans-serif\"><main style=\"max-width:420px;margin:8vh auto\"><h1>Doppel</h1><p>{HtmlEncoder.Default.Encode(message)}</p></main></body></html>").ConfigureAwait(false);
    }
}
