using System.Net;
using System.Text.Json.Nodes;
using Bunit;
using Doppel.Portal.Components.Pages.Entra;
using Doppel.Portal.Tests.Support;
using Microsoft.FluentUI.AspNetCore.Components;

namespace Doppel.Portal.Tests;

/// <summary>"Request API permissions": find Azure Digital Twins by name, open "Read (1)", pick Read.Write, add it.</summary>
public sealed class RequestApiPermissionsTests : IDisposable
{
    private const string AdtAppId = "0b07f429-9f4b-4714-9392-cc5e8e80c8b0";
    private const string ReadWriteId = "4589bd03-58cb-4e6c-b17f-b580e39652f8";
    private const string Adt = $$"""
        {"id":"9d9d9d9d-0000-0000-0000-000000000001","appId":"{{AdtAppId}}","displayName":"Azure Digital Twins","appOwnerOrganizationId":null,
         "oauth2PermissionScopes":[{"id":"{{ReadWriteId}}","value":"Read.Write","type":"User","isEnabled":true,"adminConsentDisplayName":"Read and write access to Azure Digital Twins"}],
         "appRoles":[]}
        """;

    private readonly PortalTestContext context = new();

    public RequestApiPermissionsTests()
    {
        context.Api.On(HttpMethod.Get, "/v1.0/servicePrincipals", HttpStatusCode.OK, $$"""{"value":[{{Adt}}]}""");
        context.Api.On(HttpMethod.Get, "/v1.0/servicePrincipals?$search=\"displayName:digital twins\"", HttpStatusCode.OK, $$"""{"value":[{{Adt}}]}""");
    }

    public void Dispose() => context.Dispose();

    [Fact]
    public async Task Searching_APIs_my_organization_uses_lists_the_API_with_its_client_id_and_adding_Read_Write_merges_it()
    {
        JsonArray? added = null;
        var existing = JsonNode.Parse("""[{"resourceAppId":"00000003-0000-0000-c000-000000000000","resourceAccess":[{"id":"e1fe6dd8-ba31-4d61-89e7-88639da4683d","type":"Scope"}]}]""")!.AsArray();
        var panel = context.Bunit.Render<RequestApiPermissions>(p => p
            .Add(c => c.RequiredResourceAccess, existing)
            .Add(c => c.OnAdd, (JsonArray value) => added = value));

        panel.Find("fluent-tabs").TriggerEvent("ontabchange", new TabChangeEventArgs { ActiveId = "organization" });
        panel.WaitForElement("[data-test='api-search']").Input("digital twins");
        panel.WaitForAssertion(() => Assert.Equal(AdtAppId, panel.Find("tr[data-api='Azure Digital Twins'] [data-field='Application (client) ID']").TextContent));
        panel.Find("tr[data-api='Azure Digital Twins'] fluent-button").Click();
        panel.Find("[data-test='permission-group-Read']").Click();
        Assert.Contains("Read (1)", panel.Find("[data-test='permission-group-Read']").TextContent, StringComparison.Ordinal);
        // Fluent's checkbox reports its change through the dispatcher, so the event is awaited.
        await panel.Find("[data-test='permission-Read.Write']").TriggerEventAsync("oncheckedchange", new CheckboxChangeEventArgs { Checked = true });
        panel.WaitForAssertion(() => Assert.False(panel.Find("[data-test='add-permissions']").HasAttribute("disabled")));
        panel.Find("[data-test='add-permissions']").Click();

        panel.WaitForAssertion(() => Assert.NotNull(added));
        Assert.Equal(2, added!.Count);
        var adt = added.Single(r => (string?)r!["resourceAppId"] == AdtAppId)!;
        var access = Assert.Single(adt["resourceAccess"]!.AsArray())!;
        Assert.Equal(ReadWriteId, (string?)access["id"]);
        Assert.Equal("Scope", (string?)access["type"]);
    }

    [Fact]
    public void Add_permissions_is_disabled_until_a_permission_is_checked()
    {
        var panel = context.Bunit.Render<RequestApiPermissions>();

        panel.WaitForAssertion(() => panel.Find("tr[data-api='Azure Digital Twins'] fluent-button").Click());

        Assert.True(panel.Find("[data-test='add-permissions']").HasAttribute("disabled"));
    }
}
