namespace Sightline.Images;

/// <summary>Counts of images for the status page and user profiles: only processed public images count.</summary>
public interface IImageStatistics
{
    public sealed record UserCounts(
        long ImagesAll, long ImagesNoneProcessed, long ImagesHidden, long DistanceMeters, IReadOnlyList<(long Day, long Count)> Histogram);

    Task<(long Images, long Sequences)> ServerCountsAsync();

    Task<UserCounts> ForUserAsync(long userId);

    /// <summary>Every image in any state, private or public (zero only on a new server).</summary>
    Task<long> CountAllAsync();
}
