using System.Globalization;
using System.Text.Json.Nodes;
using Doppel.Management;
using Doppel.Management.Access;
using Doppel.Storage.Management;

namespace Doppel.Api.Management;

/// <summary>The JSON shapes of ARM resources, as the control-plane Swagger (2023-01-31) and the ARM SDKs have them.</summary>
public static class ArmJson
{
    /// <summary>A <c>DigitalTwinsDescription</c>.</summary>
    public static JsonObject DigitalTwins(DigitalTwinsResourceRecord resource, ManagementOptions options)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(options);
        var provisioned = resource.ProvisioningState != ProvisioningStates.Provisioning;
        var properties = new JsonObject
        {
            ["createdTime"] = Time(resource.CreatedAt),
            ["lastUpdatedTime"] = Time(resource.UpdatedAt),
            ["provisioningState"] = resource.ProvisioningState,
            ["hostName"] = provisioned ? options.HostNameOf(resource.Name, resource.Location) : null,
            ["privateEndpointConnections"] = new JsonArray(),
        };
        if (resource.PublicNetworkAccess is { } access)
        {
            properties["publicNetworkAccess"] = access;
        }

        return new JsonObject
        {
            ["id"] = DigitalTwinsId(resource),
            ["name"] = resource.Name,
            ["type"] = ResourceScope.InstanceType,
            ["location"] = resource.Location,
            ["tags"] = JsonNode.Parse(resource.TagsJson),
            ["systemData"] = new JsonObject
            {
                ["createdBy"] = resource.CreatedBy,
                ["createdByType"] = resource.CreatedByType,
                ["createdAt"] = Time(resource.CreatedAt),
                ["lastModifiedBy"] = resource.LastModifiedBy,
                ["lastModifiedByType"] = resource.LastModifiedByType,
                ["lastModifiedAt"] = Time(resource.UpdatedAt),
            },
            ["properties"] = properties,
        };
    }

    /// <summary>The ARM id of an instance, with <c>resourcegroups</c> in lower case as the Swagger's examples have it.</summary>
    public static string DigitalTwinsId(DigitalTwinsResourceRecord resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return $"/subscriptions/{resource.SubscriptionId}/resourcegroups/{resource.ResourceGroup}/providers/{ResourceScope.InstanceType}/{resource.Name}";
    }

    /// <summary>
    /// A <c>DigitalTwinsEndpointResource</c>. Secrets are never shown: on read they are masked as ADT masks them
    /// (<see cref="EndpointProperties.ServiceBusMask"/> for Service Bus connection strings, <see cref="EndpointProperties.Mask"/>
    /// otherwise), in the answer to a write they are empty strings, and absent ones are <see langword="null"/>.
    /// </summary>
    public static JsonObject Endpoint(DigitalTwinsEndpointRecord endpoint, string resourceGroup, string instanceName, bool afterWrite)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var stored = JsonNode.Parse(endpoint.PropertiesJson)!.AsObject();
        var present = ManagementService.SecretNamesOf(endpoint);
        var properties = new JsonObject
        {
            ["endpointType"] = endpoint.EndpointType,
            ["provisioningState"] = endpoint.ProvisioningState,
            ["createdTime"] = Time(endpoint.CreatedAt),
            ["authenticationType"] = endpoint.AuthenticationType,
            ["deadLetterSecret"] = Masked("deadLetterSecret", EndpointProperties.Mask),
            ["deadLetterUri"] = stored["deadLetterUri"]?.GetValue<string>(),
        };
        if (stored["identity"] is JsonObject identity)
        {
            properties["identity"] = identity.DeepClone();
        }

        var mask = endpoint.EndpointType == EndpointProperties.ServiceBus ? EndpointProperties.ServiceBusMask : EndpointProperties.Mask;
        foreach (var secret in EndpointProperties.SecretsOf[endpoint.EndpointType])
        {
            properties[secret] = Masked(secret, mask);
        }

        foreach (var plain in EndpointProperties.PlainOf[endpoint.EndpointType])
        {
            properties[plain] = stored[plain]?.GetValue<string>();
        }

        return new JsonObject
        {
            ["id"] = $"/subscriptions/{endpoint.SubscriptionId}/resourceGroups/{resourceGroup}/providers/{ResourceScope.InstanceType}/{instanceName}/endpoints/{endpoint.Name}",
            ["name"] = endpoint.Name,
            ["type"] = ResourceScope.InstanceType + "/endpoints",
            ["systemData"] = new JsonObject
            {
                ["createdBy"] = endpoint.CreatedBy,
                ["createdByType"] = endpoint.CreatedByType,
                ["createdAt"] = Time(endpoint.CreatedAt),
                ["lastModifiedBy"] = endpoint.LastModifiedBy,
                ["lastModifiedByType"] = endpoint.LastModifiedByType,
                ["lastModifiedAt"] = Time(endpoint.UpdatedAt),
            },
            ["properties"] = properties,
        };

        string? Masked(string name, string shown) => present.Contains(name, StringComparer.Ordinal) ? (afterWrite ? string.Empty : shown) : null;
    }

    /// <summary>A resource group.</summary>
    public static JsonObject ResourceGroup(ResourceGroupRecord group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return new JsonObject
        {
            ["id"] = $"/subscriptions/{group.SubscriptionId}/resourceGroups/{group.Name}",
            ["name"] = group.Name,
            ["type"] = "Microsoft.Resources/resourceGroups",
            ["location"] = group.Location,
            ["tags"] = JsonNode.Parse(group.TagsJson),
            ["properties"] = new JsonObject { ["provisioningState"] = group.ProvisioningState },
        };
    }

    /// <summary>A subscription.</summary>
    public static JsonObject Subscription(SubscriptionRecord subscription)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        return new JsonObject
        {
            ["id"] = $"/subscriptions/{subscription.Id}",
            ["subscriptionId"] = subscription.Id,
            ["tenantId"] = subscription.TenantId,
            ["displayName"] = subscription.DisplayName,
            ["state"] = "Enabled",
            ["authorizationSource"] = "RoleBased",
        };
    }

    /// <summary>An ARM asynchronous operation's status resource.</summary>
    public static JsonObject Operation(AsyncOperationRecord operation, string id)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var body = new JsonObject
        {
            ["id"] = id,
            ["name"] = operation.Id,
            ["status"] = operation.Status,
            ["startTime"] = Time(operation.StartedAt),
        };
        if (operation.EndedAt is { } ended)
        {
            body["endTime"] = Time(ended);
        }

        if (operation.ErrorCode is { } code)
        {
            body["error"] = new JsonObject { ["code"] = code, ["message"] = operation.ErrorMessage ?? code };
        }

        return body;
    }

    /// <summary>A role assignment.</summary>
    public static JsonObject RoleAssignment(RoleAssignmentRecord assignment)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        return new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["roleDefinitionId"] = $"/subscriptions/{assignment.SubscriptionId}/providers/Microsoft.Authorization/roleDefinitions/{assignment.RoleDefinitionId}",
                ["principalId"] = assignment.PrincipalId,
                ["principalType"] = assignment.PrincipalType,
                ["scope"] = assignment.Scope,
                ["condition"] = null,
                ["conditionVersion"] = null,
                ["createdOn"] = Time(assignment.CreatedAt),
                ["updatedOn"] = Time(assignment.CreatedAt),
                ["createdBy"] = assignment.CreatedBy,
                ["updatedBy"] = assignment.CreatedBy,
                ["delegatedManagedIdentityResourceId"] = null,
                ["description"] = null,
            },
            ["id"] = $"{assignment.Scope}/providers/Microsoft.Authorization/roleAssignments/{assignment.Id}",
            ["type"] = "Microsoft.Authorization/roleAssignments",
            ["name"] = assignment.Id,
        };
    }

    /// <summary>A built-in role definition as seen from a scope.</summary>
    public static JsonObject RoleDefinition(RoleDefinition role, ResourceScope scope)
    {
        ArgumentNullException.ThrowIfNull(role);
        ArgumentNullException.ThrowIfNull(scope);
        return new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["roleName"] = role.Name,
                ["type"] = "BuiltInRole",
                ["description"] = role.Description,
                ["assignableScopes"] = new JsonArray("/"),
                ["permissions"] = new JsonArray(new JsonObject
                {
                    ["actions"] = Strings(role.Actions),
                    ["notActions"] = Strings(role.NotActions),
                    ["dataActions"] = Strings(role.DataActions),
                    ["notDataActions"] = Strings(role.NotDataActions),
                }),
            },
            ["id"] = $"/subscriptions/{scope.SubscriptionId}/providers/Microsoft.Authorization/roleDefinitions/{role.Id}",
            ["type"] = "Microsoft.Authorization/roleDefinitions",
            ["name"] = role.Id,
        };
    }

    /// <summary>A location of a subscription, as <c>Subscriptions_ListLocations</c> lists it.</summary>
    public static JsonObject Location(string subscriptionId, string name) => new()
    {
        ["id"] = $"/subscriptions/{subscriptionId}/locations/{name}",
        ["name"] = name,
        ["displayName"] = name,
        ["regionalDisplayName"] = name,
        ["type"] = "Region",
        ["metadata"] = new JsonObject { ["regionType"] = "Physical", ["regionCategory"] = "Recommended" },
    };

    /// <summary>An activity-log entry in the shape of Azure Monitor's <c>EventData</c>.</summary>
    public static JsonObject Activity(ActivityRecord entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var resourceGroup = entry.ResourceId.Split('/', StringSplitOptions.RemoveEmptyEntries) is [_, _, var kind, var group, ..] && kind.Equals("resourceGroups", StringComparison.OrdinalIgnoreCase) ? group : null;
        return new JsonObject
        {
            ["authorization"] = new JsonObject { ["action"] = entry.Operation, ["scope"] = entry.ResourceId },
            ["caller"] = entry.Caller,
            ["claims"] = new JsonObject { ["oid"] = entry.CallerId },
            ["category"] = new JsonObject { ["value"] = "Administrative", ["localizedValue"] = "Administrative" },
            ["eventDataId"] = entry.Id,
            ["eventName"] = new JsonObject { ["value"] = "EndRequest", ["localizedValue"] = "End request" },
            ["eventTimestamp"] = Time(entry.Time),
            ["id"] = $"{entry.ResourceId}/events/{entry.Id}",
            ["level"] = entry.Status == "Failed" ? "Error" : "Informational",
            ["operationName"] = new JsonObject { ["value"] = entry.Operation, ["localizedValue"] = entry.Operation },
            ["resourceGroupName"] = resourceGroup,
            ["resourceId"] = entry.ResourceId,
            ["status"] = new JsonObject { ["value"] = entry.Status, ["localizedValue"] = entry.Status },
            ["subStatus"] = new JsonObject { ["value"] = entry.HttpStatus.ToString(CultureInfo.InvariantCulture) },
            ["subscriptionId"] = entry.SubscriptionId,
        };
    }

    /// <summary>A list page: <c>{"value":[...],"nextLink":...}</c>.</summary>
    public static JsonObject Page(IEnumerable<JsonNode> items, string? nextLink)
    {
        var page = new JsonObject { ["value"] = new JsonArray([.. items]) };
        if (nextLink is not null)
        {
            page["nextLink"] = nextLink;
        }

        return page;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
