using System.Text.Json.Nodes;
using Doppel.Twins.Events;
using Doppel.Twins.Json;

namespace Doppel.Twins.Tests;

/// <summary>The change events' shapes: ADT's types and subjects, update data as <c>{"modelId","patch"}</c>.</summary>
public sealed class ChangeEventsTests
{
    private static readonly DateTimeOffset Time = new(2026, 3, 14, 15, 9, 26, TimeSpan.Zero);

    [Fact]
    public void Lifecycle_events_carry_the_document_and_ADTs_type_and_subject()
    {
        var created = ChangeEvents.TwinCreated("room/1", """{"$dtId":"room/1"}""", Time);
        var deleted = ChangeEvents.RelationshipDeleted("room/1", "r 2", """{"$relationshipId":"r 2"}""", Time);

        Assert.Equal("Microsoft.DigitalTwins.Twin.Create", created.Type);
        Assert.Equal("room/1", created.Subject);
        Assert.Equal("""{"$dtId":"room/1"}""", created.Data);
        Assert.True(Guid.TryParse(created.Id, out _));
        Assert.Equal(Time, created.Time);
        Assert.Equal("Microsoft.DigitalTwins.Relationship.Delete", deleted.Type);
        Assert.Equal("room/1/relationships/r 2", deleted.Subject);
        Assert.NotEqual(created.Id, ChangeEvents.TwinCreated("room/1", "{}", Time).Id);
    }

    [Fact]
    public void Update_data_is_the_model_id_and_the_patch_with_component_paths_made_absolute()
    {
        var operations = JsonPatch.Parse("""
            [{"op":"replace","path":"/setpoint","value":21.5},{"op":"remove","path":"/a~1b"},{"op":"add","path":"/$metadata/setpoint/sourceTime","value":"2026-01-01T00:00:00Z"}]
            """u8.ToArray(), 64);

        var whole = ChangeEvents.TwinUpdated("t", "dtmi:ex:Room;1", ChangeEvents.PatchOf(operations, null), Time);
        var component = ChangeEvents.TwinUpdated("t", "dtmi:ex:Room;1", ChangeEvents.PatchOf(operations, "thermo/stat~"), Time);

        Assert.Equal("Microsoft.DigitalTwins.Twin.Update", whole.Type);
        Assert.Equal(
            """{"modelId":"dtmi:ex:Room;1","patch":[{"op":"replace","path":"/setpoint","value":21.5},{"op":"remove","path":"/a~1b"},{"op":"add","path":"/$metadata/setpoint/sourceTime","value":"2026-01-01T00:00:00Z"}]}""",
            whole.Data);
        Assert.Equal(
            """{"modelId":"dtmi:ex:Room;1","patch":[{"op":"replace","path":"/thermo~1stat~0/setpoint","value":21.5},{"op":"remove","path":"/thermo~1stat~0/a~1b"},{"op":"add","path":"/thermo~1stat~0/$metadata/setpoint/sourceTime","value":"2026-01-01T00:00:00Z"}]}""",
            component.Data);
    }

    [Fact]
    public void Replacing_a_twin_is_the_patch_from_the_old_to_the_new_state()
    {
        var before = Parse("""
            {"$dtId":"t","$etag":"W/\"1\"","area":1,"name":"old","gone":true,"comp":{"setpoint":1,"old":2,"$metadata":{"setpoint":{"lastUpdateTime":"x"}}},"$metadata":{"$model":"dtmi:ex:A;1","area":{"lastUpdateTime":"x"}}}
            """);
        var after = Parse("""
            {"$dtId":"t","$etag":"W/\"2\"","area":1,"name":"new","added":{"x":[1]},"comp":{"setpoint":2,"$metadata":{"setpoint":{"lastUpdateTime":"y"}}},"extra":{"p":1,"$metadata":{}},"$metadata":{"$model":"dtmi:ex:B;1","area":{"lastUpdateTime":"y"}}}
            """);

        var patch = ChangeEvents.TwinDiff(before, after).ToJsonString();

        Assert.Equal(
            """[{"op":"replace","path":"/$metadata/$model","value":"dtmi:ex:B;1"},{"op":"replace","path":"/name","value":"new"},{"op":"add","path":"/added","value":{"x":[1]}},{"op":"replace","path":"/comp/setpoint","value":2},{"op":"remove","path":"/comp/old"},{"op":"add","path":"/extra","value":{"p":1}},{"op":"remove","path":"/gone"}]""",
            patch);
        Assert.Equal("[]", ChangeEvents.TwinDiff(before, before).ToJsonString());
    }

    [Fact]
    public void Replacing_a_relationship_is_the_patch_of_its_properties_target_and_name()
    {
        var before = Parse("""{"$relationshipId":"r","$etag":"W/\"1\"","$sourceId":"a","$targetId":"b","$relationshipName":"near","doors":1,"gone":"x"}""");
        var after = Parse("""{"$relationshipId":"r","$etag":"W/\"2\"","$sourceId":"a","$targetId":"c","$relationshipName":"near","doors":2,"new":true}""");

        var patch = ChangeEvents.RelationshipDiff(before, after).ToJsonString();

        Assert.Equal(
            """[{"op":"replace","path":"/$targetId","value":"c"},{"op":"replace","path":"/doors","value":2},{"op":"add","path":"/new","value":true},{"op":"remove","path":"/gone"}]""",
            patch);
    }

    [Fact]
    public void Event_time_is_cut_to_the_microsecond()
    {
        var clock = new FixedClock(Time.AddTicks(1_234_567));

        Assert.Equal(Time.AddTicks(1_234_560), ChangeEvents.Now(clock));
    }

    [Fact]
    public void The_traceparent_is_the_current_W3C_activity()
    {
        using var activity = new System.Diagnostics.Activity("request");
        activity.SetIdFormat(System.Diagnostics.ActivityIdFormat.W3C);
        activity.SetParentId("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        activity.Start();

        var change = ChangeEvents.TwinCreated("t", "{}", Time);

        Assert.Equal(activity.Id, change.TraceParent);
        Assert.StartsWith("00-0af7651916cd43dd8448eb211c80319c-", change.TraceParent, StringComparison.Ordinal);
    }

    private static JsonObject Parse(string json) => (JsonObject)JsonNode.Parse(json)!;

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
