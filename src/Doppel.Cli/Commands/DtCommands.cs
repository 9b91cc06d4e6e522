using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Doppel.Cli.Connection;
using Doppel.Cli.Output;

namespace Doppel.Cli.Commands;

/// <summary>
/// <c>doppel dt</c>: an instance's data plane with the commands and argument names of <c>az dt</c> — models,
/// twins, relationships, components, telemetry and queries.
/// </summary>
internal static class DtCommands
{
    private static readonly Option<string> Instance = new("--dt-name", "-n")
    {
        Description = "The Digital Twins instance: its name on the signed-in server, or its host name.",
        Required = true,
    };

    private static readonly Option<string> TwinId = new("--twin-id", "-t") { Description = "The twin id.", Required = true };

    private static readonly Option<string?> ETag = new("--etag", "-e") { Description = "Act only if the entity still has this ETag (If-Match)." };

    private static readonly Option<string> Patch = new("--json-patch", "--patch")
    {
        Description = "A JSON Patch: inline JSON or a file path (an object is taken as one operation).",
        Required = true,
    };

    public static Command Create(CliExamples examples)
    {
        var twin = new Command("twin", "Digital twins, their relationships, components and telemetry, and queries.")
        {
            TwinCreate(examples), TwinShow(examples), TwinUpdate(examples), TwinDelete(examples), TwinQuery(examples),
            Relationships(examples), Components(examples), Telemetry(examples),
        };
        var dt = new Command("dt", "Azure Digital Twins instances and their data, as 'az dt' works with them.") { Models(examples), twin };
        foreach (var lifecycle in ArmCommands.CreateInstanceCommands(examples))
        {
            dt.Subcommands.Add(lifecycle);
        }

        return dt;
    }

    // ---- models ---------------------------------------------------------------------------------------------

    private static Command Models(CliExamples examples)
    {
        var dtmi = new Option<string>("--dtmi", "-m") { Description = "The model id (DTMI).", Required = true };
        var definition = new Option<bool>("--definition", "--def") { Description = "Include each model's DTDL definition." };

        var models = new Option<string>("--models") { Description = "A model file, a folder of *.json files, or inline JSON (one model or an array).", Required = true };
        var create = new Command("create", "Upload models (all in one request, as one upload).") { Instance, models };
        Act(create, async (c, p, ct) => (await Client(c, p).SendAsync(HttpMethod.Post, "models", ReadModels(p.GetValue(models)!), "application/json", ct)).Body);
        examples.Add(create, "doppel dt model create -n my-instance --models models/", "doppel dt model create -n my-instance --models Room.json");

        var dependenciesFor = new Option<string[]>("--dependencies-for") { Description = "Only these models and what they depend on.", AllowMultipleArgumentsPerToken = true };
        var list = new Command("list", "List the instance's models.") { Instance, definition, dependenciesFor };
        Act(list, async (c, p, ct) =>
        {
            var query = $"models?includeModelDefinition={(p.GetValue(definition) ? "true" : "false")}"
                + string.Concat((p.GetValue(dependenciesFor) ?? []).Select(d => "&dependenciesFor=" + Uri.EscapeDataString(d)));
            return await Client(c, p).ListAsync(query, ct);
        });
        examples.Add(list, "doppel dt model list -n my-instance --definition", "doppel dt model list -n my-instance --query \"[].id\" -o tsv");

        var show = new Command("show", "Show one model.") { Instance, dtmi, definition };
        Act(show, (c, p, ct) => Client(c, p).GetAsync($"models/{DataPlaneClient.Segment(p.GetValue(dtmi)!)}?includeModelDefinition={(p.GetValue(definition) ? "true" : "false")}", ct));
        examples.Add(show, "doppel dt model show -n my-instance --dtmi \"dtmi:example:Room;1\" --definition");

        var decommission = new Option<bool>("--decommission") { Description = "Decommission the model: no new twins of it.", Required = true };
        var update = new Command("update", "Decommission a model.") { Instance, dtmi, decommission };
        Act(update, async (c, p, ct) =>
        {
            var client = Client(c, p);
            var path = $"models/{DataPlaneClient.Segment(p.GetValue(dtmi)!)}";
            await client.SendAsync(HttpMethod.Patch, path, """[{"op":"replace","path":"/decommissioned","value":true}]""", "application/json-patch+json", ct);
            return await client.GetAsync(path, ct);
        });
        examples.Add(update, "doppel dt model update -n my-instance --dtmi \"dtmi:example:Room;1\" --decommission");

        var delete = new Command("delete", "Delete a model.") { Instance, dtmi };
        Act(delete, async (c, p, ct) => (await Client(c, p).SendAsync(HttpMethod.Delete, $"models/{DataPlaneClient.Segment(p.GetValue(dtmi)!)}", null, null, ct)).Body);
        examples.Add(delete, "doppel dt model delete -n my-instance --dtmi \"dtmi:example:Room;1\"");

        return new Command("model", "DTDL models of an instance.") { create, list, show, update, delete };
    }

    /// <summary>The models to upload as a JSON array text: from a file, every *.json below a folder, or inline JSON.</summary>
    private static string ReadModels(string value)
    {
        var texts = Directory.Exists(value)
            ? Directory.EnumerateFiles(value, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(File.ReadAllText).ToList()
            : [ReadJsonText(value, "--models")];
        var all = new JsonArray();
        foreach (var text in texts)
        {
            switch (ParseJson(text, "--models"))
            {
                case JsonArray array:
                    foreach (var model in array)
                    {
                        all.Add(model?.DeepClone());
                    }

                    break;
                case { } model:
                    all.Add(model.DeepClone());
                    break;
            }
        }

        return all.ToJsonString();
    }

    // ---- twins ------------------------------------------------------------------------------------------------

    private static Command TwinCreate(CliExamples examples)
    {
        var dtmi = new Option<string>("--dtmi", "-m") { Description = "The twin's model id.", Required = true };
        var properties = new Option<string?>("--properties", "-p") { Description = "Initial property values: inline JSON or a file." };
        var ifNoneMatch = new Option<bool>("--if-none-match") { Description = "Fail if a twin with this id exists." };
        var create = new Command("create", "Create or replace a twin.") { Instance, TwinId, dtmi, properties, ifNoneMatch };
        Act(create, async (c, p, ct) =>
        {
            var body = p.GetValue(properties) is { } text ? ParseJson(ReadJsonText(text, "--properties"), "--properties") as JsonObject
                ?? throw new CliException(ExitCodes.UsageError, "--properties must be a JSON object.") : [];
            body["$metadata"] = new JsonObject { ["$model"] = p.GetValue(dtmi) };
            var headers = p.GetValue(ifNoneMatch) ? new Dictionary<string, string> { ["If-None-Match"] = "*" } : null;
            return (await Client(c, p).SendAsync(HttpMethod.Put, TwinPath(p), body.ToJsonString(), "application/json", ct, headers)).Body;
        });
        examples.Add(create, "doppel dt twin create -n my-instance --dtmi \"dtmi:example:Room;1\" --twin-id room1 --properties '{\"area\": 12}'");
        return create;
    }

    private static Command TwinShow(CliExamples examples)
    {
        var show = new Command("show", "Show a twin.") { Instance, TwinId };
        Act(show, (c, p, ct) => Client(c, p).GetAsync(TwinPath(p), ct));
        examples.Add(show, "doppel dt twin show -n my-instance --twin-id room1");
        return show;
    }

    private static Command TwinUpdate(CliExamples examples)
    {
        var update = new Command("update", "Update a twin with a JSON Patch.") { Instance, TwinId, Patch, ETag };
        Act(update, async (c, p, ct) =>
        {
            var client = Client(c, p);
            await client.SendAsync(HttpMethod.Patch, TwinPath(p), PatchText(p), "application/json-patch+json", ct, IfMatch(p));
            return await client.GetAsync(TwinPath(p), ct);
        });
        examples.Add(update, "doppel dt twin update -n my-instance --twin-id room1 --json-patch '{\"op\":\"replace\", \"path\":\"/area\", \"value\": 20}'");
        return update;
    }

    private static Command TwinDelete(CliExamples examples)
    {
        var delete = new Command("delete", "Delete a twin (it must have no relationships).") { Instance, TwinId, ETag };
        Act(delete, async (c, p, ct) => (await Client(c, p).SendAsync(HttpMethod.Delete, TwinPath(p), null, null, ct, IfMatch(p))).Body);
        examples.Add(delete, "doppel dt twin delete -n my-instance --twin-id room1");
        return delete;
    }

    private static Command TwinQuery(CliExamples examples)
    {
        var text = new Option<string>("--query-command", "-q") { Description = "The query, in the Azure Digital Twins query language.", Required = true };
        var query = new Command("query", "Run a query over the twin graph; pages are fetched until the end, and the total query charge is shown as 'cost'.") { Instance, text };
        Act(query, async (c, p, ct) =>
        {
            var client = Client(c, p);
            var rows = new JsonArray();
            var cost = 0.0;
            string? token = null;
            do
            {
                var body = token is null ? new JsonObject { ["query"] = p.GetValue(text) } : new JsonObject { ["continuationToken"] = token };
                var (page, headers) = await client.SendAsync(HttpMethod.Post, "query", body.ToJsonString(), "application/json", ct);
                foreach (var row in page?["value"]?.AsArray() ?? [])
                {
                    rows.Add(row?.DeepClone());
                }

                if (headers.TryGetValues("query-charge", out var charge) && double.TryParse(charge.FirstOrDefault(), System.Globalization.CultureInfo.InvariantCulture, out var value))
                {
                    cost += value;
                }

                token = (string?)page?["continuationToken"];
            }
            while (token is not null);
            return new JsonObject { ["result"] = rows, ["cost"] = Math.Round(cost, 2) };
        });
        examples.Add(query, "doppel dt twin query -n my-instance -q \"SELECT * FROM DIGITALTWINS T WHERE IS_OF_MODEL(T, 'dtmi:example:Room;1')\"",
            "doppel dt twin query -n my-instance -q \"SELECT COUNT() FROM DIGITALTWINS\" --query result[0].COUNT -o tsv");
        return query;
    }

    // ---- relationships ----------------------------------------------------------------------------------------

    private static Command Relationships(CliExamples examples)
    {
        var relationshipId = new Option<string>("--relationship-id", "-r") { Description = "The relationship id.", Required = true };

        var name = new Option<string>("--relationship") { Description = "The relationship's name (as its model defines it).", Required = true };
        var target = new Option<string>("--target", "--target-twin-id") { Description = "The target twin id.", Required = true };
        var properties = new Option<string?>("--properties", "-p") { Description = "Relationship property values: inline JSON or a file." };
        var create = new Command("create", "Create or replace a relationship.") { Instance, TwinId, relationshipId, name, target, properties };
        Act(create, async (c, p, ct) =>
        {
            var body = p.GetValue(properties) is { } text ? ParseJson(ReadJsonText(text, "--properties"), "--properties") as JsonObject
                ?? throw new CliException(ExitCodes.UsageError, "--properties must be a JSON object.") : [];
            body["$targetId"] = p.GetValue(target);
            body["$relationshipName"] = p.GetValue(name);
            return (await Client(c, p).SendAsync(HttpMethod.Put, RelationshipPath(p, relationshipId), body.ToJsonString(), "application/json", ct)).Body;
        });
        examples.Add(create, "doppel dt twin relationship create -n my-instance --twin-id floor1 --relationship-id c1 --relationship contains --target room1");

        var show = new Command("show", "Show a relationship.") { Instance, TwinId, relationshipId };
        Act(show, (c, p, ct) => Client(c, p).GetAsync(RelationshipPath(p, relationshipId), ct));
        examples.Add(show, "doppel dt twin relationship show -n my-instance --twin-id floor1 --relationship-id c1");

        var filter = new Option<string?>("--relationship", "--kind") { Description = "Only relationships with this name." };
        var incoming = new Option<bool>("--incoming") { Description = "List the relationships that point to the twin instead." };
        var list = new Command("list", "List a twin's outgoing (or incoming) relationships.") { Instance, TwinId, filter, incoming };
        Act(list, async (c, p, ct) =>
        {
            var twin = DataPlaneClient.Segment(p.GetValue(TwinId)!);
            var path = p.GetValue(incoming)
                ? $"digitaltwins/{twin}/incomingrelationships"
                : $"digitaltwins/{twin}/relationships" + (p.GetValue(filter) is { } n ? $"?relationshipName={Uri.EscapeDataString(n)}" : string.Empty);
            return await Client(c, p).ListAsync(path, ct);
        });
        examples.Add(list, "doppel dt twin relationship list -n my-instance --twin-id floor1 -o table", "doppel dt twin relationship list -n my-instance --twin-id room1 --incoming");

        var update = new Command("update", "Update a relationship's properties with a JSON Patch.") { Instance, TwinId, relationshipId, Patch, ETag };
        Act(update, async (c, p, ct) =>
        {
            var client = Client(c, p);
            await client.SendAsync(HttpMethod.Patch, RelationshipPath(p, relationshipId), PatchText(p), "application/json-patch+json", ct, IfMatch(p));
            return await client.GetAsync(RelationshipPath(p, relationshipId), ct);
        });
        examples.Add(update, "doppel dt twin relationship update -n my-instance --twin-id r1 --relationship-id a1 --json-patch '{\"op\":\"replace\",\"path\":\"/doorCount\",\"value\":2}'");

        var delete = new Command("delete", "Delete a relationship.") { Instance, TwinId, relationshipId, ETag };
        Act(delete, async (c, p, ct) => (await Client(c, p).SendAsync(HttpMethod.Delete, RelationshipPath(p, relationshipId), null, null, ct, IfMatch(p))).Body);
        examples.Add(delete, "doppel dt twin relationship delete -n my-instance --twin-id floor1 --relationship-id c1");

        return new Command("relationship", "A twin's relationships.") { create, show, list, update, delete };
    }

    // ---- components and telemetry -----------------------------------------------------------------------------

    private static Command Components(CliExamples examples)
    {
        var component = new Option<string>("--component") { Description = "The component's name (its path in the twin).", Required = true };
        var show = new Command("show", "Show a twin's component.") { Instance, TwinId, component };
        Act(show, (c, p, ct) => Client(c, p).GetAsync(ComponentPath(p, component), ct));
        examples.Add(show, "doppel dt twin component show -n my-instance --twin-id room1 --component thermostat");

        var update = new Command("update", "Update a component with a JSON Patch.") { Instance, TwinId, component, Patch, ETag };
        Act(update, async (c, p, ct) =>
        {
            var client = Client(c, p);
            await client.SendAsync(HttpMethod.Patch, ComponentPath(p, component), PatchText(p), "application/json-patch+json", ct, IfMatch(p));
            return await client.GetAsync(ComponentPath(p, component), ct);
        });
        examples.Add(update, "doppel dt twin component update -n my-instance --twin-id room1 --component thermostat --json-patch '{\"op\":\"replace\",\"path\":\"/setpoint\",\"value\":21}'");
        return new Command("component", "A twin's components.") { show, update };
    }

    private static Command Telemetry(CliExamples examples)
    {
        var component = new Option<string?>("--component") { Description = "Send as the telemetry of this component." };
        var telemetry = new Option<string?>("--telemetry") { Description = "The telemetry: a JSON object, inline or a file. Default: {}." };
        var sourceTime = new Option<string?>("--telemetry-source-time", "--tst") { Description = "When it was measured (RFC 3339)." };
        var send = new Command("send", "Send telemetry on behalf of a twin (it becomes an event, not stored).") { Instance, TwinId, component, telemetry, sourceTime };
        Act(send, async (c, p, ct) =>
        {
            var body = p.GetValue(telemetry) is { } text ? ReadJsonText(text, "--telemetry") : "{}";
            ParseJson(body, "--telemetry");
            var path = p.GetValue(component) is { } name
                ? $"digitaltwins/{DataPlaneClient.Segment(p.GetValue(TwinId)!)}/components/{DataPlaneClient.Segment(name)}/telemetry"
                : $"digitaltwins/{DataPlaneClient.Segment(p.GetValue(TwinId)!)}/telemetry";
            var headers = new Dictionary<string, string> { ["Message-Id"] = Guid.NewGuid().ToString() };
            if (p.GetValue(sourceTime) is { } time)
            {
                headers["Telemetry-Source-Time"] = time;
            }

            await Client(c, p).SendAsync(HttpMethod.Post, path, body, "application/json", ct, headers);
            return null;
        });
        examples.Add(send, "doppel dt twin telemetry send -n my-instance --twin-id room1 --telemetry '{\"temperature\": 21.5}'");
        return new Command("telemetry", "Telemetry of a twin.") { send };
    }

    // ---- shared -----------------------------------------------------------------------------------------------

    private static void Act(Command command, Func<CliContext, ParseResult, CancellationToken, Task<JsonNode?>> work) =>
        command.SetAction((parseResult, ct) => CliContext.RunAsync(parseResult, (context, token) => work(context, parseResult, token), ct));

    private static DataPlaneClient Client(CliContext context, ParseResult parseResult) => DataPlaneClient.For(context, parseResult.GetValue(Instance)!);

    private static string TwinPath(ParseResult p) => $"digitaltwins/{DataPlaneClient.Segment(p.GetValue(TwinId)!)}";

    private static string RelationshipPath(ParseResult p, Option<string> relationshipId) =>
        $"{TwinPath(p)}/relationships/{DataPlaneClient.Segment(p.GetValue(relationshipId)!)}";

    private static string ComponentPath(ParseResult p, Option<string> component) =>
        $"{TwinPath(p)}/components/{DataPlaneClient.Segment(p.GetValue(component)!)}";

    private static Dictionary<string, string>? IfMatch(ParseResult p) =>
        p.GetValue(ETag) is { } etag ? new Dictionary<string, string> { ["If-Match"] = etag } : null;

    /// <summary>The patch as a JSON array: a single operation object is wrapped, as <c>az</c> accepts both.</summary>
    private static string PatchText(ParseResult p)
    {
        var node = ParseJson(ReadJsonText(p.GetValue(Patch)!, "--json-patch"), "--json-patch");
        return node is JsonArray ? node.ToJsonString() : new JsonArray(node?.DeepClone()).ToJsonString();
    }

    /// <summary>The text of a value that is inline JSON or the path of a file holding it.</summary>
    private static string ReadJsonText(string value, string option)
    {
        var trimmed = value.TrimStart();
        if (trimmed.StartsWith('{') || trimmed.StartsWith('['))
        {
            return value;
        }

        return File.Exists(value) ? File.ReadAllText(value) : throw new CliException(ExitCodes.UsageError, $"{option}: '{value}' is neither JSON nor a file that exists.");
    }

    private static JsonNode? ParseJson(string text, string option)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new CliException(ExitCodes.UsageError, $"{option} is not valid JSON: {ex.Message}");
        }
    }
}
