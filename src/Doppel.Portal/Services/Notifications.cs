namespace Doppel.Portal.Services;

/// <summary>One entry under the bell: a deployment in progress, done or failed.</summary>
public sealed class PortalNotification
{
    /// <summary>Its id.</summary>
    public string Id { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The headline ("Deployment in progress...", "Deployment succeeded", "Deployment failed").</summary>
    public required string Title { get; set; }

    /// <summary>The detail line.</summary>
    public required string Message { get; set; }

    /// <summary>InProgress, Succeeded or Failed.</summary>
    public string State { get; set; } = "InProgress";

    /// <summary>Where "Go to resource" leads, once there is a resource.</summary>
    public string? ResourceLink { get; set; }

    /// <summary>When it was raised.</summary>
    public DateTimeOffset Time { get; init; } = DateTimeOffset.UtcNow;
}

/// <summary>
/// The person's notifications for this browser session, and the deployments they follow: a deployment is polled
/// in the background until its operation ends, whichever page the person is on.
/// </summary>
public sealed class Notifications(ArmApi arm) : IDisposable
{
    private readonly List<PortalNotification> items = [];
    private readonly CancellationTokenSource stopping = new();

    /// <summary>Raised whenever a notification is added or changes.</summary>
    public event Action? Changed;

    /// <summary>Newest first.</summary>
    public IReadOnlyList<PortalNotification> Items
    {
        get
        {
            lock (items)
            {
                return [.. items.OrderByDescending(i => i.Time)];
            }
        }
    }

    /// <summary>How many are still in progress.</summary>
    public int InProgress => Items.Count(i => i.State == "InProgress");

    /// <summary>Adds a notification for a deployment and follows its operation until it ends.</summary>
    public PortalNotification Follow(string title, string message, string? operationUrl, string resourceLink, string succeededMessage, string succeededTitle = "Deployment succeeded", string failedTitle = "Deployment failed")
    {
        var notification = new PortalNotification { Title = title, Message = message, ResourceLink = null };
        lock (items)
        {
            items.Add(notification);
        }

        Changed?.Invoke();
        _ = FollowAsync(notification, operationUrl, resourceLink, succeededMessage, succeededTitle, failedTitle);
        return notification;
    }

    /// <summary>Clears the finished ones.</summary>
    public void Dismiss(string id)
    {
        lock (items)
        {
            items.RemoveAll(i => i.Id == id);
        }

        Changed?.Invoke();
    }

    private async Task FollowAsync(PortalNotification notification, string? operationUrl, string resourceLink, string succeededMessage, string succeededTitle, string failedTitle)
    {
        try
        {
            var state = new OperationState(operationUrl is null ? "Succeeded" : "Running", null, null);
            var deadline = DateTimeOffset.UtcNow.AddMinutes(10);
            while (state.Status is not ("Succeeded" or "Failed" or "Canceled") && DateTimeOffset.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(300), stopping.Token).ConfigureAwait(false);
                state = await arm.OperationAsync(operationUrl!, stopping.Token).ConfigureAwait(false);
            }

            if (state.Status == "Succeeded")
            {
                notification.State = "Succeeded";
                notification.Title = succeededTitle;
                notification.Message = succeededMessage;
                notification.ResourceLink = resourceLink;
            }
            else
            {
                notification.State = "Failed";
                notification.Title = failedTitle;
                notification.Message = state.ErrorMessage is null ? $"The deployment ended {state.Status}." : $"{state.ErrorMessage} ({state.ErrorCode})";
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (PortalApiException ex)
        {
            notification.State = "Failed";
            notification.Title = failedTitle;
            notification.Message = $"{ex.Message} ({ex.Code})";
        }

        Changed?.Invoke();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        stopping.Cancel();
        stopping.Dispose();
    }
}
