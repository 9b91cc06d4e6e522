using Doppel.Management.Access;
using Doppel.Storage.Management;

namespace Doppel.Management;

public sealed partial class ManagementService
{
    /// <summary>The action that reads a subscription's activity log.</summary>
    public const string ActivityReadAction = "Microsoft.Insights/eventtypes/values/read";

    /// <summary>The most entries one activity-log answer holds.</summary>
    public const int MaxActivityEntries = 1000;

    /// <summary>Records a control-plane write in its subscription's activity log, when the subscription exists.</summary>
    public async Task RecordActivityAsync(Principal principal, string subscriptionId, string operation, string resourceId, int httpStatus, bool asynchronous, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (!Guid.TryParse(subscriptionId, out _) || await store.GetSubscriptionAsync(subscriptionId, cancellationToken).ConfigureAwait(false) is null)
        {
            return;
        }

        var status = httpStatus >= 400 ? "Failed" : asynchronous ? "Accepted" : ProvisioningStates.Succeeded;
        await store.AppendActivityAsync(
            new ActivityRecord(subscriptionId, Guid.NewGuid().ToString("D"), time.GetUtcNow(), principal.DisplayName, principal.ObjectId, operation, resourceId, status, httpStatus),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The subscription's activity log from <paramref name="from"/> on, newest first, for a caller who may read it.</summary>
    public async Task<IReadOnlyList<ActivityRecord>> ListActivityAsync(Principal principal, string subscriptionId, DateTimeOffset from, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        await RequireSubscriptionAsync(subscriptionId, cancellationToken).ConfigureAwait(false);
        await access.RequireAsync(principal, ResourceScope.Subscription(subscriptionId), ActivityReadAction, cancellationToken).ConfigureAwait(false);
        return await store.ListActivityAsync(subscriptionId, from, MaxActivityEntries, cancellationToken).ConfigureAwait(false);
    }
}
