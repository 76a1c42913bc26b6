using Dapper;
using Sightline.Images;
using Sightline.Search.Index;
using Sightline.Sequences;

namespace Sightline.Storage.Postgres;

/// <summary>Counts of images for the status page and user profiles: only processed public images count.</summary>
public sealed class PostgresImageStatistics(PostgresDatabase database) : IImageStatistics
{
    private const long DayMilliseconds = 86_400_000;

    public async Task<IImageStatistics.UserCounts> ForUserAsync(long userId)
    {
        await using var connection = await database.OpenAsync();
        var all = await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM images WHERE user_id = @userId AND state = 'done' AND hidden_at IS NULL AND project_id IS NULL", new { userId });
        var pending = await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM images WHERE user_id = @userId AND state IN ('received', 'processing') AND project_id IS NULL", new { userId });
        var hidden = await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM images WHERE user_id = @userId AND state = 'done' AND hidden_at IS NOT NULL AND project_id IS NULL", new { userId });

        // Distance mapped: the length of each sequence's path, added up.
        var points = await connection.QueryAsync<(long SequenceId, double Lat, double Lon)>(
            """
            SELECT sequence_id, lat, lon FROM images
            WHERE user_id = @userId AND state = 'done' AND hidden_at IS NULL AND project_id IS NULL AND sequence_id IS NOT NULL ORDER BY sequence_id, captured_at, id
            """, new { userId });
        double distance = 0;
        (long SequenceId, double Lat, double Lon)? previous = null;
        foreach (var point in points)
        {
            if (previous is { } p && p.SequenceId == point.SequenceId)
                distance += Geodesy.DistanceMeters(p.Lat, p.Lon, point.Lat, point.Lon);
            previous = point;
        }

        var since = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 365 * DayMilliseconds;
        var histogram = await connection.QueryAsync<(long Day, long Count)>(
            """
            SELECT (created_at / @DayMilliseconds) * @DayMilliseconds AS day, count(*) FROM images
            WHERE user_id = @userId AND state = 'done' AND hidden_at IS NULL AND project_id IS NULL AND created_at >= @since GROUP BY day ORDER BY day
            """, new { userId, since, DayMilliseconds });
        return new IImageStatistics.UserCounts(all, pending, hidden, (long)Math.Round(distance), histogram.ToList());
    }

    public async Task<long> CountAllAsync()
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM images");
    }
}
