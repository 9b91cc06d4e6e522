using System.Collections.Frozen;

namespace Doppel.Dtdl.Resolution;

/// <summary>
/// A resolved Interface: its contents including everything it inherits, each Property's schema resolved,
/// so a twin, component, relationship or telemetry can be checked against it in constant time.
/// </summary>
public sealed class InterfaceInfo
{
    internal InterfaceInfo(string id, int dtdlVersion, IReadOnlyList<string> extends, FrozenSet<string> ancestors, int extendsDepth,
        FrozenDictionary<string, ContentInfo> contents, IReadOnlyDictionary<string, string> displayName, IReadOnlyDictionary<string, string> description)
    {
        Id = id;
        DtdlVersion = dtdlVersion;
        Extends = extends;
        Ancestors = ancestors;
        ExtendsDepth = extendsDepth;
        Contents = contents;
        DisplayName = displayName;
        Description = description;
        Properties = Of<PropertyInfo>(contents);
        Telemetries = Of<TelemetryInfo>(contents);
        Commands = Of<CommandInfo>(contents);
        Relationships = Of<RelationshipInfo>(contents);
        Components = Of<ComponentInfo>(contents);
    }

    /// <summary>The Interface's DTMI.</summary>
    public string Id { get; }

    /// <summary>The DTDL major version it is written in.</summary>
    public int DtdlVersion { get; }

    /// <summary>The Interfaces it extends directly.</summary>
    public IReadOnlyList<string> Extends { get; }

    /// <summary>Every Interface it extends, directly or not (not itself).</summary>
    public FrozenSet<string> Ancestors { get; }

    /// <summary>Length of the longest <c>extends</c> chain above it (0 when it extends nothing).</summary>
    public int ExtendsDepth { get; }

    /// <summary>All contents by name, inherited ones included.</summary>
    public FrozenDictionary<string, ContentInfo> Contents { get; }

    /// <summary>Properties by name, inherited ones included.</summary>
    public FrozenDictionary<string, PropertyInfo> Properties { get; }

    /// <summary>Telemetries by name, inherited ones included.</summary>
    public FrozenDictionary<string, TelemetryInfo> Telemetries { get; }

    /// <summary>Commands by name, inherited ones included.</summary>
    public FrozenDictionary<string, CommandInfo> Commands { get; }

    /// <summary>Relationships by name, inherited ones included.</summary>
    public FrozenDictionary<string, RelationshipInfo> Relationships { get; }

    /// <summary>Components by name, inherited ones included.</summary>
    public FrozenDictionary<string, ComponentInfo> Components { get; }

    /// <summary>Display names by language code.</summary>
    public IReadOnlyDictionary<string, string> DisplayName { get; }

    /// <summary>Descriptions by language code.</summary>
    public IReadOnlyDictionary<string, string> Description { get; }

    /// <summary>True when a twin of this Interface is also of <paramref name="modelId"/> (itself or an ancestor).</summary>
    public bool IsOfModel(string modelId) => modelId == Id || Ancestors.Contains(modelId);

    private static FrozenDictionary<string, T> Of<T>(FrozenDictionary<string, ContentInfo> contents)
        where T : ContentInfo =>
        contents.Values.OfType<T>().ToFrozenDictionary(c => c.Name, StringComparer.Ordinal);
}
