using Dapper;
using Sightline.Images;

namespace Sightline.Storage.Postgres;

/// <summary>Counts of images the search index does not hold: photos not processed yet, uploads per day, all images.</summary>
public sealed class PostgresImageStatistics(PostgresDatabase database) : IImageStatistics
{
    private const long DayMilliseconds = 86_400_000;

    public async Task<IImageStatistics.UserCounts> ForUserAsync(long userId)
    {
        await using var connection = await database.OpenAsync();
        var pending = await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM images WHERE user_id = @userId AND state IN ('received', 'processing') AND project_id IS NULL", new { userId });
        var since = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 365 * DayMilliseconds;
        var histogram = await connection.QueryAsync<(long Day, long Count)>(
            """
            SELECT (created_at / @DayMilliseconds) * @DayMilliseconds AS day, count(*) FROM images
            WHERE user_id = @userId AND state = 'done' AND hidden_at IS NULL AND project_id IS NULL AND created_at >= @since GROUP BY day ORDER BY day
            """, new { userId, since, DayMilliseconds });
        return new IImageStatistics.UserCounts(pending, histogram.ToList());
    }

    public async Task<long> CountPublicProcessingAsync()
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(
            """
            SELECT count(*) FROM (SELECT 1 FROM jobs JOIN images ON images.id = jobs.image_id
                                  WHERE jobs.kind = 'derive' AND images.project_id IS NULL LIMIT @limit) AS pending
            """, new { limit = IImageStatistics.MaxCountedProcessing });
    }

    public async Task<long> CountAllAsync()
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM images");
    }
}
