using Doppel.Dtdl.Elements;
using Doppel.Dtdl.Metamodel;

namespace Doppel.Dtdl.Validation;

/// <summary>
/// Restrictions co-types put on their element: a quantitative type's schema must be numeric, an IoT Central
/// vector type's schema must be <c>vector</c>.
/// </summary>
internal static class SupplementalRules
{
    public static void Check(ElementIndex index, DiagnosticBag diagnostics)
    {
        foreach (var element in index.Elements)
        {
            if (element.Cotypes.Count == 0)
            {
                continue;
            }

            var model = DtdlMetamodel.Instance.Versions[element.Version];
            foreach (var cotype in element.Cotypes)
            {
                foreach (var constraint in DtdlMetamodel.Instance.SelfAndAncestors(cotype).SelectMany(t => t.Constraints))
                {
                    CheckConstraint(index, diagnostics, element, constraint, model);
                }
            }
        }
    }

    private static void CheckConstraint(ElementIndex index, DiagnosticBag diagnostics, Element element, SupplementalConstraint constraint, VersionModel model)
    {
        foreach (var (child, reference) in element.ValuesOf(constraint.Property))
        {
            var id = child?.Id ?? reference!.Target;
            if (constraint.RequiredValues is { } values)
            {
                if (!values.Contains(id))
                {
                    diagnostics.AddFor("notRequiredValue", element, constraint.Property, reference?.Node ?? child?.Node, secondaryId: id, restriction: constraint.Description);
                }

                continue;
            }

            var value = child ?? index.Find(id).Element;
            var cls = value?.Class ?? ReferenceRules.ClassOf(index.Find(id), model);
            if (cls is not null && constraint.RequiredTypes is { } types && !types.Any(t => model.IsSubclassOf(cls, t) || HasCotype(value, t)))
            {
                diagnostics.AddFor("notRequiredType", element, constraint.Property, reference?.Node ?? child?.Node, secondaryId: id, type: constraint.Description);
            }
        }
    }

    // A required type may be a co-type (an MQTT Result field must be a NormalResult or an ErrorResult).
    private static bool HasCotype(Element? element, string typeName) =>
        element is not null && DtdlMetamodel.Instance.SelfAndAncestors(element.Cotypes)
            .Any(t => t.Id.EndsWith(":" + typeName, StringComparison.Ordinal) || t.Id.Contains(":" + typeName + ";", StringComparison.Ordinal));
}
