namespace Doppel.Identity.Directory;

/// <summary>Why a directory operation was refused.</summary>
public enum DirectoryError
{
    /// <summary>The request is malformed or breaks a rule.</summary>
    Invalid,

    /// <summary>The object does not exist.</summary>
    NotFound,

    /// <summary>An object with the same unique name or key exists.</summary>
    AlreadyExists,

    /// <summary>The object changed concurrently; the caller may retry.</summary>
    Conflict,
}

/// <summary>A refused directory operation, turned into Graph's or Entra's error shape at the edge.</summary>
public sealed class DirectoryException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DirectoryException(DirectoryError error, string message)
        : base(message)
    {
        Error = error;
    }

    /// <summary>Creates the exception.</summary>
    public DirectoryException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public DirectoryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public DirectoryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Why.</summary>
    public DirectoryError Error { get; }
}
