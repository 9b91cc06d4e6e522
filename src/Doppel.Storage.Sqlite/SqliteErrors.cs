using Microsoft.Data.Sqlite;

namespace Doppel.Storage.Sqlite;

/// <summary>
/// The one place where SQLite's result codes become <see cref="StoreUnavailableException"/> (CONVENTIONS B11:
/// driver errors are mapped in one storage-side transformer).
/// </summary>
internal static class SqliteErrors
{
    // Primary result codes, https://sqlite.org/rescode.html. Extended codes carry the primary one in the low byte.
    private const int SqlitePerm = 3;
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteReadOnly = 8;
    private const int SqliteIoErr = 10;
    private const int SqliteCorrupt = 11;
    private const int SqliteFull = 13;
    private const int SqliteCantOpen = 14;
    private const int SqliteAuth = 23;
    private const int SqliteNotADb = 26;

    public static StoreUnavailableException Translate(SqliteException exception, string databasePath)
    {
        var (failure, text) = (exception.SqliteErrorCode & 0xFF) switch
        {
            SqliteBusy or SqliteLocked =>
                (StoreFailure.Locked, $"the database {databasePath} is locked by another process (is another Doppel server or a sqlite3 shell using it?)"),
            SqliteCorrupt or SqliteNotADb =>
                (StoreFailure.Corrupt, $"the database {databasePath} is corrupt or is not a SQLite database; restore it from a backup or move it away to start empty"),
            SqliteCantOpen or SqlitePerm or SqliteAuth =>
                (StoreFailure.CannotOpen, $"the database {databasePath} cannot be opened: {exception.Message}"),
            SqliteReadOnly =>
                (StoreFailure.ReadOnly, $"the database {databasePath} is read-only; check the permissions of the file and its directory"),
            SqliteFull =>
                (StoreFailure.DiskFull, $"the disk holding {databasePath} is full"),
            SqliteIoErr =>
                (StoreFailure.Unknown, $"an I/O error occurred on the database {databasePath}: {exception.Message}"),
            _ =>
                (StoreFailure.Unknown, $"the database {databasePath} failed: {exception.Message}"),
        };
        return new StoreUnavailableException(failure, text, exception);
    }
}
