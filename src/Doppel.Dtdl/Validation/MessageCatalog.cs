using System.Collections.Frozen;
using System.Text;
using System.Text.Json;

namespace Doppel.Dtdl.Validation;

/// <summary>
/// The cause and action texts of every validation id, from DTDLParser's catalogue (embedded data),
/// so Doppel's messages read as ADT's do.
/// </summary>
internal static class MessageCatalog
{
    private static readonly Lazy<FrozenDictionary<string, (string Cause, string Action, FrozenDictionary<string, (string Singular, string Plural)> Support)>> Templates = new(Load);

    /// <summary>Fills the templates of <paramref name="validationId"/> (the short form, e.g. <c>invalidId</c>).</summary>
    public static (string Cause, string Action) Format(string validationId, IReadOnlyDictionary<string, string?> args)
    {
        if (!Templates.Value.TryGetValue(validationId, out var template))
        {
            return (args.TryGetValue("cause", out var cause) ? cause ?? validationId : validationId, args.TryGetValue("action", out var action) ? action ?? "" : "");
        }

        // Words that agree with a count ("1 value", "3 values", "is"/"are"): itemN and verbN follow countN.
        var filled = new Dictionary<string, string?>(args);
        foreach (var (name, forms) in template.Support)
        {
            if (!filled.ContainsKey(name))
            {
                var count = args.GetValueOrDefault("count" + name[^1]);
                filled[name] = count == "1" ? forms.Singular : forms.Plural;
            }
        }

        return (Fill(template.Cause, filled), Fill(template.Action, filled));
    }

    private static FrozenDictionary<string, (string, string, FrozenDictionary<string, (string, string)>)> Load()
    {
        using var stream = typeof(MessageCatalog).Assembly.GetManifestResourceStream("Doppel.Dtdl.ParsingErrorMessages.json")
            ?? throw new InvalidOperationException("The DTDL message catalogue is not embedded in the assembly.");
        using var doc = JsonDocument.Parse(stream);
        return doc.RootElement.EnumerateObject().ToFrozenDictionary(
            e => e.Name,
            e => (e.Value.GetProperty("cause").GetString()!, e.Value.GetProperty("action").GetString()!,
                e.Value.TryGetProperty("support", out var support)
                    ? support.EnumerateObject().ToFrozenDictionary(s => s.Name, s => (s.Value.GetProperty("singular").GetString()!, s.Value.GetProperty("plural").GetString()!))
                    : FrozenDictionary<string, (string, string)>.Empty));
    }

    // Placeholders look like {name} or {name:format}. Unknown or empty ones vanish: they carry optional
    // context (source lines, layers) that Doppel reports through the diagnostic's location instead.
    private static string Fill(string template, IReadOnlyDictionary<string, string?> args)
    {
        var result = new StringBuilder(template.Length + 64);
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            if (open < 0)
            {
                result.Append(template, i, template.Length - i);
                break;
            }

            var close = template.IndexOf('}', open);
            if (close < 0)
            {
                result.Append(template, i, template.Length - i);
                break;
            }

            result.Append(template, i, open - i);
            var spec = template.AsSpan(open + 1, close - open - 1);
            var colon = spec.IndexOf(':');
            var name = (colon < 0 ? spec : spec[..colon]).ToString();
            var format = colon < 0 ? "" : spec[(colon + 1)..].ToString();
            result.Append(Render(name, format, args));
            i = close + 1;
        }

        return result.ToString();
    }

    private static string Render(string name, string format, IReadOnlyDictionary<string, string?> args)
    {
        if (!args.TryGetValue(name, out var value) || string.IsNullOrEmpty(value))
        {
            return format switch
            {
                "p" or "n" => "Element",
                _ => "",
            };
        }

        return format switch
        {
            "p" => $"Element '{value}'",
            "n" => $"Element '{value}'",
            "e" => $" '{value}'",
            _ => value,
        };
    }
}
