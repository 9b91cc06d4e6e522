using System.Security.Cryptography;
using System.Text;

namespace Doppel.Storage.PostgreSql.Migrations;

/// <summary>
/// One schema change. Versions and names match the SQLite migrations one for one; the text is PostgreSQL's own,
/// so the checksum is too. Once released, a migration's text never changes: add a new one instead.
/// </summary>
internal sealed record PostgreSqlMigration(int Version, string Name, string Sql)
{
    public MigrationInfo Info { get; } = new(Version, Name, ComputeChecksum(Sql));

    private static string ComputeChecksum(string sql)
    {
        // Line endings are normalised so that a checkout with CRLF does not look like an edited migration.
        var normalised = sql.ReplaceLineEndings("\n").Trim();
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalised)));
    }
}
