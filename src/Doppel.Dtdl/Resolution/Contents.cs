namespace Doppel.Dtdl.Resolution;

/// <summary>What kind of content an Interface member is.</summary>
public enum ContentKind
{
    /// <summary>A Property: state of the twin.</summary>
    Property,

    /// <summary>A Telemetry: an event the twin emits.</summary>
    Telemetry,

    /// <summary>A Command: a function the twin offers.</summary>
    Command,

    /// <summary>A Relationship: a link to another twin.</summary>
    Relationship,

    /// <summary>A Component: an embedded Interface.</summary>
    Component,
}

/// <summary>One member of an Interface's contents, possibly inherited.</summary>
public abstract class ContentInfo
{
    private protected ContentInfo(string name, string id, string definedIn)
    {
        Name = name;
        Id = id;
        DefinedIn = definedIn;
    }

    /// <summary>The content's name, unique among the Interface's contents.</summary>
    public string Name { get; }

    /// <summary>The content's DTMI (given, or derived from the Interface's).</summary>
    public string Id { get; }

    /// <summary>The Interface that declares this content; differs from the owner when inherited.</summary>
    public string DefinedIn { get; }

    /// <summary>The kind of content.</summary>
    public abstract ContentKind Kind { get; }
}

/// <summary>A Property of an Interface or of a Relationship.</summary>
public sealed class PropertyInfo : ContentInfo
{
    internal PropertyInfo(string name, string id, string definedIn, SchemaInfo schema, bool writable)
        : base(name, id, definedIn)
    {
        Schema = schema;
        Writable = writable;
    }

    /// <summary>The resolved schema of the Property's value.</summary>
    public SchemaInfo Schema { get; }

    /// <summary>Whether the Property is writable (informational in ADT: every Property can be set).</summary>
    public bool Writable { get; }

    /// <inheritdoc />
    public override ContentKind Kind => ContentKind.Property;
}

/// <summary>A Telemetry of an Interface.</summary>
public sealed class TelemetryInfo : ContentInfo
{
    internal TelemetryInfo(string name, string id, string definedIn, SchemaInfo schema)
        : base(name, id, definedIn)
    {
        Schema = schema;
    }

    /// <summary>The resolved schema of the telemetry's value.</summary>
    public SchemaInfo Schema { get; }

    /// <inheritdoc />
    public override ContentKind Kind => ContentKind.Telemetry;
}

/// <summary>A Command of an Interface.</summary>
public sealed class CommandInfo : ContentInfo
{
    internal CommandInfo(string name, string id, string definedIn, CommandPayloadInfo? request, CommandPayloadInfo? response)
        : base(name, id, definedIn)
    {
        Request = request;
        Response = response;
    }

    /// <summary>The request payload, when the command takes one.</summary>
    public CommandPayloadInfo? Request { get; }

    /// <summary>The response payload, when the command returns one.</summary>
    public CommandPayloadInfo? Response { get; }

    /// <inheritdoc />
    public override ContentKind Kind => ContentKind.Command;
}

/// <summary>A Command's request or response: a name and a schema.</summary>
public sealed record CommandPayloadInfo(string Name, SchemaInfo Schema);

/// <summary>A Relationship of an Interface.</summary>
public sealed class RelationshipInfo : ContentInfo
{
    internal RelationshipInfo(string name, string id, string definedIn, string? target, int? minMultiplicity, int? maxMultiplicity,
        IReadOnlyDictionary<string, PropertyInfo> properties, bool writable)
        : base(name, id, definedIn)
    {
        Target = target;
        MinMultiplicity = minMultiplicity;
        MaxMultiplicity = maxMultiplicity;
        Properties = properties;
        Writable = writable;
    }

    /// <summary>The Interface a target twin must be of, or null for any.</summary>
    public string? Target { get; }

    /// <summary>Minimum number of such relationships (always 0 in DTDL v2 and v3).</summary>
    public int? MinMultiplicity { get; }

    /// <summary>Maximum number of such relationships from one twin, or null for unbounded.</summary>
    public int? MaxMultiplicity { get; }

    /// <summary>The relationship's own properties, by name.</summary>
    public IReadOnlyDictionary<string, PropertyInfo> Properties { get; }

    /// <summary>Whether the relationship is writable.</summary>
    public bool Writable { get; }

    /// <inheritdoc />
    public override ContentKind Kind => ContentKind.Relationship;
}

/// <summary>A Component of an Interface.</summary>
public sealed class ComponentInfo : ContentInfo
{
    internal ComponentInfo(string name, string id, string definedIn, string schema)
        : base(name, id, definedIn)
    {
        Schema = schema;
    }

    /// <summary>The DTMI of the Interface the component is an instance of.</summary>
    public string Schema { get; }

    /// <inheritdoc />
    public override ContentKind Kind => ContentKind.Component;
}
