using System.Text.Json.Nodes;
using Bunit;
using Doppel.Portal.Components.Shared;
using Doppel.Portal.Services;

namespace Doppel.Portal.Tests;

public sealed class ExplorerTwinFormTests : BunitContext
{
    private const string RoomModel = """
        {"@id":"dtmi:ex:Room;1","@type":"Interface","@context":"dtmi:dtdl:context;3","displayName":"Room","extends":"dtmi:ex:Space;1",
         "contents":[
           {"@type":"Property","name":"floor","schema":"integer"},
           {"@type":"Property","name":"temperature","schema":"double"},
           {"@type":"Property","name":"occupied","schema":"boolean"},
           {"@type":"Property","name":"opened","schema":"date"},
           {"@type":"Property","name":"mode","schema":{"@type":"Enum","valueSchema":"string","enumValues":[{"name":"eco","enumValue":"eco"},{"name":"comfort","enumValue":"comfort"}]}},
           {"@type":"Property","name":"shape","schema":{"@type":"Object","fields":[{"name":"w","schema":"double"}]}},
           {"@type":"Relationship","name":"contains","target":"dtmi:ex:Device;1"}]}
        """;

    private const string SpaceModel = """
        {"@id":"dtmi:ex:Space;1","@type":"Interface","@context":"dtmi:dtdl:context;3","contents":[{"@type":["Property","Temperature"],"name":"name","schema":"string"}]}
        """;

    private static readonly IReadOnlyList<ModelEntry> Models =
    [
        new("dtmi:ex:Room;1", "Room", null, false, JsonNode.Parse(RoomModel)!.AsObject()),
        new("dtmi:ex:Space;1", null, null, false, JsonNode.Parse(SpaceModel)!.AsObject()),
    ];

    public ExplorerTwinFormTests() => this.UsePortal();

    [Fact]
    public void Create_form_shows_one_input_per_property_of_the_model_and_its_ancestors_with_a_checkbox_for_a_boolean()
    {
        var cut = Render<TwinEditor>(p => p.Add(e => e.Models, Models));

        cut.Find("[data-test=twin-model]").Change("dtmi:ex:Room;1");

        Assert.Equal("checkbox", cut.Find("[data-test=prop-occupied]").GetAttribute("type"));
        Assert.Equal("date", cut.Find("[data-test=prop-opened]").GetAttribute("type"));
        Assert.Equal("SELECT", cut.Find("[data-test=prop-mode]").TagName);
        Assert.Equal("TEXTAREA", cut.Find("[data-test=prop-shape]").TagName);
        Assert.NotNull(cut.Find("[data-test=prop-name]"));
        Assert.Equal("numeric", cut.Find("[data-test=prop-floor]").GetAttribute("inputmode"));
    }

    [Fact]
    public void Create_form_refuses_abc_for_an_integer_and_does_not_submit()
    {
        (string Id, JsonObject Body)? created = null;
        var cut = Render<TwinEditor>(p => p.Add(e => e.Models, Models).Add(e => e.OnCreate, (ValueTuple<string, JsonObject> t) => created = t));
        cut.Find("[data-test=twin-model]").Change("dtmi:ex:Room;1");
        cut.Find("[data-test=twin-id]").Change("room1");

        cut.Find("[data-test=prop-floor]").Change("abc");
        cut.Find("form").Submit();

        Assert.Contains("'abc' is not an integer", cut.Find("[data-test=error-floor]").TextContent, StringComparison.Ordinal);
        Assert.Equal("true", cut.Find("[data-test=prop-floor]").GetAttribute("aria-invalid"));
        Assert.Null(created);
    }

    [Fact]
    public void Create_form_requires_a_twin_id_and_a_model()
    {
        var submitted = false;
        var cut = Render<TwinEditor>(p => p.Add(e => e.Models, Models).Add(e => e.OnCreate, (ValueTuple<string, JsonObject> _) => submitted = true));

        cut.Find("form").Submit();

        Assert.Equal("The twin ID is required.", cut.Find("[data-test=error-dtId]").TextContent);
        Assert.Equal("Select the twin's model.", cut.Find("[data-test=error-model]").TextContent);
        Assert.False(submitted);
    }

    [Fact]
    public void Create_form_with_valid_values_submits_typed_JSON_with_the_model()
    {
        (string Id, JsonObject Body)? created = null;
        var cut = Render<TwinEditor>(p => p.Add(e => e.Models, Models).Add(e => e.OnCreate, (ValueTuple<string, JsonObject> t) => created = t));
        cut.Find("[data-test=twin-model]").Change("dtmi:ex:Room;1");
        cut.Find("[data-test=twin-id]").Change("room1");

        cut.Find("[data-test=prop-floor]").Change("3");
        cut.Find("[data-test=prop-temperature]").Change("21.5");
        cut.Find("[data-test=prop-occupied]").Change(true);
        cut.Find("[data-test=prop-mode]").Change("eco");
        cut.Find("[data-test=prop-shape]").Change("""{"w":2}""");
        cut.Find("form").Submit();

        Assert.NotNull(created);
        Assert.Equal("room1", created.Value.Id);
        Assert.Equal("""{"floor":3,"temperature":21.5,"occupied":true,"mode":"eco","shape":{"w":2},"$metadata":{"$model":"dtmi:ex:Room;1"}}""", created.Value.Body.ToJsonString());
    }

    [Fact]
    public void Edit_form_sends_a_JSON_Patch_of_the_changed_and_cleared_properties_only()
    {
        JsonArray? patch = null;
        var twin = new TwinEntry(JsonNode.Parse("""{"$dtId":"room1","$metadata":{"$model":"dtmi:ex:Room;1"},"floor":3,"temperature":20.0,"name":"Lobby"}""")!.AsObject(), "W/\"1\"");
        var cut = Render<TwinEditor>(p => p.Add(e => e.Models, Models).Add(e => e.Twin, twin).Add(e => e.OnPatch, (JsonArray a) => patch = a));

        cut.Find("[data-test=prop-floor]").Change("4");
        cut.Find("[data-test=prop-name]").Change("");
        cut.Find("[data-test=prop-occupied]").Change(false);
        cut.Find("form").Submit();

        Assert.Equal("""[{"op":"replace","path":"/floor","value":4},{"op":"add","path":"/occupied","value":false},{"op":"remove","path":"/name"}]""", patch!.ToJsonString());
    }

    [Fact]
    public void Edit_form_without_changes_sends_nothing_and_says_so()
    {
        var sent = false;
        var twin = new TwinEntry(JsonNode.Parse("""{"$dtId":"room1","$metadata":{"$model":"dtmi:ex:Room;1"},"floor":3}""")!.AsObject(), null);
        var cut = Render<TwinEditor>(p => p.Add(e => e.Models, Models).Add(e => e.Twin, twin).Add(e => e.OnPatch, (JsonArray _) => sent = true));

        cut.Find("[data-test=prop-floor]").Change("3");
        cut.Find("form").Submit();

        Assert.False(sent);
        Assert.Equal("No changes to save.", cut.Find("[data-test=twin-no-changes]").TextContent);
    }

    [Theory]
    [InlineData(FieldKind.Integer, "12.5", false)]
    [InlineData(FieldKind.Integer, "-7", true)]
    [InlineData(FieldKind.Double, "1,5", false)]
    [InlineData(FieldKind.Date, "2024-02-30", false)]
    [InlineData(FieldKind.Date, "2024-02-29", true)]
    [InlineData(FieldKind.DateTime, "yesterday", false)]
    [InlineData(FieldKind.Duration, "PT15M", true)]
    [InlineData(FieldKind.Duration, "15 minutes", false)]
    [InlineData(FieldKind.Json, "{\"a\":", false)]
    public void TryConvert_checks_text_against_the_schema(FieldKind kind, string text, bool valid)
    {
        var ok = TwinForm.TryConvert(new PropertyField("p", kind, kind.ToString(), true, []), text, out _, out var problem);

        Assert.Equal(valid, ok);
        Assert.Equal(valid, problem.Length == 0);
    }
}
