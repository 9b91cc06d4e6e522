using System.Net;
using System.Text.Json.Nodes;
using Bunit;
using Doppel.Portal.Components.Pages.Entra;
using Doppel.Portal.Tests.Support;

namespace Doppel.Portal.Tests;

/// <summary>"New user" and "Add a client secret": required fields are checked before anything is sent.</summary>
public sealed class NewUserFormTests : IDisposable
{
    private readonly PortalTestContext context = new();

    public void Dispose() => context.Dispose();

    [Fact]
    public void Create_with_empty_fields_names_each_missing_one_and_sends_nothing()
    {
        var form = context.Bunit.Render<NewUserForm>(p => p.Add(f => f.Domain, "doppel.local"));

        form.Find("[data-test='create-user']").Click();

        Assert.Equal("The user principal name is required.", form.Find("[data-test='upn-error']").TextContent);
        Assert.Equal("The display name is required.", form.Find("[data-test='display-name-error']").TextContent);
        Assert.Equal("The password is required.", form.Find("[data-test='password-error']").TextContent);
        Assert.Empty(context.Api.ApiRequests);
    }

    [Fact]
    public void A_user_principal_name_without_a_domain_is_refused()
    {
        var form = context.Bunit.Render<NewUserForm>();
        form.Find("fluent-text-field#user-upn").Input("ops");

        form.Find("[data-test='create-user']").Click();

        Assert.Equal("The user principal name must be name@domain.", form.Find("[data-test='upn-error']").TextContent);
    }

    [Fact]
    public void Create_posts_the_user_with_its_password_and_reports_its_id()
    {
        JsonObject? posted = null;
        string? created = null;
        context.Api.On(HttpMethod.Post, "/v1.0/users", body =>
        {
            posted = JsonNode.Parse(body!)!.AsObject();
            return (HttpStatusCode.Created, """{"id":"7a60bd8f-4183-443e-b63f-de2c0fa7ecad","userPrincipalName":"ops@doppel.local","displayName":"Ops"}""");
        });
        var form = context.Bunit.Render<NewUserForm>(p => p.Add(f => f.OnCreated, (string id) => created = id));
        form.Find("fluent-text-field#user-upn").Input("ops@doppel.local");
        form.Find("fluent-text-field#user-name").Input("Ops");
        form.Find("fluent-text-field#user-password").Input("Ops-Passw0rd!1");

        form.Find("[data-test='create-user']").Click();

        form.WaitForAssertion(() => Assert.Equal("7a60bd8f-4183-443e-b63f-de2c0fa7ecad", created));
        Assert.Equal("ops@doppel.local", (string?)posted!["userPrincipalName"]);
        Assert.Equal("Ops-Passw0rd!1", (string?)posted["passwordProfile"]!["password"]);
        Assert.True((bool)posted["accountEnabled"]!);
    }

    [Fact]
    public void A_new_client_secret_asks_Graph_for_the_chosen_lifetime_and_hands_back_the_value()
    {
        JsonObject? posted = null;
        JsonObject? added = null;
        context.Api.On(HttpMethod.Post, "/v1.0/applications/app-object/addPassword", body =>
        {
            posted = JsonNode.Parse(body!)!.AsObject();
            return (HttpStatusCode.OK, """{"keyId":"k1","displayName":"ci","hint":"abc","secretText":"abc-secret-value","endDateTime":"2027-12-01T00:00:00Z"}""");
        });
        var form = context.Bunit.Render<NewSecretForm>(p => p.Add(f => f.AppObjectId, "app-object").Add(f => f.OnAdded, (JsonObject c) => added = c));
        form.Find("[data-test='secret-description']").Input("ci");
        form.Find("[data-test='secret-expires']").Change("365");

        form.Find("[data-test='add-client-secret']").Click();

        form.WaitForAssertion(() => Assert.Equal("abc-secret-value", (string?)added?["secretText"]));
        var end = DateTimeOffset.Parse((string)posted!["passwordCredential"]!["endDateTime"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange((end - DateTimeOffset.UtcNow).TotalDays, 364, 366);
        Assert.Equal("ci", (string?)posted["passwordCredential"]!["displayName"]);
    }
}
