using Dapper;

namespace Sightline.Storage.Sqlite;

/// <summary>The <c>data_protection_keys</c> table.</summary>
public sealed class SqliteDataProtectionKeyStore(Database database) : IDataProtectionKeyStore
{
    public async Task<IReadOnlyList<string>> AllAsync()
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<string>("SELECT xml FROM data_protection_keys ORDER BY name")).AsList();
    }

    public async Task AddAsync(string name, string xml)
    {
        await using var connection = await database.OpenWriterAsync();
        // A key's name holds its id: the same key offered twice (two nodes importing one folder) is kept once.
        await connection.ExecuteAsync("INSERT OR IGNORE INTO data_protection_keys (name, xml) VALUES (@name, @xml)", new { name, xml });
    }
}
