using Doppel.Storage.PostgreSql;

namespace Doppel.Storage.Tests.PostgreSql;

public sealed class PostgreSqlStoreOptionsTests
{
    [Theory]
    [InlineData("Host=db.example;Port=6543;Username=doppel;Password=s3cret-pw;Database=twins", "postgresql://doppel@db.example:6543/twins")]
    [InlineData("Host=db;Username=doppel;Password=s3cret-pw", "postgresql://doppel@db:5432/doppel")]
    [InlineData("Host=db;Username=doppel;Password=s3cret-pw;Database=twins;Search Path=tenant_a", "postgresql://doppel@db:5432/twins (search path tenant_a)")]
    public void Location_names_user_host_port_and_database_but_never_the_password(string connectionString, string expected)
    {
        var options = new PostgreSqlStoreOptions(connectionString);

        Assert.Equal(expected, options.Location);
        Assert.DoesNotContain("s3cret-pw", options.Location, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "the PostgreSQL connection string is empty")]
    [InlineData("   ", "the PostgreSQL connection string is empty")]
    [InlineData("Username=doppel;Password=s3cret-pw", "the PostgreSQL connection string names no Host")]
    [InlineData("Host=db;Password=s3cret-pw;Colour=blue", "the PostgreSQL connection string is not valid")]
    [InlineData("Host=db;Password=s3cret-pw;Port=five", "the PostgreSQL connection string is not valid")]
    [InlineData("just some words", "the PostgreSQL connection string is not valid")]
    public void Unusable_connection_string_is_refused_as_CannotOpen_without_repeating_it(string connectionString, string expected)
    {
        var error = Assert.Throws<StoreUnavailableException>(() => new PostgreSqlStoreOptions(connectionString));

        Assert.Equal(StoreFailure.CannotOpen, error.Failure);
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }
}
