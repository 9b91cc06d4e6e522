using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Doppel.Query.Differential.Corpus;

/// <summary>A twin to create: its id and the body of its PUT.</summary>
public sealed record SeedTwin(string Id, string Body);

/// <summary>A relationship to create: its source, id and the body of its PUT.</summary>
public sealed record SeedRelationship(string SourceId, string Id, string Body);

/// <summary>
/// The graph every differential case runs on, the same on every run: the models of
/// <c>testdata/query/differential/models.json</c> (inheritance four deep, a component, a map, arrays, an object,
/// one name with different types in unrelated models), 200 twins whose properties are present or absent at
/// random, with strings that hold quotes, backslashes, SQL comment markers and characters outside ASCII and the
/// BMP, and about 600 relationships, some with properties, some forming cycles.
/// </summary>
public sealed class DifferentialGraph
{
    private const string Ns = "dtmi:doppel:diff:";

    /// <summary>Strings that quoting, escaping, collation or encoding could get wrong.</summary>
    public static readonly IReadOnlyList<string> Strings =
    [
        "Alpha", "alpha", "Beta", "Zeta", "zeta", "O'Brien", "D'Souza", "say \"hi\"", "back\\slash", "ünïcödé", "日本語",
        "emoji 😀", "quote’curly", "fullwidth＇quote", "'; DROP TABLE twins; --", "/* comment */", "", " spaced ", "100",
        "true", "null", "a%b_c", "tab\there", "Ωmega",
    ];

    private readonly SplitMix _random = new(20261201);

    private DifferentialGraph()
    {
    }

    /// <summary>The models, one JSON array (the body of one model upload).</summary>
    public string Models { get; private init; } = "";

    /// <summary>Each model's direct <c>extends</c>, read from <see cref="Models"/>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Extends { get; private init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The twins, in creation order.</summary>
    public List<SeedTwin> Twins { get; } = [];

    /// <summary>
    /// Twins the validating API cannot make — JSON nulls, arrays of mixed and nested values, objects in arrays —
    /// written straight into the store as whole documents, so that null and array semantics meet real data.
    /// </summary>
    public List<SeedTwin> RawTwins { get; } =
    [
        new("raw-0", """{"$dtId":"raw-0","$etag":"W/\"raw-0\"","$metadata":{"$model":"dtmi:doppel:diff:Other;1"},"name":null,"code":null,"score":0}"""),
        new("raw-1", """{"$dtId":"raw-1","$etag":"W/\"raw-1\"","$metadata":{"$model":"dtmi:doppel:diff:Other;1"},"name":"Alpha","tags":[null,1,"red",true,{"x":1},[1,"red"]],"note":{"nested":null}}"""),
        new("raw-2", """{"$dtId":"raw-2","$etag":"W/\"raw-2\"","$metadata":{"$model":"dtmi:doppel:diff:Thing;1"},"name":"","code":-0.5,"score":1e2,"active":null,"levels":[],"location":{"floor":null,"building":"B1"}}"""),
        new("raw-3", """{"$dtId":"raw-3","$etag":"W/\"raw-3\"","$metadata":{"$model":"dtmi:doppel:diff:Room;1"},"name":"Alpha","code":20.0,"tags":["red","red"],"levels":[1.0,2],"thermostat":null}"""),
    ];

    /// <summary>The relationships, in creation order (their twins exist before them).</summary>
    public List<SeedRelationship> Relationships { get; } = [];

    /// <summary>Builds the graph from the models in <paramref name="modelsPath"/>.</summary>
    public static DifferentialGraph Build(string modelsPath)
    {
        var models = File.ReadAllText(modelsPath);
        var extends = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var model in JsonNode.Parse(models)!.AsArray())
        {
            extends[(string)model!["@id"]!] = model["extends"] switch
            {
                JsonArray many => [.. many.Select(e => (string)e!)],
                JsonValue one => [(string)one!],
                _ => [],
            };
        }

        var graph = new DifferentialGraph { Models = models, Extends = extends };
        graph.Generate();
        return graph;
    }

    private void Generate()
    {
        var floors = Make("Floor", 4, i => $"floor-{i}");
        var rooms = Make("Room", 60, i => i switch
        {
            7 => "room-O'Brien",
            13 => "room-ünï",
            21 => "room-日本",
            _ => $"room-{i:000}",
        });
        var spaces = Make("Space", 20, i => $"space-{i:00}");
        var devices = Make("Device", 40, i => $"device-{i:00}");
        var sensors = Make("Sensor", 60, i => i switch
        {
            7 => "sensor-\"q\"",
            8 => "sensor-😀",
            9 => "sensor-back\\slash",
            _ => $"sensor-{i:00}",
        });
        var things = Make("Thing", 6, i => $"thing-{i}");
        var others = Make("Other", 10, i => $"other-{i}");

        var number = 0;
        void Relate(string source, string name, string target, JsonObject? properties = null)
        {
            if (source == target)
            {
                return;
            }

            var id = number == 17 ? "r-'17" : $"r-{number:0000}";
            number++;
            var body = new JsonObject { ["$targetId"] = target, ["$relationshipName"] = name };
            foreach (var (key, value) in properties ?? [])
            {
                body[key] = value?.DeepClone();
            }

            Relationships.Add(new SeedRelationship(source, id, body.ToJsonString()));
        }

        foreach (var room in rooms)
        {
            var floor = Pick(floors);
            Relate(floor, "contains", room, ContainsProperties());
            Relate(room, "isPartOf", floor);
        }

        foreach (var space in spaces)
        {
            var floor = Pick(floors);
            Relate(floor, "contains", space, ContainsProperties());
            Relate(space, "isPartOf", floor);
        }

        foreach (var device in devices)
        {
            Relate(Pick(rooms), "contains", device, ContainsProperties());
            Relate(device, "servedBy", Pick(spaces));
        }

        foreach (var sensor in sensors)
        {
            Relate(Pick(rooms), "contains", sensor, ContainsProperties());
            Relate(Pick(devices), "feeds", sensor, Maybe(0.7) ? new JsonObject { ["rate"] = Real() } : null);
            if (Maybe(0.5))
            {
                Relate(sensor, "servedBy", Pick(rooms));
            }
        }

        string[] all = [.. floors, .. rooms, .. spaces, .. devices, .. sensors, .. things, .. others];
        string[] thingLike = [.. floors, .. rooms, .. spaces, .. devices, .. sensors, .. things];
        for (var i = 0; i < 150; i++)
        {
            var properties = new JsonObject();
            if (Maybe(0.6))
            {
                properties["weight"] = Real();
            }

            if (Maybe(0.5))
            {
                properties["label"] = Pick(Strings);
            }

            Relate(Pick(thingLike), "relatesTo", Pick(all), properties);
        }

        for (var i = 0; i < 20; i++)
        {
            Relate(Pick(others), "relatesTo", Pick(all), Maybe(0.5) ? new JsonObject { ["weight"] = _random.Next(-5, 20) } : null);
        }

        for (var i = 0; i < 20; i++)
        {
            Relate(Pick(spaces), "contains", Pick(spaces), ContainsProperties());
        }

        // A short cycle of things, so that MATCH must follow it once.
        Relate(things[0], "relatesTo", things[1]);
        Relate(things[1], "relatesTo", things[2]);
        Relate(things[2], "relatesTo", things[0]);
        Relate(things[0], "relatesTo", things[1], new JsonObject { ["label"] = "again" });
    }

    private JsonObject ContainsProperties()
    {
        var properties = new JsonObject();
        if (Maybe(0.6))
        {
            properties["since"] = _random.Next(1990, 2030);
        }

        if (Maybe(0.6))
        {
            properties["primary"] = Maybe(0.5);
        }

        if (Maybe(0.3))
        {
            properties["label"] = Pick(Strings);
        }

        return properties;
    }

    private List<string> Make(string model, int count, Func<int, string> id)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var twinId = id(i);
            ids.Add(twinId);
            Twins.Add(new SeedTwin(twinId, TwinBody(model).ToJsonString()));
        }

        return ids;
    }

    private JsonObject TwinBody(string model)
    {
        var twin = new JsonObject { ["$metadata"] = new JsonObject { ["$model"] = Ns + model + ";1" } };
        if (model == "Other")
        {
            Set(twin, "name", () => Pick(Strings));
            Set(twin, "code", () => Pick<string>(["A1", "100", "x", "20"]));
            Set(twin, "active", () => Pick<string>(["true", "yes", "false"]));
            Set(twin, "score", () => _random.Next(-50, 150));
            return twin;
        }

        Set(twin, "name", () => Pick(Strings));
        Set(twin, "code", () => _random.Next(-20, 121));
        Set(twin, "score", Real);
        Set(twin, "active", () => Maybe(0.5));
        Set(twin, "note", () => Pick(Strings));
        Set(twin, "tags", () => new JsonArray([.. Enumerable.Range(0, _random.Next(0, 4)).Select(_ => (JsonNode)Pick<string>(["red", "green", "blue", "Red", "x'y", "ü"]))]));
        Set(twin, "levels", () => new JsonArray([.. Enumerable.Range(0, _random.Next(0, 4)).Select(_ => (JsonNode)Pick<int>([-1, 0, 1, 2, 3, 10]))]));
        Set(twin, "attrs", () =>
        {
            var map = new JsonObject();
            foreach (var key in new[] { "color", "size", "owner", "zone" })
            {
                if (Maybe(0.5))
                {
                    map[key] = Pick(Strings);
                }
            }

            return map;
        });
        Set(twin, "location", () =>
        {
            var location = new JsonObject();
            if (Maybe(0.8))
            {
                location["building"] = Pick<string>(["B1", "B2", "B'3"]);
            }

            if (Maybe(0.7))
            {
                location["floor"] = _random.Next(-1, 5);
            }

            if (Maybe(0.4))
            {
                location["wing"] = Pick<string>(["east", "west"]);
            }

            return location;
        });

        switch (model)
        {
            case "Floor":
                twin["level"] = Twins.Count;
                goto case "Space";
            case "Room":
                Set(twin, "temperature", () => 15 + (_random.Next(0, 31) / 2.0));
                Set(twin, "occupied", () => Maybe(0.5));
                var thermostat = new JsonObject { ["$metadata"] = new JsonObject() };
                Set(thermostat, "setpoint", () => 18 + (_random.Next(0, 9) / 2.0));
                Set(thermostat, "mode", () => Pick<string>(["heat", "cool", "Heat", "off"]));
                twin["thermostat"] = thermostat;
                goto case "Space";
            case "Space":
                Set(twin, "area", Real);
                Set(twin, "capacity", () => _random.Next(0, 200));
                break;
            case "Device":
                Set(twin, "serial", () => "SN-" + _random.Next(1000, 9999).ToString(CultureInfo.InvariantCulture));
                break;
            case "Sensor":
                Set(twin, "serial", () => "SN-" + _random.Next(1000, 9999).ToString(CultureInfo.InvariantCulture));
                Set(twin, "reading", Real);
                Set(twin, "unit", () => Pick<string>(["C", "F", "%", "ppm"]));
                break;
        }

        return twin;
    }

    /// <summary>A real with at most two decimals, sometimes a whole number, in [-50, 150].</summary>
    private JsonNode Real()
    {
        var value = Math.Round((_random.Next(0, 20001) / 100.0) - 50, 2);
        return JsonValue.Create(value);
    }

    private void Set(JsonObject target, string name, Func<object> value)
    {
        // Drawn either way, so that one property's presence does not shift every later value.
        var present = Maybe(0.75);
        var drawn = value();
        if (present)
        {
            target[name] = drawn as JsonNode ?? JsonSerializer.SerializeToNode(drawn);
        }
    }

    private bool Maybe(double probability) => _random.NextDouble() < probability;

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(0, items.Count)];

    /// <summary>SplitMix64: a tiny generator whose sequence no runtime version can change.</summary>
    private sealed class SplitMix(ulong seed)
    {
        private ulong _state = seed;

        public ulong NextUInt64()
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>).</summary>
        public int Next(int min, int max) => min + (int)(NextUInt64() % (ulong)(max - min));

        public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
    }
}
