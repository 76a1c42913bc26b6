namespace Sightline.Images;

/// <summary>Counts of images for user profiles (only processed public images count) and for the demo (any image).</summary>
public interface IImageStatistics
{
    public sealed record UserCounts(
        long ImagesAll, long ImagesNoneProcessed, long ImagesHidden, long DistanceMeters, IReadOnlyList<(long Day, long Count)> Histogram);

    Task<UserCounts> ForUserAsync(long userId);

    /// <summary>Every image in any state, private or public (zero only on a new server).</summary>
    Task<long> CountAllAsync();
}
