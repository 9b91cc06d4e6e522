using System.Text;
using System.Text.Encodings.Web;
using Doppel.Identity.Tokens;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using OpenIddict.Abstractions;

namespace Doppel.Identity.Hosting;

/// <summary>
/// The authorization endpoint's sign-in page: a plain server-rendered form in the portal's look that posts the
/// authorization request's parameters back with the user name, password and a CSRF token. No scripts, no frames.
/// </summary>
internal static class SignInPage
{
    /// <summary>The form field that marks a submission of this page.</summary>
    public const string SubmitField = "doppel_signin";

    private static readonly HashSet<string> NotEchoed = new(StringComparer.Ordinal)
    {
        SubmitField, "username", "password", "__csrf", ConsentPage.SubmitField, ConsentPage.TicketField, ConsentPage.OrganizationField,
    };

    /// <summary>The authorization request's own parameters, which the page's forms post back.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Echoed(OpenIddictRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var (name, value) in request.GetParameters())
        {
            if (!NotEchoed.Contains(name) && value.ToString() is { } text)
            {
                yield return new(name, text);
            }
        }
    }

    public static async Task RenderAsync(HttpContext http, IAntiforgery antiforgery, TenantRequest tenant, OpenIddictRequest request, string? userName, string? problem, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var html = HtmlEncoder.Default;
        var hidden = new StringBuilder();
        foreach (var (name, text) in Echoed(request))
        {
            hidden.Append("<input type=\"hidden\" name=\"").Append(html.Encode(name)).Append("\" value=\"").Append(html.Encode(text)).Append("\">\n");
        }

        var page = $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Sign in - Doppel</title>
            <style>body{font-family:"Segoe UI",system-ui,sans-serif;background:#f3f2f1;margin:0}main{max-width:420px;margin:8vh auto;background:#fff;padding:32px 40px;box-shadow:0 2px 6px rgba(0,0,0,.2)}h1{font-size:24px;font-weight:600}label{display:block;margin-top:16px;font-size:14px}input{width:100%;box-sizing:border-box;padding:6px 8px;margin-top:4px;border:1px solid #8a8886;font-size:15px}.problem{color:#a4262c;margin-top:12px}button{margin-top:24px;padding:8px 20px;border:0;font-size:14px;background:#0078d4;color:#fff;cursor:pointer}</style>
            </head><body><main>
            <h1>Sign in</h1>
            <p>{{html.Encode(tenant.Tenant.DisplayName)}} ({{html.Encode(tenant.Tenant.Domain)}})</p>
            {{(problem is null ? string.Empty : $"<p class=\"problem\" role=\"alert\">{html.Encode(problem)}</p>")}}
            <form method="post" autocomplete="off">
            {{hidden}}<input type="hidden" name="{{html.Encode(tokens.FormFieldName)}}" value="{{html.Encode(tokens.RequestToken ?? string.Empty)}}">
            <input type="hidden" name="{{SubmitField}}" value="1">
            <label>User name<input name="username" type="email" autocomplete="username" value="{{html.Encode(userName ?? string.Empty)}}" required autofocus></label>
            <label>Password<input name="password" type="password" autocomplete="current-password" required></label>
            <button type="submit">Sign in</button>
            </form></main></body></html>
            """;
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["X-Frame-Options"] = "DENY";
        http.Response.Headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";
        await http.Response.WriteAsync(page).ConfigureAwait(false);
    }
}
