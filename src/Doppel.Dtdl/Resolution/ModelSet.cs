namespace Doppel.Dtdl.Resolution;

/// <summary>A resolved set of Interfaces: what an instance holds, and what an upload adds to it.</summary>
public sealed class ModelSet
{
    internal ModelSet(IReadOnlyDictionary<string, InterfaceInfo> interfaces)
    {
        Interfaces = interfaces;
    }

    /// <summary>Every Interface by DTMI.</summary>
    public IReadOnlyDictionary<string, InterfaceInfo> Interfaces { get; }
}
