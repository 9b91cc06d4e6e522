using BenchmarkDotNet.Attributes;
using Doppel.Management;
using Doppel.Management.Access;
using Doppel.Storage;
using Doppel.Storage.Management;
using Doppel.Storage.Sqlite;
using Doppel.Storage.Sqlite.Management;

namespace Doppel.Benchmarks;

/// <summary>
/// What the data plane's access decision costs per request once its inputs are cached (the steady state of a client
/// that sends request after request): <see cref="DataPlaneAccess.CheckAsync"/> for an instance the control plane owns,
/// which asks the <see cref="AccessEvaluator"/> for the data action, against the same call for an instance created
/// with <c>--instance</c>, which only looks up its (absent) owner — the baseline, so the Ratio column is the role
/// check's share. The subscription holds 20 role assignments at subscription, group and instance scope, the caller's
/// Data Reader one among them; the store is a real SQLite file, read again when the 0.5 s cache lifetime ends.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
[MedianColumn]
#pragma warning disable CA1001 // BenchmarkDotNet owns the lifetime: [GlobalCleanup] disposes the stores, not a Dispose method.
public class AccessDecisionBenchmarks
#pragma warning restore CA1001
{
    private const string Subscription = "6a1f2b3c-4d5e-4f60-8a9b-0c1d2e3f4a5b";
    private const string Action = "Microsoft.DigitalTwins/digitaltwins/read";

    private readonly string _directory = Directory.CreateTempSubdirectory("doppel-access-bench-").FullName;
    private SqliteStore? _store;
    private SqliteManagementStore? _management;
    private DataPlaneAccess? _access;
    private InstanceRecord? _owned;
    private InstanceRecord? _open;
    private Principal? _caller;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _store = new SqliteStore(SqliteStoreOptions.InDataDirectory(_directory));
        await _store.Migrations.ApplyPendingAsync(CancellationToken.None);
        _management = new SqliteManagementStore(_store);
        var now = DateTimeOffset.UtcNow;
        await _management.EnsureSubscriptionAsync(new SubscriptionRecord(Subscription, "bench", "tenant", now), CancellationToken.None);
        await _management.PutResourceGroupAsync(new ResourceGroupRecord(Subscription, "rg", "local", "{}", ProvisioningStates.Succeeded, now), CancellationToken.None);
        var resource = new DigitalTwinsResourceRecord(Subscription, "rg", "owned", Guid.NewGuid().ToString("N"), "local", "{}", null, ProvisioningStates.Succeeded, null, now, now, null, null, null, null);
        var operation = new AsyncOperationRecord(Subscription, Guid.NewGuid().ToString(), "local", "CreateDigitalTwins", "/x", ProvisioningStates.Succeeded, null, null, now, now);
        await _management.CreateDigitalTwinsAsync(resource, operation, CancellationToken.None);
        var instanceScope = ResourceScope.DigitalTwins(Subscription, "rg", "owned").ToString();
        var caller = Guid.NewGuid().ToString();
        for (var i = 0; i < 20; i++)
        {
            var (scope, role, principal) = (i % 3) switch
            {
                0 => (ResourceScope.Subscription(Subscription).ToString(), BuiltInRoles.Owner.Id, Guid.NewGuid().ToString()),
                1 => (ResourceScope.Group(Subscription, "rg").ToString(), BuiltInRoles.DigitalTwinsDataOwner.Id, Guid.NewGuid().ToString()),
                _ => (instanceScope, BuiltInRoles.DigitalTwinsDataReader.Id, i == 17 ? caller : Guid.NewGuid().ToString()),
            };
            await _management.CreateRoleAssignmentAsync(new RoleAssignmentRecord(Subscription, Guid.NewGuid().ToString(), scope, role, principal, "User", now, null), CancellationToken.None);
        }

        var options = new ManagementOptions { HostSuffix = "digitaltwins.localhost" };
        var evaluator = new AccessEvaluator(_management, new TokenGroupsDirectory(), options, TimeProvider.System);
        _access = new DataPlaneAccess(_management, _store.Instances, evaluator, options, TimeProvider.System);
        _owned = await _store.Instances.FindByNameAsync("owned", CancellationToken.None);
        _open = await _store.Instances.EnsureAsync("open", CancellationToken.None);
        _caller = new Principal(caller, "tenant", [], "bench", IsApplication: true);
        if (await RoleCheckedAsync() != DataPlaneDecision.Allowed || await UnownedAsync() != DataPlaneDecision.Open)
        {
            throw new InvalidOperationException("The benchmark's setup does not give the decisions it measures.");
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _management!.DisposeAsync();
        await _store!.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "unowned instance (no role check)")]
    public ValueTask<DataPlaneDecision> UnownedAsync() => _access!.CheckAsync(_open!, _caller!, Action, CancellationToken.None);

    [Benchmark(Description = "control-plane instance (role check)")]
    public ValueTask<DataPlaneDecision> RoleCheckedAsync() => _access!.CheckAsync(_owned!, _caller!, Action, CancellationToken.None);
}
