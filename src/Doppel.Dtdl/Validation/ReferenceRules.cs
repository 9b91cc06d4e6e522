using Doppel.Dtdl.Elements;
using Doppel.Dtdl.Metamodel;

namespace Doppel.Dtdl.Validation;

/// <summary>
/// Every reference must resolve — within the upload, to a stored model, or to a standard element — to an
/// element of the class the property requires, written in a DTDL version the property allows, and not
/// nested inside another Interface.
/// </summary>
internal static class ReferenceRules
{
    public const string UnresolvedCode = "dtmi:doppel:dtdl:unresolvedReference";

    public static void Check(ElementIndex index, DiagnosticBag diagnostics)
    {
        foreach (var element in index.Elements)
        {
            var model = DtdlMetamodel.Instance.Versions[element.Version];
            var metaClass = model.Classes[element.Class!];
            foreach (var (propertyName, references) in element.References)
            {
                metaClass.Properties.TryGetValue(propertyName, out var property);
                foreach (var reference in references)
                {
                    CheckReference(index, diagnostics, element, propertyName, property, reference, model);
                }
            }
        }
    }

    private static void CheckReference(ElementIndex index, DiagnosticBag diagnostics, Element element, string propertyName, MetaProperty? property, Reference reference, VersionModel model)
    {
        var target = index.Find(reference.Target);
        if (!target.Found)
        {
            if (IsReserved(reference.Target))
            {
                diagnostics.AddFor("undefinedReservedId", element, propertyName, reference.Node, secondaryId: reference.Target);
                return;
            }

            diagnostics.Add("unresolvedReference", element.Document, reference.Node.Offset, element.Id, propertyName, reference.Target, reference.Target, code: UnresolvedCode,
                extra: new Dictionary<string, string?>
                {
                    ["cause"] = $"Element '{element.Id}' property '{propertyName}' refers to '{reference.Target}', which is neither in this upload nor in the instance.",
                    ["action"] = $"Upload the model '{reference.Target}' in the same request or before this one, or correct the reference.",
                });
            return;
        }

        if (property?.Class is null)
        {
            return;
        }

        var targetClass = ClassOf(target, model);
        if (targetClass is not null && !model.IsSubclassOf(targetClass, property.Class))
        {
            diagnostics.AddFor("badType", element, propertyName, reference.Node, targetClass, secondaryId: reference.Target, type: property.Class,
                extra: new Dictionary<string, string?>
                {
                    ["cause"] = $"Element '{element.Id}' property '{propertyName}' refers to '{reference.Target}', which has @type {targetClass}, not {property.Class}.",
                    ["action"] = $"Refer to an element whose @type is {property.Class} or a subtype of it.",
                });
            return;
        }

        if (property.Versions is { } versions && target.Version is { } version && !versions.Contains(version) && target.Standard is null)
        {
            diagnostics.AddFor("disallowedVersionReference", element, propertyName, reference.Node, version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                secondaryId: reference.Target, restriction: string.Join(", ", versions));
            return;
        }

        // Each Interface is a partition: an element nested in one may be referred to only from within it.
        if (target.Element is { IsTopLevel: false, Class: not "Interface" } nested && Partition(nested) != Partition(element))
        {
            diagnostics.AddFor("crossPartitionReference", element, propertyName, reference.Node, Partition(nested).Id, secondaryId: reference.Target, restriction: Partition(element).Id);
        }
    }

    private static Element Partition(Element element)
    {
        var e = element;
        while (e.Class != "Interface" && e.Parent is not null)
        {
            e = e.Parent;
        }

        return e;
    }

    private static bool IsReserved(string dtmi) =>
        DtdlMetamodel.Instance.ReservedIdPrefixes.Values.Any(prefixes => prefixes.Any(p => dtmi.StartsWith(p, StringComparison.Ordinal)));

    /// <summary>The material class of a reference's target, or null when it cannot be told (standard elements of extension families).</summary>
    public static string? ClassOf(Target target, VersionModel model)
    {
        if (target.Element is { } element)
        {
            return element.Class;
        }

        if (target.Stored is not null)
        {
            return "Interface";
        }

        if (target.Standard is null)
        {
            return null;
        }

        foreach (var type in target.Standard.Types)
        {
            if (model.Classes.ContainsKey(type))
            {
                return type;
            }
        }

        return null;
    }
}
