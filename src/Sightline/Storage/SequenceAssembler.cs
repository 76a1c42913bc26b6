using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Sightline.Sequences;

namespace Sightline.Storage;

/// <summary>
/// Puts a newly processed image into one of its owner's sequences, inside the caller's transaction.
/// It joins a sequence only when it is within the gap limits of each of its neighbours in time in that sequence
/// (<see cref="SequenceChoice"/> decides among them; this reads them); otherwise it starts a new one.
/// One for both backends: its SQL is the same in SQLite and PostgreSQL but for how a new sequence is numbered, and the
/// images lock the PostgreSQL callers take before they call it serialises it as SQLite's single writer does.
/// A late photo after one sequence's last photo and before another's first, close to both, bridges them: the later
/// sequence is merged into the earlier one, which keeps its key; the later key is gone (not_found). Sequences are never split.
/// </summary>
public sealed class SequenceAssembler(IOptions<SequenceOptions> options)
{
    private readonly SequenceOptions limits = options.Value;

    private const string Insert =
        "INSERT INTO sequences (key, user_id, project_id, created_at) VALUES (@key, @UserId, @ProjectId, @now) RETURNING id";

    // SQLite would give a new sequence the largest id plus one, the id of the newest sequence if it was deleted: numbered
    // past every sequence deleted instead (deleted_ids, migration 0195). PostgreSQL's identities never reuse an id.
    private const string SqliteInsert =
        """
        INSERT INTO sequences (id, key, user_id, project_id, created_at)
        VALUES (max(coalesce((SELECT max(id) FROM sequences), 0), coalesce((SELECT high FROM deleted_ids WHERE name = 'sequences'), 0)) + 1,
                @key, @UserId, @ProjectId, @now)
        RETURNING id
        """;

    /// <summary>Returns the id of the sequence the image now belongs to.</summary>
    public async Task<long> AssignAsync(DbConnection connection, DbTransaction transaction, long imageId)
    {
        var image = await connection.QuerySingleAsync<(long UserId, long? ProjectId, double Lat, double Lon, long CapturedAt)>(
            "SELECT user_id, project_id, lat, lon, captured_at FROM images WHERE id = @imageId", new { imageId }, transaction);

        // The owner's sequences (of the same project) with a finished photo within the time limit: no other can take it.
        var gap = (long)Math.Ceiling(limits.MaxGapSeconds * 1000);
        var nearby = await connection.QueryAsync<long>(
            """
            SELECT DISTINCT sequence_id FROM images
            WHERE user_id = @UserId AND project_id IS NOT DISTINCT FROM @ProjectId AND state = 'done' AND sequence_id IS NOT NULL AND id <> @imageId
              AND captured_at BETWEEN @from AND @to
            ORDER BY sequence_id
            """, new { image.UserId, image.ProjectId, imageId, from = image.CapturedAt - gap, to = image.CapturedAt + gap }, transaction);
        var candidates = new List<SequenceChoice.Candidate>();
        foreach (var candidate in nearby)
        {
            // Its photos either side of this one in sequence order (captured_at, id), as the readers list them.
            var place = new { sequenceId = candidate, imageId, image.CapturedAt };
            var before = await connection.QuerySingleOrDefaultAsync<SequenceChoice.Neighbour>(
                """
                SELECT id, lat, lon, captured_at AS CapturedAt FROM images
                WHERE sequence_id = @sequenceId AND state = 'done' AND id <> @imageId
                  AND (captured_at < @CapturedAt OR (captured_at = @CapturedAt AND id < @imageId))
                ORDER BY captured_at DESC, id DESC LIMIT 1
                """, place, transaction);
            var after = await connection.QuerySingleOrDefaultAsync<SequenceChoice.Neighbour>(
                """
                SELECT id, lat, lon, captured_at AS CapturedAt FROM images
                WHERE sequence_id = @sequenceId AND state = 'done' AND id <> @imageId
                  AND (captured_at > @CapturedAt OR (captured_at = @CapturedAt AND id > @imageId))
                ORDER BY captured_at, id LIMIT 1
                """, place, transaction);
            candidates.Add(new SequenceChoice.Candidate(candidate, before, after));
        }

        var (chosen, merged) = SequenceChoice.Choose(candidates, image.Lat, image.Lon, image.CapturedAt, limits);
        if (merged is { } later && chosen is { } earlier)
        {
            // The photo closes the gap that cut one walk in two (issue 13): one sequence again, under the earlier key.
            await connection.ExecuteAsync("UPDATE images SET sequence_id = @earlier WHERE sequence_id = @later", new { earlier, later }, transaction);
            await connection.ExecuteAsync("DELETE FROM sequences WHERE id = @later", new { later }, transaction);
        }

        var sequenceId = chosen ?? await connection.ExecuteScalarAsync<long>(connection is SqliteConnection ? SqliteInsert : Insert,
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
    public async Task UpdateCoursesAsync(DbConnection connection, DbTransaction transaction, long sequenceId, long imageId, long capturedAt, bool joined)
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
}
