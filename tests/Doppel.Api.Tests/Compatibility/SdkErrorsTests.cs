namespace Doppel.Api.Tests.Compatibility;

/// <summary>Errors as a caller of the official JavaScript SDK sees them (<c>js/errors.mjs</c>).</summary>
[Collection(OfficialSdk.Name)]
public sealed class SdkErrorsTests(SdkServer sdk)
{
    private static readonly Dictionary<string, (int Status, string Code)> Expected = new()
    {
        ["getDigitalTwin of a missing twin"] = (404, "DigitalTwinNotFound"),
        ["updateDigitalTwin of a missing twin"] = (404, "DigitalTwinNotFound"),
        ["deleteDigitalTwin of a missing twin"] = (404, "DigitalTwinNotFound"),
        ["getComponent of a missing twin"] = (404, "DigitalTwinNotFound"),
        ["upsertRelationship from a missing twin"] = (404, "DigitalTwinNotFound"),
        ["listRelationships of a missing twin"] = (404, "DigitalTwinNotFound"),
        ["listIncomingRelationships of a missing twin"] = (404, "DigitalTwinNotFound"),
        ["publishTelemetry of a missing twin"] = (404, "DigitalTwinNotFound"),
        ["getRelationship of a missing relationship"] = (404, "RelationshipNotFound"),
        ["updateRelationship of a missing relationship"] = (404, "RelationshipNotFound"),
        ["deleteRelationship of a missing relationship"] = (404, "RelationshipNotFound"),
        ["upsertRelationship to a missing twin"] = (404, "TargetTwinNotFound"),
        ["getComponent of a missing component"] = (404, "ComponentNotFound"),
        ["getModel of a missing model"] = (404, "ModelNotFound"),
        ["deleteModel of a missing model"] = (404, "ModelNotFound"),
        ["decomissionModel of a missing model"] = (404, "ModelNotFound"),
        ["listModels with dependencies of a missing model"] = (404, "ModelNotFound"),
        ["getModel with an id that is no DTMI"] = (400, "InvalidArgument"),
        ["createModels of an existing model"] = (409, "ModelAlreadyExists"),
        ["createModels of invalid DTDL"] = (400, "DTDLParserError"),
        ["deleteModel of a model others extend"] = (409, "ModelReferencesNotDeleted"),
        ["upsertDigitalTwin of a missing model"] = (400, "ValidationFailed"),
        ["upsertDigitalTwin with a property of the wrong type"] = (400, "ValidationFailed"),
        ["upsertDigitalTwin without its component"] = (400, "ValidationFailed"),
        ["upsertDigitalTwin with an If-None-Match other than *"] = (400, "InvalidArgument"),
        ["upsertDigitalTwin over 32 KiB"] = (413, "PayloadTooLarge"),
        ["updateDigitalTwin with a move operation"] = (400, "JsonPatchInvalid"),
        ["updateDigitalTwin with a stale ETag"] = (412, "PreconditionFailed"),
        ["deleteDigitalTwin with relationships"] = (400, "RelationshipsNotDeleted"),
        ["upsertRelationship to itself"] = (400, "OperationNotAllowed"),
        ["upsertRelationship with a name the model lacks"] = (400, "InvalidRelationship"),
        ["any call with an invalid token"] = (401, "Unauthorized"),
        ["any call to an unknown instance"] = (404, "InstanceNotFound"),
    };

    [SkippableFact]
    public async Task Every_failed_operation_surfaces_as_a_RestError_with_ADTs_status_and_code()
    {
        var result = await sdk.RunAsync("errors.mjs", "codes");

        var observed = result.At("observed");
        Assert.Equal(Expected.Keys.Order(StringComparer.Ordinal), observed.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var wrong = new List<string>();
        foreach (var (operation, (status, code)) in Expected)
        {
            var failure = observed.GetProperty(operation);
            if (!failure.Flag("failed") || failure.Text("name") != "RestError" || failure.At("statusCode").ValueKind != System.Text.Json.JsonValueKind.Number
                || failure.Number("statusCode") != status || failure.Text("code") != code || string.IsNullOrWhiteSpace(failure.Text("message")))
            {
                wrong.Add($"{operation}: expected {status} {code}, saw {failure}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
        Assert.Empty(result.Texts("serverErrors"));
        Assert.Equal(result.Number("calls"), result.Number("requests"));
    }
}
