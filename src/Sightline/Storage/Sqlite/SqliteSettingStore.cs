using Dapper;

namespace Sightline.Storage.Sqlite;

/// <summary>The <c>settings</c> table.</summary>
public sealed class SqliteSettingStore(Database database) : ISettingStore
{
    public async Task<string?> GetAsync(string name)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<string>("SELECT value FROM settings WHERE name = @name", new { name });
    }

    public async Task<string> GetOrAddAsync(string name, string value)
    {
        await using var connection = await database.OpenWriterAsync();
        // INSERT OR IGNORE keeps the first value if two callers race to make one.
        await connection.ExecuteAsync("INSERT OR IGNORE INTO settings (name, value) VALUES (@name, @value)", new { name, value });
        return (await connection.ExecuteScalarAsync<string>("SELECT value FROM settings WHERE name = @name", new { name }))!;
    }
}
