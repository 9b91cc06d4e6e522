namespace Doppel.Dtdl.Resolution;

/// <summary>A resolved set of Interfaces: what an instance holds, and what an upload adds to it.</summary>
public sealed class ModelSet
{
    /// <summary>An empty set: an instance with no models.</summary>
    public static ModelSet Empty { get; } = new(new Dictionary<string, InterfaceInfo>(), [], new Dictionary<string, SchemaInfo>());

    private readonly IReadOnlyDictionary<string, SchemaInfo> schemas;

    internal ModelSet(IReadOnlyDictionary<string, InterfaceInfo> interfaces, IReadOnlyList<string> uploaded, IReadOnlyDictionary<string, SchemaInfo> schemas)
    {
        Interfaces = interfaces;
        Uploaded = uploaded;
        this.schemas = schemas;
    }

    /// <summary>Every Interface by DTMI: the stored ones and those of the upload.</summary>
    public IReadOnlyDictionary<string, InterfaceInfo> Interfaces { get; }

    /// <summary>The DTMIs of the Interfaces this upload defined, in document order.</summary>
    public IReadOnlyList<string> Uploaded { get; }

    /// <summary>
    /// Finds a schema by DTMI: a complex schema the models define (an Enum, Object, Map or Array), or one of
    /// the language's own (<c>dtmi:dtdl:instance:Schema:double;3</c>).
    /// </summary>
    public bool TryGetSchema(string id, out SchemaInfo schema)
    {
        if (schemas.TryGetValue(id, out schema!))
        {
            return true;
        }

        schema = ModelResolver.StandardSchema(id)!;
        return schema is not null;
    }

    /// <summary>Finds an Interface by DTMI.</summary>
    public bool TryGetInterface(string id, out InterfaceInfo info) => Interfaces.TryGetValue(id, out info!);
}
