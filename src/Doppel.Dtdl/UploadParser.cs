using Doppel.Diagnostics;
using Doppel.Dtdl.Resolution;

namespace Doppel.Dtdl;

/// <summary>The state of one parse: created per call, never shared.</summary>
internal sealed class UploadParser(DtdlParserOptions options, ModelSet? stored, CancellationToken cancellationToken)
{
    private readonly List<Diagnostic> diagnostics = [];

    public DtdlParseResult Run(IReadOnlyList<DtdlDocument> documents)
    {
        _ = options;
        _ = stored;
        _ = documents;
        cancellationToken.ThrowIfCancellationRequested();
        return new DtdlParseResult(new ModelSet(new Dictionary<string, InterfaceInfo>()), diagnostics);
    }
}
