namespace Doppel.Management;

/// <summary>ARM's provisioning states and operation statuses that Doppel uses.</summary>
public static class ProvisioningStates
{
#pragma warning disable CS1591 // Each constant is ARM's value of the same name.
    public const string Provisioning = "Provisioning";
    public const string Updating = "Updating";
    public const string Deleting = "Deleting";
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";
    public const string Deleted = "Deleted";

    public const string Running = "Running";
#pragma warning restore CS1591
}

/// <summary>The kinds of asynchronous operation.</summary>
public static class OperationKinds
{
#pragma warning disable CS1591 // Each constant names what the operation does.
    public const string CreateDigitalTwins = "CreateDigitalTwins";
    public const string DeleteDigitalTwins = "DeleteDigitalTwins";
    public const string DeleteResourceGroup = "DeleteResourceGroup";
#pragma warning restore CS1591
}
