namespace Doppel.Management.Access;

/// <summary>The caller of a request, as its token describes it.</summary>
/// <param name="ObjectId">The <c>oid</c> claim: the user's, group's or service principal's object id.</param>
/// <param name="TenantId">The <c>tid</c> claim.</param>
/// <param name="TokenGroups">The <c>groups</c> claims the token carries.</param>
/// <param name="DisplayName">A name for <c>systemData.createdBy</c>: the user principal name, or the client id of an application.</param>
/// <param name="IsApplication">Whether the caller is an application (client credentials) rather than a user.</param>
public sealed record Principal(string ObjectId, string? TenantId, IReadOnlyList<string> TokenGroups, string DisplayName, bool IsApplication)
{
    /// <summary><c>User</c> or <c>Application</c>, as ARM's <c>systemData</c> has it.</summary>
    public string Kind => IsApplication ? "Application" : "User";
}

/// <summary>
/// Where group membership comes from: the token's <c>groups</c> claim alone (<see cref="TokenGroupsDirectory"/>, the
/// default of the library), or the identity plane's directory, which the server registers.
/// </summary>
public interface IPrincipalDirectory
{
    /// <summary>The object ids of the groups <paramref name="principal"/> belongs to, directly or through other groups.</summary>
    ValueTask<IReadOnlyCollection<string>> GetGroupsAsync(Principal principal, CancellationToken cancellationToken);
}

/// <summary>Group membership exactly as the token's <c>groups</c> claim states it.</summary>
public sealed class TokenGroupsDirectory : IPrincipalDirectory
{
    /// <inheritdoc />
    public ValueTask<IReadOnlyCollection<string>> GetGroupsAsync(Principal principal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return ValueTask.FromResult<IReadOnlyCollection<string>>(principal.TokenGroups);
    }
}
