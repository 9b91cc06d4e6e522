using Doppel.Storage.Tests.Contracts;
using Doppel.Storage.Tests.Support;

namespace Doppel.Storage.Tests.Sqlite;

// The store contracts on SQLite: these classes only say how to make an isolated database (CONVENTIONS C14).

public sealed class SqliteMigrationTests : MigrationContractTests
{
    protected override Task<StoreHarness> CreateHarnessAsync() => SqliteHarness.CreateAsync();
}

public sealed class SqliteInstanceStoreTests : InstanceStoreContractTests
{
    protected override Task<StoreHarness> CreateHarnessAsync() => SqliteHarness.CreateAsync();
}

public sealed class SqliteModelStoreTests : ModelStoreContractTests
{
    protected override Task<StoreHarness> CreateHarnessAsync() => SqliteHarness.CreateAsync();
}

public sealed class SqliteTwinStoreTests : TwinStoreContractTests
{
    protected override Task<StoreHarness> CreateHarnessAsync() => SqliteHarness.CreateAsync();
}

public sealed class SqliteRelationshipStoreTests : RelationshipStoreContractTests
{
    protected override Task<StoreHarness> CreateHarnessAsync() => SqliteHarness.CreateAsync();
}

public sealed class SqliteOutboxTests : OutboxContractTests
{
    protected override Task<StoreHarness> CreateHarnessAsync() => SqliteHarness.CreateAsync();
}

public sealed class SqliteQueryStoreTests : QueryStoreContractTests
{
    protected override Task<StoreHarness> CreateHarnessAsync() => SqliteHarness.CreateAsync();
}

public sealed class SqliteManagementStoreTests : ManagementStoreContractTests
{
    protected override Task<StoreHarness> CreateHarnessAsync() => SqliteHarness.CreateAsync();
}

public sealed class SqliteDirectoryStoreTests : DirectoryStoreContractTests
{
    protected override Task<StoreHarness> CreateHarnessAsync() => SqliteHarness.CreateAsync();
}
