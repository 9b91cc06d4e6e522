namespace Doppel.Storage;

/// <summary>Why a store could not be used.</summary>
public enum StoreFailure
{
    /// <summary>A cause the engine did not classify.</summary>
    Unknown,

    /// <summary>The database file or server could not be opened or created.</summary>
    CannotOpen,

    /// <summary>Another process holds a lock on the database and did not release it in time.</summary>
    Locked,

    /// <summary>The database is damaged or is not a database of this engine.</summary>
    Corrupt,

    /// <summary>The database can only be read: a read-only file, directory or mount.</summary>
    ReadOnly,

    /// <summary>The disk is full.</summary>
    DiskFull,

    /// <summary>The database was written by a newer Doppel whose schema this build does not know.</summary>
    SchemaTooNew,

    /// <summary>An applied migration differs from the one with the same number in this build.</summary>
    MigrationMismatch,
}

/// <summary>
/// The store cannot be used at all, as opposed to a single request failing. The server turns this into one line
/// on stderr and exit code 2 at start, and into a 503 from <c>/readyz</c> afterwards.
/// </summary>
public sealed class StoreUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StoreUnavailableException(StoreFailure failure, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
    }

    /// <summary>Creates an exception with an unknown cause.</summary>
    public StoreUnavailableException()
        : this(StoreFailure.Unknown, "The store is unavailable.")
    {
    }

    /// <summary>Creates an exception with an unknown cause.</summary>
    public StoreUnavailableException(string message)
        : this(StoreFailure.Unknown, message)
    {
    }

    /// <summary>Creates an exception with an unknown cause.</summary>
    public StoreUnavailableException(string message, Exception innerException)
        : this(StoreFailure.Unknown, message, innerException)
    {
    }

    /// <summary>Why the store could not be used.</summary>
    public StoreFailure Failure { get; }
}
