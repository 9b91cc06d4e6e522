using Doppel.Storage;
using Doppel.Storage.PostgreSql;
using Doppel.Storage.Sqlite;

namespace Doppel.Server.Hosting;

/// <summary>Makes the store that <c>--store</c> names. The only place in the server that knows the engines' types.</summary>
internal static class StoreFactory
{
    /// <exception cref="StoreUnavailableException">The PostgreSQL connection string cannot be used.</exception>
    public static IStore Create(ServerOptions options, string dataDirectory, TimeProvider timeProvider) => options.Store switch
    {
        StoreEngine.Postgres => new PostgreSqlStore(new PostgreSqlStoreOptions(options.ConnectionString ?? string.Empty)
        {
            TimeProvider = timeProvider,
        }),
        _ => new SqliteStore(new SqliteStoreOptions(Path.Combine(dataDirectory, SqliteStoreOptions.DefaultFileName))
        {
            TimeProvider = timeProvider,
        }),
    };
}
