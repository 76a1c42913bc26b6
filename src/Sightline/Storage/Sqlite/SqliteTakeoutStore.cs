using Dapper;
using Sightline.Me;

namespace Sightline.Storage.Sqlite;

public sealed class SqliteTakeoutStore(Database database) : ITakeoutStore
{
    public async Task<IReadOnlyList<ITakeoutStore.Photo>> PhotosAsync(long userId, bool includePrivate, CancellationToken cancellation)
    {
        await using var connection = await database.OpenAsync(cancellation);
        var rows = await connection.QueryAsync<ITakeoutStore.Photo>(new CommandDefinition(
            """
            SELECT i.key, s.key AS SequenceKey, i.content_hash AS ContentHash, i.lat, i.lon, coalesce(i.ca, i.course, 0.0) AS ca, i.captured_at AS CapturedAt,
                   i.width, i.height, i.state, i.project_id IS NOT NULL AS IsPrivate, i.created_at AS CreatedAt
            FROM images i LEFT JOIN sequences s ON s.id = i.sequence_id
            WHERE i.user_id = @userId AND (@includePrivate OR i.project_id IS NULL)
            ORDER BY s.key, i.captured_at, i.id
            """, new { userId, includePrivate }, cancellationToken: cancellation));
        return rows.AsList();
    }

    public async Task<IReadOnlyList<ITakeoutStore.WrittenComment>> CommentsAsync(long userId, bool includePrivate, CancellationToken cancellation)
    {
        await using var connection = await database.OpenAsync(cancellation);
        var rows = await connection.QueryAsync<ITakeoutStore.WrittenComment>(new CommandDefinition(
            """
            SELECT c.key, i.key AS ImageKey, c.body, c.created_at AS CreatedAt
            FROM comments c JOIN images i ON i.id = c.image_id
            WHERE c.user_id = @userId AND (@includePrivate OR i.project_id IS NULL)
            ORDER BY c.created_at, c.id
            """, new { userId, includePrivate }, cancellationToken: cancellation));
        return rows.AsList();
    }
}
