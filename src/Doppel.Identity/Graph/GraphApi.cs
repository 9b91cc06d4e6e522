using System.Text.Json;
using System.Text.Json.Nodes;
using Doppel.Identity.Directory;
using Doppel.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Doppel.Identity.Graph;

/// <summary>
/// A subset of Microsoft Graph v1.0 for the directory: <c>/v1.0/me</c>, <c>/users</c>, <c>/groups</c> (with
/// members), <c>/organization</c>, <c>/applications</c> (with <c>addPassword</c>/<c>removePassword</c> and manifest edits by PATCH),
/// <c>/servicePrincipals</c> (with <c>appRoleAssignments</c>) and <c>/oauth2PermissionGrants</c> (consent). Protected
/// by tokens for the Graph resource; errors in Graph's shape.
/// </summary>
public static partial class GraphApi
{
    private const string Base = "https://graph.microsoft.com/v1.0/$metadata#";

    /// <summary>Maps the endpoints under <c>/v1.0</c>.</summary>
    public static IEndpointRouteBuilder MapGraphApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1.0").WithTags("Graph");
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            try
            {
                var (caller, problem) = await http.RequestServices.GetRequiredService<GraphAuthentication>().AuthenticateAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
                if (caller is null)
                {
                    http.Response.Headers.WWWAuthenticate = "Bearer";
                    return Error(http, StatusCodes.Status401Unauthorized, "InvalidAuthenticationToken", problem!);
                }

                http.Items[typeof(GraphCaller)] = caller;
                return await next(context).ConfigureAwait(false);
            }
            catch (DirectoryException ex)
            {
                return ex.Error switch
                {
                    DirectoryError.NotFound => Error(http, StatusCodes.Status404NotFound, "Request_ResourceNotFound", ex.Message),
                    DirectoryError.AlreadyExists => Error(http, StatusCodes.Status400BadRequest, "Request_MultipleObjectsWithSameKeyValue", ex.Message),
                    DirectoryError.Conflict => Error(http, StatusCodes.Status409Conflict, "Request_Conflict", ex.Message),
                    _ => Error(http, StatusCodes.Status400BadRequest, "Request_BadRequest", ex.Message),
                };
            }
            catch (JsonException ex)
            {
                return Error(http, StatusCodes.Status400BadRequest, "BadRequest", $"Unable to read JSON request payload: {ex.Message}");
            }
            catch (BadHttpRequestException ex)
            {
                return Error(http, ex.StatusCode, "BadRequest", ex.Message);
            }
            catch (StoreUnavailableException)
            {
                return Error(http, StatusCodes.Status503ServiceUnavailable, "serviceNotAvailable", "The directory store is not available right now; try again.");
            }
        });

        group.MapGet("/organization", (Func<HttpContext, Task<IResult>>)ListOrganization).WithName("GraphListOrganization").WithSummary("The tenant the caller belongs to.");
        group.MapGet("/me", (Func<HttpContext, Task<IResult>>)Me).WithName("GraphMe").WithSummary("The signed-in user.");
        group.MapGet("/users", (Func<HttpContext, Task<IResult>>)ListUsers).WithName("GraphListUsers").WithSummary("Lists users.");
        group.MapPost("/users", (Func<HttpContext, Task<IResult>>)CreateUser).WithName("GraphCreateUser").WithSummary("Creates a user.");
        group.MapGet("/users/{id}", GetUser).WithName("GraphGetUser").WithSummary("Gets a user by id or userPrincipalName.");
        group.MapGet("/groups", (Func<HttpContext, Task<IResult>>)ListGroups).WithName("GraphListGroups").WithSummary("Lists groups.");
        group.MapPost("/groups", (Func<HttpContext, Task<IResult>>)CreateGroup).WithName("GraphCreateGroup").WithSummary("Creates a security group.");
        group.MapGet("/groups/{id}", GetGroup).WithName("GraphGetGroup").WithSummary("Gets a group.");
        group.MapGet("/groups/{id}/members", ListMembers).WithName("GraphListMembers").WithSummary("Lists a group's direct members.");
        group.MapPost("/groups/{id}/members/$ref", AddMember).WithName("GraphAddMember").WithSummary("Adds a member to a group.");
        group.MapDelete("/groups/{id}/members/{memberId}/$ref", RemoveMember).WithName("GraphRemoveMember").WithSummary("Removes a member from a group.");
        group.MapGet("/applications", (Func<HttpContext, Task<IResult>>)ListApplications).WithName("GraphListApplications").WithSummary("Lists app registrations.");
        group.MapPost("/applications", (Func<HttpContext, Task<IResult>>)CreateApplication).WithName("GraphCreateApplication").WithSummary("Registers an app.");
        group.MapGet("/applications/{id}", GetApplication).WithName("GraphGetApplication").WithSummary("Gets an app registration (its manifest).");
        group.MapPatch("/applications/{id}", UpdateApplication).WithName("GraphUpdateApplication").WithSummary("Edits an app registration's manifest.");
        group.MapDelete("/applications/{id}", DeleteApplication).WithName("GraphDeleteApplication").WithSummary("Deletes an app registration.");
        group.MapPost("/applications/{id}/addPassword", AddPassword).WithName("GraphAddPassword").WithSummary("Adds a client secret; its value is returned once.");
        group.MapPost("/applications/{id}/removePassword", RemovePassword).WithName("GraphRemovePassword").WithSummary("Removes a client secret.");
        group.MapGet("/servicePrincipals", (Func<HttpContext, Task<IResult>>)ListServicePrincipals).WithName("GraphListServicePrincipals").WithSummary("Lists service principals; $search=\"displayName:…\" and simple $filter.");
        group.MapPost("/servicePrincipals", (Func<HttpContext, Task<IResult>>)CreateServicePrincipal).WithName("GraphCreateServicePrincipal").WithSummary("Creates an app's service principal.");
        group.MapGet("/servicePrincipals/{id}", GetServicePrincipal).WithName("GraphGetServicePrincipal").WithSummary("Gets a service principal.");
        group.MapGet("/servicePrincipals/{id}/appRoleAssignments", ListAppRoleAssignments).WithName("GraphListAppRoleAssignments").WithSummary("Lists the application permissions granted to a service principal.");
        group.MapPost("/servicePrincipals/{id}/appRoleAssignments", AssignAppRole).WithName("GraphAssignAppRole").WithSummary("Grants an application permission (admin consent for an app role).");
        group.MapGet("/oauth2PermissionGrants", (Func<HttpContext, Task<IResult>>)ListGrants).WithName("GraphListGrants").WithSummary("Lists delegated permission grants.");
        group.MapPatch("/oauth2PermissionGrants/{id}", UpdateGrant).WithName("GraphUpdateGrant").WithSummary("Changes the scopes of a delegated permission grant.");
        group.MapPost("/oauth2PermissionGrants", (Func<HttpContext, Task<IResult>>)CreateGrant).WithName("GraphCreateGrant").WithSummary("Grants delegated permissions (consent).");
        group.MapGet("/policies/authorizationPolicy", (Func<HttpContext, Task<IResult>>)GetAuthorizationPolicy).WithName("GraphGetAuthorizationPolicy").WithSummary("The tenant's authorization policy: whether users may consent for themselves.");
        group.MapPatch("/policies/authorizationPolicy", (Func<HttpContext, Task<IResult>>)UpdateAuthorizationPolicy).WithName("GraphUpdateAuthorizationPolicy").WithSummary("Allows or stops user consent (permissionGrantPoliciesAssigned).");
        group.MapFallback(context => Error(context, StatusCodes.Status400BadRequest, "BadRequest", $"Resource not found for the segment '{context.Request.Path}'.").ExecuteAsync(context));
        return endpoints;
    }

    private static GraphCaller Caller(HttpContext http) => (GraphCaller)http.Items[typeof(GraphCaller)]!;

    private static DirectoryService Directory(HttpContext http) => http.RequestServices.GetRequiredService<DirectoryService>();

    // ---- users and groups ------------------------------------------------------------------------------------

    private static Task<IResult> Me(HttpContext http)
    {
        var caller = Caller(http);
        return Task.FromResult(caller.User is null
            ? Error(http, StatusCodes.Status400BadRequest, "BadRequest", "/me request is only valid with delegated authentication flow.")
            : Json(UserView(caller.User), "users/$entity"));
    }

    private static async Task<IResult> ListUsers(HttpContext http)
    {
        var caller = Caller(http);
        if (!caller.CanRead("User"))
        {
            return Denied(http);
        }

        var users = await Directory(http).ListUsersAsync(caller.TenantId, http.RequestAborted).ConfigureAwait(false);
        return List(users.Select(UserView), "users");
    }

    private static async Task<IResult> GetUser(HttpContext http, string id)
    {
        var caller = Caller(http);
        if (!caller.CanRead("User") && !string.Equals(id, caller.ObjectId, StringComparison.OrdinalIgnoreCase))
        {
            return Denied(http);
        }

        var user = await Directory(http).FindUserAsync(caller.TenantId, id, http.RequestAborted).ConfigureAwait(false);
        return user is null ? NotFound(http, id) : Json(UserView(user), "users/$entity");
    }

    private static async Task<IResult> CreateUser(HttpContext http)
    {
        var caller = Caller(http);
        if (!caller.CanWrite("User"))
        {
            return Denied(http);
        }

        var body = await BodyAsync(http).ConfigureAwait(false);
        var password = body["passwordProfile"]?["password"]?.GetValue<string>();
        var user = await Directory(http).CreateUserAsync(caller.TenantId, Text(body, "userPrincipalName"), Text(body, "displayName"), password ?? string.Empty, isAdministrator: false, http.RequestAborted).ConfigureAwait(false);
        return Created(UserView(user), "users/$entity", $"/v1.0/users/{user.Id}");
    }

    private static async Task<IResult> ListGroups(HttpContext http)
    {
        var caller = Caller(http);
        if (!caller.CanRead("Group"))
        {
            return Denied(http);
        }

        return List((await Directory(http).ListGroupsAsync(caller.TenantId, http.RequestAborted).ConfigureAwait(false)).Select(GroupView), "groups");
    }

    private static async Task<IResult> GetGroup(HttpContext http, string id)
    {
        var caller = Caller(http);
        if (!caller.CanRead("Group"))
        {
            return Denied(http);
        }

        var group = await Directory(http).FindGroupAsync(caller.TenantId, id, http.RequestAborted).ConfigureAwait(false);
        return group is null ? NotFound(http, id) : Json(GroupView(group), "groups/$entity");
    }

    private static async Task<IResult> CreateGroup(HttpContext http)
    {
        var caller = Caller(http);
        if (!caller.CanWrite("Group"))
        {
            return Denied(http);
        }

        var body = await BodyAsync(http).ConfigureAwait(false);
        if (body["securityEnabled"] is { } security && !security.GetValue<bool>())
        {
            return Error(http, StatusCodes.Status400BadRequest, "Request_BadRequest", "Only security groups (securityEnabled: true) are supported.");
        }

        var group = await Directory(http).CreateGroupAsync(caller.TenantId, Text(body, "displayName"), Text(body, "mailNickname"), body["description"]?.GetValue<string>(), http.RequestAborted).ConfigureAwait(false);
        return Created(GroupView(group), "groups/$entity", $"/v1.0/groups/{group.Id}");
    }

    private static async Task<IResult> ListOrganization(HttpContext http)
    {
        // Every signed-in caller may read its own tenant's basic profile, as with Graph's User.Read.
        var caller = Caller(http);
        var tenant = await Directory(http).FindTenantAsync(caller.TenantId, http.RequestAborted).ConfigureAwait(false);
        if (tenant is null)
        {
            return NotFound(http, caller.TenantId);
        }

        var organization = new JsonObject
        {
            ["id"] = tenant.Id,
            ["displayName"] = tenant.DisplayName,
            ["createdDateTime"] = tenant.CreatedDateTime,
            ["tenantType"] = "AAD",
            ["verifiedDomains"] = new JsonArray(new JsonObject
            {
                ["capabilities"] = "None",
                ["isDefault"] = true,
                ["isInitial"] = true,
                ["name"] = tenant.Domain,
                ["type"] = "Managed",
            }),
        };
        return List([organization], "organization");
    }

    private static async Task<IResult> ListMembers(HttpContext http, string id)
    {
        var caller = Caller(http);
        if (!caller.CanRead("Group"))
        {
            return Denied(http);
        }

        var directory = Directory(http);
        var group = await directory.FindGroupAsync(caller.TenantId, id, http.RequestAborted).ConfigureAwait(false);
        if (group is null)
        {
            return NotFound(http, id);
        }

        // Graph lists members as directoryObjects, each typed by @odata.type; a member deleted since is left out.
        var members = new List<JsonObject>();
        foreach (var memberId in group.Members)
        {
            var member = await directory.FindUserAsync(caller.TenantId, memberId, http.RequestAborted).ConfigureAwait(false) is { } user ? Typed(UserView(user), "user")
                : await directory.FindGroupAsync(caller.TenantId, memberId, http.RequestAborted).ConfigureAwait(false) is { } nested ? Typed(GroupView(nested), "group")
                : await directory.FindServicePrincipalAsync(caller.TenantId, memberId, http.RequestAborted).ConfigureAwait(false) is { } sp ? Typed(await ServicePrincipalViewAsync(http, caller.TenantId, sp).ConfigureAwait(false), "servicePrincipal")
                : null;
            if (member is not null)
            {
                members.Add(member);
            }
        }

        return List(members, "directoryObjects");

        static JsonObject Typed(JsonObject view, string type)
        {
            var typed = new JsonObject { ["@odata.type"] = "#microsoft.graph." + type };
            foreach (var (k, v) in view)
            {
                typed[k] = v?.DeepClone();
            }

            return typed;
        }
    }

    private static async Task<IResult> AddMember(HttpContext http, string id)
    {
        var caller = Caller(http);
        if (!caller.CanWrite("Group"))
        {
            return Denied(http);
        }

        var body = await BodyAsync(http).ConfigureAwait(false);
        var reference = Text(body, "@odata.id");
        var memberId = reference.TrimEnd('/').Split('/')[^1];
        await Directory(http).AddGroupMemberAsync(caller.TenantId, id, memberId, http.RequestAborted).ConfigureAwait(false);
        return Results.NoContent();
    }

    private static async Task<IResult> RemoveMember(HttpContext http, string id, string memberId)
    {
        var caller = Caller(http);
        if (!caller.CanWrite("Group"))
        {
            return Denied(http);
        }

        await Directory(http).RemoveGroupMemberAsync(caller.TenantId, id, memberId, http.RequestAborted).ConfigureAwait(false);
        return Results.NoContent();
    }

    // ---- applications and service principals ---------------------------------------------------------------

    private static async Task<IResult> ListApplications(HttpContext http)
    {
        var caller = Caller(http);
        if (!caller.CanRead("Application"))
        {
            return Denied(http);
        }

        return List((await Directory(http).ListApplicationsAsync(caller.TenantId, http.RequestAborted).ConfigureAwait(false)).Select(ApplicationView), "applications");
    }

    private static async Task<IResult> GetApplication(HttpContext http, string id)
    {
        var caller = Caller(http);
        if (!caller.CanRead("Application"))
        {
            return Denied(http);
        }

        var app = await Directory(http).FindApplicationAsync(caller.TenantId, id, http.RequestAborted).ConfigureAwait(false);
        return app is null ? NotFound(http, id) : Json(ApplicationView(app), "applications/$entity");
    }

    private static async Task<IResult> CreateApplication(HttpContext http)
    {
        var caller = Caller(http);
        if (!caller.CanWrite("Application"))
        {
            return Denied(http);
        }

        var body = await BodyAsync(http).ConfigureAwait(false);
        var manifest = new Application { Id = string.Empty, AppId = string.Empty, DisplayName = Text(body, "displayName") };
        ApplyManifest(manifest, body);
        var app = await Directory(http).CreateApplicationAsync(caller.TenantId, manifest, http.RequestAborted).ConfigureAwait(false);
        return Created(ApplicationView(app), "applications/$entity", $"/v1.0/applications/{app.Id}");
    }

    private static async Task<IResult> UpdateApplication(HttpContext http, string id)
    {
        var caller = Caller(http);
        if (!caller.CanWrite("Application"))
        {
            return Denied(http);
        }

        var body = await BodyAsync(http).ConfigureAwait(false);
        await Directory(http).UpdateApplicationAsync(caller.TenantId, id, app => ApplyManifest(app, body), http.RequestAborted).ConfigureAwait(false);
        return Results.NoContent();
    }

    private static async Task<IResult> DeleteApplication(HttpContext http, string id)
    {
        var caller = Caller(http);
        if (!caller.CanWrite("Application"))
        {
            return Denied(http);
        }

        await Directory(http).DeleteApplicationAsync(caller.TenantId, id, http.RequestAborted).ConfigureAwait(false);
        return Results.NoContent();
    }

    private static async Task<IResult> AddPassword(HttpContext http, string id)
    {
        var caller = Caller(http);
        if (!caller.CanWrite("Application"))
        {
            return Denied(http);
        }

        var body = http.Request.ContentLength is 0 ? new JsonObject() : await BodyAsync(http).ConfigureAwait(false);
        var credential = body["passwordCredential"] as JsonObject ?? body;
        DateTimeOffset? end = credential["endDateTime"] is { } e ? e.GetValue<DateTimeOffset>() : null;
        var (created, secret) = await Directory(http).AddPasswordAsync(caller.TenantId, id, credential["displayName"]?.GetValue<string>(), end, http.RequestAborted).ConfigureAwait(false);
        var view = PasswordView(created);
        view["secretText"] = secret;
        return Json(view, "microsoft.graph.passwordCredential");
    }

    private static async Task<IResult> RemovePassword(HttpContext http, string id)
    {
        var caller = Caller(http);
        if (!caller.CanWrite("Application"))
        {
            return Denied(http);
        }

        var body = await BodyAsync(http).ConfigureAwait(false);
        await Directory(http).RemovePasswordAsync(caller.TenantId, id, Text(body, "keyId"), http.RequestAborted).ConfigureAwait(false);
        return Results.NoContent();
    }

    private static async Task<IResult> ListServicePrincipals(HttpContext http)
    {
        var caller = Caller(http);
        if (!caller.CanRead("Application"))
        {
            return Denied(http);
        }

        var all = await Directory(http).ListServicePrincipalsAsync(caller.TenantId, http.RequestAborted).ConfigureAwait(false);
        var search = http.Request.Query["$search"].ToString();
        var filter = http.Request.Query["$filter"].ToString();
        IEnumerable<ServicePrincipal> found = all;
        if (search.Length > 0)
        {
            // $search="displayName:azure digital twins": every word, in any case, in the name or a former name.
            var text = search.Trim('"');
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0 || !string.Equals(text[..colon], "displayName", StringComparison.OrdinalIgnoreCase))
            {
                return Error(http, StatusCodes.Status400BadRequest, "Request_UnsupportedQuery", "Only $search=\"displayName:<words>\" is supported.");
            }

            var words = text[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            found = found.Where(sp => NamesOf(sp).Any(name => words.All(w => name.Contains(w, StringComparison.OrdinalIgnoreCase))));
        }

        if (filter.Length > 0)
        {
            var match = FilterPattern().Match(filter);
            if (!match.Success)
            {
                return Error(http, StatusCodes.Status400BadRequest, "Request_UnsupportedQuery", "Only $filter=appId eq '<id>', displayName eq '<name>' or startswith(displayName,'<text>') is supported.");
            }

            var value = match.Groups["value"].Value.Replace("''", "'", StringComparison.Ordinal);
            found = match.Groups["function"].Success
                ? found.Where(sp => sp.DisplayName.StartsWith(value, StringComparison.OrdinalIgnoreCase))
                : match.Groups["property"].Value.Equals("appId", StringComparison.OrdinalIgnoreCase)
                    ? found.Where(sp => string.Equals(sp.AppId, value, StringComparison.OrdinalIgnoreCase))
                    : found.Where(sp => string.Equals(sp.DisplayName, value, StringComparison.OrdinalIgnoreCase));
        }

        var views = new List<JsonObject>();
        foreach (var sp in found)
        {
            views.Add(await ServicePrincipalViewAsync(http, caller.TenantId, sp).ConfigureAwait(false));
        }

        return List(views, "servicePrincipals");
    }

    private static async Task<IResult> GetServicePrincipal(HttpContext http, string id)
    {
        var caller = Caller(http);
        if (!caller.CanRead("Application"))
        {
            return Denied(http);
        }

        var sp = await Directory(http).FindServicePrincipalAsync(caller.TenantId, id, http.RequestAborted).ConfigureAwait(false);
        return sp is null ? NotFound(http, id) : Json(await ServicePrincipalViewAsync(http, caller.TenantId, sp).ConfigureAwait(false), "servicePrincipals/$entity");
    }

    private static async Task<IResult> CreateServicePrincipal(HttpContext http)
    {
        var caller = Caller(http);
        if (!caller.CanWrite("Application"))
        {
            return Denied(http);
        }

        var body = await BodyAsync(http).ConfigureAwait(false);
        var sp = await Directory(http).CreateServicePrincipalAsync(caller.TenantId, Text(body, "appId"), http.RequestAborted).ConfigureAwait(false);
        return Created(await ServicePrincipalViewAsync(http, caller.TenantId, sp).ConfigureAwait(false), "servicePrincipals/$entity", $"/v1.0/servicePrincipals/{sp.Id}");
    }

    private static async Task<IResult> ListAppRoleAssignments(HttpContext http, string id)
    {
        var caller = Caller(http);
        if (!caller.CanRead("Application"))
        {
            return Denied(http);
        }

        var principal = await Directory(http).FindServicePrincipalAsync(caller.TenantId, id, http.RequestAborted).ConfigureAwait(false);
        if (principal is null)
        {
            return NotFound(http, id);
        }

        var assignments = await Directory(http).ListAppRoleAssignmentsAsync(caller.TenantId, http.RequestAborted).ConfigureAwait(false);
        return List(assignments.Where(a => string.Equals(a.PrincipalId, principal.Id, StringComparison.OrdinalIgnoreCase))
            .Select(a => JsonSerializer.SerializeToNode(a, DirectoryJson.Options)!.AsObject()), "servicePrincipals('" + principal.Id + "')/appRoleAssignments");
    }

    private static async Task<IResult> AssignAppRole(HttpContext http, string id)
    {
        var caller = Caller(http);
        if (!caller.CanWrite("Application"))
        {
            return Denied(http);
        }

        var body = await BodyAsync(http).ConfigureAwait(false);
        var principal = await Directory(http).FindServicePrincipalAsync(caller.TenantId, id, http.RequestAborted).ConfigureAwait(false);
        if (principal is null)
        {
            return NotFound(http, id);
        }

        if (!string.Equals(principal.Id, Text(body, "principalId"), StringComparison.OrdinalIgnoreCase))
        {
            return Error(http, StatusCodes.Status400BadRequest, "Request_BadRequest", "principalId must be the service principal in the request's path.");
        }

        var assignment = await Directory(http).AssignAppRoleAsync(caller.TenantId, principal.Id, Text(body, "resourceId"), Text(body, "appRoleId"), http.RequestAborted).ConfigureAwait(false);
        return Created(JsonSerializer.SerializeToNode(assignment, DirectoryJson.Options)!.AsObject(), "servicePrincipals/appRoleAssignments/$entity", $"/v1.0/servicePrincipals/{assignment.PrincipalId}/appRoleAssignments/{assignment.Id}");
    }

    private static async Task<IResult> ListGrants(HttpContext http)
    {
        var caller = Caller(http);
        if (!caller.CanRead("Application"))
        {
            return Denied(http);
        }

        var grants = await Directory(http).ListGrantsAsync(caller.TenantId, http.RequestAborted).ConfigureAwait(false);
        return List(grants.Select(g => JsonSerializer.SerializeToNode(g, DirectoryJson.Options)!.AsObject()), "oauth2PermissionGrants");
    }

    private static async Task<IResult> CreateGrant(HttpContext http)
    {
        var caller = Caller(http);
        var body = await BodyAsync(http).ConfigureAwait(false);
        var consentType = Text(body, "consentType");
        if (consentType is not ("AllPrincipals" or "Principal"))
        {
            return Error(http, StatusCodes.Status400BadRequest, "Request_BadRequest", "consentType must be AllPrincipals or Principal.");
        }

        var principal = consentType == "Principal" ? Text(body, "principalId") : null;

        // Administrators (and apps with the role) consent for anyone; a signed-in user may consent for themselves to
        // scopes users may consent to, where the tenant allows it.
        var selfConsent = !caller.IsApp && principal is not null && string.Equals(principal, caller.ObjectId, StringComparison.OrdinalIgnoreCase)
            && caller.Permissions.Overlaps(["User.Read", "Directory.AccessAsUser.All"])
            && await Directory(http).MayUserConsentAsync(caller.TenantId, Text(body, "resourceId"), Text(body, "scope"), http.RequestAborted).ConfigureAwait(false);
        if (!caller.CanWrite("Application") && !selfConsent)
        {
            return Denied(http);
        }

        var grant = await Directory(http).GrantAsync(caller.TenantId, Text(body, "clientId"), Text(body, "resourceId"), Text(body, "scope"), principal, http.RequestAborted).ConfigureAwait(false);
        return Created(JsonSerializer.SerializeToNode(grant, DirectoryJson.Options)!.AsObject(), "oauth2PermissionGrants/$entity", $"/v1.0/oauth2PermissionGrants/{grant.Id}");
    }

    private static async Task<IResult> UpdateGrant(HttpContext http, string id)
    {
        var caller = Caller(http);
        if (!caller.CanWrite("Application"))
        {
            return Denied(http);
        }

        var body = await BodyAsync(http).ConfigureAwait(false);
        if (body.Any(p => p.Key != "scope" && !p.Key.StartsWith("@odata", StringComparison.Ordinal)))
        {
            return Error(http, StatusCodes.Status400BadRequest, "Request_BadRequest", "Only the scope of a permission grant can be changed.");
        }

        await Directory(http).UpdateGrantScopeAsync(caller.TenantId, id, Text(body, "scope"), http.RequestAborted).ConfigureAwait(false);
        return Results.NoContent();
    }

    // ---- the authorization policy (user consent) --------------------------------------------------------------

    /// <summary>The policy Entra assigns by default when users may consent for themselves ("Allow user consent for apps").</summary>
    private const string UserConsentPolicy = "ManagePermissionGrantsForSelf.microsoft-user-default-legacy";

    private static async Task<IResult> GetAuthorizationPolicy(HttpContext http)
    {
        var caller = Caller(http);
        var tenant = await Directory(http).FindTenantAsync(caller.TenantId, http.RequestAborted).ConfigureAwait(false);
        return tenant is null ? NotFound(http, caller.TenantId) : Json(AuthorizationPolicyView(tenant), "policies/authorizationPolicy/$entity");
    }

    private static async Task<IResult> UpdateAuthorizationPolicy(HttpContext http)
    {
        var caller = Caller(http);
        if (!caller.CanWrite("Policy"))
        {
            return Denied(http);
        }

        var body = await BodyAsync(http).ConfigureAwait(false);
        if (body["defaultUserRolePermissions"] is not JsonObject permissions || permissions["permissionGrantPoliciesAssigned"] is not JsonArray assigned)
        {
            return Error(http, StatusCodes.Status400BadRequest, "Request_BadRequest",
                "Doppel's authorization policy has one setting: defaultUserRolePermissions.permissionGrantPoliciesAssigned (an array of policy ids).");
        }

        if (assigned.Any(a => a is not JsonValue value || !value.TryGetValue<string>(out _)))
        {
            return Error(http, StatusCodes.Status400BadRequest, "Request_BadRequest", "permissionGrantPoliciesAssigned must be an array of strings.");
        }

        // Any ManagePermissionGrantsForSelf policy lets users consent for themselves; an empty list stops it.
        var allowed = assigned.Any(a => ((string)a!).StartsWith("ManagePermissionGrantsForSelf.", StringComparison.Ordinal));
        await Directory(http).SetUsersCanConsentAsync(caller.TenantId, allowed, http.RequestAborted).ConfigureAwait(false);
        return Results.NoContent();
    }

    private static JsonObject AuthorizationPolicyView(Tenant tenant) => new()
    {
        ["id"] = "authorizationPolicy",
        ["displayName"] = "Authorization Policy",
        ["description"] = "Used to manage authorization related settings across the company.",
        ["defaultUserRolePermissions"] = new JsonObject
        {
            ["permissionGrantPoliciesAssigned"] = tenant.UsersCanConsent ? new JsonArray(UserConsentPolicy) : new JsonArray(),
        },
    };

    /// <summary>A service principal's name and, for a built-in API, its former names ("Azure Smart Spaces Service").</summary>
    private static IEnumerable<string> NamesOf(ServicePrincipal sp) =>
        [sp.DisplayName, .. BuiltInApis.FindByAppId(sp.AppId)?.OtherNames ?? []];

    [System.Text.RegularExpressions.GeneratedRegex("^\\s*(?:(?<function>startswith)\\(\\s*displayName\\s*,\\s*'(?<value>(?:[^']|'')*)'\\s*\\)|(?<property>appId|displayName)\\s+eq\\s+'(?<value>(?:[^']|'')*)')\\s*$", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex FilterPattern();

    // ---- views, bodies and errors ------------------------------------------------------------------------------

    private static readonly string[] ManifestProperties =
        ["displayName", "signInAudience", "identifierUris", "isFallbackPublicClient", "publicClient", "web", "spa", "requiredResourceAccess", "api", "appRoles"];

    /// <summary>Copies the editable manifest properties of <paramref name="body"/> onto <paramref name="app"/>; read-only or unknown ones are refused.</summary>
    private static void ApplyManifest(Application app, JsonObject body)
    {
        foreach (var (name, value) in body)
        {
            if (name.StartsWith("@odata", StringComparison.Ordinal))
            {
                continue;
            }

            if (!ManifestProperties.Contains(name, StringComparer.Ordinal))
            {
                throw new DirectoryException(DirectoryError.Invalid, $"Property '{name}' cannot be set on an application here (settable: {string.Join(", ", ManifestProperties)}).");
            }

            T Read<T>() => value is null ? default! : value.Deserialize<T>(DirectoryJson.Options)!;
            switch (name)
            {
                case "displayName": app.DisplayName = Read<string>(); break;
                case "signInAudience": app.SignInAudience = Read<string>(); break;
                case "identifierUris": app.IdentifierUris = Read<List<string>>() ?? []; break;
                case "isFallbackPublicClient": app.IsFallbackPublicClient = Read<bool?>(); break;
                case "publicClient": app.PublicClient = Read<RedirectUriSettings>() ?? new(); break;
                case "web": app.Web = Read<RedirectUriSettings>() ?? new(); break;
                case "spa": app.Spa = Read<RedirectUriSettings>() ?? new(); break;
                case "requiredResourceAccess": app.RequiredResourceAccess = Read<List<RequiredResourceAccess>>() ?? []; break;
                case "api": app.Api = Read<ApiSettings>() ?? new(); break;
                case "appRoles": app.AppRoles = Read<List<AppRole>>() ?? []; break;
            }
        }
    }

    private static JsonObject UserView(User user)
    {
        var view = JsonSerializer.SerializeToNode(user, DirectoryJson.Options)!.AsObject();
        view.Remove("passwordHash");
        view.Remove("failedSignIns");
        view.Remove("lockedUntil");
        view.Remove("isAdministrator");
        return view;
    }

    private static JsonObject GroupView(Group group)
    {
        var view = JsonSerializer.SerializeToNode(group, DirectoryJson.Options)!.AsObject();
        view["securityEnabled"] = true;
        view["mailEnabled"] = false;
        return view;
    }

    private static JsonObject ApplicationView(Application app)
    {
        var view = JsonSerializer.SerializeToNode(app, DirectoryJson.Options)!.AsObject();
        view["passwordCredentials"] = new JsonArray([.. app.PasswordCredentials.Select(p => (JsonNode)PasswordView(p))]);
        view.Remove("publisherTenantId");
        view["publisherDomain"] = null;
        return view;
    }

    private static JsonObject PasswordView(PasswordCredential credential)
    {
        var view = JsonSerializer.SerializeToNode(credential, DirectoryJson.Options)!.AsObject();
        view.Remove("secretHash");
        view["secretText"] = null;
        return view;
    }

    /// <summary>
    /// A service principal with the permissions its API publishes (<c>oauth2PermissionScopes</c>, <c>appRoles</c>), as
    /// Graph shows them: clients such as the portal's "Request API permissions" read them from here.
    /// </summary>
    private static async Task<JsonObject> ServicePrincipalViewAsync(HttpContext http, string tenantId, ServicePrincipal sp)
    {
        var view = JsonSerializer.SerializeToNode(sp, DirectoryJson.Options)!.AsObject();
        var scopes = await Directory(http).ScopesOfAsync(tenantId, sp.AppId, http.RequestAborted).ConfigureAwait(false);
        var roles = await Directory(http).RolesOfAsync(tenantId, sp.AppId, http.RequestAborted).ConfigureAwait(false);
        view["oauth2PermissionScopes"] = new JsonArray([.. scopes.Select(s => (JsonNode)new JsonObject
        {
            ["adminConsentDescription"] = s.AdminConsentDisplayName,
            ["adminConsentDisplayName"] = s.AdminConsentDisplayName,
            ["id"] = s.Id,
            ["isEnabled"] = s.IsEnabled,
            ["type"] = s.Type,
            ["userConsentDescription"] = s.AdminConsentDisplayName,
            ["userConsentDisplayName"] = s.AdminConsentDisplayName,
            ["value"] = s.Value,
        })]);
        view["appRoles"] = new JsonArray([.. roles.Select(r => (JsonNode)new JsonObject
        {
            ["allowedMemberTypes"] = new JsonArray([.. r.AllowedMemberTypes.Select(t => (JsonNode)JsonValue.Create(t)!)]),
            ["description"] = r.DisplayName,
            ["displayName"] = r.DisplayName,
            ["id"] = r.Id,
            ["isEnabled"] = r.IsEnabled,
            ["origin"] = "Application",
            ["value"] = r.Value,
        })]);
        return view;
    }

    private static async Task<JsonObject> BodyAsync(HttpContext http)
    {
        if (http.Request.ContentLength > 1024 * 1024)
        {
            throw new DirectoryException(DirectoryError.Invalid, "The request body is larger than 1 MiB.");
        }

        var node = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted).ConfigureAwait(false);
        return node as JsonObject ?? throw new DirectoryException(DirectoryError.Invalid, "The request body must be a JSON object.");
    }

    private static string Text(JsonObject body, string name) =>
        body[name] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0
            ? text
            : throw new DirectoryException(DirectoryError.Invalid, $"Property '{name}' is required and must be a non-empty string.");

    private static IResult Json(JsonObject value, string context)
    {
        var copy = new JsonObject { ["@odata.context"] = Base + context };
        foreach (var (k, v) in value)
        {
            copy[k] = v?.DeepClone();
        }

        return Results.Text(copy.ToJsonString(), "application/json", System.Text.Encoding.UTF8);
    }

    private static IResult Created(JsonObject value, string context, string location)
    {
        var json = (Json(value, context) as Microsoft.AspNetCore.Http.HttpResults.ContentHttpResult)!.ResponseContent;
        return Results.Content(json, "application/json", System.Text.Encoding.UTF8, StatusCodes.Status201Created) is var r
            ? new CreatedResult(r, location)
            : r;
    }

    private static IResult List(IEnumerable<JsonObject> values, string context) =>
        Results.Text(new JsonObject { ["@odata.context"] = Base + context, ["value"] = new JsonArray([.. values.Cast<JsonNode>()]) }.ToJsonString(), "application/json", System.Text.Encoding.UTF8);

    private static IResult Denied(HttpContext http) =>
        Error(http, StatusCodes.Status403Forbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");

    private static IResult NotFound(HttpContext http, string id) =>
        Error(http, StatusCodes.Status404NotFound, "Request_ResourceNotFound", $"Resource '{id}' does not exist or one of its queried reference-property objects are not present.");

    /// <summary>Graph's error shape: <c>{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}</c>.</summary>
    public static IResult Error(HttpContext http, int status, string code, string message)
    {
        ArgumentNullException.ThrowIfNull(http);
        var requestId = Guid.NewGuid().ToString();
        var clientRequestId = http.Request.Headers["client-request-id"].FirstOrDefault() ?? requestId;
        http.Response.Headers["request-id"] = requestId;
        var body = new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = code,
                ["message"] = message,
                ["innerError"] = new JsonObject
                {
                    ["date"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
                    ["request-id"] = requestId,
                    ["client-request-id"] = clientRequestId,
                },
            },
        };
        return Results.Content(body.ToJsonString(), "application/json", System.Text.Encoding.UTF8, status);
    }

    private sealed class CreatedResult(IResult inner, string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.Location = location;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
