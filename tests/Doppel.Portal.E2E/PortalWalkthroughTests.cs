using System.Text.RegularExpressions;
using Doppel.Portal.E2E.Support;
using Microsoft.Playwright;

namespace Doppel.Portal.E2E;

/// <summary>
/// The Azure walkthrough, done in Doppel's portal in a real browser: sign in, create an instance in a new resource
/// group, watch the deployment, read the Overview, be refused a duplicate name, grant the Data Owner role, register
/// an app with the Read.Write permission, and read a twin from a program signed in with that app.
/// </summary>
public sealed partial class PortalWalkthroughTests(PortalServer server) : IClassFixture<PortalServer>
{
    private const string InstanceName = "walkthrough-adt";
    private const string GroupName = "walkthrough-rg";

    [SkippableFact]
    public async Task A_person_does_the_whole_walkthrough_in_the_portal_and_a_program_then_reads_a_twin_with_the_registered_app()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            // The server's certificate comes from Doppel's own CA, which this browser profile does not know.
            IgnoreHTTPSErrors = true,
            ViewportSize = new ViewportSize { Width = 1366, Height = 860 },
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        var steps = new Steps(page, Steps.ArtifactsFolder("portal-e2e"), () => server.Log);

        await steps.RunAsync("sign-in", async () =>
        {
            await page.GotoAsync($"{server.Origin}/portal");
            await page.GetByLabel("User name").FillAsync(PortalServer.AdminName);
            await page.GetByLabel("Password").FillAsync(PortalServer.AdminPassword);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Welcome to Doppel" })).ToBeVisibleAsync();
        });

        await steps.RunAsync("marketplace", async () =>
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Create a resource" }).First.ClickAsync();
            await page.Locator("fluent-search[aria-label='Search services and marketplace'] input").FillAsync("azure digital twins");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create Azure Digital Twins" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Create Azure Digital Twins" })).ToBeVisibleAsync();
        });

        await steps.RunAsync("create-form", async () =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Create new" }).ClickAsync();
            await page.Locator("#new-group-name input").FillAsync(GroupName);
            await page.GetByRole(AriaRole.Button, new() { Name = "OK" }).ClickAsync();
            await Assertions.Expect(page.Locator("#resource-group")).ToContainTextAsync($"(New) {GroupName}");
            await page.Locator("#resource-name input").FillAsync("-bad");
            await Assertions.Expect(page.Locator("[data-test=name-problem]")).ToContainTextAsync("start and end with a letter or a number");
            await page.Locator("#resource-name input").FillAsync(InstanceName);
            await Assertions.Expect(page.Locator("[data-test=name-ok]")).ToBeVisibleAsync();
        });

        await steps.RunAsync("review", async () =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Review + create" }).ClickAsync();
            await Assertions.Expect(page.GetByText("Validation passed")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("[data-test=review-summary]")).ToContainTextAsync(InstanceName);
        });

        await steps.RunAsync("deployment", async () =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator("[data-test=deployment-state]")).ToHaveTextAsync("Your deployment is complete", new() { Timeout = 30_000 });
            await page.Locator("#notifications-bell").ClickAsync();
            await Assertions.Expect(page.GetByText("Deployment succeeded")).ToBeVisibleAsync();
        });

        string hostName = "";
        await steps.RunAsync("overview", async () =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Go to resource" }).First.ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Essentials" })).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("[data-field='Name']")).ToHaveTextAsync(InstanceName);
            await Assertions.Expect(page.Locator("[data-field='Resource group']")).ToHaveTextAsync(GroupName);
            await Assertions.Expect(page.Locator("[data-field='Location']")).ToHaveTextAsync("local");
            await Assertions.Expect(page.Locator("[data-field='Subscription']")).ToHaveTextAsync(PortalServer.SubscriptionId);
            hostName = await page.Locator("[data-field='Host name']").InnerTextAsync();
            Assert.Matches(HostNamePattern(), hostName);
            Assert.Equal($"https://{hostName}", await page.Locator("[data-field='Endpoint']").InnerTextAsync());
        });

        await steps.RunAsync("duplicate-name", async () =>
        {
            await page.GotoAsync($"{server.Origin}/portal/create/digitaltwins");
            await Assertions.Expect(page.Locator("#resource-group")).ToContainTextAsync(GroupName);
            await page.Locator("#resource-name input").FillAsync(InstanceName);
            await Assertions.Expect(page.Locator("[data-test=name-problem]")).ToContainTextAsync("already used in this subscription and location");
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Review + create" })).ToBeDisabledAsync();
        });

        await steps.RunAsync("add-role-assignment", async () =>
        {
            await page.GotoAsync($"{server.Origin}/portal/digitaltwins/{PortalServer.SubscriptionId}/{GroupName}/{InstanceName}/iam");
            await page.GetByRole(AriaRole.Button, new() { Name = "Add role assignment" }).ClickAsync();
            await page.Locator("#role").ClickAsync();
            await page.GetByRole(AriaRole.Option, new() { Name = "Azure Digital Twins Data Owner" }).ClickAsync();
            await page.Locator("fluent-search[aria-label='Select members'] input").FillAsync("admin");
            await page.GetByRole(AriaRole.Button, new() { Name = "Administrator" }).ClickAsync();
            await Assertions.Expect(page.Locator("[data-test=selected-member]")).ToContainTextAsync("Administrator");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
            var row = page.Locator("[data-test=role-assignments] tr", new() { HasText = "Azure Digital Twins Data Owner" });
            await Assertions.Expect(row).ToContainTextAsync("Administrator");
            await Assertions.Expect(row).ToContainTextAsync("This resource");
        });

        await RegisterAnAppAndReadATwinWithItAsync(page, steps);
        await SearchAndDeleteAsync(page, steps);
    }

    /// <summary>
    /// The rest of the walkthrough, in the same browser after the instance exists: register a public client, give it
    /// Azure Digital Twins' Read.Write with admin consent, read its ids, put a model and a twin in the instance through
    /// the explorer, and then let a program with those very ids sign in through the device-code flow (approved in
    /// this browser) and read the twin.
    /// </summary>
    private async Task RegisterAnAppAndReadATwinWithItAsync(IPage page, Steps steps)
    {
        string clientId = "", tenantId = "";
        await steps.RunAsync("register-app", async () =>
        {
            await page.GotoAsync($"{server.Origin}/portal/entra/apps/new");
            await page.Locator("[data-test='app-name'] input").FillAsync("walkthrough-client");
            await page.Locator("[data-test='audience-single']").ClickAsync();
            await page.Locator("[data-test='redirect-platform']").ClickAsync();
            await page.GetByRole(AriaRole.Option, new() { Name = "Public client/native (mobile & desktop)" }).ClickAsync();
            await page.Locator("[data-test='redirect-uri'] input").FillAsync("http://localhost");
            await page.Locator("[data-test='register']").ClickAsync();
            await Assertions.Expect(page.Locator("[data-field='Application (client) ID']")).ToHaveTextAsync(GuidPattern());
            clientId = await page.Locator("[data-field='Application (client) ID']").InnerTextAsync();
            tenantId = await page.Locator("[data-field='Directory (tenant) ID']").InnerTextAsync();
            Assert.Matches(GuidPattern(), tenantId);
        });

        await steps.RunAsync("allow-public-client-flows", async () =>
        {
            await page.Locator("[data-test='app-menu-authentication']").ClickAsync();
            await Assertions.Expect(page.GetByText("http://localhost", new() { Exact = true }).First).ToBeVisibleAsync();
            await page.Locator("[data-test='public-client-flows-yes']").ClickAsync();
            await page.Locator("[data-test='save-authentication']").ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Saved" }).Or(page.GetByText("Successfully"))).ToBeVisibleAsync();
        });

        await steps.RunAsync("api-permissions", async () =>
        {
            await page.Locator("[data-test='app-menu-permissions']").ClickAsync();
            await page.Locator("[data-test='add-a-permission']").ClickAsync();
            await page.GetByRole(AriaRole.Tab, new() { Name = "APIs my organization uses" }).ClickAsync();
            await page.Locator("[data-test='api-search'] input").FillAsync("Azure Digital Twins");
            // The list narrows once the search has run; choosing before that would race the search's refresh.
            await Assertions.Expect(page.Locator("[data-test='api-list'] tbody tr")).ToHaveCountAsync(1);
            var row = page.Locator("tr[data-api='Azure Digital Twins']");
            await Assertions.Expect(row.Locator("[data-field='Application (client) ID']")).ToHaveTextAsync("0b07f429-9f4b-4714-9392-cc5e8e80c8b0");
            await row.Locator("fluent-button").First.ClickAsync();
            await page.Locator("[data-test='delegated-permissions']").ClickAsync();
            await page.Locator("[data-test='permission-group-Read']").ClickAsync();
            await page.Locator("[data-test='request-api-permissions']").GetByRole(AriaRole.Checkbox, new() { Name = "Read.Write" }).ClickAsync();
            await page.Locator("[data-test='add-permissions']").ClickAsync();
            var configured = page.Locator("tr[data-test='permission-Read.Write']");
            await Assertions.Expect(configured).ToBeVisibleAsync();
            await page.Locator("[data-test='grant-admin-consent']").ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Yes" }).ClickAsync();
            await Assertions.Expect(configured.Locator("[data-test='permission-status']")).ToContainTextAsync("Granted for");
        });

        await steps.RunAsync("manifest", async () =>
        {
            await page.Locator("[data-test='app-menu-manifest']").ClickAsync();
            var manifest = page.Locator("[data-test='manifest-editor']");
            await Assertions.Expect(manifest).ToHaveValueAsync(new Regex(@"""requiredResourceAccess""[\s\S]*0b07f429-9f4b-4714-9392-cc5e8e80c8b0[\s\S]*4589bd03-58cb-4e6c-b17f-b580e39652f8"));
            Assert.Contains(clientId, await manifest.InputValueAsync(), StringComparison.Ordinal);
        });

        var instancePages = $"{server.Origin}/portal/digitaltwins/{PortalServer.SubscriptionId}/{GroupName}/{InstanceName}";
        await steps.RunAsync("upload-model", async () =>
        {
            await page.GotoAsync(instancePages + "/models");
            // The input is disabled while the page loads the instance's models; a file chosen then is not uploaded.
            await Assertions.Expect(page.Locator("[data-test='models-table']")).ToContainTextAsync("No models yet");
            await Assertions.Expect(page.Locator("[data-test='model-upload-files']")).ToBeEnabledAsync();
            await page.Locator("[data-test='model-upload-files']").SetInputFilesAsync(new FilePayload
            {
                Name = "room.json",
                MimeType = "application/json",
                Buffer = System.Text.Encoding.UTF8.GetBytes("""
                    {"@context": "dtmi:dtdl:context;3", "@id": "dtmi:walkthrough:Room;1", "@type": "Interface", "displayName": "Room",
                     "contents": [{"@type": "Property", "name": "temperature", "schema": "double"}]}
                    """),
            });
            await Assertions.Expect(page.Locator("[data-test='upload-success']")).ToContainTextAsync("dtmi:walkthrough:Room;1");
        });

        await steps.RunAsync("create-twin", async () =>
        {
            await page.GotoAsync(instancePages + "/twins");
            await page.Locator("[data-test='twin-create']").ClickAsync();
            await page.Locator("[data-test='twin-model']").SelectOptionAsync("dtmi:walkthrough:Room;1");
            await page.Locator("[data-test='twin-id']").FillAsync("room-1");
            await page.Locator("[data-test='prop-temperature']").FillAsync("21.5");
            await page.Locator("[data-test='twin-save']").ClickAsync();
            await Assertions.Expect(page.Locator("[data-test='twin-message']")).ToContainTextAsync("room-1");
        });

        await steps.RunAsync("query", async () =>
        {
            await page.GotoAsync(instancePages + "/query");
            await page.Locator("[data-test='query-text']").FillAsync("SELECT * FROM DIGITALTWINS T WHERE T.temperature > 20");
            await page.GetByRole(AriaRole.Button, new() { Name = "Run query" }).ClickAsync();
            await Assertions.Expect(page.Locator("[data-test='query-results']")).ToContainTextAsync("room-1");
            await Assertions.Expect(page.Locator("[data-test='query-charge']")).ToContainTextAsync("Query charge");
        });

        await steps.RunAsync("graph", async () =>
        {
            await page.GotoAsync(instancePages + "/graph");
            await Assertions.Expect(page.Locator("[data-test='graph-status']")).ToContainTextAsync("1 twin");
        });

        await steps.RunAsync("device-code-program-reads-the-twin", async () =>
        {
            using var http = new Doppel.Server.Tests.Support.TrustingClient(server.CaPath);
            var program = Microsoft.Identity.Client.PublicClientApplicationBuilder.Create(clientId)
                .WithAuthority($"{server.Origin}/{tenantId}", validateAuthority: false)
                .WithInstanceDiscovery(false)
                .WithHttpClientFactory(new HttpFactory(http.Http))
                .Build();
            var codeShown = new TaskCompletionSource<Microsoft.Identity.Client.DeviceCodeResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            var signIn = program.AcquireTokenWithDeviceCode(["https://digitaltwins.azure.net/.default"], code =>
            {
                codeShown.TrySetResult(code);
                return Task.CompletedTask;
            }).ExecuteAsync();
            var shown = await codeShown.Task.WaitAsync(TimeSpan.FromSeconds(30));

            // The person opens the verification page in the same browser and approves the sign-in there.
            await page.GotoAsync(shown.VerificationUrl);
            await page.GetByLabel("Code").FillAsync(shown.UserCode);
            await page.GetByLabel("User name").FillAsync(PortalServer.AdminName);
            await page.GetByLabel("Password").FillAsync(PortalServer.AdminPassword);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            var token = await signIn.WaitAsync(TimeSpan.FromSeconds(60));

            using var request = new HttpRequestMessage(HttpMethod.Get, $"{server.Origin}/instances/{InstanceName}/digitaltwins/room-1?api-version=2023-10-31");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token.AccessToken);
            using var response = await http.Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, body);
            using var twin = System.Text.Json.JsonDocument.Parse(body);
            Assert.Equal("room-1", twin.RootElement.GetProperty("$dtId").GetString());
            Assert.Equal(21.5, twin.RootElement.GetProperty("temperature").GetDouble());
        });
    }

    private async Task SearchAndDeleteAsync(IPage page, Steps steps)
    {
        await steps.RunAsync("global-search", async () =>
        {
            await page.GotoAsync($"{server.Origin}/portal");
            await page.Locator("fluent-search[aria-label='Search resources, services, and docs'] input").FillAsync("walkthrough");
            await page.Locator("fluent-search[aria-label='Search resources, services, and docs'] input").PressAsync("Enter");
            await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Resources" })).ToContainTextAsync(InstanceName);
            await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Resource groups" })).ToContainTextAsync(GroupName);
            await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "App registrations" })).ToContainTextAsync("walkthrough-client");
        });

        await steps.RunAsync("delete-instance", async () =>
        {
            await page.GotoAsync($"{server.Origin}/portal/digitaltwins/{PortalServer.SubscriptionId}/{GroupName}/{InstanceName}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).First.ClickAsync();
            await page.Locator("fluent-dialog").GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
            await page.Locator("#notifications-bell").ClickAsync();
            await Assertions.Expect(page.GetByText("Deleted resource")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await page.GotoAsync($"{server.Origin}/portal/digitaltwins");
            await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Azure Digital Twins instances" })).Not.ToContainTextAsync(InstanceName);
        });
    }

    private sealed class HttpFactory(HttpClient client) : Microsoft.Identity.Client.IMsalHttpClientFactory
    {
        public HttpClient GetHttpClient() => client;
    }

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    private static partial Regex GuidPattern();

    [GeneratedRegex(@"^walkthrough-adt\.api\.[a-z0-9.-]+(:[0-9]+)?$")]
    private static partial Regex HostNamePattern();
}
