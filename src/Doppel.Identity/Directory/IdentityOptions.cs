namespace Doppel.Identity.Directory;

/// <summary>Settings of the identity plane. Immutable; built once by the server.</summary>
public sealed record IdentityOptions
{
    /// <summary>The environment variable with the first administrator's password.</summary>
    public const string AdminPasswordVariable = "DOPPEL_ADMIN_PASSWORD";

    /// <summary>The first tenant's default domain.</summary>
    public string DefaultTenantDomain { get; init; } = "doppel.local";

    /// <summary>The first tenant's display name.</summary>
    public string DefaultTenantName { get; init; } = "Default Directory";

    /// <summary>The first administrator's password; generated (and shown once) when null.</summary>
    public string? AdminPassword { get; init; }

    /// <summary>How long access tokens live.</summary>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromMinutes(60);

    /// <summary>Failed sign-ins in a row after which a user is locked out (Entra's smart lockout default).</summary>
    public int LockoutThreshold { get; init; } = 10;

    /// <summary>How long a lockout lasts.</summary>
    public TimeSpan LockoutDuration { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a device code can be redeemed (Entra: 15 minutes).</summary>
    public TimeSpan DeviceCodeLifetime { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How often clients should poll for a device code (Entra: 5 seconds).</summary>
    public TimeSpan DeviceCodeInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a client secret is valid when its creator gives no end.</summary>
    public TimeSpan DefaultSecretLifetime { get; init; } = TimeSpan.FromDays(180);
}
