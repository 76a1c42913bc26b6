using Dapper;
using Microsoft.Data.Sqlite;
using Sightline.Images;
using Sightline.Comments;

namespace Sightline.Storage.Sqlite;

/// <summary>Reads and writes comments; posting one also puts a <c>commented</c> event in the feed.</summary>
public sealed class SqliteCommentStore(Database database, TimeProvider clock) : ICommentStore
{
    private const string Select =
        """
        SELECT c.id, c.key, c.image_id AS ImageId, i.key AS ImageKey, i.project_id AS ImageProjectId, i.user_id AS ImageOwnerId,
               c.user_id AS UserId, CASE WHEN u.deleted_at IS NULL THEN u.username ELSE 'deleted user' END AS username, u.avatar AS UserAvatar, c.body AS Text, c.created_at AS CreatedAt
        FROM comments c JOIN images i ON i.id = c.image_id JOIN users u ON u.id = c.user_id
        """;

    public async Task<Comment> AddAsync(Image image, long userId, string text)
    {
        var key = RandomKey.New();
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenWriterAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(
            "INSERT INTO comments (key, image_id, user_id, body, created_at) VALUES (@key, @ImageId, @userId, @text, @now)",
            new { key, ImageId = image.Id, userId, text, now }, transaction);
        await connection.ExecuteAsync(
            """
            INSERT INTO events (action, object, object_key, image_id, user_id, other_user_id, main_description, created_at)
            VALUES ('commented', 'comment', @key, @ImageId, @userId, @owner, @text, @now)
            """, new { key, ImageId = image.Id, userId, owner = image.UserId, text, now }, transaction);
        await transaction.CommitAsync();
        return new Comment { Key = key, ImageId = image.Id, ImageKey = image.Key, UserId = userId, Text = text, CreatedAt = now };
    }

    /// <summary>The comments of an image, oldest first (the order of a conversation).</summary>
    public async Task<IReadOnlyList<Comment>> ForImageAsync(long imageId)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<Comment>($"{Select} WHERE c.image_id = @imageId ORDER BY c.created_at, c.id", new { imageId });
        return rows.AsList();
    }

    /// <summary>The comment with this key if its image is processed, not hidden, and visible to <paramref name="viewer"/>.</summary>
    public async Task<Comment?> FindVisibleAsync(string key, Viewer viewer)
    {
        await using var connection = await database.OpenAsync();
        var parameters = Visibility.Parameters(viewer);
        parameters.Add("key", key);
        return await connection.QuerySingleOrDefaultAsync<Comment>(
            $"{Select} WHERE c.key = @key AND i.state = 'done' AND i.hidden_at IS NULL AND {Visibility.VisibleCondition("i.project_id")}", parameters);
    }

    public async Task<bool> DeleteAsync(Comment comment)
    {
        await using var connection = await database.OpenWriterAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("DELETE FROM events WHERE object = 'comment' AND object_key = @Key", new { comment.Key }, transaction);
        var removed = await connection.ExecuteAsync("DELETE FROM comments WHERE id = @Id AND key = @Key", new { comment.Id, comment.Key }, transaction) > 0;
        await transaction.CommitAsync();
        return removed;
    }

    /// <summary>Ids of every image with at least one comment (the candidates of <c>/v2/search/im/cm</c>).</summary>
    public async Task<HashSet<int>> CommentedImageIdsAsync()
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<int>("SELECT DISTINCT image_id FROM comments")).ToHashSet();
    }

    /// <summary>The comments of these images, oldest first, by image id.</summary>
    public async Task<IReadOnlyDictionary<long, List<Comment>>> ForImagesAsync(IReadOnlyList<long> imageIds)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<Comment>($"{Select} WHERE c.image_id IN @imageIds ORDER BY c.created_at, c.id", new { imageIds });
        return rows.GroupBy(c => c.ImageId).ToDictionary(g => g.Key, g => g.ToList());
    }
}
