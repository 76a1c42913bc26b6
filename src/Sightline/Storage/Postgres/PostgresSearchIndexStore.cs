using Dapper;
using Npgsql;
using Sightline.Search.Index;

namespace Sightline.Storage.Postgres;

/// <summary>The search index's reads of the images table (a full scan at start, the changed rows later) and of names.</summary>
public sealed class PostgresSearchIndexStore(PostgresDatabase database, ILogger<PostgresSearchIndexStore> logger) : ISearchIndexStore
{
    // Processed images, but for hidden images of projects (hidden public images are kept for their owners' hidden=true).
    private const string Indexed = "state = 'done' AND (hidden_at IS NULL OR project_id IS NULL)";

    public (IndexedImage[] Items, int Count, long LastChange) ReadAll()
    {
        using var connection = database.Open();
        // One snapshot for the count, the rows and the last change number.
        using var transaction = connection.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
        var lastChange = connection.ExecuteScalar<long>(
            PostgresChangeFeed.LastChangeSql, transaction: transaction);
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
            found.AddRange(ReadImages(connection, "AND id = ANY(@ids)", new { ids = chunk.Select(id => (long)id).ToArray() }));
        return found;
    }

    public IReadOnlyList<int> IdsOfKeys(IReadOnlyCollection<string> keys)
    {
        using var connection = database.Open();
        var found = new List<int>(keys.Count);
        foreach (var chunk in keys.Chunk(5000))
            found.AddRange(connection.Query<int>("SELECT id::int FROM images WHERE key = ANY(@keys)", new { keys = chunk }));
        return found;
    }

    public IEnumerable<(int Id, string Username)> Usernames()
    {
        using var connection = database.Open();
        return connection.Query<(int, string)>("SELECT id::int, username FROM users").AsList();
    }

    public IEnumerable<(int Id, string Key)> SequenceKeys()
    {
        using var connection = database.Open();
        return connection.Query<(int, string)>("SELECT id::int, key FROM sequences").AsList();
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

    private IEnumerable<IndexedImage> ReadImages(NpgsqlConnection connection, string condition, object? parameters, NpgsqlTransaction? transaction = null)
    {
        using var reader = connection.ExecuteReader(
            $"""
            SELECT id::int, key, user_id::int, coalesce(sequence_id, 0)::int, lat, lon, coalesce(ca, course), captured_at,
                   (CASE WHEN hidden_at IS NOT NULL THEN {IndexedImage.HiddenProject} ELSE coalesce(project_id, 0) END)::int
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
