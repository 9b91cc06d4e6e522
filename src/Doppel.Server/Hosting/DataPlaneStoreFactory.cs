using Doppel.Storage;
using Doppel.Storage.DataPlane;
using Doppel.Storage.Management;
using Doppel.Storage.PostgreSql.Management;
using Doppel.Storage.Sqlite.Management;
using Doppel.Storage.PostgreSql;
using Doppel.Storage.PostgreSql.DataPlane;
using Doppel.Storage.Sqlite;
using Doppel.Storage.Sqlite.DataPlane;

namespace Doppel.Server.Hosting;

/// <summary>The data-plane store over the engine <c>--store</c> chose.</summary>
internal static class DataPlaneStoreFactory
{
    public static IDataPlaneStore Create(IStore store) => store switch
    {
        SqliteStore sqlite => new SqliteDataPlaneStore(sqlite),
        PostgreSqlStore postgres => new PostgreSqlDataPlaneStore(postgres),
        _ => throw new ArgumentException($"The {store.Engine} store has no data plane.", nameof(store)),
    };

    public static IManagementStore CreateManagement(IStore store) => store switch
    {
        SqliteStore sqlite => new SqliteManagementStore(sqlite),
        PostgreSqlStore postgres => new PostgreSqlManagementStore(postgres),
        _ => throw new ArgumentException($"The {store.Engine} store has no control plane.", nameof(store)),
    };
}
