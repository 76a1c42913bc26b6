namespace Sightline.Images;

/// <summary>
/// Counts of images the search index does not hold, for user profiles (photos not processed yet; uploads per day) and
/// for the demo (any image). A profile's processed totals come from memory (<see cref="Users.UserTotals"/>).
/// </summary>
public interface IImageStatistics
{
    /// <summary>
    /// Public photos received but not processed yet, and processed public visible photos per day of upload (UTC day start,
    /// epoch ms) over the last 365 days.
    /// </summary>
    public sealed record UserCounts(long ImagesNoneProcessed, IReadOnlyList<(long Day, long Count)> Histogram);

    Task<UserCounts> ForUserAsync(long userId);

    /// <summary>
    /// Public photos received but not processed yet (each has its derivative job until then), counted up to
    /// <see cref="MaxCountedProcessing"/>: the web app says how many are still to come on a busy new server.
    /// </summary>
    Task<long> CountPublicProcessingAsync();

    /// <summary>The most <see cref="CountPublicProcessingAsync"/> counts: /v2/status answers anyone, so its cost is bounded.</summary>
    public const int MaxCountedProcessing = 100_000;

    /// <summary>Every image in any state, private or public (zero only on a new server).</summary>
    Task<long> CountAllAsync();
}
