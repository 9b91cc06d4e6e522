using Doppel.Dtdl.Tests.Golden;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Doppel.Dtdl.Tests.Support;

/// <summary>
/// A theory over corpus case ids whose rows are skipped, each with its own reason, when the id is listed in
/// <see cref="GoldenSkips"/>. xUnit v2 can only skip a whole data source; this keeps every case a separate test,
/// shown as skipped with the written reason rather than silently left out.
/// </summary>
[XunitTestCaseDiscoverer("Doppel.Dtdl.Tests.Support.CorpusTheoryDiscoverer", "Doppel.Dtdl.Tests")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
internal sealed class CorpusTheoryAttribute : TheoryAttribute;

/// <summary>Discovers <see cref="CorpusTheoryAttribute"/> theories: one test per row, skipped rows carrying their reason.</summary>
internal sealed class CorpusTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    protected override IEnumerable<IXunitTestCase> CreateTestCasesForDataRow(
        ITestFrameworkDiscoveryOptions discoveryOptions,
        ITestMethod testMethod,
        IAttributeInfo theoryAttribute,
        object[] dataRow)
    {
        return dataRow is [string caseId] && GoldenSkips.ReasonFor(caseId) is { } reason
            ? CreateTestCasesForSkippedDataRow(discoveryOptions, testMethod, theoryAttribute, dataRow, reason)
            : base.CreateTestCasesForDataRow(discoveryOptions, testMethod, theoryAttribute, dataRow);
    }
}
