using System.Text.Json.Nodes;

namespace Doppel.Api.Management;

/// <summary>One entry of <c>GET /providers/Microsoft.DigitalTwins/operations</c>.</summary>
/// <param name="Name">The action, such as <c>Microsoft.DigitalTwins/digitalTwinsInstances/read</c>.</param>
/// <param name="Resource">The kind of resource it acts on.</param>
/// <param name="Operation">A short title.</param>
/// <param name="Description">What it does.</param>
/// <param name="IsDataAction">Whether it is a data-plane action.</param>
public sealed record ProviderOperation(string Name, string Resource, string Operation, string Description, bool IsDataAction)
{
    /// <summary>The Swagger's <c>Operation</c> shape.</summary>
    public JsonObject ToJson() => new()
    {
        ["name"] = Name,
        ["display"] = new JsonObject
        {
            ["provider"] = IsDataAction ? "Azure Digital Twins" : "Microsoft.DigitalTwins",
            ["resource"] = Resource,
            ["operation"] = Operation,
            ["description"] = Description,
        },
        ["origin"] = IsDataAction ? "user" : "user,system",
        ["isDataAction"] = IsDataAction,
    };
}

/// <summary>The actions of the <c>Microsoft.DigitalTwins</c> resource provider that Doppel checks.</summary>
public static class ProviderOperations
{
    /// <summary>Every action, control plane first.</summary>
    public static IReadOnlyList<ProviderOperation> All { get; } =
    [
        new("Microsoft.DigitalTwins/digitalTwinsInstances/read", "digitalTwinsInstances", "Read Digital Twins instance", "Reads a Digital Twins instance.", false),
        new("Microsoft.DigitalTwins/digitalTwinsInstances/write", "digitalTwinsInstances", "Create or update Digital Twins instance", "Creates a Digital Twins instance or changes its tags and settings.", false),
        new("Microsoft.DigitalTwins/digitalTwinsInstances/delete", "digitalTwinsInstances", "Delete Digital Twins instance", "Deletes a Digital Twins instance and all its data.", false),
        new("Microsoft.DigitalTwins/digitalTwinsInstances/endpoints/read", "endpoints", "Read endpoint", "Reads an endpoint of a Digital Twins instance.", false),
        new("Microsoft.DigitalTwins/digitalTwinsInstances/endpoints/write", "endpoints", "Create or update endpoint", "Creates or changes an endpoint of a Digital Twins instance.", false),
        new("Microsoft.DigitalTwins/digitalTwinsInstances/endpoints/delete", "endpoints", "Delete endpoint", "Deletes an endpoint of a Digital Twins instance.", false),
        new("Microsoft.DigitalTwins/locations/checkNameAvailability/action", "locations", "Check name availability", "Tells whether a name can be used for a new instance.", false),
        new("Microsoft.DigitalTwins/locations/operationStatuses/read", "locations", "Read operation status", "Reads the status of an asynchronous operation.", false),
        new("Microsoft.DigitalTwins/models/read", "Model", "Read model", "Reads any model.", true),
        new("Microsoft.DigitalTwins/models/write", "Model", "Update model", "Changes a model (decommissions it).", true),
        new("Microsoft.DigitalTwins/models/action", "Model", "Add models", "Uploads models.", true),
        new("Microsoft.DigitalTwins/models/delete", "Model", "Delete model", "Deletes a model.", true),
        new("Microsoft.DigitalTwins/digitaltwins/read", "Digital Twin", "Read digital twin", "Reads a digital twin or one of its components.", true),
        new("Microsoft.DigitalTwins/digitaltwins/write", "Digital Twin", "Create or update digital twin", "Creates, replaces or patches a digital twin or a component.", true),
        new("Microsoft.DigitalTwins/digitaltwins/delete", "Digital Twin", "Delete digital twin", "Deletes a digital twin.", true),
        new("Microsoft.DigitalTwins/digitaltwins/action", "Digital Twin", "Send telemetry", "Sends telemetry on behalf of a digital twin or a component.", true),
        new("Microsoft.DigitalTwins/digitaltwins/relationships/read", "Digital Twin Relationship", "Read relationship", "Reads relationships, outgoing and incoming.", true),
        new("Microsoft.DigitalTwins/digitaltwins/relationships/write", "Digital Twin Relationship", "Create or update relationship", "Creates, replaces or patches a relationship.", true),
        new("Microsoft.DigitalTwins/digitaltwins/relationships/delete", "Digital Twin Relationship", "Delete relationship", "Deletes a relationship.", true),
        new("Microsoft.DigitalTwins/query/action", "Query", "Query", "Runs a query over the twin graph.", true),
        new("Microsoft.DigitalTwins/eventroutes/read", "Event Route", "Read event route", "Reads event routes.", true),
        new("Microsoft.DigitalTwins/eventroutes/write", "Event Route", "Create or update event route", "Creates or replaces an event route.", true),
        new("Microsoft.DigitalTwins/eventroutes/delete", "Event Route", "Delete event route", "Deletes an event route.", true),
    ];
}
