using System.Text.Json;
using Doppel.Dtdl.Resolution;

namespace Doppel.Dtdl.Tests.Resolution;

/// <summary>What the data plane relies on: the resolved object model of a valid upload, and uploads that build on stored models.</summary>
public sealed class ModelResolutionTests
{
    private const string Base = """
        {
          "@context": "dtmi:dtdl:context;3",
          "@id": "dtmi:test:Space;1",
          "@type": "Interface",
          "displayName": "Space",
          "contents": [
            { "@type": "Property", "name": "name", "schema": "string" },
            { "@type": "Relationship", "name": "contains", "target": "dtmi:test:Space;1", "maxMultiplicity": 5,
              "properties": [ { "@type": "Property", "name": "since", "schema": "dateTime" } ] }
          ]
        }
        """;

    private const string Room = """
        {
          "@context": "dtmi:dtdl:context;3",
          "@id": "dtmi:test:Room;1",
          "@type": "Interface",
          "extends": "dtmi:test:Space;1",
          "contents": [
            { "@type": "Property", "name": "temperature", "schema": "double" },
            { "@type": "Property", "name": "mode", "schema": { "@type": "Enum", "valueSchema": "string",
              "enumValues": [ { "name": "heat", "enumValue": "heat" }, { "name": "cool", "enumValue": "cool" } ] } },
            { "@type": "Property", "name": "tags", "schema": { "@type": "Map",
              "mapKey": { "name": "tag", "schema": "string" }, "mapValue": { "name": "value", "schema": "integer" } } },
            { "@type": "Telemetry", "name": "occupancy", "schema": "integer" },
            { "@type": "Component", "name": "thermostat", "schema": "dtmi:test:Thermostat;1" }
          ]
        }
        """;

    private const string Thermostat = """
        {
          "@context": "dtmi:dtdl:context;3",
          "@id": "dtmi:test:Thermostat;1",
          "@type": "Interface",
          "contents": [ { "@type": "Property", "name": "setPoint", "schema": "double" } ]
        }
        """;

    private static readonly DtdlParser Parser = new();

    [Fact]
    public void Resolved_interface_holds_its_own_and_inherited_contents_by_kind()
    {
        var models = Parse(Base, Room, Thermostat);

        var room = models.Interfaces["dtmi:test:Room;1"];

        Assert.Equal(["contains", "mode", "name", "occupancy", "tags", "temperature", "thermostat"], room.Contents.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("dtmi:test:Space;1", room.Properties["name"].DefinedIn);
        Assert.Equal("dtmi:test:Room;1", room.Properties["temperature"].DefinedIn);
        Assert.Equal("dtmi:test:Thermostat;1", room.Components["thermostat"].Schema);
        Assert.True(room.Telemetries.ContainsKey("occupancy"));
        Assert.True(room.IsOfModel("dtmi:test:Space;1"));
        Assert.Equal(1, room.ExtendsDepth);
    }

    [Fact]
    public void Relationship_keeps_target_multiplicity_and_its_properties()
    {
        var models = Parse(Base);

        var contains = models.Interfaces["dtmi:test:Space;1"].Relationships["contains"];

        Assert.Equal("dtmi:test:Space;1", contains.Target);
        Assert.Equal(5, contains.MaxMultiplicity);
        Assert.IsType<PrimitiveSchema>(contains.Properties["since"].Schema);
        Assert.Equal("Space", models.Interfaces["dtmi:test:Space;1"].DisplayName["en"]);
    }

    [Theory]
    [InlineData("temperature", "21.5", true)]
    [InlineData("temperature", "\"warm\"", false)]
    [InlineData("mode", "\"heat\"", true)]
    [InlineData("mode", "\"dry\"", false)]
    [InlineData("tags", "{\"a\": 1, \"b\": 2}", true)]
    [InlineData("tags", "{\"a\": \"one\"}", false)]
    [InlineData("name", "\"Lobby\"", true)]
    public void Property_schema_accepts_only_conforming_values(string property, string json, bool accepted)
    {
        var room = Parse(Base, Room, Thermostat).Interfaces["dtmi:test:Room;1"];
        using var value = JsonDocument.Parse(json);

        var ok = room.Properties[property].Schema.Accepts(value.RootElement, out var reason);

        Assert.Equal(accepted, ok);
        Assert.Equal(accepted, reason is null);
    }

    [Fact]
    public void Upload_may_extend_a_model_already_stored_in_the_instance()
    {
        var stored = Parse(Base, Thermostat);

        var result = Parser.Parse([DtdlDocument.FromText("room.json", Room)], stored);

        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Diagnostics));
        Assert.Equal(["dtmi:test:Room;1"], result.Models!.Uploaded);
        Assert.True(result.Models.Interfaces["dtmi:test:Room;1"].Properties.ContainsKey("name"));
    }

    [Fact]
    public void Upload_referring_to_a_model_nowhere_to_be_found_names_the_missing_dtmi()
    {
        var result = Parser.Parse([DtdlDocument.FromText("room.json", Room)]);

        Assert.False(result.IsValid);
        Assert.Contains(result.Diagnostics, d => d.Code == "dtmi:doppel:dtdl:unresolvedReference" && d.Value == "dtmi:test:Space;1");
        Assert.Contains(result.Diagnostics, d => d.Code == "dtmi:doppel:dtdl:unresolvedReference" && d.Value == "dtmi:test:Thermostat;1");
    }

    [Fact]
    public void Content_name_clashing_with_an_inherited_one_is_reported()
    {
        var clash = Room.Replace("\"temperature\"", "\"name\"", StringComparison.Ordinal);

        var result = Parser.Parse([DtdlDocument.FromText("base.json", Base), DtdlDocument.FromText("room.json", clash), DtdlDocument.FromText("t.json", Thermostat)]);

        Assert.False(result.IsValid);
        Assert.Contains(result.Diagnostics, d => d.Code == "dtmi:dtdl:parsingError:nonUniqueImportedPropertyValue");
    }

    [Fact]
    public void Diagnostics_point_at_file_line_and_column()
    {
        var broken = Thermostat.Replace("\"double\"", "\"dubble\"", StringComparison.Ordinal);

        var result = Parser.Parse([DtdlDocument.FromText("thermostat.json", broken)]);

        var first = Assert.Single(result.Diagnostics, d => d.Code == "dtmi:dtdl:parsingError:badDtmiOrTerm");
        Assert.Equal("thermostat.json", first.Location!.Source);
        Assert.Equal(5, first.Location.Line);
        Assert.Equal("schema", first.Property);
        Assert.Contains("dubble", first.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_or_throw_raises_one_exception_with_every_problem()
    {
        var twoProblems = Thermostat.Replace("\"double\"", "\"dubble\"", StringComparison.Ordinal).Replace("\"setPoint\"", "\"set-point\"", StringComparison.Ordinal);

        var exception = Assert.Throws<DtdlValidationException>(() => Parser.ParseOrThrow([DtdlDocument.FromText("t.json", twoProblems)]));

        Assert.True(exception.Diagnostics.Count >= 2);
    }

    private static ModelSet Parse(params string[] documents)
    {
        var result = Parser.Parse([.. documents.Select((d, i) => DtdlDocument.FromText($"doc{i}.json", d))]);
        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Diagnostics));
        return result.Models!;
    }
}
