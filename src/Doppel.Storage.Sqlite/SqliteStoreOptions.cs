namespace Doppel.Storage.Sqlite;

/// <summary>Settings of a <see cref="SqliteStore"/>. Built once and shared.</summary>
public sealed record SqliteStoreOptions
{
    /// <summary>The file name of the database inside a data directory.</summary>
    public const string DefaultFileName = "doppel.db";

    /// <summary>Creates options for the database file at <paramref name="databasePath"/>.</summary>
    public SqliteStoreOptions(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        DatabasePath = Path.GetFullPath(databasePath);
    }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>
    /// How long a statement waits for another connection's lock before it fails as
    /// <see cref="StoreFailure.Locked"/>. Whole seconds; at least one.
    /// </summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The page cache of each data-plane read connection, in MiB. SQLite's default (2 MiB) holds about 500 pages:
    /// a query that reads the documents of a few thousand twins then goes to the operating system for every page,
    /// which costs more than the query's own work. Pages are cached as they are read, up to this size.
    /// </summary>
    public int ReaderCacheMebibytes { get; init; } = 32;

    /// <summary>
    /// A soft limit on the memory SQLite uses in the whole process, in MiB: above it, SQLite reuses cached pages
    /// rather than allocating more, so the read connections' caches together stay within it.
    /// </summary>
    public int MemoryLimitMebibytes { get; init; } = 96;

    /// <summary>The clock used for timestamps; replaced in tests.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Options for <see cref="DefaultFileName"/> inside <paramref name="dataDirectory"/>.</summary>
    public static SqliteStoreOptions InDataDirectory(string dataDirectory) =>
        new(Path.Combine(dataDirectory, DefaultFileName));
}
