using Dapper;
using Sightline.Storage;

namespace Sightline.Me;

/// <summary>Everything one person uploaded and wrote, for <c>GET /v2/me/takeout</c> (issue 13).</summary>
public sealed class TakeoutStore(Database database)
{
    public sealed record Photo(string Key, string? SequenceKey, string ContentHash, double Lat, double Lon, double? Ca, long CapturedAt,
        int Width, int Height, string State, bool IsPrivate, long CreatedAt);

    public sealed record WrittenComment(string Key, string ImageKey, string Body, long CreatedAt);

    /// <summary>The user's photos, private ones only when asked for, by sequence and capture time.</summary>
    public async Task<IReadOnlyList<Photo>> PhotosAsync(long userId, bool includePrivate, CancellationToken cancellation)
    {
        await using var connection = await database.OpenAsync(cancellation);
        var rows = await connection.QueryAsync<Photo>(new CommandDefinition(
            """
            SELECT i.key, s.key AS SequenceKey, i.content_hash AS ContentHash, i.lat, i.lon, i.ca, i.captured_at AS CapturedAt,
                   i.width, i.height, i.state, i.project_id IS NOT NULL AS IsPrivate, i.created_at AS CreatedAt
            FROM images i LEFT JOIN sequences s ON s.id = i.sequence_id
            WHERE i.user_id = @userId AND (@includePrivate OR i.project_id IS NULL)
            ORDER BY s.key, i.captured_at, i.id
            """, new { userId, includePrivate }, cancellationToken: cancellation));
        return rows.AsList();
    }

    /// <summary>The user's comments, on any image they could see when they wrote them; private images' only when asked for.</summary>
    public async Task<IReadOnlyList<WrittenComment>> CommentsAsync(long userId, bool includePrivate, CancellationToken cancellation)
    {
        await using var connection = await database.OpenAsync(cancellation);
        var rows = await connection.QueryAsync<WrittenComment>(new CommandDefinition(
            """
            SELECT c.key, i.key AS ImageKey, c.body, c.created_at AS CreatedAt
            FROM comments c JOIN images i ON i.id = c.image_id
            WHERE c.user_id = @userId AND (@includePrivate OR i.project_id IS NULL)
            ORDER BY c.created_at, c.id
            """, new { userId, includePrivate }, cancellationToken: cancellation));
        return rows.AsList();
    }
}
