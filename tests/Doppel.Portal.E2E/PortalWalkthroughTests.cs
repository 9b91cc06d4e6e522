using System.Text.RegularExpressions;
using Doppel.Portal.E2E.Support;
using Microsoft.Playwright;

namespace Doppel.Portal.E2E;

/// <summary>
/// The Azure walkthrough, done in Doppel's portal in a real browser: sign in, create an instance in a new resource
/// group, watch the deployment, read the Overview, be refused a duplicate name, grant the Data Owner role.
/// </summary>
public sealed partial class PortalWalkthroughTests(PortalServer server) : IClassFixture<PortalServer>
{
    private const string InstanceName = "walkthrough-adt";
    private const string GroupName = "walkthrough-rg";

    [SkippableFact]
    public async Task A_person_creates_an_instance_sees_it_deployed_and_grants_the_Data_Owner_role_in_the_portal()
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
    }

    [GeneratedRegex(@"^walkthrough-adt\.api\.[a-z0-9.-]+(:[0-9]+)?$")]
    private static partial Regex HostNamePattern();
}
