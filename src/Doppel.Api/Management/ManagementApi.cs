using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Doppel.Api.Hosting;
using Doppel.Management;
using Doppel.Management.Access;
using Doppel.Storage.Management;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Doppel.Api.Management;

/// <summary>
/// The ARM-shaped control plane: subscriptions, resource groups, <c>Microsoft.DigitalTwins/digitalTwinsInstances</c>
/// (api-version 2023-01-31, as the Swagger has it) with their asynchronous operations, and
/// <c>Microsoft.Authorization</c> role assignments and definitions at subscription, resource-group and instance scope.
/// </summary>
public static partial class ManagementApi
{
    private const string Subscription = "/subscriptions/{subscriptionId}";
    private const string Group = Subscription + "/resourceGroups/{resourceGroupName}";
    private const string Instances = Group + "/providers/Microsoft.DigitalTwins/digitalTwinsInstances";
    private const string Instance = Instances + "/{resourceName}";
    private const string Locations = Subscription + "/providers/Microsoft.DigitalTwins/locations/{location}";

    /// <summary>Maps every control-plane endpoint; they answer only outside an instance's data plane.</summary>
    public static IEndpointRouteBuilder MapManagementApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(string.Empty).WithTags("ControlPlane");
        group.AddEndpointFilter(async (context, next) =>
            context.HttpContext.Features.Get<DataPlaneRequest>() is not null || context.HttpContext.Features.Get<Principal>() is null ? Results.NotFound() : await next(context));

        group.MapGet("/subscriptions", ListSubscriptionsAsync).WithName("Subscriptions_List");
        group.MapGet(Subscription, GetSubscriptionAsync).WithName("Subscriptions_Get");
        group.MapGet(Subscription + "/locations", ListLocationsAsync).WithName("Subscriptions_ListLocations");
        group.MapGet(Subscription + "/resourcegroups", ListGroupsAsync).WithName("ResourceGroups_List");
        group.MapPut(Group, PutGroupAsync).WithName("ResourceGroups_CreateOrUpdate");
        group.MapGet(Group, GetGroupAsync).WithName("ResourceGroups_Get");
        group.MapDelete(Group, DeleteGroupAsync).WithName("ResourceGroups_Delete");
        group.MapGet(Subscription + "/operationresults/{operationId}", GetGroupOperationAsync).WithName("ResourceGroups_OperationResult");

        group.MapGet("/providers/Microsoft.DigitalTwins/operations", ListOperationsAsync).WithName("Arm_Operations_List");
        group.MapGet(Subscription + "/providers/Microsoft.DigitalTwins/digitalTwinsInstances", ListInstancesAsync).WithName("Arm_DigitalTwins_List");
        group.MapGet(Instances, ListInstancesAsync).WithName("Arm_DigitalTwins_ListByResourceGroup");
        group.MapPut(Instance, PutInstanceAsync).WithName("Arm_DigitalTwins_CreateOrUpdate");
        group.MapGet(Instance, GetInstanceAsync).WithName("Arm_DigitalTwins_Get");
        group.MapPatch(Instance, PatchInstanceAsync).WithName("Arm_DigitalTwins_Update");
        group.MapDelete(Instance, DeleteInstanceAsync).WithName("Arm_DigitalTwins_Delete");
        group.MapGet(Instance + "/endpoints", ListEndpointsAsync).WithName("Arm_DigitalTwinsEndpoint_List");
        group.MapPut(Instance + "/endpoints/{endpointName}", PutEndpointAsync).WithName("Arm_DigitalTwinsEndpoint_CreateOrUpdate");
        group.MapGet(Instance + "/endpoints/{endpointName}", GetEndpointAsync).WithName("Arm_DigitalTwinsEndpoint_Get");
        group.MapDelete(Instance + "/endpoints/{endpointName}", DeleteEndpointAsync).WithName("Arm_DigitalTwinsEndpoint_Delete");
        group.MapPost(Locations + "/checkNameAvailability", CheckNameAsync).WithName("Arm_DigitalTwins_CheckNameAvailability");
        group.MapGet(Locations + "/operationStatuses/{operationId}", GetOperationStatusAsync).WithName("Arm_DigitalTwins_OperationStatus");
        group.MapGet(Locations + "/operationResults/{operationId}", GetOperationResultAsync).WithName("Arm_DigitalTwins_OperationResult");

        group.MapGet(Subscription + "/providers/Microsoft.Insights/eventtypes/management/values", ListActivityAsync).WithName("ActivityLogs_List");

        foreach (var (scope, label) in new[] { (Subscription, "Subscription"), (Group, "ResourceGroup"), (Instance, "DigitalTwins") })
        {
            var authorization = scope + "/providers/Microsoft.Authorization";
            group.MapGet(authorization + "/roleAssignments", ListAssignmentsAsync).WithName($"RoleAssignments_ListFor{label}");
            group.MapPut(authorization + "/roleAssignments/{roleAssignmentName}", PutAssignmentAsync).WithName($"RoleAssignments_CreateAt{label}");
            group.MapGet(authorization + "/roleAssignments/{roleAssignmentName}", GetAssignmentAsync).WithName($"RoleAssignments_GetAt{label}");
            group.MapDelete(authorization + "/roleAssignments/{roleAssignmentName}", DeleteAssignmentAsync).WithName($"RoleAssignments_DeleteAt{label}");
            group.MapGet(authorization + "/roleDefinitions", ListDefinitionsAsync).WithName($"RoleDefinitions_ListAt{label}");
            group.MapGet(authorization + "/roleDefinitions/{roleDefinitionId}", GetDefinitionAsync).WithName($"RoleDefinitions_GetAt{label}");
        }

        return endpoints;
    }

    // Subscriptions and resource groups (Microsoft.Resources).

    private static async Task<IResult> ListSubscriptionsAsync(HttpContext context, ManagementService service, ControlPlaneOptions options)
    {
        ArmRequest.RequireApiVersion(context, null, options.SkipApiVersionCheck);
        var subscriptions = await service.ListSubscriptionsAsync(ArmRequest.Caller(context), context.RequestAborted);
        return ArmResponses.Json(ArmJson.Page(subscriptions.Select(ArmJson.Subscription), null));
    }

    private static async Task<IResult> ListLocationsAsync(HttpContext context, ManagementService service, ControlPlaneOptions options, string subscriptionId)
    {
        ArmRequest.RequireApiVersion(context, null, options.SkipApiVersionCheck);
        var subscription = await service.GetSubscriptionAsync(ArmRequest.Caller(context), subscriptionId, context.RequestAborted);
        return ArmResponses.Json(ArmJson.Page(service.Options.Locations.Select(l => (JsonNode)ArmJson.Location(subscription.Id, l)), null));
    }

    private static async Task<IResult> GetSubscriptionAsync(HttpContext context, ManagementService service, ControlPlaneOptions options, string subscriptionId)
    {
        ArmRequest.RequireApiVersion(context, null, options.SkipApiVersionCheck);
        return ArmResponses.Json(ArmJson.Subscription(await service.GetSubscriptionAsync(ArmRequest.Caller(context), subscriptionId, context.RequestAborted)));
    }

    private static async Task<IResult> ListGroupsAsync(HttpContext context, ManagementService service, ControlPlaneOptions options, string subscriptionId)
    {
        ArmRequest.RequireApiVersion(context, null, options.SkipApiVersionCheck);
        var groups = await service.ListResourceGroupsAsync(ArmRequest.Caller(context), subscriptionId, context.RequestAborted);
        return ArmResponses.Json(ArmJson.Page(groups.Select(ArmJson.ResourceGroup), null));
    }

    private static async Task<IResult> PutGroupAsync(HttpContext context, ManagementService service, ControlPlaneOptions options, string subscriptionId, string resourceGroupName)
    {
        ArmRequest.RequireApiVersion(context, null, options.SkipApiVersionCheck);
        var body = await ArmRequest.ReadObjectAsync(context);
        var (group, created) = await service.PutResourceGroupAsync(ArmRequest.Caller(context), subscriptionId, resourceGroupName, ArmRequest.String(body, "location"), ArmRequest.Tags(body), context.RequestAborted);
        return ArmResponses.Json(ArmJson.ResourceGroup(group), created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    private static async Task<IResult> GetGroupAsync(HttpContext context, ManagementService service, ControlPlaneOptions options, string subscriptionId, string resourceGroupName)
    {
        ArmRequest.RequireApiVersion(context, null, options.SkipApiVersionCheck);
        return ArmResponses.Json(ArmJson.ResourceGroup(await service.GetResourceGroupAsync(ArmRequest.Caller(context), subscriptionId, resourceGroupName, context.RequestAborted)));
    }

    private static async Task<IResult> DeleteGroupAsync(HttpContext context, ManagementService service, ControlPlaneOptions options, string subscriptionId, string resourceGroupName)
    {
        ArmRequest.RequireApiVersion(context, null, options.SkipApiVersionCheck);
        var operation = await service.DeleteResourceGroupAsync(ArmRequest.Caller(context), subscriptionId, resourceGroupName, context.RequestAborted)
            ?? throw new ManagementException(ManagementErrorKind.NotFound, ManagementErrorCodes.ResourceGroupNotFound, $"Resource group '{resourceGroupName}' could not be found.");
        return ArmResponses.Json(null, StatusCodes.Status202Accepted, GroupOperationHeaders(context, operation, service.Options));
    }

    private static async Task<IResult> GetGroupOperationAsync(HttpContext context, ManagementService service, ControlPlaneOptions options, string subscriptionId, string operationId)
    {
        ArmRequest.RequireApiVersion(context, null, options.SkipApiVersionCheck);
        var operation = await service.GetOperationAsync(ArmRequest.Caller(context), subscriptionId, operationId, context.RequestAborted);
        return operation.Status switch
        {
            ProvisioningStates.Running => ArmResponses.Json(null, StatusCodes.Status202Accepted, GroupOperationHeaders(context, operation, service.Options)),
            ProvisioningStates.Succeeded => ArmResponses.Json(null, StatusCodes.Status200OK),
            _ => ArmResponses.Json(ArmResponses.ErrorBody(operation.ErrorCode ?? "OperationFailed", operation.ErrorMessage ?? "The operation failed."), StatusCodes.Status400BadRequest),
        };
    }

    private static Dictionary<string, string> GroupOperationHeaders(HttpContext context, AsyncOperationRecord operation, ManagementOptions options) => new()
    {
        ["Location"] = $"{ArmResponses.BaseUrl(context)}/subscriptions/{operation.SubscriptionId}/operationresults/{operation.Id}?api-version={context.Request.Query["api-version"]}",
        ["Retry-After"] = options.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture),
    };

    // Microsoft.DigitalTwins.

    private static IResult ListOperationsAsync(HttpContext context, ControlPlaneOptions options)
    {
        ArmRequest.RequireApiVersion(context, ManagementOptions.DigitalTwinsApiVersion, options.SkipApiVersionCheck);
        return ArmResponses.Json(ArmJson.Page(ProviderOperations.All.Select(o => (JsonNode)o.ToJson()), null));
    }

    private static async Task<IResult> ListInstancesAsync(HttpContext context, ManagementService service, ControlPlaneOptions options, string subscriptionId, string? resourceGroupName)
    {
        ArmRequest.RequireApiVersion(context, ManagementOptions.DigitalTwinsApiVersion, options.SkipApiVersionCheck);
        var all = await service.ListDigitalTwinsAsync(ArmRequest.Caller(context), subscriptionId, resourceGroupName, context.RequestAborted);
        var skip = 0;
        if (context.Request.Query["$skipToken"] is { Count: > 0 } token && (!int.TryParse(token[0], NumberStyles.None, CultureInfo.InvariantCulture, out skip) || skip < 0))
        {
            throw new ManagementException(ManagementErrorKind.BadRequest, ManagementErrorCodes.InvalidRequestContent, "The $skipToken is not one this server handed out.");
        }

        var size = service.Options.ListPageSize;
        var page = all.Skip(skip).Take(size).Select(r => (JsonNode)ArmJson.DigitalTwins(r, service.Options));
        var next = skip + size < all.Count
            ? $"{ArmResponses.BaseUrl(context)}{context.Request.Path.ToUriComponent()}?api-version={ManagementOptions.DigitalTwinsApiVersion}&$skipToken={skip + size}"
            : null;
        return ArmResponses.Json(ArmJson.Page(page, next));
    }

    private static async Task<IResult> PutInstanceAsync(HttpContext context, ManagementService service, ControlPlaneOptions options, string subscriptionId, string resourceGroupName, string resourceName)
    {
        ArmRequest.RequireApiVersion(context, ManagementOptions.DigitalTwinsApiVersion, options.SkipApiVersionCheck);
        var body = await ArmRequest.ReadObjectAsync(context);
        var put = new DigitalTwinsPut(ArmRequest.String(body, "location"), ArmRequest.Tags(body), ArmRequest.PublicNetworkAccess(body));
        var write = await service.PutDigitalTwinsAsync(ArmRequest.Caller(context), subscriptionId, resourceGroupName, resourceName, put, context.RequestAborted);
        var json = ArmJson.DigitalTwins(write.Resource, service.Options);
        return write.Operation is { } operation
            ? ArmResponses.Json(json, StatusCodes.Status201Created, InstanceOperationHeaders(context, operation, service.Options))
            : ArmResponses.Json(json);
    }

    private static async Task<IResult> GetInstanceAsync(HttpContext context, ManagementService service, ControlPlaneOptions options, string subscriptionId, string resourceGroupName, string resourceName)
    {
        ArmRequest.RequireApiVersion(context, ManagementOptions.DigitalTwinsApiVersion, options.SkipApiVersionCheck);
        var resource = await service.GetDigitalTwinsAsync(ArmRequest.Caller(context), subscriptionId, resourceGroupName, resourceName, context.RequestAborted);
        return ArmResponses.Json(ArmJson.DigitalTwins(resource, service.Options));
    }

    private static async Task<IResult> PatchInstanceAsync(HttpContext context, ManagementService service, ControlPlaneOptions options, string subscriptionId, string resourceGroupName, string resourceName)
    {
        ArmRequest.RequireApiVersion(context, ManagementOptions.DigitalTwinsApiVersion, options.SkipApiVersionCheck);
        var body = await ArmRequest.ReadObjectAsync(context);
        var patch = new DigitalTwinsPatch(ArmRequest.Tags(body), ArmRequest.PublicNetworkAccess(body));
        var resource = await service.PatchDigitalTwinsAsync(ArmRequest.Caller(context), subscriptionId, resourceGroupName, resourceName, patch, context.RequestAborted);
        return ArmResponses.Json(ArmJson.DigitalTwins(resource, service.Options));
    }

    private static async Task<IResult> DeleteInstanceAsync(HttpContext context, ManagementService service, ControlPlaneOptions options, string subscriptionId, string resourceGroupName, string resourceName)
    {
        ArmRequest.RequireApiVersion(context, ManagementOptions.DigitalTwinsApiVersion, options.SkipApiVersionCheck);
        var write = await service.DeleteDigitalTwinsAsync(ArmRequest.Caller(context), subscriptionId, resourceGroupName, resourceName, context.RequestAborted);
        return write is { Operation: { } operation }
            ? ArmResponses.Json(ArmJson.DigitalTwins(write.Resource, service.Options), StatusCodes.Status202Accepted, InstanceOperationHeaders(context, operation, service.Options))
            : ArmResponses.Json(null, StatusCodes.Status204NoContent);
    }

    // Endpoints: written at once (no asynchronous operation), secrets masked on every answer.

    private static async Task<IResult> PutEndpointAsync(HttpContext context, ManagementService service, ControlPlaneOptions options, string subscriptionId, string resourceGroupName, string resourceName, string endpointName)
    {
        ArmRequest.RequireApiVersion(context, ManagementOptions.DigitalTwinsApiVersion, options.SkipApiVersionCheck);
        var body = await ArmRequest.ReadObjectAsync(context);
        var write = await service.PutEndpointAsync(ArmRequest.Caller(context), subscriptionId, resourceGroupName, resourceName, endpointName, ArmRequest.Object(body, "properties"), context.RequestAborted);
        return ArmResponses.Json(ArmJson.Endpoint(write.Endpoint, resourceGroupName, resourceName, afterWrite: true), write.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    private static async Task<IResult> GetEndpointAsync(HttpContext context, ManagementService service, ControlPlaneOptions options, string subscriptionId, string resourceGroupName, string resourceName, string endpointName)
    {
        ArmRequest.RequireApiVersion(context, ManagementOptions.DigitalTwinsApiVersion, options.SkipApiVersionCheck);
        var endpoint = await service.GetEndpointAsync(ArmRequest.Caller(context), subscriptionId, resourceGroupName, resourceName, endpointName, context.RequestAborted);
        return ArmResponses.Json(ArmJson.Endpoint(endpoint, resourceGroupName, resourceName, afterWrite: false));
    }

    private static async Task<IResult> ListEndpointsAsync(HttpContext context, ManagementService service, ControlPlaneOptions options, string subscriptionId, string resourceGroupName, string resourceName)
    {
        ArmRequest.RequireApiVersion(context, ManagementOptions.DigitalTwinsApiVersion, options.SkipApiVersionCheck);
        var endpoints = await service.ListEndpointsAsync(ArmRequest.Caller(context), subscriptionId, resourceGroupName, resourceName, context.RequestAborted);
        return ArmResponses.Json(ArmJson.Page(endpoints.Select(e => (JsonNode)ArmJson.Endpoint(e, resourceGroupName, resourceName, afterWrite: false)), null));
    }

    private static async Task<IResult> DeleteEndpointAsync(HttpContext context, ManagementService service, ControlPlaneOptions options, string subscriptionId, string resourceGroupName, string resourceName, string endpointName)
    {
        ArmRequest.RequireApiVersion(context, ManagementOptions.DigitalTwinsApiVersion, options.SkipApiVersionCheck);
        var deleted = await service.DeleteEndpointAsync(ArmRequest.Caller(context), subscriptionId, resourceGroupName, resourceName, endpointName, context.RequestAborted);
        return deleted is null
            ? ArmResponses.Json(null, StatusCodes.Status204NoContent)
            : ArmResponses.Json(ArmJson.Endpoint(deleted, resourceGroupName, resourceName, afterWrite: false));
    }

    private static async Task<IResult> CheckNameAsync(HttpContext context, ManagementService service, ControlPlaneOptions options, string subscriptionId, string location)
    {
        ArmRequest.RequireApiVersion(context, ManagementOptions.DigitalTwinsApiVersion, options.SkipApiVersionCheck);
        var body = await ArmRequest.ReadObjectAsync(context);
        var answer = await service.CheckNameAvailabilityAsync(ArmRequest.Caller(context), subscriptionId, location, ArmRequest.String(body, "name"), ArmRequest.String(body, "type"), context.RequestAborted);
        return ArmResponses.Json(new JsonObject { ["nameAvailable"] = answer.NameAvailable, ["message"] = answer.Message, ["reason"] = answer.Reason });
    }

    private static async Task<IResult> GetOperationStatusAsync(HttpContext context, ManagementService service, ControlPlaneOptions options, string subscriptionId, string location, string operationId)
    {
        ArmRequest.RequireApiVersion(context, ManagementOptions.DigitalTwinsApiVersion, options.SkipApiVersionCheck);
        var operation = await service.GetOperationAsync(ArmRequest.Caller(context), subscriptionId, operationId, context.RequestAborted);
        var id = $"/subscriptions/{operation.SubscriptionId}/providers/Microsoft.DigitalTwins/locations/{operation.Location}/operationStatuses/{operation.Id}";
        var headers = operation.Status == ProvisioningStates.Running
            ? new Dictionary<string, string> { ["Retry-After"] = service.Options.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture) }
            : null;
        return ArmResponses.Json(ArmJson.Operation(operation, id), StatusCodes.Status200OK, headers);
    }

    private static async Task<IResult> GetOperationResultAsync(HttpContext context, ManagementService service, ControlPlaneOptions options, string subscriptionId, string location, string operationId)
    {
        ArmRequest.RequireApiVersion(context, ManagementOptions.DigitalTwinsApiVersion, options.SkipApiVersionCheck);
        var operation = await service.GetOperationAsync(ArmRequest.Caller(context), subscriptionId, operationId, context.RequestAborted);
        return operation.Status switch
        {
            ProvisioningStates.Running => ArmResponses.Json(null, StatusCodes.Status202Accepted, InstanceOperationHeaders(context, operation, service.Options)),
            ProvisioningStates.Succeeded => ArmResponses.Json(null, StatusCodes.Status204NoContent),
            _ => ArmResponses.Json(ArmResponses.ErrorBody(operation.ErrorCode ?? "OperationFailed", operation.ErrorMessage ?? "The operation failed."), StatusCodes.Status400BadRequest),
        };
    }

    private static Dictionary<string, string> InstanceOperationHeaders(HttpContext context, AsyncOperationRecord operation, ManagementOptions options)
    {
        var locations = $"{ArmResponses.BaseUrl(context)}/subscriptions/{operation.SubscriptionId}/providers/Microsoft.DigitalTwins/locations/{operation.Location}";
        var version = $"?api-version={ManagementOptions.DigitalTwinsApiVersion}";
        return new Dictionary<string, string>
        {
            ["Azure-AsyncOperation"] = $"{locations}/operationStatuses/{operation.Id}{version}",
            ["Location"] = $"{locations}/operationResults/{operation.Id}{version}",
            ["Retry-After"] = options.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture),
        };
    }

    // Microsoft.Insights: the activity log.

    private static async Task<IResult> ListActivityAsync(HttpContext context, ManagementService service, ControlPlaneOptions options, string subscriptionId)
    {
        ArmRequest.RequireApiVersion(context, null, options.SkipApiVersionCheck);
        var filter = context.Request.Query["$filter"].ToString();
        var from = DateTimeOffset.UtcNow.AddDays(-90);
        if (filter.Length > 0)
        {
            var match = TimestampFilter().Match(filter);
            if (!match.Success || !DateTimeOffset.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out from))
            {
                throw new ManagementException(ManagementErrorKind.BadRequest, ManagementErrorCodes.InvalidRequestContent,
                    $"The $filter '{filter}' is not supported; use eventTimestamp ge '<ISO 8601 time>'.");
            }
        }

        var entries = await service.ListActivityAsync(ArmRequest.Caller(context), subscriptionId, from, context.RequestAborted);
        return ArmResponses.Json(ArmJson.Page(entries.Select(e => (JsonNode)ArmJson.Activity(e)), null));
    }

    // Microsoft.Authorization.

    private static async Task<IResult> PutAssignmentAsync(HttpContext context, ManagementService service, ControlPlaneOptions options, string roleAssignmentName)
    {
        ArmRequest.RequireApiVersion(context, null, options.SkipApiVersionCheck);
        var body = await ArmRequest.ReadObjectAsync(context);
        var properties = ArmRequest.Object(body, "properties")
            ?? throw new ManagementException(ManagementErrorKind.BadRequest, ManagementErrorCodes.InvalidRequestContent, "The request content is missing the required property 'properties'.");
        var put = new RoleAssignmentPut(ArmRequest.String(properties, "roleDefinitionId"), ArmRequest.String(properties, "principalId"), ArmRequest.String(properties, "principalType"));
        var (assignment, created) = await service.PutRoleAssignmentAsync(ArmRequest.Caller(context), ArmRequest.Scope(context), roleAssignmentName, put, context.RequestAborted);
        return ArmResponses.Json(ArmJson.RoleAssignment(assignment), created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    private static async Task<IResult> GetAssignmentAsync(HttpContext context, ManagementService service, ControlPlaneOptions options, string roleAssignmentName)
    {
        ArmRequest.RequireApiVersion(context, null, options.SkipApiVersionCheck);
        var assignment = await service.GetRoleAssignmentAsync(ArmRequest.Caller(context), ArmRequest.Scope(context), roleAssignmentName, context.RequestAborted);
        return ArmResponses.Json(ArmJson.RoleAssignment(assignment));
    }

    private static async Task<IResult> DeleteAssignmentAsync(HttpContext context, ManagementService service, ControlPlaneOptions options, string roleAssignmentName)
    {
        ArmRequest.RequireApiVersion(context, null, options.SkipApiVersionCheck);
        var deleted = await service.DeleteRoleAssignmentAsync(ArmRequest.Caller(context), ArmRequest.Scope(context), roleAssignmentName, context.RequestAborted);
        return deleted is null ? ArmResponses.Json(null, StatusCodes.Status204NoContent) : ArmResponses.Json(ArmJson.RoleAssignment(deleted));
    }

    private static async Task<IResult> ListAssignmentsAsync(HttpContext context, ManagementService service, ControlPlaneOptions options)
    {
        ArmRequest.RequireApiVersion(context, null, options.SkipApiVersionCheck);
        var filter = ParseAssignmentFilter(context.Request.Query["$filter"].ToString());
        var assignments = await service.ListRoleAssignmentsAsync(ArmRequest.Caller(context), ArmRequest.Scope(context), filter, context.RequestAborted);
        return ArmResponses.Json(ArmJson.Page(assignments.Select(ArmJson.RoleAssignment), null));
    }

    private static async Task<IResult> ListDefinitionsAsync(HttpContext context, ManagementService service, ControlPlaneOptions options)
    {
        ArmRequest.RequireApiVersion(context, null, options.SkipApiVersionCheck);
        var scope = ArmRequest.Scope(context);
        var roles = await service.ListRoleDefinitionsAsync(ArmRequest.Caller(context), scope, context.RequestAborted);
        var filter = context.Request.Query["$filter"].ToString();
        if (filter.Length > 0)
        {
            var match = RoleNameFilter().Match(filter);
            if (!match.Success)
            {
                throw new ManagementException(ManagementErrorKind.BadRequest, ManagementErrorCodes.InvalidRequestContent, $"The $filter '{filter}' is not supported; use roleName eq '<name>'.");
            }

            roles = [.. roles.Where(r => string.Equals(r.Name, match.Groups[1].Value.Replace("''", "'", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase))];
        }

        return ArmResponses.Json(ArmJson.Page(roles.Select(r => (JsonNode)ArmJson.RoleDefinition(r, scope)), null));
    }

    private static async Task<IResult> GetDefinitionAsync(HttpContext context, ManagementService service, ControlPlaneOptions options, string roleDefinitionId)
    {
        ArmRequest.RequireApiVersion(context, null, options.SkipApiVersionCheck);
        var scope = ArmRequest.Scope(context);
        var roles = await service.ListRoleDefinitionsAsync(ArmRequest.Caller(context), scope, context.RequestAborted);
        var role = roles.FirstOrDefault(r => string.Equals(r.Id, roleDefinitionId, StringComparison.OrdinalIgnoreCase))
            ?? throw new ManagementException(ManagementErrorKind.NotFound, ManagementErrorCodes.RoleDefinitionDoesNotExist, $"The specified role definition with ID '{roleDefinitionId}' does not exist.");
        return ArmResponses.Json(ArmJson.RoleDefinition(role, scope));
    }

    private static RoleAssignmentFilter ParseAssignmentFilter(string filter)
    {
        if (filter.Length == 0)
        {
            return new RoleAssignmentFilter(false, null);
        }

        var atScope = false;
        string? principal = null;
        foreach (var clause in filter.Split(" and ", StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (string.Equals(clause, "atScope()", StringComparison.OrdinalIgnoreCase))
            {
                atScope = true;
            }
            else if (PrincipalFilter().Match(clause) is { Success: true } match)
            {
                principal = match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value;
            }
            else
            {
                throw new ManagementException(ManagementErrorKind.BadRequest, ManagementErrorCodes.InvalidRequestContent,
                    $"The $filter clause '{clause}' is not supported; use atScope(), principalId eq '<id>' or assignedTo('<id>').");
            }
        }

        return new RoleAssignmentFilter(atScope, principal);
    }

    [GeneratedRegex(@"^(?:principalId\s+eq\s+'([0-9A-Za-z-]+)'|assignedTo\('([0-9A-Za-z-]+)'\))$", RegexOptions.CultureInvariant)]
    private static partial Regex PrincipalFilter();

    [GeneratedRegex(@"^eventTimestamp\s+ge\s+'([^']+)'", RegexOptions.CultureInvariant)]
    private static partial Regex TimestampFilter();

    [GeneratedRegex(@"^roleName\s+eq\s+'((?:[^']|'')*)'$", RegexOptions.CultureInvariant)]
    private static partial Regex RoleNameFilter();
}
