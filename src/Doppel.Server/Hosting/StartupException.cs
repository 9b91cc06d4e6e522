namespace Doppel.Server.Hosting;

/// <summary>
/// The server cannot start for a reason the user can fix: a bad option, a busy port, an unusable data
/// directory. Its message is printed as one line on stderr and the process exits with code 2.
/// </summary>
internal sealed class StartupException(string message, Exception? innerException = null)
    : Exception(message, innerException);
