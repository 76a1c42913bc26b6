using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Sightline.Search.Index;
using Sightline.Sequences;

namespace Sightline.Storage.Sqlite;

/// <summary>
/// Puts a newly processed image into one of its owner's sequences, inside the caller's transaction.
/// A photo inside a sequence's time span joins it; otherwise it joins the sequence of the neighbour in
/// time that is close enough (within the gap limits), the earlier one first; otherwise it starts a new one.
/// A late photo close to both neighbours when they are in two sequences bridges them: the later sequence is merged
/// into the earlier one, which keeps its key; the later key is gone (not_found). Sequences are never split.
/// </summary>
public sealed class SqliteSequenceAssembler(IOptions<SequenceOptions> options)
{
    private readonly SequenceOptions limits = options.Value;

    private sealed record Neighbour(long SequenceId, double Lat, double Lon, long CapturedAt);

    /// <summary>Returns the id of the sequence the image now belongs to.</summary>
    public async Task<long> AssignAsync(SqliteConnection connection, SqliteTransaction transaction, long imageId)
    {
        var image = await connection.QuerySingleAsync<(long UserId, long? ProjectId, double Lat, double Lon, long CapturedAt)>(
            "SELECT user_id, project_id, lat, lon, captured_at FROM images WHERE id = @imageId", new { imageId }, transaction);

        // Neighbours among the owner's finished images; ties in time count as "before" so equal times stay together.
        var before = await connection.QuerySingleOrDefaultAsync<Neighbour>(
            """
            SELECT sequence_id AS SequenceId, lat, lon, captured_at AS CapturedAt FROM images
            WHERE user_id = @UserId AND project_id IS @ProjectId AND state = 'done' AND sequence_id IS NOT NULL AND id <> @imageId AND captured_at <= @CapturedAt
            ORDER BY captured_at DESC, id DESC LIMIT 1
            """, new { image.UserId, image.ProjectId, image.CapturedAt, imageId }, transaction);
        var after = await connection.QuerySingleOrDefaultAsync<Neighbour>(
            """
            SELECT sequence_id AS SequenceId, lat, lon, captured_at AS CapturedAt FROM images
            WHERE user_id = @UserId AND project_id IS @ProjectId AND state = 'done' AND sequence_id IS NOT NULL AND id <> @imageId AND captured_at > @CapturedAt
            ORDER BY captured_at, id LIMIT 1
            """, new { image.UserId, image.ProjectId, image.CapturedAt, imageId }, transaction);

        long? chosen = null;
        if (before is not null && after is not null && before.SequenceId == after.SequenceId)
            chosen = before.SequenceId; // inside that sequence's time span
        else if (before is not null && after is not null && IsClose(before, image.Lat, image.Lon, image.CapturedAt)
                 && IsClose(after, image.Lat, image.Lon, image.CapturedAt))
        {
            // The photo closes the gap that cut one walk in two (issue 13): one sequence again, under the earlier key.
            await connection.ExecuteAsync("UPDATE images SET sequence_id = @into WHERE sequence_id = @from",
                new { into = before.SequenceId, from = after.SequenceId }, transaction);
            await connection.ExecuteAsync("DELETE FROM sequences WHERE id = @from", new { from = after.SequenceId }, transaction);
            chosen = before.SequenceId;
        }
        else if (before is not null && IsClose(before, image.Lat, image.Lon, image.CapturedAt))
            chosen = before.SequenceId;
        else if (after is not null && IsClose(after, image.Lat, image.Lon, image.CapturedAt))
            chosen = after.SequenceId;

        var sequenceId = chosen ?? await connection.ExecuteScalarAsync<long>(
            "INSERT INTO sequences (key, user_id, project_id, created_at) VALUES (@key, @UserId, @ProjectId, @now) RETURNING id",
            new { key = RandomKey.New(), image.UserId, image.ProjectId, now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }, transaction);
        await connection.ExecuteAsync("UPDATE images SET sequence_id = @sequenceId WHERE id = @imageId", new { sequenceId, imageId }, transaction);
        await UpdateCoursesAsync(connection, transaction, sequenceId, imageId, image.CapturedAt, joined: true);
        return sequenceId;
    }

    /// <summary>
    /// Rewrites the courses (<see cref="TravelDirection"/>) that move when image <paramref name="imageId"/>, captured at
    /// <paramref name="capturedAt"/>, joined sequence <paramref name="sequenceId"/> or left it (<paramref name="joined"/>
    /// false: call it after the image's row is gone or hidden). The changed rows reach the change feed through its trigger.
    /// Hidden photos (moderation) are no neighbours: the courses around one are computed as if it were not there.
    /// </summary>
    public async Task UpdateCoursesAsync(SqliteConnection connection, SqliteTransaction transaction, long sequenceId, long imageId, long capturedAt, bool joined)
    {
        // Sequence order is (captured_at, id), as the readers list a sequence's images.
        var place = new { sequenceId, imageId, capturedAt, window = TravelDirection.Window };
        var before = (await connection.QueryAsync<TravelDirection.Member>(
            """
            SELECT id, lat, lon, course FROM images
            WHERE sequence_id = @sequenceId AND state = 'done' AND hidden_at IS NULL AND id <> @imageId
              AND (captured_at < @capturedAt OR (captured_at = @capturedAt AND id < @imageId))
            ORDER BY captured_at DESC, id DESC LIMIT @window
            """, place, transaction)).AsList();
        var after = (await connection.QueryAsync<TravelDirection.Member>(
            """
            SELECT id, lat, lon, course FROM images
            WHERE sequence_id = @sequenceId AND state = 'done' AND hidden_at IS NULL AND id <> @imageId
              AND (captured_at > @capturedAt OR (captured_at = @capturedAt AND id > @imageId))
            ORDER BY captured_at, id LIMIT @window
            """, place, transaction)).AsList();
        TravelDirection.Member? photo = joined
            ? await connection.QuerySingleAsync<TravelDirection.Member>("SELECT id, lat, lon, course FROM images WHERE id = @imageId", place, transaction)
            : null;
        foreach (var (id, course) in TravelDirection.Changed(before, photo, after))
            await connection.ExecuteAsync("UPDATE images SET course = @course WHERE id = @id", new { id, course }, transaction);
    }

    private bool IsClose(Neighbour neighbour, double lat, double lon, long capturedAt) =>
        Math.Abs(capturedAt - neighbour.CapturedAt) <= limits.MaxGapSeconds * 1000
        && Geodesy.DistanceMeters(neighbour.Lat, neighbour.Lon, lat, lon) <= limits.MaxGapMeters;
}
