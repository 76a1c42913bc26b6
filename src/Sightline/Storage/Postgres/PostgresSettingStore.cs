using Dapper;

namespace Sightline.Storage.Postgres;

/// <summary>The <c>settings</c> table.</summary>
public sealed class PostgresSettingStore(PostgresDatabase database) : ISettingStore
{
    public async Task<string?> GetAsync(string name)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<string>("SELECT value FROM settings WHERE name = @name", new { name });
    }

    public async Task<string> GetOrAddAsync(string name, string value)
    {
        await using var connection = await database.OpenAsync();
        // ON CONFLICT DO NOTHING keeps the first value if two callers race to make one.
        await connection.ExecuteAsync("INSERT INTO settings (name, value) VALUES (@name, @value) ON CONFLICT DO NOTHING", new { name, value });
        return (await connection.ExecuteScalarAsync<string>("SELECT value FROM settings WHERE name = @name", new { name }))!;
    }
}
