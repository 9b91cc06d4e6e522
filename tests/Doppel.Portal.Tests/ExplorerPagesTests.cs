using System.Net;
using System.Text.Json.Nodes;
using Bunit;
using Doppel.Portal.Components.Pages.Explorer;
using Doppel.Portal.Services;
using Microsoft.AspNetCore.Components.Forms;

namespace Doppel.Portal.Tests;

public sealed class ExplorerPagesTests : BunitContext
{
    private const string Instances = "/instances/inst";
    private const string Subscription = "11111111-2222-3333-4444-555555555555";

    [Fact]
    public void Models_upload_shows_the_services_DTDL_errors_at_their_positions_in_the_files()
    {
        const string a = """{"@id":"dtmi:ex:A;1","@type":"Interface","@context":"dtmi:dtdl:context;3"}""";
        const string b = "[\n  {\"@id\":\"dtmi:ex:B;1\",\"@type\":\"Interface\",\"@context\":\"dtmi:dtdl:context;3\"},\n  {\n    \"@id\":\"dtmi:ex:C;1\", \"@type\":\"Interfac\"\n  }\n]";
        var api = this.UsePortal()
            .On(HttpMethod.Get, Instances + "/models", HttpStatusCode.OK, """{"value":[]}""")
            .On(HttpMethod.Post, Instances + "/models", HttpStatusCode.BadRequest, """
                {"error":{"code":"DTDLParserError","message":"models[2]:2:5: bad type (1 more problems in details)","details":[
                  {"code":"DTDLParserError","message":"models[2]:2:5: '@type' is 'Interfac', not a DTDL type. [DTDL1003]"},
                  {"code":"DTDLParserError","message":"models[1]:1:10: the id is taken. [DTDL1100]"},
                  {"code":"DTDLParserError","message":"models[0]: something about A. [DTDL1200]"}]}}
                """);
        var cut = Render<ExplorerModels>(p => p.Add(x => x.SubscriptionId, Subscription).Add(x => x.ResourceGroup, "rg").Add(x => x.Name, "inst"));

        cut.FindComponents<InputFile>()[0].UploadFiles(InputFileContent.CreateFromText(a, "a.json"), InputFileContent.CreateFromText(b, "b.json"));

        cut.WaitForElements("[data-test=upload-error]", 3);
        var positions = cut.FindAll("[data-test=upload-error-position]").Select(e => e.TextContent).ToList();
        Assert.Equal(["b.json (4:5)", "b.json (2:12)", "a.json"], positions);
        Assert.Contains("'@type' is 'Interfac', not a DTDL type. [DTDL1003]", cut.Find("[data-test=upload-errors]").TextContent, StringComparison.Ordinal);
        var sent = JsonNode.Parse(api.Requests.Single(r => r.Request.Method == HttpMethod.Post).Body)!.AsArray();
        Assert.Equal(["dtmi:ex:A;1", "dtmi:ex:B;1", "dtmi:ex:C;1"], sent.Select(m => (string?)m!["@id"]));
    }

    [Fact]
    public void Models_upload_reports_a_file_that_is_not_JSON_without_calling_the_service()
    {
        var api = this.UsePortal().On(HttpMethod.Get, Instances + "/models", HttpStatusCode.OK, """{"value":[]}""");
        var cut = Render<ExplorerModels>(p => p.Add(x => x.SubscriptionId, Subscription).Add(x => x.ResourceGroup, "rg").Add(x => x.Name, "inst"));

        cut.FindComponents<InputFile>()[0].UploadFiles(InputFileContent.CreateFromText("{\n  \"@id\": oops\n}", "bad.json"));

        cut.WaitForElement("[data-test=upload-error-position]");
        Assert.Equal("bad.json (2:10)", cut.Find("[data-test=upload-error-position]").TextContent);
        Assert.DoesNotContain(api.Requests, r => r.Request.Method == HttpMethod.Post);
    }

    [Fact]
    public void Query_page_shows_the_query_charge_and_loads_more_with_the_continuation_token()
    {
        var api = this.UsePortal().On(HttpMethod.Post, Instances + "/query", (_, body) =>
            JsonNode.Parse(body)!["continuationToken"] is null
                ? ExplorerFakeApi.Json(HttpStatusCode.OK, """{"value":[{"$dtId":"room1","$metadata":{"$model":"dtmi:ex:Room;1"},"floor":3}],"continuationToken":"next-1"}""", ("query-charge", "12.5"))
                : ExplorerFakeApi.Json(HttpStatusCode.OK, """{"value":[{"$dtId":"room2","$metadata":{"$model":"dtmi:ex:Room;1"},"floor":4}],"continuationToken":null}""", ("query-charge", "3")));
        var cut = Render<ExplorerQuery>(p => p.Add(x => x.SubscriptionId, Subscription).Add(x => x.ResourceGroup, "rg").Add(x => x.Name, "inst"));

        cut.Find("[data-test=query-text]").Input("SELECT * FROM DIGITALTWINS WHERE floor > 2");
        cut.Find("[data-test=query-run]").Click();
        cut.WaitForElement("[data-test=query-charge]");

        Assert.Equal("Query charge: 12.5", cut.Find("[data-test=query-charge]").TextContent.Trim());
        Assert.Contains("room1", cut.Find("[data-test=query-results]").TextContent, StringComparison.Ordinal);

        cut.Find("[data-test=query-more]").Click();
        cut.WaitForAssertion(() => Assert.Contains("room2", cut.Find("[data-test=query-results]").TextContent, StringComparison.Ordinal));

        Assert.Equal("Query charge: 3 (last page; 15.5 over 2 pages)", cut.Find("[data-test=query-charge]").TextContent.Trim());
        Assert.Empty(cut.FindAll("[data-test=query-more]"));
        var second = JsonNode.Parse(api.Requests[1].Body)!;
        Assert.Equal("next-1", (string?)second["continuationToken"]);
        Assert.Equal("SELECT * FROM DIGITALTWINS WHERE floor > 2", (string?)second["query"]);
    }

    [Fact]
    public void Twins_page_shows_a_data_plane_refusal_with_the_services_code()
    {
        this.UsePortal().On(HttpMethod.Get, Instances + "/models", HttpStatusCode.Forbidden,
            """{"error":{"code":"AuthorizationFailed","message":"The client does not have authorization to perform action 'Microsoft.DigitalTwins/models/read'."}}""");
        var cut = Render<ExplorerTwins>(p => p.Add(x => x.SubscriptionId, Subscription).Add(x => x.ResourceGroup, "rg").Add(x => x.Name, "inst"));

        cut.WaitForAssertion(() => Assert.Contains("does not have authorization", cut.Markup, StringComparison.Ordinal));

        Assert.Contains("AuthorizationFailed", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Query_highlighter_colours_keywords_strings_and_numbers_and_keeps_the_text()
    {
        const string text = "SELECT T FROM DIGITALTWINS T WHERE T.name = 'a b' AND T.floor > 12 AND IS_OF_MODEL(T, 'x') AND T.contains = 1";

        var tokens = QueryHighlighter.Tokens(text);

        Assert.Equal(text, string.Concat(tokens.Select(t => t.Text)));
        Assert.Contains((TokenKind.String, "'a b'"), tokens);
        Assert.Contains((TokenKind.Number, "12"), tokens);
        Assert.Contains((TokenKind.Function, "IS_OF_MODEL"), tokens);
        Assert.Equal("IS_OF_MODEL", Assert.Single(tokens, t => t.Kind == TokenKind.Function).Text);
        Assert.Equal(["SELECT", "FROM", "DIGITALTWINS", "WHERE", "AND", "AND", "AND"], tokens.Where(t => t.Kind == TokenKind.Keyword).Select(t => t.Text));
    }
}
