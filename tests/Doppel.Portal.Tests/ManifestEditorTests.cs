using System.Net;
using System.Text.Json.Nodes;
using Bunit;
using Doppel.Portal.Components.Pages.Entra;
using Doppel.Portal.Tests.Support;

namespace Doppel.Portal.Tests;

/// <summary>The manifest editor: bad JSON never leaves the page, and Save sends only what changed.</summary>
public sealed class ManifestEditorTests : IDisposable
{
    private const string AppObjectId = "0f0f0f0f-1111-2222-3333-444444444444";
    private readonly PortalTestContext context = new();

    public void Dispose() => context.Dispose();

    private static JsonObject Manifest() => JsonNode.Parse("""
        {"id":"0f0f0f0f-1111-2222-3333-444444444444","appId":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee","displayName":"device-app","signInAudience":"AzureADMyOrg",
         "isFallbackPublicClient":null,"publicClient":{"redirectUris":["http://localhost"]},"requiredResourceAccess":[],"passwordCredentials":[]}
        """)!.AsObject();

    private IRenderedComponent<ManifestEditor> Render(JsonObject manifest) =>
        context.Bunit.Render<ManifestEditor>(p => p.Add(e => e.Manifest, manifest).Add(e => e.AppObjectId, AppObjectId));

    private static void Edit(IRenderedComponent<ManifestEditor> editor, string text) => editor.Find("[data-test='manifest-editor']").Input(text);

    private static void Save(IRenderedComponent<ManifestEditor> editor) => editor.Find("[data-test='save-manifest']").Click();

    [Fact]
    public void The_editor_shows_the_manifest_as_indented_JSON()
    {
        var editor = Render(Manifest());

        var text = editor.Find("[data-test='manifest-editor']").GetAttribute("value") ?? editor.Find("[data-test='manifest-editor']").TextContent;

        Assert.Contains("\"requiredResourceAccess\": []", text, StringComparison.Ordinal);
        Assert.Contains("\n  \"displayName\": \"device-app\"", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"displayName\": \"x\",}")]
    [InlineData("{\"displayName\": \"x\"")]
    [InlineData("not json")]
    public void Invalid_JSON_is_refused_inline_and_nothing_is_sent(string text)
    {
        var editor = Render(Manifest());
        Edit(editor, text);

        Save(editor);

        Assert.Contains("The manifest is not valid JSON", editor.Find("[data-test='manifest-error']").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(context.Api.ApiRequests, r => r.Method == HttpMethod.Patch);
    }

    [Fact]
    public void A_JSON_value_that_is_not_an_object_is_refused()
    {
        var editor = Render(Manifest());
        Edit(editor, "[1, 2]");

        Save(editor);

        Assert.Contains("must be a JSON object", editor.Find("[data-test='manifest-error']").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(context.Api.ApiRequests, r => r.Method == HttpMethod.Patch);
    }

    [Fact]
    public void Save_patches_only_the_properties_that_changed()
    {
        string? patched = null;
        context.Api.On(HttpMethod.Patch, $"/v1.0/applications/{AppObjectId}", body => { patched = body; return (HttpStatusCode.NoContent, null); });
        var manifest = Manifest();
        var edited = manifest.DeepClone().AsObject();
        edited["isFallbackPublicClient"] = true;
        edited["requiredResourceAccess"] = JsonNode.Parse("""[{"resourceAppId":"0b07f429-9f4b-4714-9392-cc5e8e80c8b0","resourceAccess":[{"id":"4589bd03-58cb-4e6c-b17f-b580e39652f8","type":"Scope"}]}]""");
        var editor = Render(manifest);
        Edit(editor, edited.ToJsonString());

        Save(editor);

        editor.WaitForAssertion(() => Assert.NotNull(patched));
        var body = JsonNode.Parse(patched!)!.AsObject();
        Assert.Equal(["isFallbackPublicClient", "requiredResourceAccess"], body.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.True((bool)body["isFallbackPublicClient"]!);
        editor.WaitForAssertion(() => Assert.NotEmpty(editor.FindAll("[data-test='manifest-saved']")));
    }

    [Fact]
    public void A_refusal_from_Graph_is_shown_inline()
    {
        context.Api.On(HttpMethod.Patch, $"/v1.0/applications/{AppObjectId}", HttpStatusCode.BadRequest,
            """{"error":{"code":"Request_BadRequest","message":"Property 'appId' cannot be set on an application here."}}""");
        var edited = Manifest();
        edited["appId"] = "bbbbbbbb-bbbb-cccc-dddd-eeeeeeeeeeee";
        var editor = Render(Manifest());
        Edit(editor, edited.ToJsonString());

        Save(editor);

        editor.WaitForAssertion(() => Assert.Contains("Property 'appId' cannot be set on an application here.", editor.Markup, StringComparison.Ordinal));
        Assert.Empty(editor.FindAll("[data-test='manifest-saved']"));
    }
}
