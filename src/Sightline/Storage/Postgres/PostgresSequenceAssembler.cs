using Dapper;
using Npgsql;
using Microsoft.Extensions.Options;
using Sightline.Sequences;

namespace Sightline.Storage.Postgres;

/// <summary>
/// Puts a newly processed image into one of its owner's sequences, inside the caller's transaction.
/// A photo inside a sequence's time span joins it; otherwise it joins the sequence of the neighbour in
/// time that is close enough (within the gap limits), the earlier one first; otherwise it starts a new one.
/// A late photo close to both neighbours when they are in two sequences bridges them: the later sequence is merged
/// into the earlier one, which keeps its key; the later key is gone (not_found). Sequences are never split.
/// </summary>
public sealed class PostgresSequenceAssembler(IOptions<SequenceOptions> options)
{
    private readonly SequenceOptions limits = options.Value;

    private sealed record Neighbour(long SequenceId, double Lat, double Lon, long CapturedAt);

    /// <summary>Returns the id of the sequence the image now belongs to.</summary>
    public async Task<long> AssignAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long imageId)
    {
        var image = await connection.QuerySingleAsync<(long UserId, long? ProjectId, double Lat, double Lon, long CapturedAt)>(
            "SELECT user_id, project_id, lat, lon, captured_at FROM images WHERE id = @imageId", new { imageId }, transaction);

        // Neighbours among the owner's finished images; ties in time count as "before" so equal times stay together.
        var before = await connection.QuerySingleOrDefaultAsync<Neighbour>(
            """
            SELECT sequence_id AS SequenceId, lat, lon, captured_at AS CapturedAt FROM images
            WHERE user_id = @UserId AND project_id IS NOT DISTINCT FROM @ProjectId AND state = 'done' AND sequence_id IS NOT NULL AND id <> @imageId AND captured_at <= @CapturedAt
            ORDER BY captured_at DESC, id DESC LIMIT 1
            """, new { image.UserId, image.ProjectId, image.CapturedAt, imageId }, transaction);
        var after = await connection.QuerySingleOrDefaultAsync<Neighbour>(
            """
            SELECT sequence_id AS SequenceId, lat, lon, captured_at AS CapturedAt FROM images
            WHERE user_id = @UserId AND project_id IS NOT DISTINCT FROM @ProjectId AND state = 'done' AND sequence_id IS NOT NULL AND id <> @imageId AND captured_at > @CapturedAt
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
        return sequenceId;
    }

    private bool IsClose(Neighbour neighbour, double lat, double lon, long capturedAt) =>
        Math.Abs(capturedAt - neighbour.CapturedAt) <= limits.MaxGapSeconds * 1000
        && Geo.DistanceMeters(neighbour.Lat, neighbour.Lon, lat, lon) <= limits.MaxGapMeters;
}
