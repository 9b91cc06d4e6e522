namespace Doppel.Dtdl.Resolution;

/// <summary>
/// A resolved Interface: its contents including everything it inherits, each Property's schema resolved,
/// so a twin, component, relationship or telemetry can be checked against it in constant time.
/// </summary>
public sealed class InterfaceInfo
{
    internal InterfaceInfo(string id, int dtdlVersion, IReadOnlyList<string> extends, IReadOnlySet<string> ancestors, int extendsDepth,
        IReadOnlyDictionary<string, ContentInfo> contents, IReadOnlyDictionary<string, string> displayName, IReadOnlyDictionary<string, string> description)
    {
        Id = id;
        DtdlVersion = dtdlVersion;
        Extends = extends;
        Ancestors = ancestors;
        ExtendsDepth = extendsDepth;
        Contents = contents;
        DisplayName = displayName;
        Description = description;
        properties = new(() => Of<PropertyInfo>(contents));
        telemetries = new(() => Of<TelemetryInfo>(contents));
        commands = new(() => Of<CommandInfo>(contents));
        relationships = new(() => Of<RelationshipInfo>(contents));
        components = new(() => Of<ComponentInfo>(contents));
    }

    // The views by kind are built when first read: an upload resolves every Interface, a request reads few.
    private readonly Lazy<Dictionary<string, PropertyInfo>> properties;
    private readonly Lazy<Dictionary<string, TelemetryInfo>> telemetries;
    private readonly Lazy<Dictionary<string, CommandInfo>> commands;
    private readonly Lazy<Dictionary<string, RelationshipInfo>> relationships;
    private readonly Lazy<Dictionary<string, ComponentInfo>> components;

    /// <summary>The Interface's DTMI.</summary>
    public string Id { get; }

    /// <summary>The DTDL major version it is written in.</summary>
    public int DtdlVersion { get; }

    /// <summary>The Interfaces it extends directly.</summary>
    public IReadOnlyList<string> Extends { get; }

    /// <summary>Every Interface it extends, directly or not (not itself).</summary>
    public IReadOnlySet<string> Ancestors { get; }

    /// <summary>Length of the longest <c>extends</c> chain above it (0 when it extends nothing).</summary>
    public int ExtendsDepth { get; }

    /// <summary>All contents by name, inherited ones included.</summary>
    public IReadOnlyDictionary<string, ContentInfo> Contents { get; }

    /// <summary>Properties by name, inherited ones included.</summary>
    public IReadOnlyDictionary<string, PropertyInfo> Properties => properties.Value;

    /// <summary>Telemetries by name, inherited ones included.</summary>
    public IReadOnlyDictionary<string, TelemetryInfo> Telemetries => telemetries.Value;

    /// <summary>Commands by name, inherited ones included.</summary>
    public IReadOnlyDictionary<string, CommandInfo> Commands => commands.Value;

    /// <summary>Relationships by name, inherited ones included.</summary>
    public IReadOnlyDictionary<string, RelationshipInfo> Relationships => relationships.Value;

    /// <summary>Components by name, inherited ones included.</summary>
    public IReadOnlyDictionary<string, ComponentInfo> Components => components.Value;

    /// <summary>Display names by language code.</summary>
    public IReadOnlyDictionary<string, string> DisplayName { get; }

    /// <summary>Descriptions by language code.</summary>
    public IReadOnlyDictionary<string, string> Description { get; }

    /// <summary>True when a twin of this Interface is also of <paramref name="modelId"/> (itself or an ancestor).</summary>
    public bool IsOfModel(string modelId) => modelId == Id || Ancestors.Contains(modelId);

    // Plain dictionaries: built for every Interface of every upload and read a handful of times per request;
    // frozen ones cost more to build than they save on reads here.
    private static Dictionary<string, T> Of<T>(IReadOnlyDictionary<string, ContentInfo> contents)
        where T : ContentInfo =>
        contents.Values.OfType<T>().ToDictionary(c => c.Name, StringComparer.Ordinal);
}
