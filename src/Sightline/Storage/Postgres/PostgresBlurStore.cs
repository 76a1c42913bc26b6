using Dapper;
using Npgsql;
using Sightline.Contract;
using Sightline.Images;
using Sightline.Processing;
using Sightline.Blurs;

namespace Sightline.Storage.Postgres;

/// <summary>
/// Blur requests and the blurs in effect. Approving a request makes its blurs current and queues the image's
/// public derivatives to be made again (<see cref="BlurRederivation"/>); both happen in one transaction with their feed events.
/// </summary>
public sealed class PostgresBlurStore(PostgresDatabase database, TimeProvider clock, JobSignal signal) : IBlurStore
{
    public async Task<BlurRecord> GetAsync(long imageId)
    {
        await using var connection = await database.OpenAsync();
        var current = await connection.QuerySingleOrDefaultAsync<(string Rects, string? DecidedBy, long Applied)?>(
            "SELECT b.rects, u.username, b.applied FROM image_blurs b LEFT JOIN users u ON u.id = b.decided_by WHERE b.image_id = @imageId",
            new { imageId });
        var pending = await connection.QuerySingleOrDefaultAsync<(string Rects, string Username, long UserId)?>(
            """
            SELECT r.rects, u.username, u.id FROM blur_requests r JOIN users u ON u.id = r.user_id
            WHERE r.image_id = @imageId AND r.state = 'pending'
            """, new { imageId });
        return new BlurRecord(
            current is { } c ? Blur.FromJson(c.Rects) : [], current?.DecidedBy, current is not { Applied: 0 },
            pending is { } p ? Blur.FromJson(p.Rects) : [], pending?.Username, pending?.UserId);
    }

    /// <summary>
    /// Ids of images with a request under review, oldest request first (the moderation queue), that
    /// <paramref name="viewer"/> may see.
    /// </summary>
    public async Task<IReadOnlyList<long>> PendingImageIdsAsync(Viewer viewer, int limit, int offset)
    {
        await using var connection = await database.OpenAsync();
        var parameters = Visibility.Parameters(viewer);
        parameters.AddDynamicParams(new { limit, offset });
        var ids = await connection.QueryAsync<long>(
            $"""
            SELECT i.id FROM blur_requests r JOIN images i ON i.id = r.image_id
            WHERE r.state = 'pending' AND i.state = 'done' AND i.hidden_at IS NULL AND {Visibility.VisibleCondition("i.project_id")}
            ORDER BY r.created_at, r.id LIMIT @limit OFFSET @offset
            """, parameters);
        return ids.AsList();
    }

    /// <summary>Ids of every image with blurs in effect (the candidates of <c>/v2/search/im/b</c>).</summary>
    public async Task<HashSet<int>> BlurredImageIdsAsync()
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<int>("SELECT image_id FROM image_blurs WHERE rects <> '[]'")).ToHashSet();
    }

    /// <summary>The blurs in effect on these images, by image id.</summary>
    public async Task<IReadOnlyDictionary<long, IReadOnlyList<Blur>>> CurrentForImagesAsync(IReadOnlyList<long> imageIds)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<(long ImageId, string Rects)>(
            "SELECT image_id, rects FROM image_blurs WHERE image_id = ANY(@imageIds)", new { imageIds = imageIds.ToArray() });
        return rows.ToDictionary(r => r.ImageId, r => Blur.FromJson(r.Rects));
    }

    /// <summary>Files a request; a second one while one is pending is refused (spec §5 item 17).</summary>
    public async Task RequestAsync(Image image, long userId, IReadOnlyList<Blur> blurs)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync();
        await using var transaction = (NpgsqlTransaction)await connection.BeginTransactionAsync();
        try
        {
            await connection.ExecuteAsync(
                "INSERT INTO blur_requests (image_id, user_id, rects, state, created_at) VALUES (@ImageId, @userId, @rects, 'pending', @now)",
                new { ImageId = image.Id, userId, rects = Blur.ToJson(blurs), now }, transaction);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw ApiException.Invalid("bs", "cannot be filed while another blur request for this image is pending review");
        }
        await AddEventAsync(connection, transaction, "blur_requested", image, userId, image.UserId, "requested blurs", now);
        await transaction.CommitAsync();
    }

    /// <summary>Approves or rejects the pending request; false when there is none.</summary>
    public async Task<bool> DecideAsync(Image image, long adminId, bool approve)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync();
        await using var transaction = (NpgsqlTransaction)await connection.BeginTransactionAsync();
        // An approval re-queues the image's re-derivation, whose completion holds the job and then updates the image and
        // its blurs, and an upload's deletion holds the jobs and the images lock when it removes the request and the
        // blurs: both deadlocked with an approval that took the request and the blurs first (LockOrderTests). So the
        // locks of PostgresLocks' order first; the request is decided under them (gone with a photo deleted meanwhile).
        await PostgresLocks.JobsOfImageAsync(connection, transaction, image.Id);
        await PostgresLocks.ImagesAsync(connection, transaction);
        // Of decisions racing for one request (two moderators at once) exactly one finds it pending: the update is the
        // claim, and one that waited on its row sees it decided once the other commits (all were acknowledged when a
        // read decided, and a rejected request's blurs could be in effect).
        var request = await connection.QuerySingleOrDefaultAsync<(long Id, long UserId, string Rects)?>(
            """
            UPDATE blur_requests SET state = @state, decided_by = @adminId, decided_at = @now
            WHERE image_id = @Id AND state = 'pending' RETURNING id, user_id, rects
            """, new { state = approve ? "approved" : "rejected", adminId, now, image.Id }, transaction);
        if (request is not { } pending)
            return false;
        if (approve)
        {
            await SetCurrentAsync(connection, transaction, image.Id, pending.Rects, adminId, now);
            await AddEventAsync(connection, transaction, "blur_applied", image, adminId, pending.UserId, "applied blurs", now);
        }
        await transaction.CommitAsync();
        if (approve)
            signal.Notify();
        return true;
    }

    public async Task<bool> RecordDetectedAsync(long imageId, IReadOnlyList<Blur> found)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync(
            """
            INSERT INTO image_blurs (image_id, rects, decided_by, applied, updated_at)
            SELECT @imageId, @rects, NULL::bigint, 1, @now WHERE EXISTS (SELECT 1 FROM images WHERE id = @imageId) -- deleted meanwhile: nothing to record
            ON CONFLICT (image_id) DO NOTHING
            """, new { imageId, rects = Blur.ToJson(found), now = clock.GetUtcNow().ToUnixTimeMilliseconds() }) > 0;
    }

    /// <summary>Makes <paramref name="rects"/> the image's blurs and queues its derivatives to be made again.</summary>
    internal static async Task SetCurrentAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long imageId, string rects, long? decidedBy, long now)
    {
        await connection.ExecuteAsync(
            """
            INSERT INTO image_blurs (image_id, rects, decided_by, applied, updated_at) VALUES (@imageId, @rects, @decidedBy, 0, @now)
            ON CONFLICT (image_id) DO UPDATE SET rects = excluded.rects, decided_by = excluded.decided_by, applied = 0, updated_at = excluded.updated_at
            """, new { imageId, rects, decidedBy, now }, transaction);
        await connection.ExecuteAsync(
            """
            INSERT INTO jobs (image_id, kind, state, created_at) VALUES (@imageId, 'rederive', 'queued', @now)
            ON CONFLICT (image_id, kind) DO UPDATE SET state = 'queued', lease_until = NULL, claim = NULL
            """, new { imageId, now }, transaction);
    }

    private static Task AddEventAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string action, Image image,
        long actorId, long? otherUserId, string description, long now) =>
        connection.ExecuteAsync(
            """
            INSERT INTO events (action, object, object_key, image_id, user_id, other_user_id, main_description, created_at)
            VALUES (@action, 'blur', @Key, @Id, @actorId, @otherUserId, @description, @now)
            """, new { action, image.Key, image.Id, actorId, otherUserId, description, now }, transaction);
}
