using System.Net;
using Bunit;
using Doppel.Portal.Components.Pages;
using Doppel.Portal.Services;
using Doppel.Portal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Doppel.Portal.Tests;

/// <summary>"Create Azure Digital Twins": the resource name checked as the person types, by ADT's rules and by the server.</summary>
public sealed class CreateDigitalTwinsTests : IDisposable
{
    private const string Subscription = "11111111-2222-3333-4444-555555555555";
    private const string CheckPath = $"/subscriptions/{Subscription}/providers/Microsoft.DigitalTwins/locations/local/checkNameAvailability?api-version=2023-01-31";
    private readonly PortalTestContext context = new();

    public CreateDigitalTwinsTests()
    {
        context.Bunit.Services.AddScoped<ArmApi>();
        context.Bunit.Services.AddScoped<Notifications>();
        context.Api
            .On(HttpMethod.Get, "/subscriptions?api-version=2022-12-01", HttpStatusCode.OK,
                $$"""{"value":[{"id":"/subscriptions/{{Subscription}}","subscriptionId":"{{Subscription}}","displayName":"Dev","tenantId":"t"}]}""")
            .On(HttpMethod.Get, $"/subscriptions/{Subscription}/resourcegroups?api-version=2021-04-01", HttpStatusCode.OK,
                $$"""{"value":[{"id":"/subscriptions/{{Subscription}}/resourceGroups/rg1","name":"rg1","location":"local"}]}""")
            .On(HttpMethod.Get, $"/subscriptions/{Subscription}/locations?api-version=2022-12-01", HttpStatusCode.OK, """{"value":[{"name":"local"}]}""")
            .On(HttpMethod.Post, CheckPath, body => body!.Contains("\"taken\"", StringComparison.Ordinal)
                ? (HttpStatusCode.OK, """{"nameAvailable":false,"reason":"AlreadyExists","message":"'taken' is already in use."}""")
                : (HttpStatusCode.OK, """{"nameAvailable":true}"""));
    }

    public void Dispose() => context.Dispose();

    private IRenderedComponent<CreateDigitalTwins> Render()
    {
        var form = context.Bunit.Render<CreateDigitalTwins>();
        form.WaitForState(() => form.FindAll("#location").Count > 0 && context.Api.ApiRequests.Any(r => r.PathAndQuery.Contains("/locations?", StringComparison.Ordinal)));
        return form;
    }

    private static void TypeName(IRenderedComponent<CreateDigitalTwins> form, string name) => form.Find("#resource-name").Input(name);

    [Theory]
    [InlineData("ab", "between 3 and 63 characters")]
    [InlineData("-twins", "start and end with a letter or a number")]
    [InlineData("twins-", "start and end with a letter or a number")]
    [InlineData("my_twins", "only letters, numbers, and hyphens")]
    public void A_name_against_ADTs_rules_is_refused_as_typed_without_asking_the_server(string name, string problem)
    {
        var form = Render();

        TypeName(form, name);

        form.WaitForAssertion(() => Assert.Contains(problem, form.Find("[data-test=name-problem]").TextContent, StringComparison.Ordinal));
        Assert.DoesNotContain(context.Api.ApiRequests, r => r.PathAndQuery.Contains("checkNameAvailability", StringComparison.Ordinal));
    }

    [Fact]
    public void A_name_already_used_in_the_subscription_and_location_asks_for_another_name_and_keeps_Review_disabled()
    {
        var form = Render();

        TypeName(form, "taken");

        form.WaitForAssertion(() => Assert.Equal(
            "This name is already used in this subscription and location; pick another name.", form.Find("[data-test=name-problem]").TextContent));
        Assert.True(form.Find("fluent-button[appearance=accent]").HasAttribute("disabled"));
    }

    [Fact]
    public void A_free_name_is_confirmed_and_Review_plus_create_becomes_available()
    {
        var form = Render();

        TypeName(form, "fresh-twins");

        form.WaitForAssertion(() => Assert.Equal("The name is available.", form.Find("[data-test=name-ok]").TextContent));
        form.WaitForAssertion(() => Assert.False(form.Find("fluent-button[appearance=accent]").HasAttribute("disabled")));
    }

    [Fact]
    public void Create_new_resource_group_refuses_a_name_ending_with_a_period()
    {
        var form = Render();
        form.FindAll("fluent-button").First(b => b.TextContent.Contains("Create new", StringComparison.Ordinal)).Click();

        form.Find("#new-group-name").Input("group.");

        Assert.Contains("period (except at end)", form.Find(".field-error").TextContent, StringComparison.Ordinal);
    }
}

/// <summary>ADT's instance name rules, as the form applies them.</summary>
public sealed class InstanceNameRulesTests
{
    [Theory]
    [InlineData("abc")]
    [InlineData("my-twins-1")]
    [InlineData("A1-b2")]
    public void Names_of_3_to_63_letters_digits_and_inner_hyphens_are_accepted(string name) => Assert.Null(InstanceNameRules.Problem(name));

    [Fact]
    public void A_name_of_64_characters_is_refused() => Assert.NotNull(InstanceNameRules.Problem(new string('a', 64)));

    [Fact]
    public void An_empty_name_is_refused() => Assert.Equal("The value must not be empty.", InstanceNameRules.Problem(""));
}
