using System.Globalization;

namespace Doppel.Twins.Errors;

/// <summary>
/// The message catalogue of the data plane: every error a service raises is made here, with ADT's code and,
/// where the live service's text is known (adt-facts.md §4.3), that text verbatim.
/// </summary>
public static class AdtErrors
{
    /// <summary>The twin does not exist (live-service text).</summary>
    public static AdtException TwinNotFound(string twinId) => new(AdtErrorKind.NotFound, AdtErrorCodes.DigitalTwinNotFound,
        $"There is no digital twin instance that exists with the ID {twinId}. Please verify that the twin id is valid and ensure that the twin is not deleted. See section on querying the twins https://aka.ms/adtv2query.");

    /// <summary>One or more models do not exist (live-service text).</summary>
    public static AdtException ModelNotFound(string modelIds) => new(AdtErrorKind.NotFound, AdtErrorCodes.ModelNotFound,
        $"There is no Model(s) available that matches the provided id(s) {modelIds}. Check that the Model ID provided is valid by doing a Model_List API call.");

    /// <summary>The model is already in the instance (documented text).</summary>
    public static AdtException ModelAlreadyExists(string modelId) => new(AdtErrorKind.Conflict, AdtErrorCodes.ModelAlreadyExists,
        $"Could not add model {modelId} as it already exists. Use Model_List API to view models that already exist. See the Swagger example.(http://aka.ms/ModelListSwSmpl)");

    /// <summary>The relationship does not exist (live-service text).</summary>
    public static AdtException RelationshipNotFound(string twinId, string relationshipId) => new(AdtErrorKind.NotFound, AdtErrorCodes.RelationshipNotFound,
        $"Relationship {relationshipId} not found on twin {twinId}. Please verify that the relationship id is valid and ensure that the relationship is not deleted. See section on listing relationships in the documentation https://aka.ms/adtv2twins.");

    /// <summary>A bad <c>If-None-Match</c> value (live-service text).</summary>
    public static AdtException InvalidIfNoneMatch() => new(AdtErrorKind.BadRequest, AdtErrorCodes.InvalidArgument,
        "Invalid If-None-Match header value. Allowed value(s): If-None-Match: *");

    /// <summary>A JSON Patch operation ADT does not support (live-service text for <c>move</c>).</summary>
    public static AdtException UnsupportedPatchOperation(string op) => new(AdtErrorKind.BadRequest, AdtErrorCodes.JsonPatchInvalid,
        $"Unsupported operation type {op}. Please provide a valid patch document. See section on update apis in the documentation https://aka.ms/adtv2twins.");

    /// <summary>Any other problem with a JSON Patch document.</summary>
    public static AdtException PatchInvalid(string reason) => new(AdtErrorKind.BadRequest, AdtErrorCodes.JsonPatchInvalid,
        $"{reason} Please provide a valid patch document. See section on update apis in the documentation https://aka.ms/adtv2twins.");

    /// <summary>The entity's ETag does not match <c>If-Match</c>, or it exists despite <c>If-None-Match: *</c>.</summary>
    public static AdtException PreconditionFailed(string what) => new(AdtErrorKind.PreconditionFailed, AdtErrorCodes.PreconditionFailed,
        $"The precondition for the {what} failed: the entity's ETag does not match the If-Match header, or the entity exists and If-None-Match: * was given.");

    /// <summary>A twin body that does not conform to its model; the reasons go into <c>details</c>.</summary>
    public static AdtException TwinInvalid(IReadOnlyList<string> reasons) => new(AdtErrorKind.BadRequest, AdtErrorCodes.ValidationFailed,
        "Invalid twin specified", [.. reasons.Select(r => new AdtErrorDetail(AdtErrorCodes.ValidationFailed, r))]);

    /// <summary>A relationship body that does not conform to its model.</summary>
    public static AdtException RelationshipInvalid(IReadOnlyList<string> reasons) => new(AdtErrorKind.BadRequest, AdtErrorCodes.ValidationFailed,
        "Invalid relationship specified", [.. reasons.Select(r => new AdtErrorDetail(AdtErrorCodes.ValidationFailed, r))]);

    /// <summary>The twin's model is missing; ADT's text for a PUT of a twin whose model does not exist.</summary>
    public static string ModelMissingReason(string modelId) => $"{modelId} or one of its dependencies does not exist.";

    /// <summary>The model is decommissioned and takes no new twins.</summary>
    public static AdtException ModelDecommissioned(string modelId) => new(AdtErrorKind.BadRequest, AdtErrorCodes.ModelDecommissioned,
        $"The model {modelId} is decommissioned; new twins cannot be created from it. Use a model that is not decommissioned.");

    /// <summary>A twin still has relationships and cannot be deleted.</summary>
    public static AdtException RelationshipsNotDeleted(string twinId) => new(AdtErrorKind.BadRequest, AdtErrorCodes.RelationshipsNotDeleted,
        $"The digital twin {twinId} has relationships. Delete all its incoming and outgoing relationships before deleting the twin. See section on deleting twins https://aka.ms/adtv2twins.");

    /// <summary>The relationship's target twin does not exist.</summary>
    public static AdtException TargetTwinNotFound(string targetId) => new(AdtErrorKind.NotFound, AdtErrorCodes.TargetTwinNotFound,
        $"The target digital twin {targetId} of the relationship does not exist. Create the target twin first.");

    /// <summary>The relationship does not fit the source twin's model.</summary>
    public static AdtException InvalidRelationship(string reason) => new(AdtErrorKind.BadRequest, AdtErrorCodes.InvalidRelationship, reason);

    /// <summary>A relationship from a twin to itself.</summary>
    public static AdtException SelfRelationship(string twinId) => new(AdtErrorKind.BadRequest, AdtErrorCodes.OperationNotAllowed,
        $"A relationship cannot have the same source and target twin ({twinId}). Choose another target twin.");

    /// <summary>The component is not part of the twin's model.</summary>
    public static AdtException ComponentNotFound(string twinId, string componentPath) => new(AdtErrorKind.NotFound, AdtErrorCodes.ComponentNotFound,
        $"There is no component {componentPath} on the digital twin {twinId}. Check the component name against the twin's model.");

    /// <summary>A path or header argument is malformed.</summary>
    public static AdtException InvalidArgument(string message) => new(AdtErrorKind.BadRequest, AdtErrorCodes.InvalidArgument, message);

    /// <summary>The DTDL upload does not validate; every diagnostic becomes a detail.</summary>
    public static AdtException DtdlInvalid(IReadOnlyList<AdtErrorDetail> details)
    {
        var first = details.Count > 0 ? details[0].Message : "The models are not valid DTDL.";
        var more = details.Count > 1 ? string.Create(CultureInfo.InvariantCulture, $" ({details.Count - 1} more problems in details)") : string.Empty;
        return new AdtException(AdtErrorKind.BadRequest, AdtErrorCodes.DtdlParserError, first + more, details);
    }

    /// <summary>A model is referenced by other models and cannot be deleted.</summary>
    public static AdtException ModelReferencesNotDeleted(string modelId, IEnumerable<string> referencedBy) => new(AdtErrorKind.Conflict, AdtErrorCodes.ModelReferencesNotDeleted,
        $"The model {modelId} is referenced by other models ({string.Join(", ", referencedBy)}), which extend it or use it as a component. Delete those models first.");

    /// <summary>A model to decommission is extended or used as a component by models that are not decommissioned.</summary>
    public static AdtException ModelReferencesNotDecommissioned(string modelId, IEnumerable<string> referencedBy) => new(AdtErrorKind.Conflict, AdtErrorCodes.ModelReferencesNotDecommissioned,
        $"The model {modelId} is referenced by models that are not decommissioned ({string.Join(", ", referencedBy)}), which extend it or use it as a component. Decommission those models first.");

    /// <summary>A documented limit was reached.</summary>
    public static AdtException LimitExceeded(string message) => new(AdtErrorKind.BadRequest, AdtErrorCodes.LimitExceeded, message);

    /// <summary>The request body is larger than the operation allows.</summary>
    public static AdtException PayloadTooLarge(long limitBytes) => new(AdtErrorKind.PayloadTooLarge, AdtErrorCodes.PayloadTooLarge,
        string.Create(CultureInfo.InvariantCulture, $"The request body is larger than {limitBytes} bytes, the limit of this operation."));

    /// <summary>The body is not valid JSON.</summary>
    public static AdtException MalformedJson(string code, string detail) => new(AdtErrorKind.BadRequest, code,
        $"The request body is not valid JSON: {detail}");
}
