namespace Doppel.Api.Tests.Support;

/// <summary>Small DTDL models used across the tests.</summary>
internal static class Samples
{
    public const string RoomId = "dtmi:doppel:test:Room;1";
    public const string FloorId = "dtmi:doppel:test:Floor;1";
    public const string ThermostatId = "dtmi:doppel:test:Thermostat;1";
    public const string SpaceId = "dtmi:doppel:test:Space;1";

    public const string Space = """
        {"@id":"dtmi:doppel:test:Space;1","@type":"Interface","@context":"dtmi:dtdl:context;3","displayName":"Space",
         "contents":[{"@type":"Property","name":"name","schema":"string"}]}
        """;

    public const string Thermostat = """
        {"@id":"dtmi:doppel:test:Thermostat;1","@type":"Interface","@context":"dtmi:dtdl:context;3",
         "contents":[{"@type":"Property","name":"setpoint","schema":"double"},{"@type":"Telemetry","name":"temperature","schema":"double"}]}
        """;

    public const string Room = """
        {"@id":"dtmi:doppel:test:Room;1","@type":"Interface","@context":"dtmi:dtdl:context;3","displayName":"Room","description":"A room",
         "extends":"dtmi:doppel:test:Space;1",
         "contents":[
           {"@type":"Property","name":"area","schema":"double"},
           {"@type":"Property","name":"occupied","schema":"boolean"},
           {"@type":"Property","name":"tags","schema":{"@type":"Map","mapKey":{"name":"k","schema":"string"},"mapValue":{"name":"v","schema":"string"}}},
           {"@type":"Property","name":"address","schema":{"@type":"Object","fields":[{"name":"street","schema":"string"},{"name":"number","schema":"integer"}]}},
           {"@type":"Component","name":"thermostat","schema":"dtmi:doppel:test:Thermostat;1"},
           {"@type":"Relationship","name":"adjacentTo","target":"dtmi:doppel:test:Room;1","maxMultiplicity":2,
            "properties":[{"@type":"Property","name":"doorCount","schema":"integer"}]},
           {"@type":"Relationship","name":"near"}
         ]}
        """;

    public const string Floor = """
        {"@id":"dtmi:doppel:test:Floor;1","@type":"Interface","@context":"dtmi:dtdl:context;3",
         "contents":[{"@type":"Relationship","name":"contains","target":"dtmi:doppel:test:Room;1"},{"@type":"Property","name":"level","schema":"integer"}]}
        """;

    /// <summary>The Room upload: Room with everything it needs.</summary>
    public static string Models(params string[] _) => $"[{Space},{Thermostat},{Room},{Floor}]";

    public static string Array(params string[] models) => $"[{string.Join(",", models)}]";

    public static string RoomTwin(double area = 12.5) =>
        "{\"$metadata\":{\"$model\":\"" + RoomId + "\"},\"area\":" + area.ToString(System.Globalization.CultureInfo.InvariantCulture)
        + ",\"name\":\"r\",\"thermostat\":{\"$metadata\":{}}}";

    public static string FloorTwin() => $$"""{"$metadata":{"$model":"{{FloorId}}"},"level":1}""";
}
