using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Doppel.Identity.Directory;
using Doppel.Storage.DataPlane;
using Doppel.Storage.Identity;
using Microsoft.IdentityModel.Tokens;

namespace Doppel.Identity.Tokens;

/// <summary>
/// The device authorization grant (RFC 8628, as Entra serves it): a pending authorization per device code, kept in the
/// store (so any server of a cluster can answer the poll), keyed by the SHA-256 of the device code and unique by its
/// user code; approved or declined on the sign-in page, redeemed once at the token endpoint.
/// </summary>
public sealed class DeviceCodes(IDirectoryStore store, IdentityOptions options, TimeProvider time)
{
    /// <summary>The store kind of pending device authorizations.</summary>
    public const string Kind = "deviceCode";

    // Letters without vowels and look-alikes, as user codes are typed by hand.
    private const string UserCodeAlphabet = "BCDFGHJKLMNPQRSTVWXZ23456789";

    /// <summary>A new pending authorization: the device code (secret, for the client) and the user code (for the person).</summary>
    public async Task<(string DeviceCode, string UserCode, int ExpiresIn, int Interval)> StartAsync(string tenantId, string clientId, string scope, CancellationToken cancellationToken)
    {
        var lifetime = options.DeviceCodeLifetime;
        for (var attempt = 0; ; attempt++)
        {
            var deviceCode = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
            var userCode = RandomNumberGenerator.GetString(UserCodeAlphabet, 9);
            var document = new JsonObject
            {
                ["clientId"] = clientId,
                ["scope"] = scope,
                ["expiresAt"] = time.GetUtcNow() + lifetime,
                ["status"] = "pending",
            };
            var outcome = await store.CreateAsync(new DirectoryObject(tenantId, Kind, Hash(deviceCode), userCode, document.ToJsonString()), cancellationToken).ConfigureAwait(false);
            if (outcome == StoreWriteOutcome.Written)
            {
                return (deviceCode, userCode, (int)lifetime.TotalSeconds, (int)options.DeviceCodeInterval.TotalSeconds);
            }

            if (attempt > 5)
            {
                throw new DirectoryException(DirectoryError.Conflict, "Could not allocate a unique user code; try again.");
            }
        }
    }

    /// <summary>The pending authorization a user code names, if it is pending and not expired: its client id and scope.</summary>
    public async Task<(string ClientId, string Scope)?> FindPendingAsync(string tenantId, string userCode, CancellationToken cancellationToken)
    {
        var found = await store.FindByNameAsync(tenantId, Kind, Normalize(userCode), cancellationToken).ConfigureAwait(false);
        if (found is null)
        {
            return null;
        }

        var node = JsonNode.Parse(found.Document)!;
        return (string?)node["status"] == "pending" && (DateTimeOffset)node["expiresAt"]! > time.GetUtcNow()
            ? ((string)node["clientId"]!, (string)node["scope"]!)
            : null;
    }

    /// <summary>
    /// Approves (with the signed-in user) or declines the pending authorization of a user code; false when there is
    /// none. <paramref name="consentDeclined"/> marks a decline on the consent prompt (the poll then answers
    /// <c>access_denied</c>, <c>AADSTS65004</c>).
    /// </summary>
    public async Task<bool> DecideAsync(string tenantId, string userCode, string? userId, CancellationToken cancellationToken, bool consentDeclined = false)
    {
        var found = await store.FindByNameAsync(tenantId, Kind, Normalize(userCode), cancellationToken).ConfigureAwait(false);
        if (found is null)
        {
            return false;
        }

        var node = JsonNode.Parse(found.Document)!.AsObject();
        if ((string?)node["status"] != "pending" || (DateTimeOffset)node["expiresAt"]! <= time.GetUtcNow())
        {
            return false;
        }

        node["status"] = userId is null ? "declined" : "approved";
        node["userId"] = userId;
        if (userId is null && consentDeclined)
        {
            node["consentDeclined"] = true;
        }

        return await store.ReplaceAsync(found with { Document = node.ToJsonString() }, found.Version, cancellationToken).ConfigureAwait(false) == StoreWriteOutcome.Written;
    }

    /// <summary>
    /// Redeems a device code for <paramref name="clientId"/>: the approving user's id once (the authorization is then
    /// gone), or Entra's polling answer.
    /// </summary>
    public async Task<(string? UserId, EntraErrors.Refusal? Refusal)> RedeemAsync(string tenantId, string deviceCode, string clientId, CancellationToken cancellationToken)
    {
        var found = await store.FindAsync(tenantId, Kind, Hash(deviceCode), cancellationToken).ConfigureAwait(false);
        if (found is null)
        {
            return (null, EntraErrors.BadDeviceCode());
        }

        var node = JsonNode.Parse(found.Document)!;
        if (!string.Equals((string?)node["clientId"], clientId, StringComparison.OrdinalIgnoreCase))
        {
            return (null, EntraErrors.BadDeviceCode());
        }

        if ((DateTimeOffset)node["expiresAt"]! <= time.GetUtcNow())
        {
            await store.DeleteAsync(tenantId, Kind, found.Id, cancellationToken).ConfigureAwait(false);
            return (null, EntraErrors.DeviceCodeExpired());
        }

        switch ((string?)node["status"])
        {
            case "pending":
                return (null, EntraErrors.AuthorizationPending());
            case "declined":
                await store.DeleteAsync(tenantId, Kind, found.Id, cancellationToken).ConfigureAwait(false);
                return (null, (bool?)node["consentDeclined"] == true ? EntraErrors.ConsentDeclined() : EntraErrors.AuthorizationDeclined());
        }

        // One use: whoever deletes the approved authorization gets the token.
        return await store.DeleteAsync(tenantId, Kind, found.Id, cancellationToken).ConfigureAwait(false) == StoreWriteOutcome.Written
            ? ((string?)node["userId"], null)
            : (null, EntraErrors.BadDeviceCode());
    }

    /// <summary>User codes are compared without case, spaces or dashes.</summary>
    public static string Normalize(string userCode) =>
        new string((userCode ?? string.Empty).Where(char.IsLetterOrDigit).ToArray()).ToUpper(CultureInfo.InvariantCulture);

    private static string Hash(string deviceCode) => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(deviceCode)));
}
