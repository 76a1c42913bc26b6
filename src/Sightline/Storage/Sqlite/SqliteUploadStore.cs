using Dapper;
using Microsoft.Data.Sqlite;
using Sightline.Contract;
using Sightline.Images;
using Sightline.Uploads;

using Upload = Sightline.Uploads.IUploadStore.Upload;
using NewImage = Sightline.Uploads.IUploadStore.NewImage;
using Failure = Sightline.Uploads.IUploadStore.Failure;
using OriginalHold = Sightline.Uploads.IUploadStore.OriginalHold;
using Removed = Sightline.Uploads.IUploadStore.Removed;

namespace Sightline.Storage.Sqlite;

/// <summary>Records uploads and the images they make, and answers the uploader's bookkeeping questions.</summary>
public sealed class SqliteUploadStore(Database database, SequenceAssembler sequences) : IUploadStore
{
    private const string SelectUpload =
        """
        SELECT up.id, up.upload_key AS UploadKey, up.content_hash AS ContentHash, up.image_id AS ImageId, i.key AS ImageKey,
               up.original_present AS OriginalPresent, i.state AS ImageState, i.failure AS Failure, i.project_id AS ProjectId,
               i.lat AS Lat, i.lon AS Lon, i.ca AS Ca, i.captured_at AS CapturedAt
        FROM uploads up JOIN images i ON i.id = up.image_id
        """;

    public async Task<Upload?> FindAsync(long userId, string uploadKey)
    {
        await using var connection = await database.OpenAsync();
        return await FindAsync(connection, null, userId, uploadKey);
    }

    public async Task<Upload?> FindByImageAsync(long userId, string imageKey)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<Upload>(
            $"{SelectUpload} WHERE up.user_id = @userId AND i.key = @imageKey", new { userId, imageKey });
    }

    private static Task<Upload?> FindAsync(SqliteConnection connection, SqliteTransaction? transaction, long userId, string uploadKey) =>
        connection.QuerySingleOrDefaultAsync<Upload>(
            $"{SelectUpload} WHERE up.user_id = @userId AND up.upload_key = @uploadKey", new { userId, uploadKey }, transaction);

    // Every write transaction of this database runs alone (BEGIN IMMEDIATE), so a hold's check and insert need no lock.
    public async Task<OriginalHold?> HoldForUploadAsync(string contentHash)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await using var connection = await database.OpenWriterAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(
            "DELETE FROM original_holds WHERE content_hash = @contentHash AND removal = 1 AND since < @expired",
            new { contentHash, expired = now - (long)IUploadStore.RemovalHoldLifetime.TotalMilliseconds }, transaction);
        if (await connection.ExecuteScalarAsync<long>(
                "SELECT count(*) FROM original_holds WHERE content_hash = @contentHash AND removal = 1", new { contentHash }, transaction) > 0)
            return null;
        var id = await connection.ExecuteScalarAsync<long>(
            "INSERT INTO original_holds (content_hash, removal, since) VALUES (@contentHash, 0, @now) RETURNING id", new { contentHash, now }, transaction);
        await transaction.CommitAsync();
        return new OriginalHold(id, contentHash);
    }

    public async Task ReleaseAsync(OriginalHold hold)
    {
        await using var connection = await database.OpenWriterAsync();
        await connection.ExecuteAsync("DELETE FROM original_holds WHERE id = @Id", new { hold.Id });
    }

    // A removal's hold on the original, when no upload needs it and none holds it: taken in the transaction that left it unused.
    private static async Task<OriginalHold?> HoldIfUnusedAsync(SqliteConnection connection, SqliteTransaction transaction, string contentHash)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var used = await connection.ExecuteScalarAsync<long>(
            """
            SELECT EXISTS (SELECT 1 FROM uploads WHERE content_hash = @contentHash AND original_present = 1)
                OR EXISTS (SELECT 1 FROM original_holds WHERE content_hash = @contentHash AND removal = 0 AND since >= @expired)
            """, new { contentHash, expired = now - (long)IUploadStore.UploadHoldLifetime.TotalMilliseconds }, transaction);
        if (used != 0)
            return null;
        var id = await connection.ExecuteScalarAsync<long>(
            "INSERT INTO original_holds (content_hash, removal, since) VALUES (@contentHash, 1, @now) RETURNING id", new { contentHash, now }, transaction);
        return new OriginalHold(id, contentHash);
    }

    /// <summary>
    /// Records the upload, its image (state received) and the job that will process it, and gives back the upload's hold on
    /// its original, in one transaction. When the key is already taken (a concurrent retry), returns the upload that holds it instead.
    /// </summary>
    public async Task<Upload> AddAsync(long userId, string uploadKey, NewImage photo, OriginalHold hold)
    {
        await using var connection = await database.OpenWriterAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        // An account disabled or deleted since the request was let in records nothing more: account deletion lists the photos
        // to delete once it has disabled the account, and erases it only when none is left.
        if (await connection.ExecuteScalarAsync<int?>(
                "SELECT 1 FROM users WHERE id = @userId AND disabled_at IS NULL AND deleted_at IS NULL", new { userId }, transaction) is null)
            throw AccountGone();
        await connection.ExecuteAsync("DELETE FROM original_holds WHERE id = @Id", new { hold.Id }, transaction);
        if (await FindAsync(connection, transaction, userId, uploadKey) is { } existing)
        {
            await transaction.CommitAsync();
            return existing;
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var imageKey = RandomKey.New();
        // Numbered past every image deleted (migration 0193): work still holding a deleted image's id must not find this one.
        var imageId = await connection.ExecuteScalarAsync<long>(
            """
            INSERT INTO images (id, key, user_id, project_id, state, content_hash, lat, lon, ca, captured_at, orientation, width, height,
                                camera_make, camera_model, focal_length, focal_length_35mm, created_at, updated_at)
            VALUES (max(coalesce((SELECT max(id) FROM images), 0), coalesce((SELECT high FROM deleted_ids WHERE name = 'images'), 0)) + 1,
                    @imageKey, @userId, @ProjectId, 'received', @ContentHash, @Lat, @Lon, @Ca, @CapturedAt, @Orientation, @Width, @Height,
                    @Make, @Model, @FocalLength, @FocalLength35mm, @now, @now)
            RETURNING id
            """,
            new
            {
                imageKey, userId, photo.ProjectId, photo.ContentHash, photo.Lat, photo.Lon, photo.Ca, photo.CapturedAt, photo.Orientation, photo.Width, photo.Height,
                photo.Camera.Make, photo.Camera.Model, photo.Camera.FocalLength, photo.Camera.FocalLength35mm, now,
            },
            transaction);
        var id = await connection.ExecuteScalarAsync<long>(
            """
            INSERT INTO uploads (user_id, upload_key, content_hash, size, image_id, created_at)
            VALUES (@userId, @uploadKey, @ContentHash, @Size, @imageId, @now) RETURNING id
            """, new { userId, uploadKey, photo.ContentHash, photo.Size, imageId, now }, transaction);
        await connection.ExecuteAsync(
            "INSERT INTO jobs (image_id, state, created_at) VALUES (@imageId, 'queued', @now)", new { imageId, now }, transaction);
        await transaction.CommitAsync();
        return new Upload(id, uploadKey, photo.ContentHash, imageId, imageKey, 1, ImageStates.Name(Images.ImageState.Received), null, photo.ProjectId,
            photo.Lat, photo.Lon, photo.Ca, photo.CapturedAt);
    }

    public async Task<IReadOnlyList<string>> KeysOfUserAsync(long userId)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<string>("SELECT upload_key FROM uploads WHERE user_id = @userId ORDER BY id", new { userId })).AsList();
    }

    private static ApiException AccountGone() =>
        new(ErrorCode.UserNotAuthenticated, "The account was disabled or deleted while the photo was being received: it was not recorded.");

    /// <summary>Removes an upload and its image (rows only); returns what was removed so its files can go too.</summary>
    public async Task<Removed?> DeleteAsync(long userId, string uploadKey)
    {
        await using var connection = await database.OpenWriterAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        var upload = await FindAsync(connection, transaction, userId, uploadKey);
        if (upload is null)
            return null;
        var (sequenceId, capturedAt) = await connection.QuerySingleAsync<(long? SequenceId, long CapturedAt)>(
            "SELECT sequence_id, captured_at FROM images WHERE id = @ImageId", new { upload.ImageId }, transaction);
        await connection.ExecuteAsync("DELETE FROM uploads WHERE id = @Id", new { upload.Id }, transaction);
        await connection.ExecuteAsync("DELETE FROM images WHERE id = @ImageId", new { upload.ImageId }, transaction);
        // Its neighbours' directions of travel (the courses of photos without an angle of their own) close the gap.
        if (sequenceId is { } left)
            await sequences.UpdateCoursesAsync(connection, transaction, left, upload.ImageId, capturedAt, joined: false);
        // A sequence left without images goes; one that still has some keeps its key.
        await connection.ExecuteAsync(
            "DELETE FROM sequences WHERE id = @sequenceId AND NOT EXISTS (SELECT 1 FROM images WHERE sequence_id = @sequenceId)",
            new { sequenceId }, transaction);
        var original = upload.OriginalPresent != 0 ? await HoldIfUnusedAsync(connection, transaction, upload.ContentHash) : null;
        await transaction.CommitAsync();
        return new Removed(upload, original);
    }

    /// <summary>Marks the upload's original as removed; null when there is no such upload.</summary>
    public async Task<Removed?> ForgetOriginalAsync(long userId, string uploadKey)
    {
        await using var connection = await database.OpenWriterAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        var upload = await FindAsync(connection, transaction, userId, uploadKey);
        if (upload is null)
            return null;
        // Only the request that turned the flag off holds the original for removal: two at once must not both remove it.
        var forgotten = await connection.ExecuteAsync(
            "UPDATE uploads SET original_present = 0 WHERE id = @Id AND original_present = 1", new { upload.Id }, transaction);
        var original = forgotten == 1 ? await HoldIfUnusedAsync(connection, transaction, upload.ContentHash) : null;
        await transaction.CommitAsync();
        return new Removed(upload, original);
    }

    public async Task<IReadOnlyList<string>> DropExpiredRemovalHoldsAsync()
    {
        var expired = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (long)IUploadStore.RemovalHoldLifetime.TotalMilliseconds;
        await using var connection = await database.OpenWriterAsync();
        return (await connection.QueryAsync<string>(
            "DELETE FROM original_holds WHERE removal = 1 AND since < @expired RETURNING content_hash", new { expired })).Distinct().ToList();
    }

    public async Task<IReadOnlyList<OriginalHold>> HoldUnusedAsync(IReadOnlyCollection<string> contentHashes)
    {
        await using var connection = await database.OpenWriterAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        var holds = new List<OriginalHold>();
        foreach (var contentHash in contentHashes)
            if (await HoldIfUnusedAsync(connection, transaction, contentHash) is { } hold)
                holds.Add(hold);
        await transaction.CommitAsync();
        return holds;
    }

    public async Task<IReadOnlyDictionary<string, long>> CountByStateAsync(long userId)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<(string State, long Count)>(
            "SELECT i.state, count(*) FROM uploads up JOIN images i ON i.id = up.image_id WHERE up.user_id = @userId GROUP BY i.state",
            new { userId });
        return rows.ToDictionary(r => r.State, r => r.Count);
    }

    public async Task<IReadOnlyList<Failure>> RecentFailuresAsync(long userId, int limit)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<Failure>(
            """
            SELECT up.upload_key AS UploadKey, i.key AS ImageKey, coalesce(i.failure, 'unknown') AS Reason, i.updated_at AS At
            FROM uploads up JOIN images i ON i.id = up.image_id
            WHERE up.user_id = @userId AND i.state = 'failed' ORDER BY i.updated_at DESC, i.id DESC LIMIT @limit
            """, new { userId, limit });
        return rows.AsList();
    }
}
