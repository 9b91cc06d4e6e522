using System.Text;

namespace Doppel.Dtdl;

/// <summary>One JSON document of an upload: an Interface or an array of them, with the name used in diagnostics.</summary>
/// <param name="Name">The name diagnostics point at: a file path, or <c>models[3]</c> for the fourth model of a request body.</param>
/// <param name="Utf8">The document's UTF-8 bytes.</param>
public sealed record DtdlDocument(string Name, ReadOnlyMemory<byte> Utf8)
{
    /// <summary>Creates a document from text.</summary>
    public static DtdlDocument FromText(string name, string json) => new(name, Encoding.UTF8.GetBytes(json));

    /// <summary>Reads a document from a file; its path becomes its name.</summary>
    public static DtdlDocument FromFile(string path) => new(path, File.ReadAllBytes(path));
}
