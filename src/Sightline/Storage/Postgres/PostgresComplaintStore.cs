using Dapper;
using Npgsql;
using Sightline.Contract;
using Sightline.Images;
using Sightline.Complaints;

namespace Sightline.Storage.Postgres;

/// <summary>Files, lists and resolves complaints; upholding one hides the image (and resolves its other open complaints).</summary>
public sealed class PostgresComplaintStore(PostgresDatabase database, SequenceAssembler sequences, TimeProvider clock) : IComplaintStore
{
    private const string Select =
        """
        SELECT c.id, c.key, c.image_id AS ImageId, i.key AS ImageKey, c.user_id AS UserId, u.username, c.body AS Text, c.state,
               c.created_at AS CreatedAt, r.username AS ResolvedBy, c.resolved_at AS ResolvedAt
        FROM complaints c JOIN images i ON i.id = c.image_id LEFT JOIN users u ON u.id = c.user_id LEFT JOIN users r ON r.id = c.resolved_by
        """;

    /// <summary>Files a complaint; a user with an open complaint about the image already is refused (one each).</summary>
    /// <remarks>
    /// The rule is the unique index of migration 0192 (an open complaint per user and image), so that it holds for
    /// complaints sent at once too: on PostgreSQL a look before the insert let several through.
    /// </remarks>
    public async Task<string> FileAsync(Image image, long? userId, long applicationId, string text)
    {
        var key = RandomKey.New();
        await using var connection = await database.OpenAsync();
        try
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO complaints (key, image_id, user_id, application_id, body, state, created_at)
                VALUES (@key, @Id, @userId, @applicationId, @text, 'open', @now)
                """, new { key, image.Id, userId, applicationId, text, now = clock.GetUtcNow().ToUnixTimeMilliseconds() });
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw ApiException.Invalid("key", "names an image you have already complained about; a moderator will review that complaint");
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation) // deleted since it was read
        {
            throw ApiException.NotFound($"Image '{image.Key}'");
        }
        return key;
    }

    /// <summary>Complaints in <paramref name="state"/> (null: all), oldest first so the queue is worked in order.</summary>
    public async Task<IReadOnlyList<Complaint>> ListAsync(string? state, int limit, int offset)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<Complaint>(
            $"{Select} WHERE (@state IS NULL OR c.state = @state) ORDER BY c.created_at, c.id LIMIT @limit OFFSET @offset",
            new { state, limit, offset });
        return rows.AsList();
    }

    /// <summary>Resolves an open complaint; false when there is no open complaint with this key.</summary>
    public async Task<bool> ResolveAsync(string key, long moderatorId, ComplaintDecision decision)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync();
        await using var transaction = (NpgsqlTransaction)await connection.BeginTransactionAsync();
        // The images lock first (PostgresLocks): an upheld complaint hides its image, and an upload's deletion holds that
        // lock when it removes the image's complaints; taking the complaints first deadlocked with it (LockOrderTests).
        // The complaint is claimed under the lock: with a photo deleted meanwhile it is gone, and its event could not be written.
        await PostgresLocks.ImagesAsync(connection, transaction);
        var state = decision == ComplaintDecision.Uphold ? "upheld" : "dismissed";
        // Of decisions racing for one complaint (two moderators at once) exactly one finds it open: the update is the claim,
        // and one that waited on its row sees it resolved once the other commits (both were acknowledged when a read
        // decided, and the complaint could read "dismissed" about a photo the upholding hid).
        var complaint = await connection.QuerySingleOrDefaultAsync<(long Id, long ImageId, long? UserId)?>(
            """
            UPDATE complaints SET state = @state, resolved_by = @moderatorId, resolved_at = @now
            WHERE key = @key AND state = 'open' RETURNING id, image_id, user_id
            """, new { state, moderatorId, now, key }, transaction);
        if (complaint is not { } open)
            return false;
        // Upholding one settles every open complaint about the image: it is hidden, which is what they all asked.
        if (decision == ComplaintDecision.Uphold)
            await connection.ExecuteAsync(
                "UPDATE complaints SET state = @state, resolved_by = @moderatorId, resolved_at = @now WHERE image_id = @ImageId AND state = 'open'",
                new { state, moderatorId, now, open.ImageId }, transaction);
        if (decision == ComplaintDecision.Uphold
            && await connection.ExecuteAsync("UPDATE images SET hidden_at = @now WHERE id = @ImageId AND hidden_at IS NULL",
                new { now, open.ImageId }, transaction) > 0)
        {
            // A hidden photo is no neighbour: the directions of travel around it close the gap, as for a deleted one.
            var (sequenceId, capturedAt) = await connection.QuerySingleAsync<(long? SequenceId, long CapturedAt)>(
                "SELECT sequence_id, captured_at FROM images WHERE id = @ImageId", new { open.ImageId }, transaction);
            if (sequenceId is { } sequence)
                await sequences.UpdateCoursesAsync(connection, transaction, sequence, open.ImageId, capturedAt, joined: false);
        }
        await connection.ExecuteAsync(
            """
            INSERT INTO events (action, object, object_key, image_id, user_id, other_user_id, main_description, created_at)
            VALUES ('complaint_resolved', 'complaint', @key, @ImageId, @moderatorId, @UserId, @description, @now)
            """, new { key, open.ImageId, moderatorId, open.UserId, description = $"complaint {state}", now }, transaction);
        await transaction.CommitAsync();
        return true;
    }
}
