namespace Doppel.Dtdl.Resolution;

/// <summary>A resolved set of Interfaces: what an instance holds, and what an upload adds to it.</summary>
public sealed class ModelSet
{
    /// <summary>An empty set: an instance with no models.</summary>
    public static ModelSet Empty { get; } = new(new Dictionary<string, InterfaceInfo>(), []);

    internal ModelSet(IReadOnlyDictionary<string, InterfaceInfo> interfaces, IReadOnlyList<string> uploaded)
    {
        Interfaces = interfaces;
        Uploaded = uploaded;
    }

    /// <summary>Every Interface by DTMI: the stored ones and those of the upload.</summary>
    public IReadOnlyDictionary<string, InterfaceInfo> Interfaces { get; }

    /// <summary>The DTMIs of the Interfaces this upload defined, in document order.</summary>
    public IReadOnlyList<string> Uploaded { get; }

    /// <summary>Finds an Interface by DTMI.</summary>
    public bool TryGetInterface(string id, out InterfaceInfo info) => Interfaces.TryGetValue(id, out info!);
}
