using System.Security.Claims;
using Doppel.Identity.Directory;
using Doppel.Identity.Hosting;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Doppel.Identity.Tokens;

/// <summary>
/// Validates authorization requests (degraded mode leaves it to us): the client must exist in the tenant and the
/// redirect URI must be one of its registered ones exactly, except that a loopback <c>http://localhost</c> URI may use
/// any port (RFC 8252). An invalid redirect URI is never redirected to. PKCE is required by OpenIddict's options.
/// </summary>
public sealed class ValidateAuthorizationRequestHandler(DirectoryService directory) : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
{
    /// <summary>Runs before OpenIddict would trust the redirect URI for error responses.</summary>
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
            .UseSingletonHandler<ValidateAuthorizationRequestHandler>()
            .SetOrder(int.MinValue + 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <inheritdoc />
    public async ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var tenant = TransactionTenant.Of(context.Transaction);
        var clientId = context.Request.ClientId;
        var redirect = context.Request.RedirectUri;
        if (string.IsNullOrEmpty(clientId))
        {
            context.Reject(Errors.InvalidRequest, "AADSTS900144: The request body must contain the following parameter: 'client_id'.");
            return;
        }

        var firstParty = BuiltInApis.FindFirstParty(clientId);
        var app = firstParty is not null ? null : await directory.FindApplicationAsync(tenant.Tenant.Id, clientId, context.CancellationToken).ConfigureAwait(false);
        if (firstParty is null && (app is null || !string.Equals(app.AppId, clientId, StringComparison.OrdinalIgnoreCase)))
        {
            context.Reject(Errors.UnauthorizedClient, EntraErrors.ClientNotFound(clientId, tenant.Tenant.Id).Description);
            return;
        }

        IEnumerable<string> registered = app is null
            ? firstParty!.RedirectUris(tenant.Origin)
            : [.. app.PublicClient.RedirectUris, .. app.Web.RedirectUris, .. app.Spa.RedirectUris];
        if (string.IsNullOrEmpty(redirect) || !registered.Any(r => RedirectMatches(r, redirect)))
        {
            context.Reject(Errors.InvalidRequest,
                $"AADSTS50011: The redirect URI '{redirect}' specified in the request does not match the redirect URIs configured for the application '{clientId}'.");
            return;
        }

        context.SetRedirectUri(redirect);
    }

    /// <summary>Exact match, or for loopback <c>http</c> URIs the same path on any port.</summary>
    public static bool RedirectMatches(string registered, string requested)
    {
        ArgumentNullException.ThrowIfNull(registered);
        if (string.Equals(registered, requested, StringComparison.Ordinal))
        {
            return true;
        }

        return Uri.TryCreate(registered, UriKind.Absolute, out var r) && Uri.TryCreate(requested, UriKind.Absolute, out var q)
            && r.Scheme == Uri.UriSchemeHttp && q.Scheme == Uri.UriSchemeHttp && r.IsLoopback && q.IsLoopback
            && string.Equals(r.Host, q.Host, StringComparison.OrdinalIgnoreCase)
            && string.Equals(r.AbsolutePath, q.AbsolutePath, StringComparison.Ordinal)
            && q.Query.Length == 0 && q.Fragment.Length == 0 && q.UserInfo.Length == 0;
    }
}

/// <summary>
/// The authorization endpoint's sign-in: shows Doppel's sign-in page (server-rendered, CSRF-protected) until the
/// person signs in with the right password, then, when the app asks for delegated permissions the user has not
/// consented to and may consent to, the consent prompt (<see cref="ConsentPage"/>); then signs the user in so
/// OpenIddict issues the code and redirects. Cancel on the prompt redirects with <c>access_denied</c>
/// (<c>AADSTS65004</c>). There is no single-sign-on session: every authorization asks for the password (or fails with
/// <c>login_required</c> for <c>prompt=none</c>).
/// </summary>
public sealed class HandleAuthorizationRequestHandler(DirectoryService directory, DelegatedConsent consent) : IOpenIddictServerHandler<HandleAuthorizationRequestContext>
{
    /// <summary>Runs before OpenIddict's own handlers of the event.</summary>
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleAuthorizationRequestContext>()
            .UseSingletonHandler<HandleAuthorizationRequestHandler>()
            .SetOrder(int.MinValue + 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <inheritdoc />
    public async ValueTask HandleAsync(HandleAuthorizationRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.Transaction.GetHttpRequest()?.HttpContext ?? throw new InvalidOperationException("The authorization endpoint needs ASP.NET Core.");
        var tenant = TransactionTenant.Of(context.Transaction);
        if (context.Request.HasPromptValue(PromptValues.None))
        {
            context.Reject(Errors.LoginRequired, "AADSTS50058: A silent sign-in request was sent but no user is signed in.");
            return;
        }

        var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
        if (ConsentPage.IsSubmission(http.Request))
        {
            await ConsentSubmittedAsync(context, http, antiforgery, tenant).ConfigureAwait(false);
            return;
        }

        var isSubmission = Microsoft.AspNetCore.Http.HttpMethods.IsPost(http.Request.Method) && http.Request.HasFormContentType
            && http.Request.Form.ContainsKey(SignInPage.SubmitField);
        if (!isSubmission)
        {
            await SignInPage.RenderAsync(http, antiforgery, tenant, context.Request, context.Request.LoginHint, null, 200).ConfigureAwait(false);
            context.HandleRequest();
            return;
        }

        if (!await antiforgery.IsRequestValidAsync(http).ConfigureAwait(false))
        {
            await SignInPage.RenderAsync(http, antiforgery, tenant, context.Request, null, "The form expired or did not come from this page. Please sign in again.", 400).ConfigureAwait(false);
            context.HandleRequest();
            return;
        }

        var userName = http.Request.Form["username"].ToString();
        var signIn = await directory.SignInAsync(tenant.Tenant.Id, userName, http.Request.Form["password"].ToString(), context.CancellationToken).ConfigureAwait(false);
        var problem = signIn.Outcome switch
        {
            SignInOutcome.Succeeded => null,
            SignInOutcome.LockedOut => "Your account is locked because of too many failed sign-ins. Try again later.",
            SignInOutcome.Disabled => "Your account is disabled.",
            _ => "Your user name or password is incorrect.",
        };
        if (problem is not null)
        {
            await SignInPage.RenderAsync(http, antiforgery, tenant, context.Request, userName, problem, 400).ConfigureAwait(false);
            context.HandleRequest();
            return;
        }

        var user = signIn.User!;
        var prompt = await PromptForAsync(context, tenant, user).ConfigureAwait(false);
        if (prompt is not null)
        {
            var ticket = ConsentPage.Protect(http, new ConsentTicket(tenant.Tenant.Id, user.Id, context.Request.ClientId!, context.Request.Scope ?? string.Empty, Binding(context.Request)));
            await ConsentPage.RenderAsync(http, antiforgery, prompt, user, ticket, SignInPage.Echoed(context.Request)).ConfigureAwait(false);
            context.HandleRequest();
            return;
        }

        SignIn(context, tenant, user);
    }

    /// <summary>Accept or Cancel on the consent prompt: the ticket must be this request's, and the form this server's.</summary>
    private async Task ConsentSubmittedAsync(HandleAuthorizationRequestContext context, Microsoft.AspNetCore.Http.HttpContext http, IAntiforgery antiforgery, TenantRequest tenant)
    {
        var ticket = ConsentPage.Read(http);
        if (!await antiforgery.IsRequestValidAsync(http).ConfigureAwait(false) || ticket is null
            || ticket.TenantId != tenant.Tenant.Id || ticket.ClientId != context.Request.ClientId
            || ticket.Scope != (context.Request.Scope ?? string.Empty) || ticket.Binding != Binding(context.Request))
        {
            await SignInPage.RenderAsync(http, antiforgery, tenant, context.Request, null, "The form expired or did not come from this page. Please sign in again.", 400).ConfigureAwait(false);
            context.HandleRequest();
            return;
        }

        if (!ConsentPage.Accepted(http.Request))
        {
            var declined = EntraErrors.ConsentDeclined();
            context.Reject(declined.Error, declined.Description);
            return;
        }

        var user = await directory.FindUserAsync(tenant.Tenant.Id, ticket.UserId, context.CancellationToken).ConfigureAwait(false);
        if (user is not { AccountEnabled: true })
        {
            await SignInPage.RenderAsync(http, antiforgery, tenant, context.Request, null, "Your account is disabled.", 400).ConfigureAwait(false);
            context.HandleRequest();
            return;
        }

        // What is missing is worked out again: the directory may have changed while the prompt was open.
        if (await PromptForAsync(context, tenant, user).ConfigureAwait(false) is { } prompt)
        {
            var forOrganization = http.Request.Form[ConsentPage.OrganizationField].ToString() == "1";
            await consent.RecordAsync(tenant.Tenant.Id, prompt, user, forOrganization, context.CancellationToken).ConfigureAwait(false);
        }

        SignIn(context, tenant, user);
    }

    private Task<ConsentPrompt?> PromptForAsync(HandleAuthorizationRequestContext context, TenantRequest tenant, User user) =>
        consent.PromptForAsync(tenant, context.Request.ClientId!, context.Request.GetScopes(), user, context.Request.HasPromptValue(PromptValues.Consent), context.CancellationToken);

    /// <summary>What ties a consent ticket to one authorization request: its redirect URI and PKCE challenge.</summary>
    private static string Binding(OpenIddictRequest request) => $"{request.RedirectUri}|{request.CodeChallenge}";

    private static void SignIn(HandleAuthorizationRequestContext context, TenantRequest tenant, User user)
    {
        var identity = new ClaimsIdentity("Doppel", Claims.Name, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, user.Id));
        identity.AddClaim(new Claim("oid", user.Id));
        identity.AddClaim(new Claim("tid", tenant.Tenant.Id));
        identity.AddClaim(new Claim(Claims.Name, user.DisplayName));
        identity.AddClaim(new Claim(Claims.PreferredUsername, user.UserPrincipalName));
        var principal = new ClaimsPrincipal(identity);
        principal.SetScopes(context.Request.GetScopes());
        principal.SetDestinations(_ => [Destinations.IdentityToken]);
        context.SignIn(principal);
    }
}
