using Doppel.Identity.Directory;
using Doppel.Server.Tests.Support;
using Doppel.Storage.Identity;
using Doppel.Storage.Sqlite;
using Doppel.Storage.Sqlite.Identity;

namespace Doppel.Identity.Tests.Directory;

/// <summary>The directory's rules (DirectoryService over a real SQLite store): names, passwords, lockout, secrets, manifests.</summary>
public sealed class DirectoryRulesTests : IAsyncLifetime, IDisposable
{
    private readonly TemporaryDirectory _data = new();
    private readonly Clock _clock = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
    private SqliteStore _store = null!;
    private SqliteDirectoryStore _directoryStore = null!;
    private DirectoryService _directory = null!;
    private Tenant _tenant = null!;

    public async Task InitializeAsync()
    {
        _store = new SqliteStore(SqliteStoreOptions.InDataDirectory(_data.Path));
        await _store.Migrations.ApplyPendingAsync(CancellationToken.None);
        _directoryStore = new SqliteDirectoryStore(_store);
        _directory = new DirectoryService(_directoryStore, new IdentityOptions { AdminPassword = "Adm1n-Passw0rd!" }, _clock);
        _tenant = (await _directory.EnsureBootstrapAsync(CancellationToken.None))!.Tenant;
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task The_first_start_creates_one_tenant_with_an_administrator_and_later_starts_create_nothing()
    {
        var again = await _directory.EnsureBootstrapAsync(CancellationToken.None);
        var tenants = await _directory.ListTenantsAsync(CancellationToken.None);
        var signIn = await _directory.SignInAsync(_tenant.Id, "admin@doppel.local", "Adm1n-Passw0rd!", CancellationToken.None);
        var apis = await _directory.ListServicePrincipalsAsync(_tenant.Id, CancellationToken.None);

        Assert.Null(again);
        Assert.Single(tenants);
        Assert.Equal(SignInOutcome.Succeeded, signIn.Outcome);
        Assert.True(signIn.User!.IsAdministrator);
        Assert.Contains(apis, sp => sp.AppId == "0b07f429-9f4b-4714-9392-cc5e8e80c8b0" && sp.ServicePrincipalNames.Contains("https://digitaltwins.azure.net"));
    }

    [Fact]
    public async Task Without_a_configured_password_the_administrators_is_generated_returned_once_and_strong()
    {
        using var data = new TemporaryDirectory();
        await using var store = new SqliteStore(SqliteStoreOptions.InDataDirectory(data.Path));
        await store.Migrations.ApplyPendingAsync(CancellationToken.None);
        var directory = new DirectoryService(new SqliteDirectoryStore(store), new IdentityOptions(), _clock);

        var result = await directory.EnsureBootstrapAsync(CancellationToken.None);
        var signIn = await directory.SignInAsync(result!.Tenant.Id, result.Administrator.UserPrincipalName, result.GeneratedPassword!, CancellationToken.None);

        Assert.True(Secrets.IsStrongPassword(result.GeneratedPassword!));
        Assert.Equal(SignInOutcome.Succeeded, signIn.Outcome);
    }

    [Fact]
    public async Task Servers_starting_together_on_one_database_create_one_tenant_and_one_administrator()
    {
        using var data = new TemporaryDirectory();
        await using var store = new SqliteStore(SqliteStoreOptions.InDataDirectory(data.Path));
        await store.Migrations.ApplyPendingAsync(CancellationToken.None);
        var servers = Enumerable.Range(0, 4).Select(_ => new DirectoryService(new SqliteDirectoryStore(store), new IdentityOptions(), _clock)).ToList();

        var results = await Task.WhenAll(servers.Select(s => s.EnsureBootstrapAsync(CancellationToken.None)));
        var tenants = await servers[0].ListTenantsAsync(CancellationToken.None);
        var users = await servers[0].ListUsersAsync(tenants[0].Id, CancellationToken.None);

        Assert.Single(results, r => r is not null);
        Assert.Single(tenants);
        Assert.Single(users, u => u.IsAdministrator);
    }

    [Fact]
    public async Task Sign_in_names_are_unique_in_a_tenant_whatever_their_case()
    {
        await _directory.CreateUserAsync(_tenant.Id, "ada@doppel.local", "Ada", "Str0ng-Passw0rd", false, CancellationToken.None);

        var error = await Assert.ThrowsAsync<DirectoryException>(() =>
            _directory.CreateUserAsync(_tenant.Id, "ADA@doppel.local", "Other Ada", "Str0ng-Passw0rd", false, CancellationToken.None));

        Assert.Equal(DirectoryError.AlreadyExists, error.Error);
    }

    [Theory]
    [InlineData("short1A")]
    [InlineData("alllowercaseletters")]
    [InlineData("ALLUPPER12345")]
    public async Task Weak_passwords_are_refused(string password)
    {
        var error = await Assert.ThrowsAsync<DirectoryException>(() =>
            _directory.CreateUserAsync(_tenant.Id, "weak@doppel.local", "Weak", password, false, CancellationToken.None));

        Assert.Equal(DirectoryError.Invalid, error.Error);
    }

    [Fact]
    public async Task Passwords_are_stored_only_as_salted_PBKDF2_hashes()
    {
        var a = await _directory.CreateUserAsync(_tenant.Id, "a@doppel.local", "A", "Same-Passw0rd", false, CancellationToken.None);
        var b = await _directory.CreateUserAsync(_tenant.Id, "b@doppel.local", "B", "Same-Passw0rd", false, CancellationToken.None);

        var stored = await _directoryStore.FindAsync(_tenant.Id, DirectoryKinds.User, a.Id, CancellationToken.None);

        Assert.DoesNotContain("Same-Passw0rd", stored!.Document, StringComparison.Ordinal);
        Assert.NotEqual(a.PasswordHash, b.PasswordHash);
        // ASP.NET Core Identity's version-3 format: PBKDF2 with HMAC-SHA512, a 128-bit salt, 100,000 iterations.
        var bytes = Convert.FromBase64String(a.PasswordHash!);
        Assert.Equal(0x01, bytes[0]);
        Assert.True(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5)) >= 100_000);
    }

    [Fact]
    public async Task Ten_wrong_passwords_in_a_row_lock_the_user_out_even_for_the_right_password_until_the_lockout_ends()
    {
        await _directory.CreateUserAsync(_tenant.Id, "eve@doppel.local", "Eve", "Right-Passw0rd", false, CancellationToken.None);

        var failures = new List<SignInOutcome>();
        for (var i = 0; i < 10; i++)
        {
            failures.Add((await _directory.SignInAsync(_tenant.Id, "eve@doppel.local", "wrong", CancellationToken.None)).Outcome);
        }

        var whileLocked = await _directory.SignInAsync(_tenant.Id, "eve@doppel.local", "Right-Passw0rd", CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var afterwards = await _directory.SignInAsync(_tenant.Id, "eve@doppel.local", "Right-Passw0rd", CancellationToken.None);

        Assert.All(failures.Take(9), o => Assert.Equal(SignInOutcome.InvalidCredentials, o));
        Assert.Equal(SignInOutcome.LockedOut, failures[9]);
        Assert.Equal(SignInOutcome.LockedOut, whileLocked.Outcome);
        Assert.Equal(SignInOutcome.Succeeded, afterwards.Outcome);
    }

    [Fact]
    public async Task A_successful_sign_in_starts_the_failure_count_again()
    {
        await _directory.CreateUserAsync(_tenant.Id, "sam@doppel.local", "Sam", "Right-Passw0rd", false, CancellationToken.None);
        for (var i = 0; i < 9; i++)
        {
            await _directory.SignInAsync(_tenant.Id, "sam@doppel.local", "wrong", CancellationToken.None);
        }

        await _directory.SignInAsync(_tenant.Id, "sam@doppel.local", "Right-Passw0rd", CancellationToken.None);
        var next = await _directory.SignInAsync(_tenant.Id, "sam@doppel.local", "wrong", CancellationToken.None);

        Assert.Equal(SignInOutcome.InvalidCredentials, next.Outcome);
        Assert.Equal(1, (await _directory.FindUserAsync(_tenant.Id, "sam@doppel.local", CancellationToken.None))!.FailedSignIns);
    }

    [Fact]
    public async Task A_client_secret_is_returned_once_and_stored_only_as_its_hash_with_an_expiry()
    {
        var app = await _directory.CreateApplicationAsync(_tenant.Id, new Application { Id = "", AppId = "", DisplayName = "daemon" }, CancellationToken.None);

        var (credential, secret) = await _directory.AddPasswordAsync(_tenant.Id, app.Id, "ci", null, CancellationToken.None);
        var stored = await _directoryStore.FindAsync(_tenant.Id, DirectoryKinds.Application, app.Id, CancellationToken.None);

        Assert.True(secret.Length >= 40);
        Assert.Equal(secret[..3], credential.Hint);
        Assert.DoesNotContain(secret, stored!.Document, StringComparison.Ordinal);
        Assert.True(Secrets.VerifySecret(credential.SecretHash, secret));
        Assert.False(Secrets.VerifySecret(credential.SecretHash, secret + "x"));
        Assert.Equal(_clock.GetUtcNow().AddDays(180), credential.EndDateTime);
    }

    [Fact]
    public async Task A_manifest_asking_for_a_permission_the_API_does_not_have_is_refused()
    {
        var manifest = new Application
        {
            Id = "",
            AppId = "",
            DisplayName = "bad",
            RequiredResourceAccess = [new RequiredResourceAccess { ResourceAppId = "0b07f429-9f4b-4714-9392-cc5e8e80c8b0", ResourceAccess = [new ResourceAccess { Id = Guid.NewGuid().ToString(), Type = "Scope" }] }],
        };

        var error = await Assert.ThrowsAsync<DirectoryException>(() => _directory.CreateApplicationAsync(_tenant.Id, manifest, CancellationToken.None));

        Assert.Equal(DirectoryError.Invalid, error.Error);
        Assert.Contains("requiredResourceAccess", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_Azure_Digital_Twins_Read_Write_permission_is_accepted_in_a_manifest()
    {
        var manifest = new Application
        {
            Id = "",
            AppId = "",
            DisplayName = "adt-client",
            PublicClient = new RedirectUriSettings { RedirectUris = ["http://localhost"] },
            RequiredResourceAccess = [new RequiredResourceAccess { ResourceAppId = "0b07f429-9f4b-4714-9392-cc5e8e80c8b0", ResourceAccess = [new ResourceAccess { Id = "4589bd03-58cb-4e6c-b17f-b580e39652f8", Type = "Scope" }] }],
        };

        var app = await _directory.CreateApplicationAsync(_tenant.Id, manifest, CancellationToken.None);

        Assert.True(Guid.TryParse(app.AppId, out _));
        Assert.Equal(_tenant.Id, app.PublisherTenantId);
    }

    [Fact]
    public async Task Identifier_URIs_are_unique_in_a_tenant_and_built_in_ones_cannot_be_taken()
    {
        await _directory.CreateApplicationAsync(_tenant.Id, new Application { Id = "", AppId = "", DisplayName = "one", IdentifierUris = ["api://example"] }, CancellationToken.None);

        var duplicate = await Assert.ThrowsAsync<DirectoryException>(() =>
            _directory.CreateApplicationAsync(_tenant.Id, new Application { Id = "", AppId = "", DisplayName = "two", IdentifierUris = ["API://example"] }, CancellationToken.None));
        var builtIn = await Assert.ThrowsAsync<DirectoryException>(() =>
            _directory.CreateApplicationAsync(_tenant.Id, new Application { Id = "", AppId = "", DisplayName = "three", IdentifierUris = ["https://digitaltwins.azure.net"] }, CancellationToken.None));

        Assert.Equal(DirectoryError.AlreadyExists, duplicate.Error);
        Assert.Equal(DirectoryError.Invalid, builtIn.Error);
    }

    [Fact]
    public async Task Redirect_URIs_must_be_https_or_loopback_http()
    {
        var error = await Assert.ThrowsAsync<DirectoryException>(() => _directory.CreateApplicationAsync(_tenant.Id,
            new Application { Id = "", AppId = "", DisplayName = "web", Web = new RedirectUriSettings { RedirectUris = ["http://evil.example/callback"] } }, CancellationToken.None));

        Assert.Equal(DirectoryError.Invalid, error.Error);
    }

    [Fact]
    public async Task Tenant_domains_are_unique()
    {
        var error = await Assert.ThrowsAsync<DirectoryException>(() => _directory.CreateTenantAsync("Again", "DOPPEL.local", CancellationToken.None));

        Assert.Equal(DirectoryError.AlreadyExists, error.Error);
    }

    private sealed class Clock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
