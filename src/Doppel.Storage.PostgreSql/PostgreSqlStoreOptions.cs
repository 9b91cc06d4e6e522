using Npgsql;

namespace Doppel.Storage.PostgreSql;

/// <summary>Settings of a <see cref="PostgreSqlStore"/>. Built once and shared.</summary>
public sealed record PostgreSqlStoreOptions
{
    /// <summary>
    /// Creates options for an Npgsql connection string, such as
    /// <c>Host=db;Port=5432;Username=doppel;Password=...;Database=doppel</c>. <c>Search Path</c> selects the schema
    /// Doppel's tables live in (the role's default, usually <c>public</c>, when absent).
    /// </summary>
    /// <exception cref="StoreUnavailableException">
    /// The connection string cannot be parsed (<see cref="StoreFailure.CannotOpen"/>). The message never repeats
    /// the connection string, which may hold a password.
    /// </exception>
    public PostgreSqlStoreOptions(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new StoreUnavailableException(StoreFailure.CannotOpen, "the PostgreSQL connection string is empty");
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            throw new StoreUnavailableException(
                StoreFailure.CannotOpen,
                $"the PostgreSQL connection string is not valid ({Sentence(ex.Message)}); use the form Host=...;Port=...;Username=...;Password=...;Database=...",
                ex);
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw new StoreUnavailableException(StoreFailure.CannotOpen, "the PostgreSQL connection string names no Host");
        }

        ConnectionString = connectionString;
        Location = DescribeLocation(builder);
    }

    /// <summary>The connection string as given. It may hold a password: never log it; log <see cref="Location"/>.</summary>
    public string ConnectionString { get; }

    /// <summary>Where the data lives, safe to log: <c>postgresql://user@host:port/database</c> and the search path.</summary>
    public string Location { get; }

    /// <summary>How many times a transaction that lost a serialization conflict or a deadlock is run again.</summary>
    public int TransientRetries { get; init; } = 3;

    /// <summary>The clock used for timestamps; replaced in tests.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    private static string DescribeLocation(NpgsqlConnectionStringBuilder builder)
    {
        var user = string.IsNullOrEmpty(builder.Username) ? string.Empty : builder.Username + "@";
        var database = string.IsNullOrEmpty(builder.Database) ? builder.Username ?? string.Empty : builder.Database;
        var location = $"postgresql://{user}{builder.Host}:{builder.Port}/{database}";
        return string.IsNullOrEmpty(builder.SearchPath) ? location : $"{location} (search path {builder.SearchPath})";
    }

    private static string Sentence(string message) => message.Trim().TrimEnd('.');
}
