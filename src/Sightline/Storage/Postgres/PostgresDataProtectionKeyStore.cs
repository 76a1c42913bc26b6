using Dapper;

namespace Sightline.Storage.Postgres;

/// <summary>The <c>data_protection_keys</c> table.</summary>
public sealed class PostgresDataProtectionKeyStore(PostgresDatabase database) : IDataProtectionKeyStore
{
    public async Task<IReadOnlyList<string>> AllAsync()
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<string>("SELECT xml FROM data_protection_keys ORDER BY name")).AsList();
    }

    public async Task AddAsync(string name, string xml)
    {
        await using var connection = await database.OpenAsync();
        // A key's name holds its id: the same key offered twice (two nodes importing one folder) is kept once.
        await connection.ExecuteAsync("INSERT INTO data_protection_keys (name, xml) VALUES (@name, @xml) ON CONFLICT (name) DO NOTHING", new { name, xml });
    }
}
