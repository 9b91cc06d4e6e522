using Doppel.Storage.Tests.Contracts;
using Doppel.Storage.Tests.Support;

namespace Doppel.Storage.Tests.PostgreSql;

// The store contracts on PostgreSQL: these classes only say how to make an isolated schema (CONVENTIONS C14).
// Without DOPPEL_TEST_POSTGRES they skip, or fail when CI=true (PostgreSqlTestEnvironment).

public sealed class PostgreSqlMigrationTests : MigrationContractTests
{
    protected override Task<StoreHarness> CreateHarnessAsync() => PostgreSqlHarness.CreateAsync();
}

public sealed class PostgreSqlInstanceStoreTests : InstanceStoreContractTests
{
    protected override Task<StoreHarness> CreateHarnessAsync() => PostgreSqlHarness.CreateAsync();
}

public sealed class PostgreSqlModelStoreTests : ModelStoreContractTests
{
    protected override Task<StoreHarness> CreateHarnessAsync() => PostgreSqlHarness.CreateAsync();
}

public sealed class PostgreSqlTwinStoreTests : TwinStoreContractTests
{
    protected override Task<StoreHarness> CreateHarnessAsync() => PostgreSqlHarness.CreateAsync();
}

public sealed class PostgreSqlRelationshipStoreTests : RelationshipStoreContractTests
{
    protected override Task<StoreHarness> CreateHarnessAsync() => PostgreSqlHarness.CreateAsync();
}

public sealed class PostgreSqlOutboxTests : OutboxContractTests
{
    protected override Task<StoreHarness> CreateHarnessAsync() => PostgreSqlHarness.CreateAsync();
}

public sealed class PostgreSqlQueryStoreTests : QueryStoreContractTests
{
    protected override Task<StoreHarness> CreateHarnessAsync() => PostgreSqlHarness.CreateAsync();
}

public sealed class PostgreSqlManagementStoreTests : ManagementStoreContractTests
{
    protected override Task<StoreHarness> CreateHarnessAsync() => PostgreSqlHarness.CreateAsync();
}

public sealed class PostgreSqlDirectoryStoreTests : DirectoryStoreContractTests
{
    protected override Task<StoreHarness> CreateHarnessAsync() => PostgreSqlHarness.CreateAsync();
}
