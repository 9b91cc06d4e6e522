using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Doppel.Management.Access;
using Doppel.Storage.Management;

namespace Doppel.Management;

/// <summary>What a PUT of an endpoint did.</summary>
/// <param name="Endpoint">The endpoint after the write.</param>
/// <param name="Created">Whether the write created it.</param>
public sealed record EndpointWrite(DigitalTwinsEndpointRecord Endpoint, bool Created);

/// <summary>The endpoint types and property names of <c>Microsoft.DigitalTwins/digitalTwinsInstances/endpoints</c> (2023-01-31).</summary>
public static class EndpointProperties
{
#pragma warning disable CS1591 // Each constant is the Swagger's name of the same spelling.
    public const string EventHub = "EventHub";
    public const string EventGrid = "EventGrid";
    public const string ServiceBus = "ServiceBus";
    public const string KeyBased = "KeyBased";
    public const string IdentityBased = "IdentityBased";
#pragma warning restore CS1591

    /// <summary>The mask ADT shows for a secret on read (Event Hub's form; also used for Event Grid keys and dead-letter secrets).</summary>
    public const string Mask = "************";

    /// <summary>The mask ADT shows for a Service Bus connection string on read.</summary>
    public const string ServiceBusMask = "Endpoint=sb://***/;SharedAccessKeyName=***;SharedAccessKey=***;EntityPath=***";

    /// <summary>The secret properties of each endpoint type, besides <c>deadLetterSecret</c> which all have.</summary>
    public static IReadOnlyDictionary<string, string[]> SecretsOf { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [EventHub] = ["connectionStringPrimaryKey", "connectionStringSecondaryKey"],
        [ServiceBus] = ["primaryConnectionString", "secondaryConnectionString"],
        [EventGrid] = ["accessKey1", "accessKey2"],
    };

    /// <summary>The plain (not secret) properties of each endpoint type, besides <c>deadLetterUri</c> and <c>identity</c>.</summary>
    public static IReadOnlyDictionary<string, string[]> PlainOf { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [EventHub] = ["endpointUri", "entityPath"],
        [ServiceBus] = ["endpointUri", "entityPath"],
        [EventGrid] = ["TopicEndpoint"],
    };
}

public sealed partial class ManagementService
{
    /// <summary>ADT's limit of endpoints per instance (adt-facts.md §8, not adjustable).</summary>
    public const int MaxEndpointsPerInstance = 6;

    private const string DeadLetterSecret = "deadLetterSecret";
    private const string SecretNames = "secretNames";
    private static readonly string[] CommonReadOnly = ["provisioningState", "createdTime"];

    /// <summary>Creates or replaces an endpoint of an instance from the request's <c>properties</c>; secrets are stored encrypted.</summary>
    public async Task<EndpointWrite> PutEndpointAsync(Principal principal, string subscriptionId, string resourceGroup, string name, string endpointName, JsonObject? properties, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        RequireEndpointName(endpointName);
        var resource = await EndpointParentAsync(principal, subscriptionId, resourceGroup, name, EndpointActions.Write, cancellationToken).ConfigureAwait(false);
        if (resource.ProvisioningState is not ProvisioningStates.Succeeded)
        {
            throw OperationInProgress(name, resource.ProvisioningState);
        }

        var existing = await store.GetEndpointAsync(resource.SubscriptionId, resource.InstanceId, endpointName, cancellationToken).ConfigureAwait(false);
        var previousSecrets = existing is null ? new Dictionary<string, string>() : ReadableSecrets(existing);
        var (type, authentication, plain, secrets) = ReadEndpointProperties(properties ?? throw Invalid("The request content is missing the required property 'properties'."), previousSecrets);
        var now = time.GetUtcNow();
        var key = EndpointSecretContext(resource.SubscriptionId, resource.InstanceId, endpointName);
        plain[SecretNames] = new JsonArray([.. secrets.Keys.Order(StringComparer.Ordinal).Select(n => (JsonNode)n)]);
        var record = new DigitalTwinsEndpointRecord(
            resource.SubscriptionId, resource.InstanceId, existing?.Name ?? endpointName, type, authentication, plain.ToJsonString(),
            secrets.Count == 0 ? null : protector.Protect(JsonSerializer.Serialize(secrets), key),
            ProvisioningStates.Succeeded, existing?.CreatedAt ?? now, now,
            existing?.CreatedBy ?? principal.DisplayName, existing?.CreatedByType ?? principal.Kind, principal.DisplayName, principal.Kind);
        switch (await store.PutEndpointAsync(record, MaxEndpointsPerInstance, cancellationToken).ConfigureAwait(false))
        {
            case EndpointPutOutcome.InstanceNotFound:
                throw ResourceNotFound(resourceGroup, name);
            case EndpointPutOutcome.LimitReached:
                throw new ManagementException(ManagementErrorKind.Conflict, ManagementErrorCodes.QuotaExceeded,
                    $"The instance '{name}' already has {MaxEndpointsPerInstance} endpoints, the most an instance can have. Delete one before adding '{endpointName}'.");
            case EndpointPutOutcome.Created:
                return new EndpointWrite(record, Created: true);
            default:
                return new EndpointWrite(record, Created: false);
        }
    }

    /// <summary>The endpoint, when the caller may read it.</summary>
    public async Task<DigitalTwinsEndpointRecord> GetEndpointAsync(Principal principal, string subscriptionId, string resourceGroup, string name, string endpointName, CancellationToken cancellationToken)
    {
        var resource = await EndpointParentAsync(principal, subscriptionId, resourceGroup, name, EndpointActions.Read, cancellationToken).ConfigureAwait(false);
        return await store.GetEndpointAsync(resource.SubscriptionId, resource.InstanceId, endpointName, cancellationToken).ConfigureAwait(false)
            ?? throw EndpointNotFound(name, endpointName);
    }

    /// <summary>The instance's endpoints, when the caller may read them.</summary>
    public async Task<IReadOnlyList<DigitalTwinsEndpointRecord>> ListEndpointsAsync(Principal principal, string subscriptionId, string resourceGroup, string name, CancellationToken cancellationToken)
    {
        var resource = await EndpointParentAsync(principal, subscriptionId, resourceGroup, name, EndpointActions.Read, cancellationToken).ConfigureAwait(false);
        return await store.ListEndpointsAsync(resource.SubscriptionId, resource.InstanceId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes an endpoint; <see langword="null"/> when there is none.</summary>
    public async Task<DigitalTwinsEndpointRecord?> DeleteEndpointAsync(Principal principal, string subscriptionId, string resourceGroup, string name, string endpointName, CancellationToken cancellationToken)
    {
        var resource = await EndpointParentAsync(principal, subscriptionId, resourceGroup, name, EndpointActions.Delete, cancellationToken).ConfigureAwait(false);
        var existing = await store.GetEndpointAsync(resource.SubscriptionId, resource.InstanceId, endpointName, cancellationToken).ConfigureAwait(false);
        if (existing is null || !await store.DeleteEndpointAsync(resource.SubscriptionId, resource.InstanceId, endpointName, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return existing with { ProvisioningState = ProvisioningStates.Deleted, UpdatedAt = time.GetUtcNow(), LastModifiedBy = principal.DisplayName, LastModifiedByType = principal.Kind };
    }

    /// <summary>
    /// The endpoint's secrets in clear (connection strings, access keys, dead-letter secret), for whatever delivers
    /// events to it; never shown on the API.
    /// </summary>
    public IReadOnlyDictionary<string, string> ReadSecrets(DigitalTwinsEndpointRecord endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (endpoint.ProtectedSecrets is null)
        {
            return new Dictionary<string, string>();
        }

        var json = protector.Unprotect(endpoint.ProtectedSecrets, EndpointSecretContext(endpoint.SubscriptionId, endpoint.InstanceId, endpoint.Name));
        return JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];
    }

    // The stored secrets, or none when they cannot be decrypted (the server's secrets key was replaced): a PUT then
    // has to send them again rather than fail.
    private Dictionary<string, string> ReadableSecrets(DigitalTwinsEndpointRecord endpoint)
    {
        try
        {
            return new Dictionary<string, string>(ReadSecrets(endpoint), StringComparer.Ordinal);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }
    }

    /// <summary>The names of the endpoint's secret properties that hold a value.</summary>
    public static IReadOnlyList<string> SecretNamesOf(DigitalTwinsEndpointRecord endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return JsonNode.Parse(endpoint.PropertiesJson)?[SecretNames] is JsonArray names ? [.. names.Select(n => n!.GetValue<string>())] : [];
    }

    private async Task<DigitalTwinsResourceRecord> EndpointParentAsync(Principal principal, string subscriptionId, string resourceGroup, string name, string action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        await RequireSubscriptionAsync(subscriptionId, cancellationToken).ConfigureAwait(false);
        await access.RequireAsync(principal, ResourceScope.DigitalTwins(subscriptionId, resourceGroup, name), action, cancellationToken).ConfigureAwait(false);
        return await store.GetDigitalTwinsAsync(subscriptionId, resourceGroup, name, cancellationToken).ConfigureAwait(false)
            ?? throw ResourceNotFound(resourceGroup, name);
    }

    private static (string Type, string Authentication, JsonObject Plain, Dictionary<string, string> Secrets) ReadEndpointProperties(JsonObject properties, Dictionary<string, string> previous)
    {
        var type = Canonical(StringProperty(properties, "endpointType"), [EndpointProperties.EventHub, EndpointProperties.EventGrid, EndpointProperties.ServiceBus], "endpointType", required: true)!;
        var authentication = Canonical(StringProperty(properties, "authenticationType"), [EndpointProperties.KeyBased, EndpointProperties.IdentityBased], "authenticationType", required: false)
            ?? EndpointProperties.KeyBased;
        if (type == EndpointProperties.EventGrid && authentication == EndpointProperties.IdentityBased)
        {
            throw Invalid("Event Grid endpoints support only authenticationType 'KeyBased'.");
        }

        var secretNames = EndpointProperties.SecretsOf[type].Append(DeadLetterSecret).ToArray();
        var plainNames = EndpointProperties.PlainOf[type].Append("deadLetterUri").ToArray();
        var allowed = new HashSet<string>([.. secretNames, .. plainNames, "endpointType", "authenticationType", "identity", .. CommonReadOnly], StringComparer.Ordinal);
        var unknown = properties.Select(p => p.Key).Where(k => !allowed.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw Invalid($"The properties {string.Join(", ", unknown.Select(u => $"'{u}'"))} are not properties of {type} endpoints; they have {string.Join(", ", allowed.Except(CommonReadOnly).Order(StringComparer.Ordinal))}.");
        }

        var plain = new JsonObject();
        foreach (var plainName in plainNames)
        {
            if (StringProperty(properties, plainName) is { Length: > 0 } value)
            {
                plain[plainName] = value;
            }
        }

        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var secretName in secretNames)
        {
            var value = StringProperty(properties, secretName);
            if (value is EndpointProperties.Mask or EndpointProperties.ServiceBusMask)
            {
                // A client that read the endpoint and sends it back unchanged sends the mask: keep the stored secret.
                secrets[secretName] = previous.TryGetValue(secretName, out var kept)
                    ? kept
                    : throw Invalid($"'{secretName}' holds the mask shown on read, and there is no stored secret to keep (none was set, or the server's secrets key changed); send the secret itself.");
            }
            else if (value is { Length: > 0 })
            {
                secrets[secretName] = value;
            }
        }

        if (properties["identity"] is { } identityNode)
        {
            plain["identity"] = ReadIdentity(identityNode);
        }

        if (authentication == EndpointProperties.KeyBased)
        {
            var primary = EndpointProperties.SecretsOf[type][0];
            if (!secrets.ContainsKey(primary))
            {
                throw Invalid($"A KeyBased {type} endpoint needs '{primary}'.");
            }

            if (type == EndpointProperties.EventGrid)
            {
                var topic = plain["TopicEndpoint"]?.GetValue<string>();
                if (topic is null || !Uri.TryCreate(topic, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
                {
                    throw Invalid("An EventGrid endpoint needs 'TopicEndpoint', the topic's absolute https URL.");
                }
            }
            else
            {
                foreach (var name in EndpointProperties.SecretsOf[type].Where(secrets.ContainsKey))
                {
                    if (!ConnectionStringPattern().IsMatch(secrets[name]))
                    {
                        throw Invalid($"'{name}' is not a connection string of the form 'Endpoint=sb://<namespace>/;SharedAccessKeyName=<name>;SharedAccessKey=<key>[;EntityPath=<entity>]'.");
                    }
                }
            }
        }
        else
        {
            var endpointUri = plain["endpointUri"]?.GetValue<string>();
            if (endpointUri is null || !Uri.TryCreate(endpointUri, UriKind.Absolute, out var uri) || uri.Scheme != "sb")
            {
                throw Invalid($"An IdentityBased {type} endpoint needs 'endpointUri', the namespace's URL with the protocol 'sb://'.");
            }

            if (plain["entityPath"] is null)
            {
                throw Invalid($"An IdentityBased {type} endpoint needs 'entityPath'.");
            }
        }

        if (plain["deadLetterUri"]?.GetValue<string>() is { } deadLetter && (!Uri.TryCreate(deadLetter, UriKind.Absolute, out var deadLetterUri) || deadLetterUri.Scheme != Uri.UriSchemeHttps))
        {
            throw Invalid("'deadLetterUri' must be an absolute https URL of a storage container.");
        }

        return (type, authentication, plain, secrets);
    }

    private static JsonObject ReadIdentity(JsonNode node)
    {
        if (node is not JsonObject identity)
        {
            throw Invalid("The property 'identity' must be an object.");
        }

        var identityType = Canonical(StringProperty(identity, "type"), ["SystemAssigned", "UserAssigned"], "identity.type", required: true)!;
        var userAssigned = StringProperty(identity, "userAssignedIdentity");
        if (identityType == "UserAssigned" && string.IsNullOrEmpty(userAssigned))
        {
            throw Invalid("identity.type 'UserAssigned' needs 'userAssignedIdentity', the identity's ARM id.");
        }

        return new JsonObject { ["type"] = identityType, ["userAssignedIdentity"] = userAssigned };
    }

    private static string? StringProperty(JsonObject body, string name)
    {
        var node = body[name];
        if (node is null)
        {
            return null;
        }

        return node is JsonValue value && value.TryGetValue<string>(out var text) ? text : throw Invalid($"The property '{name}' must be a string.");
    }

    private static string? Canonical(string? value, string[] allowed, string property, bool required)
    {
        if (value is null)
        {
            return required ? throw Invalid($"The request content is missing the required property '{property}' ({string.Join(", ", allowed)}).") : null;
        }

        return allowed.FirstOrDefault(a => string.Equals(a, value, StringComparison.OrdinalIgnoreCase))
            ?? throw Invalid($"The value '{value}' of '{property}' is invalid; use one of {string.Join(", ", allowed)}.");
    }

    private static void RequireEndpointName(string endpointName)
    {
        if (!EndpointNamePattern().IsMatch(endpointName))
        {
            throw new ManagementException(ManagementErrorKind.BadRequest, ManagementErrorCodes.InvalidResourceName,
                $"The endpoint name '{endpointName}' is invalid. It must be 3 to 50 letters, digits and hyphens, must not start with a hyphen, end with a letter or digit, and must not be only digits.");
        }
    }

    private static string EndpointSecretContext(string subscriptionId, string instanceId, string endpointName) =>
        $"endpoint:{subscriptionId.ToLowerInvariant()}:{instanceId}:{endpointName.ToLowerInvariant()}";

    private static ManagementException EndpointNotFound(string name, string endpointName) =>
        new(ManagementErrorKind.NotFound, ManagementErrorCodes.ResourceNotFound,
            $"The Resource '{ResourceScope.InstanceType}/{name}/endpoints/{endpointName}' was not found.");

    private static ManagementException Invalid(string message) => new(ManagementErrorKind.BadRequest, ManagementErrorCodes.InvalidRequestContent, message);

    [GeneratedRegex("^(?![0-9]+$)(?!-)[a-zA-Z0-9-]{2,49}[a-zA-Z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex EndpointNamePattern();

    [GeneratedRegex("^Endpoint=sb://[^;]+;SharedAccessKeyName=[^;]+;SharedAccessKey=[^;]+(;EntityPath=[^;]+)?;?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex ConnectionStringPattern();
}

/// <summary>The control-plane actions of instance endpoints.</summary>
public static class EndpointActions
{
#pragma warning disable CS1591 // Each constant is the ARM action of the same name.
    public const string Read = "Microsoft.DigitalTwins/digitalTwinsInstances/endpoints/read";
    public const string Write = "Microsoft.DigitalTwins/digitalTwinsInstances/endpoints/write";
    public const string Delete = "Microsoft.DigitalTwins/digitalTwinsInstances/endpoints/delete";
#pragma warning restore CS1591
}
