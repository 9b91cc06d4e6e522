using Doppel.Management.Access;
using Doppel.Storage.Management;

namespace Doppel.Management;

/// <summary>The body of a role-assignment PUT.</summary>
/// <param name="RoleDefinitionId">The role definition's id: its GUID, or an ARM id ending in it.</param>
/// <param name="PrincipalId">The object id of the user, group or service principal.</param>
/// <param name="PrincipalType"><c>User</c>, <c>Group</c> or <c>ServicePrincipal</c>; <c>User</c> when absent.</param>
public sealed record RoleAssignmentPut(string? RoleDefinitionId, string? PrincipalId, string? PrincipalType);

/// <summary>Filters of a role-assignment list.</summary>
/// <param name="AtScopeOnly">Only assignments at the scope or above it (<c>atScope()</c>).</param>
/// <param name="PrincipalId">Only the assignments of this principal.</param>
public sealed record RoleAssignmentFilter(bool AtScopeOnly, string? PrincipalId);

public sealed partial class ManagementService
{
    private static readonly string[] PrincipalTypes = ["User", "Group", "ServicePrincipal", "ForeignGroup", "Device"];

    /// <summary>Creates a role assignment; only a caller with <c>roleAssignments/write</c> at the scope may.</summary>
    public async Task<(RoleAssignmentRecord Assignment, bool Created)> PutRoleAssignmentAsync(Principal principal, ResourceScope scope, string assignmentId, RoleAssignmentPut body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(body);
        var id = RequireAssignmentId(assignmentId);
        await RequireScopeAsync(scope, cancellationToken).ConfigureAwait(false);
        await access.RequireAsync(principal, scope, AuthorizationActions.AssignmentWrite, cancellationToken).ConfigureAwait(false);

        var roleGuid = body.RoleDefinitionId?.TrimEnd('/').Split('/')[^1];
        var role = roleGuid is null ? null : BuiltInRoles.Find(roleGuid);
        if (role is null)
        {
            throw new ManagementException(ManagementErrorKind.BadRequest, ManagementErrorCodes.RoleDefinitionDoesNotExist,
                $"The specified role definition with ID '{roleGuid ?? string.Empty}' does not exist.");
        }

        if (string.IsNullOrWhiteSpace(body.PrincipalId) || body.PrincipalId.Length > 128 || !body.PrincipalId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-'))
        {
            throw new ManagementException(ManagementErrorKind.BadRequest, ManagementErrorCodes.InvalidPrincipalId,
                "A valid principal ID must be provided for role assignment: the object id of a user, group or service principal.");
        }

        var principalType = body.PrincipalType ?? "User";
        if (!PrincipalTypes.Contains(principalType, StringComparer.Ordinal))
        {
            throw new ManagementException(ManagementErrorKind.BadRequest, ManagementErrorCodes.InvalidRequestContent,
                $"The principalType '{principalType}' is not valid; use one of {string.Join(", ", PrincipalTypes)}.");
        }

        var record = new RoleAssignmentRecord(scope.SubscriptionId, id, scope.ToString(), role.Id, body.PrincipalId.ToLowerInvariant(), principalType, time.GetUtcNow(), principal.ObjectId);
        switch (await store.CreateRoleAssignmentAsync(record, cancellationToken).ConfigureAwait(false))
        {
            case RoleAssignmentCreateOutcome.Created:
                access.Invalidate(scope.SubscriptionId);
                return (record, true);
            case RoleAssignmentCreateOutcome.IdTaken:
                var existing = await store.GetRoleAssignmentAsync(scope.SubscriptionId, id, cancellationToken).ConfigureAwait(false);
                if (existing is not null && existing.RoleDefinitionId == record.RoleDefinitionId && existing.PrincipalId == record.PrincipalId
                    && string.Equals(existing.Scope, record.Scope, StringComparison.OrdinalIgnoreCase))
                {
                    return (existing, false);
                }

                throw new ManagementException(ManagementErrorKind.BadRequest, ManagementErrorCodes.RoleAssignmentUpdateNotPermitted,
                    "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.");
            default:
                throw new ManagementException(ManagementErrorKind.Conflict, ManagementErrorCodes.RoleAssignmentExists, "The role assignment already exists.");
        }
    }

    /// <summary>The role assignment made at exactly this scope.</summary>
    public async Task<RoleAssignmentRecord> GetRoleAssignmentAsync(Principal principal, ResourceScope scope, string assignmentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(scope);
        var id = RequireAssignmentId(assignmentId);
        await RequireScopeAsync(scope, cancellationToken).ConfigureAwait(false);
        await access.RequireAsync(principal, scope, AuthorizationActions.AssignmentRead, cancellationToken).ConfigureAwait(false);
        var assignment = await store.GetRoleAssignmentAsync(scope.SubscriptionId, id, cancellationToken).ConfigureAwait(false);
        if (assignment is null || !ResourceScope.TryParse(assignment.Scope, out var at) || !at.Equals(scope))
        {
            throw AssignmentNotFound(id);
        }

        return assignment;
    }

    /// <summary>Deletes a role assignment made at this scope; <see langword="null"/> when there is none.</summary>
    public async Task<RoleAssignmentRecord?> DeleteRoleAssignmentAsync(Principal principal, ResourceScope scope, string assignmentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(scope);
        var id = RequireAssignmentId(assignmentId);
        await RequireSubscriptionAsync(scope.SubscriptionId, cancellationToken).ConfigureAwait(false);
        await access.RequireAsync(principal, scope, AuthorizationActions.AssignmentDelete, cancellationToken).ConfigureAwait(false);
        var assignment = await store.GetRoleAssignmentAsync(scope.SubscriptionId, id, cancellationToken).ConfigureAwait(false);
        if (assignment is null || !ResourceScope.TryParse(assignment.Scope, out var at) || !at.Equals(scope))
        {
            return null;
        }

        await store.DeleteRoleAssignmentAsync(scope.SubscriptionId, id, cancellationToken).ConfigureAwait(false);
        access.Invalidate(scope.SubscriptionId);
        return assignment;
    }

    /// <summary>The role assignments that apply at the scope (made there or above) and, unless filtered, those below it.</summary>
    public async Task<IReadOnlyList<RoleAssignmentRecord>> ListRoleAssignmentsAsync(Principal principal, ResourceScope scope, RoleAssignmentFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(filter);
        await RequireScopeAsync(scope, cancellationToken).ConfigureAwait(false);
        await access.RequireAsync(principal, scope, AuthorizationActions.AssignmentRead, cancellationToken).ConfigureAwait(false);
        var result = new List<RoleAssignmentRecord>();
        foreach (var assignment in await store.ListRoleAssignmentsAsync(scope.SubscriptionId, cancellationToken).ConfigureAwait(false))
        {
            if (!ResourceScope.TryParse(assignment.Scope, out var at))
            {
                continue;
            }

            var applies = at.Contains(scope) || (!filter.AtScopeOnly && scope.Contains(at));
            var principalMatches = filter.PrincipalId is null || string.Equals(filter.PrincipalId, assignment.PrincipalId, StringComparison.OrdinalIgnoreCase);
            if (applies && principalMatches)
            {
                result.Add(assignment);
            }
        }

        return result;
    }

    /// <summary>The built-in role definitions, when the caller may read them at the scope.</summary>
    public async Task<IReadOnlyList<RoleDefinition>> ListRoleDefinitionsAsync(Principal principal, ResourceScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(scope);
        await RequireScopeAsync(scope, cancellationToken).ConfigureAwait(false);
        await access.RequireAsync(principal, scope, AuthorizationActions.DefinitionRead, cancellationToken).ConfigureAwait(false);
        return BuiltInRoles.All;
    }

    private async Task RequireScopeAsync(ResourceScope scope, CancellationToken cancellationToken)
    {
        await RequireSubscriptionAsync(scope.SubscriptionId, cancellationToken).ConfigureAwait(false);
        if (scope.ResourceGroup is { } group && await store.GetResourceGroupAsync(scope.SubscriptionId, group, cancellationToken).ConfigureAwait(false) is null)
        {
            throw ResourceGroupNotFound(group);
        }

        if (scope.Instance is { } name && await store.GetDigitalTwinsAsync(scope.SubscriptionId, scope.ResourceGroup!, name, cancellationToken).ConfigureAwait(false) is null)
        {
            throw ResourceNotFound(scope.ResourceGroup!, name);
        }
    }

    private static string RequireAssignmentId(string assignmentId) =>
        Guid.TryParse(assignmentId, out var id)
            ? id.ToString("D")
            : throw new ManagementException(ManagementErrorKind.BadRequest, ManagementErrorCodes.InvalidRoleAssignmentId,
                $"The role assignment ID '{assignmentId}' is not valid. The role assignment ID must be a GUID.");

    private static ManagementException AssignmentNotFound(string id) =>
        new(ManagementErrorKind.NotFound, ManagementErrorCodes.RoleAssignmentNotFound, $"The role assignment '{id}' is not found.");
}
