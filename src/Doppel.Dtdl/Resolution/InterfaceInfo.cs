namespace Doppel.Dtdl.Resolution;

/// <summary>A resolved Interface.</summary>
public sealed class InterfaceInfo
{
    internal InterfaceInfo(string id)
    {
        Id = id;
    }

    /// <summary>The Interface's DTMI.</summary>
    public string Id { get; }
}
