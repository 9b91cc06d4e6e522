using System.Text;

namespace Doppel.Dtdl.Tests.Limits;

/// <summary>The language's count and depth limits, counted the way DTDL counts them.</summary>
public sealed class LanguageLimitTests
{
    [Fact]
    public void V3_interface_holding_more_than_100000_elements_is_rejected_with_excessiveCount()
    {
        var json = new StringBuilder("""{"@context":"dtmi:dtdl:context;3","@id":"dtmi:test:Huge;1","@type":"Interface","contents":[""");
        for (var i = 0; i <= 100_000; i++)
        {
            json.Append(i == 0 ? "" : ",").Append("{\"@type\":\"Property\",\"name\":\"p").Append(i).Append("\",\"schema\":\"double\"}");
        }

        json.Append("]}");
        var parser = new DtdlParser(new DtdlParserOptions { MaxDocumentBytes = int.MaxValue });

        var result = parser.Parse([DtdlDocument.FromText("huge.json", json.ToString())]);

        Assert.False(result.IsValid);
        Assert.Contains(result.Diagnostics, d => d.Code == "dtmi:dtdl:parsingError:excessiveCount");
    }

    [Fact]
    public void V2_interface_may_extend_at_most_two_interfaces()
    {
        static string Iface(string name, string extends = "") =>
            $$"""{"@context":"dtmi:dtdl:context;2","@id":"dtmi:test:{{name}};1","@type":"Interface"{{extends}}}""";

        var result = new DtdlParser().Parse(
        [
            DtdlDocument.FromText("a.json", Iface("A")),
            DtdlDocument.FromText("b.json", Iface("B")),
            DtdlDocument.FromText("c.json", Iface("C")),
            DtdlDocument.FromText("d.json", Iface("D", ""","extends":["dtmi:test:A;1","dtmi:test:B;1","dtmi:test:C;1"]""")),
        ]);

        Assert.Contains(result.Diagnostics, d => d.Code == "dtmi:dtdl:parsingError:objectCountAboveMax" && d.Property == "extends");
    }

    [Fact]
    public void Extends_cycle_is_reported_on_every_interface_in_it()
    {
        static string Iface(string name, string parent) =>
            $$"""{"@context":"dtmi:dtdl:context;3","@id":"dtmi:test:{{name}};1","@type":"Interface","extends":"dtmi:test:{{parent}};1"}""";

        var result = new DtdlParser().Parse([DtdlDocument.FromText("a.json", Iface("A", "B")), DtdlDocument.FromText("b.json", Iface("B", "A"))]);

        Assert.Equal(2, result.Diagnostics.Count(d => d.Code == "dtmi:dtdl:parsingError:recursiveStructureNarrow"));
    }
}
