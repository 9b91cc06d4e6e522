namespace Doppel.Dtdl.Metamodel;

/// <summary>Names read off a DTMI's text, for messages and term look-ups.</summary>
internal static class DtmiNames
{
    /// <summary>The last path segment: <c>dtmi:dtdl:instance:Schema:double;3</c> → <c>double</c>.</summary>
    public static string ShortName(string dtmi)
    {
        var semicolon = dtmi.LastIndexOf(';');
        var path = semicolon < 0 ? dtmi : dtmi[..semicolon];
        return path[(path.LastIndexOf(':') + 1)..];
    }
}
