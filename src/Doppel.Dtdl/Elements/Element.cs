using Doppel.Dtdl.Json;

namespace Doppel.Dtdl.Elements;

/// <summary>
/// One DTDL element read from JSON: its identifier, material class, co-types and property values, with
/// links to where it was written. The stage after JSON and before validation across elements.
/// </summary>
internal sealed class Element
{
    public required string Id { get; init; }

    /// <summary>True when the model gave the @id; false when it was derived from the parent's.</summary>
    public required bool IdDeclared { get; init; }

    public required SourceDocument Document { get; init; }

    public required JsonObject Node { get; init; }

    /// <summary>The DTDL major version the element was written in.</summary>
    public required int Version { get; init; }

    /// <summary>The material class (Interface, Property, Enum, …), or null when none could be determined.</summary>
    public required string? Class { get; init; }

    private readonly List<string> cotypes = [];

    /// <summary>Supplemental types by DTMI.</summary>
    public required IReadOnlyList<string> Cotypes
    {
        get => cotypes;
        init => cotypes.AddRange(value);
    }

    /// <summary>Adds a co-type another layer of the element gives it.</summary>
    public void AddCotype(string cotype) => cotypes.Add(cotype);

    /// <summary>True when a co-type is a term or DTMI no active context defines (tolerated where the language allows); such a co-type may bring properties of its own.</summary>
    public required bool HasUndefinedCotype { get; init; }

    /// <summary>The layer this definition belongs to (the fragment of a layered identifier), or null for the base definition.</summary>
    public string? Layer { get; init; }

    public Element? Parent { get; init; }

    /// <summary>The property of the parent this element is the value of.</summary>
    public string? ParentProperty { get; init; }

    /// <summary>Diagnostics about required properties this definition lacks; another layer may supply them.</summary>
    public List<Doppel.Diagnostics.Diagnostic> MissingProperties { get; } = [];

    /// <summary>Inline child elements by property.</summary>
    public Dictionary<string, List<Element>> Children { get; } = [];

    /// <summary>References by DTMI (resolved later) by property.</summary>
    public Dictionary<string, List<Reference>> References { get; } = [];

    /// <summary>Literal values by property, with value objects already unwrapped.</summary>
    public Dictionary<string, JsonNode> Literals { get; } = [];

    /// <summary>The element's <c>name</c>, when it has a valid one.</summary>
    public string? Name => Literals.TryGetValue("name", out var n) && n is JsonString s ? s.Value : null;

    public bool IsTopLevel => Parent is null;

    /// <summary>The top-level element this one is written inside.</summary>
    public Element Root
    {
        get
        {
            var e = this;
            while (e.Parent is not null)
            {
                e = e.Parent;
            }

            return e;
        }
    }

    /// <summary>Every value of a property: inline elements and references, in no particular order.</summary>
    public IEnumerable<(Element? Child, Reference? Reference)> ValuesOf(string property)
    {
        if (Children.TryGetValue(property, out var children))
        {
            foreach (var child in children)
            {
                yield return (child, null);
            }
        }

        if (References.TryGetValue(property, out var references))
        {
            foreach (var reference in references)
            {
                yield return (null, reference);
            }
        }
    }

    public override string ToString() => $"{Class} {Id}";
}

/// <summary>A reference from one element to another by DTMI, with where it was written.</summary>
internal sealed record Reference(string Target, JsonNode Node);

/// <summary>A document of the upload: its name, bytes and line map.</summary>
internal sealed class SourceDocument(int index, string name, ReadOnlyMemory<byte> utf8)
{
    public int Index { get; } = index;

    public string Name { get; } = name;

    public ReadOnlyMemory<byte> Utf8 { get; } = utf8;

    public LineMap Lines { get; } = new(utf8);
}
