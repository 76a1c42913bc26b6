using Dapper;
using Microsoft.Data.Sqlite;
using Sightline.Search.Index;

namespace Sightline.Storage.Sqlite;

/// <summary>The search index's reads of the images table (a full scan at start, the changed rows later) and of names.</summary>
public sealed class SqliteSearchIndexStore(Database database, ILogger<SqliteSearchIndexStore> logger) : ISearchIndexStore
{
    // Processed images, but for hidden images of projects (hidden public images are kept for their owners' hidden=true).
    private const string Indexed = "state = 'done' AND (hidden_at IS NULL OR project_id IS NULL)";

    public (IndexedImage[] Items, int Count, long LastChange) ReadAll()
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction(deferred: true);
        var lastChange = connection.ExecuteScalar<long>(
            "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'search_changes'), 0)", transaction: transaction);
        var count = connection.ExecuteScalar<int>($"SELECT count(*) FROM images WHERE {Indexed}", transaction: transaction);
        var items = new IndexedImage[count];
        var n = 0;
        foreach (var image in ReadImages(connection, "", null, transaction))
        {
            if (n == items.Length)
                Array.Resize(ref items, Math.Max(16, n * 2));
            items[n++] = image;
        }
        transaction.Commit();
        return (items, n, lastChange);
    }

    public IReadOnlyList<IndexedImage> Read(IReadOnlyCollection<int> ids)
    {
        using var connection = database.Open();
        var found = new List<IndexedImage>(ids.Count);
        foreach (var chunk in ids.Chunk(5000))
            found.AddRange(ReadImages(connection, "AND id IN (SELECT value FROM json_each(@ids))",
                new { ids = System.Text.Json.JsonSerializer.Serialize(chunk) }));
        return found;
    }

    public IReadOnlyList<int> IdsOfKeys(IReadOnlyCollection<string> keys)
    {
        using var connection = database.Open();
        var found = new List<int>(keys.Count);
        foreach (var chunk in keys.Chunk(5000))
            found.AddRange(connection.Query<int>("SELECT id FROM images WHERE key IN (SELECT value FROM json_each(@keys))",
                new { keys = System.Text.Json.JsonSerializer.Serialize(chunk) }));
        return found;
    }

    public IEnumerable<(int Id, string Username)> Usernames()
    {
        using var connection = database.Open();
        return connection.Query<(int, string)>("SELECT id, username FROM users").AsList();
    }

    public IEnumerable<(int Id, string Key)> SequenceKeys()
    {
        using var connection = database.Open();
        return connection.Query<(int, string)>("SELECT id, key FROM sequences").AsList();
    }

    public string? Username(int userId)
    {
        using var connection = database.Open();
        return connection.QuerySingleOrDefault<string>("SELECT username FROM users WHERE id = @userId", new { userId });
    }

    public string? SequenceKey(int sequenceId)
    {
        using var connection = database.Open();
        return connection.QuerySingleOrDefault<string>("SELECT key FROM sequences WHERE id = @sequenceId", new { sequenceId });
    }

    private IEnumerable<IndexedImage> ReadImages(SqliteConnection connection, string condition, object? parameters, SqliteTransaction? transaction = null)
    {
        using var reader = connection.ExecuteReader(
            $"""
            SELECT id, key, user_id, coalesce(sequence_id, 0), lat, lon, coalesce(ca, course), captured_at,
                   CASE WHEN hidden_at IS NOT NULL THEN {IndexedImage.HiddenProject} ELSE coalesce(project_id, 0) END
            FROM images WHERE {Indexed} {condition}
            """, parameters, transaction);
        while (reader.Read())
        {
            var image = new IndexedImage
            {
                Id = reader.GetInt32(0), UserId = reader.GetInt32(2), SequenceId = reader.GetInt32(3),
                Lat = reader.GetDouble(4), Lon = reader.GetDouble(5), StoredCa = reader.IsDBNull(6) ? double.NaN : reader.GetDouble(6),
                CapturedAt = reader.GetInt64(7), ProjectId = reader.GetInt32(8),
            };
            if (!image.TrySetKey(reader.GetString(1)))
            {
                logger.LogWarning("Image {Id} has a key this server does not make; search skips it", image.Id);
                continue;
            }
            yield return image;
        }
    }
}
