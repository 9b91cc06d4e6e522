using System.Text.Json.Nodes;

namespace Doppel.Portal.Services;

/// <summary>Reading the JSON that ARM and Graph answer with: a page's items, and a string member or "".</summary>
internal static class JsonReading
{
    /// <summary>The items of a list page (its <c>value</c> array), none when it has none.</summary>
    public static IEnumerable<JsonNode> Items(JsonNode? page) => (page?["value"] as JsonArray ?? []).OfType<JsonNode>();

    /// <summary>The string member <paramref name="name"/> of <paramref name="node"/>, or "" when it is absent or null.</summary>
    public static string Str(JsonNode node, string name) => (string?)node[name] ?? "";
}
