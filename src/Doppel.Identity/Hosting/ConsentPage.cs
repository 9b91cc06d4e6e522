using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using Doppel.Identity.Directory;
using Doppel.Identity.Tokens;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Doppel.Identity.Hosting;

/// <summary>
/// The consent prompt ("Permissions requested"), shown after a sign-in on the authorization page or the device-code
/// page when the app asks for delegated permissions the user has not consented to and the user may consent. The
/// form carries a CSRF token and a consent ticket: who signed in, for which client, scopes and request, protected
/// with ASP.NET Core data protection and valid for <see cref="TicketLifetime"/>, so Accept needs no second password
/// and cannot be replayed for another request. No scripts, no frames.
/// </summary>
internal static class ConsentPage
{
    /// <summary>The form field that marks a submission of this page; its value is <c>accept</c> or <c>cancel</c>.</summary>
    public const string SubmitField = "doppel_consent";

    /// <summary>The form field with the protected consent ticket.</summary>
    public const string TicketField = "doppel_consent_ticket";

    /// <summary>The "Consent on behalf of your organization" check box (administrators only).</summary>
    public const string OrganizationField = "consent_org";

    /// <summary>How long the prompt may stay open.</summary>
    public static readonly TimeSpan TicketLifetime = TimeSpan.FromMinutes(10);

    private const string Purpose = "Doppel.Identity.ConsentTicket.v1";

    /// <summary>Whether the request is a submission of this page.</summary>
    public static bool IsSubmission(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.HasFormContentType && request.Form.ContainsKey(SubmitField);

    /// <summary>Whether the submission accepted (the Accept button).</summary>
    public static bool Accepted(HttpRequest request) => string.Equals(request.Form[SubmitField].ToString(), "accept", StringComparison.Ordinal);

    /// <summary>Protects a ticket for the form.</summary>
    public static string Protect(HttpContext http, ConsentTicket ticket)
    {
        var text = new JsonArray(ticket.TenantId, ticket.UserId, ticket.ClientId, ticket.Scope, ticket.Binding).ToJsonString();
        return Protector(http).Protect(text, TicketLifetime);
    }

    /// <summary>The ticket of a submission, or null when it is missing, forged or expired.</summary>
    public static ConsentTicket? Read(HttpContext http)
    {
        var text = http.Request.Form[TicketField].ToString();
        if (text.Length is 0 or > 8192)
        {
            return null;
        }

        try
        {
            var parts = JsonNode.Parse(Protector(http).Unprotect(text))!.AsArray().Select(n => (string?)n ?? string.Empty).ToArray();
            return parts.Length == 5 ? new ConsentTicket(parts[0], parts[1], parts[2], parts[3], parts[4]) : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null; // forged, tampered with, expired, or protected with a key this server does not have
        }
    }

    private static ITimeLimitedDataProtector Protector(HttpContext http) =>
        http.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).ToTimeLimitedDataProtector();

    /// <summary>Renders the prompt; <paramref name="hidden"/> are the fields the form posts back besides the CSRF token and ticket.</summary>
    public static async Task RenderAsync(HttpContext http, IAntiforgery antiforgery, ConsentPrompt prompt, User user, string ticket, IEnumerable<KeyValuePair<string, string>> hidden)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var html = HtmlEncoder.Default;
        var fields = new StringBuilder();
        foreach (var (name, value) in hidden)
        {
            fields.Append("<input type=\"hidden\" name=\"").Append(html.Encode(name)).Append("\" value=\"").Append(html.Encode(value)).Append("\">\n");
        }

        var permissions = new StringBuilder();
        foreach (var permission in prompt.Permissions)
        {
            permissions.Append("<li>").Append(html.Encode(permission.AdminConsentDisplayName ?? permission.Value))
                .Append(" <span class=\"scope\">(").Append(html.Encode(prompt.Resource.DisplayName)).Append(": ").Append(html.Encode(permission.Value)).Append(")</span></li>\n");
        }

        var organization = prompt.OfferOrganization
            ? $"<label class=\"check\"><input type=\"checkbox\" name=\"{OrganizationField}\" value=\"1\"> Consent on behalf of your organization</label>"
            : string.Empty;
        var page = $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Permissions requested - Doppel</title>
            <style>body{font-family:"Segoe UI",system-ui,sans-serif;background:#f3f2f1;margin:0}main{max-width:420px;margin:8vh auto;background:#fff;padding:32px 40px;box-shadow:0 2px 6px rgba(0,0,0,.2)}h1{font-size:24px;font-weight:600}.user{font-size:14px;color:#605e5c}.app{margin-top:16px}.publisher{font-size:13px;color:#605e5c}ul{padding-left:20px}li{margin:6px 0}.scope{font-size:12px;color:#605e5c}.check{display:block;margin-top:16px;font-size:14px}.fine{font-size:12px;color:#605e5c;margin-top:16px}.actions{margin-top:24px;display:flex;gap:8px;justify-content:flex-end}button{padding:8px 20px;border:0;font-size:14px;cursor:pointer}.primary{background:#0078d4;color:#fff}.secondary{background:#edebe9}</style>
            </head><body><main>
            <p class="user">{{html.Encode(user.UserPrincipalName)}}</p>
            <h1>Permissions requested</h1>
            <div class="app"><strong>{{html.Encode(prompt.ClientName)}}</strong><br><span class="publisher">unverified · {{html.Encode(prompt.Publisher.DisplayName)}} ({{html.Encode(prompt.Publisher.Domain)}})</span></div>
            <p>This app would like to:</p>
            <ul>
            {{permissions}}</ul>
            <form method="post" autocomplete="off">
            {{fields}}<input type="hidden" name="{{html.Encode(tokens.FormFieldName)}}" value="{{html.Encode(tokens.RequestToken ?? string.Empty)}}">
            <input type="hidden" name="{{TicketField}}" value="{{html.Encode(ticket)}}">
            {{organization}}
            <p class="fine">Accepting these permissions means that you allow this app to use your data as specified. An administrator can withdraw the consent (Graph's oauth2PermissionGrants).</p>
            <div class="actions"><button class="secondary" type="submit" name="{{SubmitField}}" value="cancel">Cancel</button><button class="primary" type="submit" name="{{SubmitField}}" value="accept" autofocus>Accept</button></div>
            </form></main></body></html>
            """;
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["X-Frame-Options"] = "DENY";
        http.Response.Headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";
        await http.Response.WriteAsync(page).ConfigureAwait(false);
    }
}

/// <summary>What a consent form stands for: the signed-in user, the client and scopes, and the request it belongs to.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="UserId">The user who signed in.</param>
/// <param name="ClientId">The client's app id.</param>
/// <param name="Scope">The scopes asked for, as in the request.</param>
/// <param name="Binding">The request: its redirect URI and PKCE challenge, or the device flow's user code.</param>
internal sealed record ConsentTicket(string TenantId, string UserId, string ClientId, string Scope, string Binding);
