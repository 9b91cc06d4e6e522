using Doppel.Storage.PostgreSql;
using Doppel.Storage.Tests.Support;
using Npgsql;

namespace Doppel.Storage.Tests.PostgreSql;

/// <summary>What only the PostgreSQL store has: connection strings, server errors, the advisory lock.</summary>
public sealed class PostgreSqlStoreTests : IAsyncLifetime
{
    private PostgreSqlHarness? _harness;

    private PostgreSqlHarness Harness => _harness ?? throw new InvalidOperationException("Created in InitializeAsync.");

    public async Task InitializeAsync() => _harness = (PostgreSqlHarness)await PostgreSqlHarness.CreateAsync();

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task Connection_refused_fails_as_CannotOpen_with_one_line_naming_the_server()
    {
        var port = ClosedPort.Find();
        await using var store = Harness.CreateStoreWith(b =>
        {
            b.Host = "127.0.0.1";
            b.Port = port;
        });

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.Migrations.ApplyPendingAsync(CancellationToken.None));

        Assert.Equal(StoreFailure.CannotOpen, error.Failure);
        Assert.Equal(
            $"cannot connect to PostgreSQL at {store.Location}: connection refused; is the server running and listening there?",
            error.Message);
        Assert.StartsWith($"postgresql://{new NpgsqlConnectionStringBuilder(Harness.ConnectionString).Username}@127.0.0.1:{port}/", store.Location, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Wrong_password_fails_as_CannotOpen_without_revealing_the_password()
    {
        const string password = "not-the-password-4711";
        await using var store = Harness.CreateStoreWith(b => b.Password = password);

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.Migrations.ApplyPendingAsync(CancellationToken.None));

        Assert.Equal(StoreFailure.CannotOpen, error.Failure);
        Assert.StartsWith($"PostgreSQL at {store.Location} refused the login: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(password, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(password, store.Location, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Missing_database_fails_as_CannotOpen_and_says_to_create_it()
    {
        await using var store = Harness.CreateStoreWith(b => b.Database = $"doppel_missing_{Guid.NewGuid():N}");

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.Migrations.ApplyPendingAsync(CancellationToken.None));

        Assert.Equal(StoreFailure.CannotOpen, error.Failure);
        Assert.EndsWith("does not exist; create the database first", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Search_path_without_an_existing_schema_fails_as_CannotOpen()
    {
        await using var store = Harness.CreateStoreWith(b => b.SearchPath = $"doppel_missing_{Guid.NewGuid():N}");

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.Migrations.ApplyPendingAsync(CancellationToken.None));

        Assert.Equal(StoreFailure.CannotOpen, error.Failure);
        Assert.Contains("no schema of the search path exists", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Migrations_wait_for_the_advisory_lock_another_process_holds()
    {
        var store = Harness.OpenStore();
        await using var holder = await PostgreSqlHarness.AdminDataSource.OpenConnectionAsync();
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock($1, hashtext($2));", holder))
        {
            take.Parameters.Add(new NpgsqlParameter<int> { TypedValue = 0x446F7070 });
            take.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Harness.Schema });
            await take.ExecuteNonQueryAsync();
        }

        var migrating = store.Migrations.ApplyPendingAsync(CancellationToken.None);
        var finishedWhileHeld = await Task.WhenAny(migrating, Task.Delay(TimeSpan.FromMilliseconds(750))) == migrating;
        await using (var release = new NpgsqlCommand("SELECT pg_advisory_unlock_all();", holder))
        {
            await release.ExecuteNonQueryAsync();
        }

        var report = await migrating.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.False(finishedWhileHeld);
        Assert.Equal(store.Migrations.LatestVersion, report.ToVersion);
        Assert.Equal(store.Migrations.Known, report.Applied);
    }

    [SkippableFact]
    public async Task Migrations_in_different_schemas_do_not_wait_for_each_other()
    {
        await using var other = (PostgreSqlHarness)await PostgreSqlHarness.CreateAsync();
        await using var holder = await PostgreSqlHarness.AdminDataSource.OpenConnectionAsync();
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock($1, hashtext($2));", holder))
        {
            take.Parameters.Add(new NpgsqlParameter<int> { TypedValue = 0x446F7070 });
            take.Parameters.Add(new NpgsqlParameter<string> { TypedValue = other.Schema });
            await take.ExecuteNonQueryAsync();
        }

        var report = await Harness.OpenStore().Migrations.ApplyPendingAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(Harness.OpenStore().Migrations.LatestVersion, report.ToVersion);
    }

    [SkippableFact]
    public async Task Readiness_says_why_a_server_that_refuses_connections_is_not_ready()
    {
        var port = ClosedPort.Find();
        await using var store = Harness.CreateStoreWith(b =>
        {
            b.Host = "127.0.0.1";
            b.Port = port;
        });

        var readiness = await store.CheckReadinessAsync(CancellationToken.None);

        Assert.False(readiness.IsReady);
        Assert.Null(readiness.SchemaVersion);
        Assert.StartsWith("cannot connect to PostgreSQL at ", readiness.Reason, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Serialization_failures_are_retried_in_a_new_transaction()
    {
        await using var database = new PostgreSqlDatabase(new PostgreSqlStoreOptions(Harness.ConnectionString) { TransientRetries = 3 });
        var attempts = 0;

        var result = await database.WriteAsync(
            async (connection, transaction, ct) =>
            {
                attempts++;
                if (attempts < 3)
                {
                    await RaiseAsync(connection, transaction, "serialization_failure", ct);
                }

                return attempts;
            },
            CancellationToken.None);

        Assert.Equal(3, result);
    }

    [SkippableFact]
    public async Task Serialization_failures_beyond_the_retries_fail_as_Locked()
    {
        await using var database = new PostgreSqlDatabase(new PostgreSqlStoreOptions(Harness.ConnectionString) { TransientRetries = 2 });
        var attempts = 0;

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => database.WriteAsync<int>(
            async (connection, transaction, ct) =>
            {
                attempts++;
                await RaiseAsync(connection, transaction, "deadlock_detected", ct);
                return 0;
            },
            CancellationToken.None));

        Assert.Equal(3, attempts);
        Assert.Equal(StoreFailure.Locked, error.Failure);
        Assert.StartsWith($"a transaction on PostgreSQL at {database.Location} kept conflicting with concurrent ones", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Writes_that_fail_are_rolled_back()
    {
        var store = Harness.OpenStore();
        await store.Migrations.ApplyPendingAsync(CancellationToken.None);
        await using var database = new PostgreSqlDatabase(new PostgreSqlStoreOptions(Harness.ConnectionString));

        await Assert.ThrowsAsync<StoreUnavailableException>(() => database.WriteAsync<int>(
            async (connection, transaction, ct) =>
            {
                await using (var insert = new NpgsqlCommand("INSERT INTO instances (id, name, created_at) VALUES ('x', 'half-written', now());", connection, transaction))
                {
                    await insert.ExecuteNonQueryAsync(ct);
                }

                await RaiseAsync(connection, transaction, "disk_full", ct);
                return 0;
            },
            CancellationToken.None));

        Assert.Equal(0, await Harness.CountRowsAsync("instances"));
    }

    private static async Task RaiseAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string condition, CancellationToken cancellationToken)
    {
        // The condition names are PostgreSQL's (errcodes-appendix), chosen by the tests; RAISE cannot take them as parameters.
        await using var command = new NpgsqlCommand($"DO $$ BEGIN RAISE EXCEPTION 'raised by a test' USING ERRCODE = '{condition}'; END $$;", connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
