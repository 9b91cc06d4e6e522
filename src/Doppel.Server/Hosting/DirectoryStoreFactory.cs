using Doppel.Storage;
using Doppel.Storage.Identity;
using Doppel.Storage.PostgreSql;
using Doppel.Storage.PostgreSql.Identity;
using Doppel.Storage.Sqlite;
using Doppel.Storage.Sqlite.Identity;

namespace Doppel.Server.Hosting;

/// <summary>The identity plane's directory over the engine <c>--store</c> chose.</summary>
internal static class DirectoryStoreFactory
{
    public static IDirectoryStore Create(IStore store) => store switch
    {
        SqliteStore sqlite => new SqliteDirectoryStore(sqlite),
        PostgreSqlStore postgres => new PostgreSqlDirectoryStore(postgres),
        _ => throw new ArgumentException($"The {store.Engine} store has no directory.", nameof(store)),
    };
}
