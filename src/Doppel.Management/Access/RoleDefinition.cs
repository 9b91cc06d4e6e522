namespace Doppel.Management.Access;

/// <summary>A role: what its holders may do on the control plane (actions) and on the data plane (data actions).</summary>
/// <param name="Id">The role definition's GUID, lower case.</param>
/// <param name="Name">The role's name, such as <c>Owner</c>.</param>
/// <param name="Description">What the role is for.</param>
/// <param name="Actions">Control-plane actions granted; <c>*</c> matches any run of characters.</param>
/// <param name="NotActions">Control-plane actions taken away again.</param>
/// <param name="DataActions">Data-plane actions granted.</param>
/// <param name="NotDataActions">Data-plane actions taken away again.</param>
public sealed record RoleDefinition(
    string Id,
    string Name,
    string Description,
    IReadOnlyList<string> Actions,
    IReadOnlyList<string> NotActions,
    IReadOnlyList<string> DataActions,
    IReadOnlyList<string> NotDataActions)
{
    // Answers per action, remembered: requests ask about a small set of actions, and every data-plane request asks.
    // Bounded, because one family of actions (jobs/{type}) takes a path segment from the request.
    private const int MaxRemembered = 512;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Action, bool IsDataAction), bool> _answers = new();

    // A copy (`with`) may change the patterns: it starts with answers of its own.
    private RoleDefinition(RoleDefinition original)
    {
        Id = original.Id;
        Name = original.Name;
        Description = original.Description;
        Actions = original.Actions;
        NotActions = original.NotActions;
        DataActions = original.DataActions;
        NotDataActions = original.NotDataActions;
        _answers = new();
    }

    /// <summary>Whether the role grants <paramref name="action"/> (a data action when <paramref name="isDataAction"/>).</summary>
    public bool Grants(string action, bool isDataAction)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (_answers.TryGetValue((action, isDataAction), out var known))
        {
            return known;
        }

        var (allowed, denied) = isDataAction ? (DataActions, NotDataActions) : (Actions, NotActions);
        var answer = allowed.Any(pattern => ActionPattern.Matches(pattern, action)) && !denied.Any(pattern => ActionPattern.Matches(pattern, action));
        if (_answers.Count < MaxRemembered)
        {
            _answers.TryAdd((action, isDataAction), answer);
        }

        return answer;
    }

    /// <inheritdoc />
    public bool Equals(RoleDefinition? other) =>
        other is not null && Id == other.Id && Name == other.Name && Description == other.Description
        && Actions.SequenceEqual(other.Actions) && NotActions.SequenceEqual(other.NotActions)
        && DataActions.SequenceEqual(other.DataActions) && NotDataActions.SequenceEqual(other.NotDataActions);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Id, Name);
}

/// <summary>ARM's action patterns: case-insensitive, where <c>*</c> stands for any run of characters (slashes too).</summary>
public static class ActionPattern
{
    /// <summary>Whether <paramref name="action"/> matches <paramref name="pattern"/>.</summary>
    public static bool Matches(string pattern, string action)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(action);
        return Match(pattern.AsSpan(), action.AsSpan());
    }

    private static bool Match(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        while (true)
        {
            var star = pattern.IndexOf('*');
            if (star < 0)
            {
                return pattern.Equals(text, StringComparison.OrdinalIgnoreCase);
            }

            if (text.Length < star || !pattern[..star].Equals(text[..star], StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            var rest = pattern[(star + 1)..];
            text = text[star..];
            if (rest.IsEmpty)
            {
                return true;
            }

            for (var i = 0; i <= text.Length; i++)
            {
                if (Match(rest, text[i..]))
                {
                    return true;
                }
            }

            return false;
        }
    }
}

/// <summary>The built-in roles Doppel knows, with Azure's GUIDs.</summary>
public static class BuiltInRoles
{
    /// <summary>Owner: everything, including granting access.</summary>
    public static RoleDefinition Owner { get; } = new(
        "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "Owner", "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.",
        ["*"], [], [], []);

    /// <summary>Contributor: everything except granting access.</summary>
    public static RoleDefinition Contributor { get; } = new(
        "b24988ac-6180-42a0-ab88-20f7382dd24c", "Contributor", "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC.",
        ["*"], ["Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write", "Microsoft.Authorization/elevateAccess/Action"], [], []);

    /// <summary>Reader: reads everything.</summary>
    public static RoleDefinition Reader { get; } = new(
        "acdd72a7-3385-48ef-bd42-f606fba81ae7", "Reader", "View all resources, but does not allow you to make any changes.",
        ["*/read"], [], [], []);

    /// <summary>User Access Administrator: reads everything and manages access.</summary>
    public static RoleDefinition UserAccessAdministrator { get; } = new(
        "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", "User Access Administrator", "Lets you manage user access to Azure resources.",
        ["*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"], [], [], []);

    /// <summary>Azure Digital Twins Data Owner (adt-facts.md §10).</summary>
    public static RoleDefinition DigitalTwinsDataOwner { get; } = new(
        "bcd981a7-7f74-457b-83e1-cceb9e632ffe", "Azure Digital Twins Data Owner", "Full access role for Digital Twins data-plane",
        [], [],
        [
            "Microsoft.DigitalTwins/eventroutes/*", "Microsoft.DigitalTwins/digitaltwins/*", "Microsoft.DigitalTwins/digitaltwins/commands/*",
            "Microsoft.DigitalTwins/digitaltwins/relationships/*", "Microsoft.DigitalTwins/models/*", "Microsoft.DigitalTwins/query/*",
        ],
        []);

    /// <summary>Azure Digital Twins Data Reader (adt-facts.md §10).</summary>
    public static RoleDefinition DigitalTwinsDataReader { get; } = new(
        "d57506d4-4c8d-48b1-8587-93c323f6a5a3", "Azure Digital Twins Data Reader", "Read-only role for Digital Twins data-plane properties",
        [], [],
        [
            "Microsoft.DigitalTwins/digitaltwins/read", "Microsoft.DigitalTwins/digitaltwins/relationships/read", "Microsoft.DigitalTwins/eventroutes/read",
            "Microsoft.DigitalTwins/models/read", "Microsoft.DigitalTwins/query/action",
        ],
        []);

    /// <summary>Every built-in role, in the order listings show them.</summary>
    public static IReadOnlyList<RoleDefinition> All { get; } = [Owner, Contributor, Reader, UserAccessAdministrator, DigitalTwinsDataOwner, DigitalTwinsDataReader];

    /// <summary>The role with this GUID (any case), or <see langword="null"/>.</summary>
    public static RoleDefinition? Find(string id) => All.FirstOrDefault(r => string.Equals(r.Id, id, StringComparison.OrdinalIgnoreCase));
}
