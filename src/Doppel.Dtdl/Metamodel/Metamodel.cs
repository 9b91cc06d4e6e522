using System.Collections.Frozen;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Doppel.Dtdl.Metamodel;

/// <summary>
/// DTDL's metamodel for the language versions Doppel accepts, read once from DTDLParser's digest
/// (an embedded data file): classes, their properties and limits, context terms, supplemental types,
/// standard elements and descendant controls. The parser's rules are generic over this data.
/// </summary>
internal sealed class DtdlMetamodel
{
    private static readonly Lazy<DtdlMetamodel> Shared = new(Load);

    private DtdlMetamodel(FrozenDictionary<int, VersionModel> versions, FrozenDictionary<string, ContextModel> contexts,
        FrozenDictionary<string, SupplementalType> supplementalTypes, FrozenDictionary<string, StandardElement> standardElements,
        FrozenDictionary<string, string[]> reservedIdPrefixes, FrozenDictionary<string, FrozenDictionary<string, FrozenSet<string>>> units)
    {
        ReservedIdPrefixes = reservedIdPrefixes;
        Units = units;
        Versions = versions;
        Contexts = contexts;
        SupplementalTypes = supplementalTypes;
        StandardElements = standardElements;
    }

    public static DtdlMetamodel Instance => Shared.Value;

    /// <summary>Language versions by major version number (2 and 3).</summary>
    public FrozenDictionary<int, VersionModel> Versions { get; }

    /// <summary>Every known context (DTDL and extensions) by its DTMI.</summary>
    public FrozenDictionary<string, ContextModel> Contexts { get; }

    /// <summary>Supplemental types (semantic types, units, adjunct types) by DTMI.</summary>
    public FrozenDictionary<string, SupplementalType> SupplementalTypes { get; }

    /// <summary>The DTDL version an affiliate context (IoT Central's) implies, by context DTMI.</summary>
    public required FrozenDictionary<string, int> AffiliateVersions { get; init; }

    /// <summary>Identifier prefixes a context reserves for itself, by context DTMI.</summary>
    public FrozenDictionary<string, string[]> ReservedIdPrefixes { get; }

    /// <summary>Unit terms by unit family (TemperatureUnit, …) by defining context.</summary>
    public FrozenDictionary<string, FrozenDictionary<string, FrozenSet<string>>> Units { get; }

    /// <summary>A supplemental type and its ancestors, nearest first.</summary>
    public IEnumerable<SupplementalType> SelfAndAncestors(string supplementalId)
    {
        for (var id = supplementalId; id is not null && SupplementalTypes.TryGetValue(id, out var type); id = type.Parent)
        {
            yield return type;
        }
    }

    /// <summary>Every supplemental type the co-types are or derive from.</summary>
    public IEnumerable<SupplementalType> SelfAndAncestors(IEnumerable<string> cotypes) => cotypes.SelectMany(SelfAndAncestors);

    /// <summary>Every property the co-types add to their element, inherited ones included.</summary>
    public IEnumerable<SupplementalProperty> SupplementalProperties(IEnumerable<string> cotypes) =>
        SelfAndAncestors(cotypes).SelectMany(t => t.Properties.Values);

    /// <summary>Every DTMI some context defines a term for: extension units and the like count as defined elements.</summary>
    public FrozenSet<string> TermTargets => termTargets ??= Contexts.Values.SelectMany(c => c.Terms.Values).ToFrozenSet(StringComparer.Ordinal);

    private FrozenSet<string>? termTargets;

    /// <summary>Elements every model may refer to without defining them: primitive schemas, units, command types.</summary>
    public FrozenDictionary<string, StandardElement> StandardElements { get; }

    private static DtdlMetamodel Load()
    {
        using var stream = typeof(DtdlMetamodel).Assembly.GetManifestResourceStream("Doppel.Dtdl.dtdl_digest.json")
            ?? throw new InvalidOperationException("The DTDL digest is not embedded in the assembly.");
        using var digest = JsonDocument.Parse(stream);
        var root = digest.RootElement;

        var contexts = new Dictionary<string, ContextModel>();
        foreach (var context in root.GetProperty("contexts").EnumerateObject())
        {
            var terms = context.Value.EnumerateObject().ToFrozenDictionary(t => t.Name, t => t.Value.GetString()!);
            contexts[context.Name] = new ContextModel(context.Name, terms);
        }

        var supplemental = root.GetProperty("supplementalTypes").EnumerateObject()
            .ToFrozenDictionary(s => s.Name, s => SupplementalType.Read(s.Name, s.Value));

        var versions = new Dictionary<int, VersionModel>();
        foreach (var version in new[] { 2, 3 })
        {
            versions[version] = VersionModel.Read(version, root, contexts[$"dtmi:dtdl:context;{version}"]);
        }

        var standard = new Dictionary<string, StandardElement>();
        foreach (var element in root.GetProperty("elements").EnumerateArray())
        {
            var contextValue = element.GetProperty("@context");
            var context = contextValue.ValueKind == JsonValueKind.Array ? contextValue[0].GetString()! : contextValue.GetString()!;
            var types = element.GetProperty("@type") is { ValueKind: JsonValueKind.Array } array
                ? array.EnumerateArray().Select(t => t.GetString()!).ToArray()
                : [element.GetProperty("@type").GetString()!];
            var id = element.GetProperty("@id").GetString()!;
            standard[id] = new StandardElement(id, context, types);
        }

        var reserved = root.GetProperty("reservedIdPrefixes").EnumerateObject()
            .ToFrozenDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(x => x.GetString()!).ToArray());
        var units = root.GetProperty("units").EnumerateObject().ToFrozenDictionary(
            c => c.Name,
            c => c.Value.EnumerateObject().ToFrozenDictionary(f => f.Name, f => f.Value.EnumerateArray().Select(u => u.GetString()!).ToFrozenSet()));
        return new DtdlMetamodel(versions.ToFrozenDictionary(), contexts.ToFrozenDictionary(), supplemental, standard.ToFrozenDictionary(), reserved, units)
        {
            AffiliateVersions = root.GetProperty("affiliateContextsImplicitDtdlVersions").EnumerateObject().ToFrozenDictionary(p => p.Name, p => p.Value.GetInt32()),
        };
    }
}

/// <summary>A context: the terms it defines.</summary>
internal sealed record ContextModel(string Id, FrozenDictionary<string, string> Terms);

/// <summary>An element defined by the language itself, such as <c>dtmi:dtdl:instance:Schema:double;3</c>.</summary>
internal sealed record StandardElement(string Id, string Context, string[] Types);

/// <summary>One DTDL language version's classes, terms and identifier rules.</summary>
internal sealed class VersionModel
{
    public required int Version { get; init; }

    public required FrozenDictionary<string, MetaClass> Classes { get; init; }

    /// <summary>Class name by class DTMI, such as <c>dtmi:dtdl:class:Property;3</c> → <c>Property</c>.</summary>
    public required FrozenDictionary<string, string> ClassNamesByDtmi { get; init; }

    /// <summary>Property name by property DTMI, such as <c>dtmi:dtdl:property:name;3</c> → <c>name</c>.</summary>
    public required FrozenDictionary<string, string> PropertyNamesByDtmi { get; init; }

    public required ContextModel Context { get; init; }

    public required Regex IdPattern { get; init; }

    public required int IdMaxLength { get; init; }

    public required int InterfaceIdMaxLength { get; init; }

    public required string[] RootableClasses { get; init; }

    public required IReadOnlyList<DescendantControl> DescendantControls { get; init; }

    public required int? PartitionMaxBytes { get; init; }

    public required string[] ReservedIdPrefixes { get; init; }

    public bool IsSubclassOf(string className, string ancestor)
    {
        for (var current = className; current is not null; current = Classes.TryGetValue(current, out var c) ? c.Parent : null)
        {
            if (current == ancestor)
            {
                return true;
            }
        }

        return false;
    }

    internal static VersionModel Read(int version, JsonElement root, ContextModel context)
    {
        var v = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var classes = new Dictionary<string, MetaClass>();
        foreach (var cls in root.GetProperty("materialClasses").EnumerateObject())
        {
            if (!cls.Value.GetProperty("dtdlVersions").EnumerateArray().Any(x => x.GetInt32() == version))
            {
                continue;
            }

            classes[cls.Name] = MetaClass.Read(cls.Name, cls.Value, v, version);
        }

        var classNames = new Dictionary<string, string>();
        var propertyNames = new Dictionary<string, string>();
        foreach (var (term, dtmi) in context.Terms)
        {
            if (dtmi.StartsWith("dtmi:dtdl:class:", StringComparison.Ordinal) && classes.ContainsKey(term))
            {
                classNames[dtmi] = term;
            }
            else if (dtmi.StartsWith("dtmi:dtdl:property:", StringComparison.Ordinal))
            {
                propertyNames[dtmi] = term;
            }
        }

        var idDefinition = root.GetProperty("identifierDefinition").GetProperty(v);
        var controls = root.GetProperty("descendantControls").EnumerateArray()
            .Where(c => c.GetProperty("dtdlVersion").GetInt32() == version)
            .Select(DescendantControl.Read)
            .ToList();
        int? partitionMax = root.GetProperty("partitions").GetProperty(v).TryGetProperty("maxBytes", out var maxBytes) ? maxBytes.GetProperty("").GetInt32() : null;

        return new VersionModel
        {
            Version = version,
            Classes = classes.ToFrozenDictionary(),
            ClassNamesByDtmi = classNames.ToFrozenDictionary(),
            PropertyNamesByDtmi = propertyNames.ToFrozenDictionary(),
            Context = context,
            IdPattern = new Regex(idDefinition.GetProperty("pattern").GetString()!, RegexOptions.CultureInvariant | RegexOptions.Compiled),
            IdMaxLength = idDefinition.GetProperty("maxLength").GetProperty("").GetInt32(),
            InterfaceIdMaxLength = root.GetProperty("identifierDefinition").GetProperty("Interface").GetProperty(v).GetProperty("maxLength").GetProperty("").GetInt32(),
            RootableClasses = [.. root.GetProperty("rootableClasses").GetProperty(v).EnumerateArray().Select(x => x.GetString()!)],
            DescendantControls = controls,
            PartitionMaxBytes = partitionMax,
            ReservedIdPrefixes = [.. root.GetProperty("reservedIdPrefixes").EnumerateObject()
                .Where(p => p.Name == $"dtmi:dtdl:context;{v}" || (root.GetProperty("affiliateContextsImplicitDtdlVersions").TryGetProperty(p.Name, out var implicitVersion) && implicitVersion.GetInt32() == version))
                .SelectMany(p => p.Value.EnumerateArray().Select(x => x.GetString()!)).Distinct()],
        };
    }
}

/// <summary>A material class (Interface, Property, Enum, …) as one language version defines it.</summary>
internal sealed class MetaClass
{
    public required string Name { get; init; }

    public required bool Abstract { get; init; }

    public required string? Parent { get; init; }

    public required FrozenSet<string> ConcreteSubclasses { get; init; }

    public required bool TypeOptional { get; init; }

    public required bool IdRequired { get; init; }

    /// <summary>Places where an element of this class must have an explicit @id: (class, property) of the parent.</summary>
    public required IReadOnlyList<(string Class, string Property)> IdRequiredWhen { get; init; }

    public required FrozenDictionary<string, MetaProperty> Properties { get; init; }

    internal static MetaClass Read(string name, JsonElement cls, string v, int version)
    {
        var properties = new Dictionary<string, MetaProperty>();
        foreach (var prop in cls.GetProperty("properties").EnumerateObject())
        {
            if (prop.Value.TryGetProperty(v, out var perVersion))
            {
                properties[prop.Name] = MetaProperty.Read(prop.Name, prop.Value.GetProperty("_"), perVersion);
            }
        }

        return new MetaClass
        {
            Name = name,
            Abstract = cls.GetProperty("abstract").GetBoolean(),
            Parent = cls.GetProperty("parentClass").ValueKind == JsonValueKind.String ? cls.GetProperty("parentClass").GetString() : null,
            // Elemental classes (the primitive schemas) have only the language's own instances: a model may
            // refer to "double" but not define another Double.
            ConcreteSubclasses = cls.GetProperty("concreteSubclasses").TryGetProperty(v, out var concrete)
                ? concrete.EnumerateArray().Select(x => x.GetString()!)
                    .Except(cls.GetProperty("elementalSubclasses").TryGetProperty(v, out var elemental) ? elemental.EnumerateArray().Select(x => x.GetString()!) : [])
                    .ToFrozenSet()
                : FrozenSet<string>.Empty,
            TypeOptional = cls.GetProperty("typeOptionalVersions").EnumerateArray().Any(x => x.GetInt32() == version),
            IdRequired = cls.GetProperty("idRequiredVersions").EnumerateArray().Any(x => x.GetInt32() == version),
            IdRequiredWhen = cls.GetProperty("idRequiredWhen").TryGetProperty(v, out var when)
                ? [.. when.EnumerateArray().Select(w => (w.GetProperty("class").GetString()!, w.GetProperty("property").GetString()!))]
                : [],
            Properties = properties.ToFrozenDictionary(),
        };
    }
}

/// <summary>A property of a material class, with its limits in one language version.</summary>
internal sealed class MetaProperty
{
    public required string Name { get; init; }

    /// <summary>For literal properties: string, boolean, integer, langString, …; null for object properties.</summary>
    public required string? Datatype { get; init; }

    /// <summary>For object properties: the class its values must belong to.</summary>
    public required string? Class { get; init; }

    public required bool Plural { get; init; }

    public required bool Optional { get; init; }

    public required bool Literal { get; init; }

    public required bool Allowed { get; init; }

    public required string? DtmiSegment { get; init; }

    /// <summary>The property of the values that keys them in a dictionary (contents by name).</summary>
    public required string? DictionaryKey { get; init; }

    public required int? MaxCount { get; init; }

    public required int? MinCount { get; init; }

    public required int? MaxLength { get; init; }

    public required Regex? Pattern { get; init; }

    public required string? PatternDescription { get; init; }

    /// <summary>The language a plain string of a langString property is in (<c>en</c>).</summary>
    public required string DefaultLanguage { get; init; }

    /// <summary>Terms a value is restricted to (Enum's valueSchema: integer or string).</summary>
    public required string[]? Values { get; init; }

    public required string[]? ValueUris { get; init; }

    public required IReadOnlyList<(string Class, string Property)> UniqueAmong { get; init; }

    public required string[] UniqueProperties { get; init; }

    /// <summary>The only value this property may have, for properties fixed by the language.</summary>
    public required JsonElement? FixedValue { get; init; }

    public required long? MinInclusive { get; init; }

    public required long? MaxInclusive { get; init; }

    /// <summary>DTDL versions the value of an object property may be written in (a v2 Interface may not extend a v3 one).</summary>
    public required int[]? Versions { get; init; }

    /// <summary>Whether the property refers to a DTMI (a Relationship's target) rather than to an element.</summary>
    public bool IsIdentifier => Datatype is null && Class is null && Pattern is not null;

    internal static MetaProperty Read(string name, JsonElement all, JsonElement v)
    {
        string? Str(JsonElement e, string key) => e.TryGetProperty(key, out var x) && x.ValueKind == JsonValueKind.String ? x.GetString() : null;
        int? Int(JsonElement e, string key) => e.TryGetProperty(key, out var x) && x.ValueKind == JsonValueKind.Number ? x.GetInt32() : null;
        long? Long(JsonElement e, string key) => e.TryGetProperty(key, out var x) && x.ValueKind == JsonValueKind.Number ? x.GetInt64() : null;
        string[]? Strs(JsonElement e, string key) => e.TryGetProperty(key, out var x) && x.ValueKind == JsonValueKind.Array ? [.. x.EnumerateArray().Select(i => i.GetString()!)] : null;

        var pattern = Str(v, "pattern");
        return new MetaProperty
        {
            Name = name,
            Datatype = Str(all, "datatype"),
            Class = Str(v, "class") ?? Str(all, "class"),
            Plural = all.GetProperty("plural").GetBoolean(),
            Optional = all.GetProperty("optional").GetBoolean(),
            Literal = all.GetProperty("literal").GetBoolean(),
            Allowed = v.GetProperty("allowed").GetBoolean(),
            DtmiSegment = Str(all, "dtmiSegment"),
            DictionaryKey = Str(all, "dictionaryKey"),
            MaxCount = Int(v, "maxCount"),
            MinCount = Int(v, "minCount"),
            MaxLength = v.TryGetProperty("maxLength", out var ml) ? ml.GetProperty("").GetInt32() : null,
            Pattern = pattern is null ? null : new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled),
            PatternDescription = v.TryGetProperty("patternDesc", out var pd) ? pd.GetProperty("en-us").GetString() : null,
            DefaultLanguage = Str(v, "defaultLanguage") ?? "en",
            Values = Strs(v, "values"),
            ValueUris = Strs(v, "valueUris"),
            UniqueAmong = [.. v.GetProperty("uniqueAmong").EnumerateArray().Select(u => (u.GetProperty("class").GetString()!, u.GetProperty("property").GetString()!))],
            UniqueProperties = Strs(v, "uniqueProperties") ?? [],
            FixedValue = v.TryGetProperty("value", out var fixedValue) ? fixedValue.Clone() : null,
            MinInclusive = Long(v, "minInclusive"),
            MaxInclusive = Long(v, "maxInclusive"),
            Versions = v.TryGetProperty("versions", out var versions) ? [.. versions.EnumerateArray().Select(x => x.GetInt32())] : null,
        };
    }
}

/// <summary>
/// A rule that bounds what may be reached from an element through some properties: nesting depth of
/// complex schemas, <c>extends</c> depth, Components inside Components, Arrays in v2 Properties, self-reference.
/// </summary>
internal sealed record DescendantControl(
    string RootClass, string DefiningClass, string[] Properties, bool Narrow, bool AllowSelf,
    int? MaxDepth, int? MaxCount, string? ExcludeType, string[] ImportProperties, string? DatatypeProperty)
{
    internal static DescendantControl Read(JsonElement c) => new(
        c.GetProperty("rootClass").GetString()!,
        c.GetProperty("definingClass").GetString()!,
        [.. c.GetProperty("properties").EnumerateArray().Select(p => p.GetString()!)],
        c.GetProperty("narrow").GetBoolean(),
        c.GetProperty("allowSelf").GetBoolean(),
        c.TryGetProperty("maxDepth", out var depth) ? depth.GetProperty("").GetInt32() : null,
        c.TryGetProperty("maxCount", out var count) ? count.GetProperty("").GetInt32() : null,
        c.TryGetProperty("excludeType", out var exclude) ? exclude.GetString() : null,
        c.TryGetProperty("importProperties", out var import) ? [.. import.EnumerateArray().Select(p => p.GetString()!)] : [],
        c.TryGetProperty("datatypeProperty", out var datatype) ? datatype.GetString() : null);
}

/// <summary>A supplemental type: a co-type such as a semantic type, a unit, or an adjunct type from an extension.</summary>
internal sealed class SupplementalType
{
    public required string Id { get; init; }

    public required bool Abstract { get; init; }

    public required string[] Cotypes { get; init; }

    public required int[] CotypeVersions { get; init; }

    public required string ExtensionContext { get; init; }

    public required string? Parent { get; init; }

    /// <summary>Co-types that must accompany this one on the same element (Cacheable needs Idempotent).</summary>
    public required string[] Cocotypes { get; init; }

    /// <summary>Rules relating the element to a sibling it names (annotation, overriding).</summary>
    public required IReadOnlyList<SiblingRule> Siblings { get; init; }

    /// <summary>Classes the values of some of the element's properties must have (a quantitative type's schema must be numeric).</summary>
    public required IReadOnlyList<SupplementalConstraint> Constraints { get; init; }

    /// <summary>Properties the co-type adds, by property DTMI.</summary>
    public required FrozenDictionary<string, SupplementalProperty> Properties { get; init; }

    internal static SupplementalType Read(string id, JsonElement s) => new()
    {
        Id = id,
        Abstract = s.GetProperty("abstract").GetBoolean(),
        Cotypes = [.. s.GetProperty("cotypes").EnumerateArray().Select(x => x.GetString()!)],
        CotypeVersions = [.. s.GetProperty("cotypeVersions").EnumerateArray().Select(x => x.GetInt32())],
        ExtensionContext = s.GetProperty("extensionContext").GetString()!,
        Parent = s.GetProperty("parent").ValueKind == JsonValueKind.String ? s.GetProperty("parent").GetString() : null,
        Cocotypes = s.TryGetProperty("cocotypes", out var cocotypes) ? [.. cocotypes.EnumerateArray().Select(x => x.GetString()!)] : [],
        Siblings = [.. s.GetProperty("siblings").EnumerateArray().Select(SiblingRule.Read)],
        Properties = s.GetProperty("properties").EnumerateObject().ToFrozenDictionary(p => p.Name, p => SupplementalProperty.Read(p.Name, p.Value)),
        Constraints = [.. s.GetProperty("constraints").EnumerateArray()
            .Where(c => c.TryGetProperty("property", out _) && !c.TryGetProperty("inverse", out _)
                && (c.TryGetProperty("requiredTypeNames", out _) || c.TryGetProperty("requiredValues", out _)))
            .Select(c => new SupplementalConstraint(
                c.GetProperty("property").GetString()!,
                c.TryGetProperty("requiredTypeNames", out var types) ? [.. types.EnumerateArray().Select(x => x.GetString()!)] : null,
                c.TryGetProperty("requiredValues", out var values) ? [.. values.EnumerateArray().Select(x => x.GetString()!)] : null,
                c.TryGetProperty("requiredTypesString", out var typesText) ? typesText.GetString()! : c.GetProperty("requiredValuesString").GetString()!))],
    };
}

/// <summary>A property a supplemental type adds, such as <c>unit</c> on a semantic type.</summary>
internal sealed record SupplementalProperty(string Id, string Name, string Type, string TypeName, int? MinCount, int? MaxCount, string? ChildOf, bool Optional)
{
    public Regex? Pattern { get; init; }

    public long? MinInclusive { get; init; }

    /// <summary>Whether the value must differ among the elements of one parent property (an MQTT index).</summary>
    public bool UniqueValue { get; init; }

    internal static SupplementalProperty Read(string id, JsonElement p) => new(
        id,
        p.TryGetProperty("propertyName", out var propertyName) ? propertyName.GetString()! : id,
        p.TryGetProperty("type", out var type) ? type.GetString()! : "",
        p.TryGetProperty("typeName", out var tn) ? tn.GetString()! : "",
        p.TryGetProperty("minCount", out var min) ? min.GetInt32() : null,
        p.TryGetProperty("maxCount", out var max) ? max.GetInt32() : null,
        p.TryGetProperty("childOf", out var childOf) ? childOf.GetString() : null,
        !p.TryGetProperty("optional", out var optional) || optional.GetBoolean())
    {
        Pattern = p.TryGetProperty("pattern", out var pattern) ? new Regex(pattern.GetString()!, RegexOptions.CultureInvariant) : null,
        MinInclusive = p.TryGetProperty("minInclusive", out var minInclusive) ? minInclusive.GetInt64() : null,
        UniqueValue = p.TryGetProperty("uniqueValue", out var unique) && unique.GetBoolean(),
    };
}

/// <summary>A restriction a supplemental type puts on one property of the element it is applied to.</summary>
internal sealed record SupplementalConstraint(string Property, string[]? RequiredTypes, string[]? RequiredValues, string Description);

/// <summary>
/// How a co-type relates its element to a sibling named by one of its properties: a ValueAnnotation's
/// <c>annotates</c> names a Property or Telemetry; an Override's <c>overrides</c> names a property of that sibling.
/// </summary>
internal sealed record SiblingRule(string Keyref, string[] RequiredTypeNames, string? DisallowedType, string? SupplementalProperty)
{
    internal static SiblingRule Read(JsonElement s) => new(
        s.GetProperty("keyref").GetString()!,
        s.TryGetProperty("requiredTypeNames", out var required) ? [.. required.EnumerateArray().Select(x => x.GetString()!)] : [],
        s.TryGetProperty("disallowedType", out var disallowed) ? disallowed.GetString() : null,
        s.TryGetProperty("supplementalProperty", out var supplemental) ? supplemental.GetString() : null);
}
