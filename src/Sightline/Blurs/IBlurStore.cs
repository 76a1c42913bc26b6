using Sightline.Contract;
using Sightline.Images;

namespace Sightline.Blurs;

/// <summary>
/// Blur requests and the blurs in effect. Approving a request makes its blurs current and queues the image's
/// public derivatives to be made again (<see cref="BlurRederivation"/>); both happen in one transaction with their feed events.
/// </summary>
public interface IBlurStore
{
    Task<BlurRecord> GetAsync(long imageId);

    /// <summary>
    /// Ids of images with a request under review, oldest request first (the moderation queue), that
    /// <paramref name="viewer"/> may see.
    /// </summary>
    Task<IReadOnlyList<long>> PendingImageIdsAsync(Viewer viewer, int limit, int offset);

    /// <summary>Ids of every image with blurs in effect (the candidates of <c>/v2/search/im/b</c>).</summary>
    Task<HashSet<int>> BlurredImageIdsAsync();

    /// <summary>The blurs in effect on these images, by image id.</summary>
    Task<IReadOnlyDictionary<long, IReadOnlyList<Blur>>> CurrentForImagesAsync(IReadOnlyList<long> imageIds);

    /// <summary>Files a request; a second one while one is pending is refused (spec §5 item 17).</summary>
    Task RequestAsync(Image image, long userId, IReadOnlyList<Blur> blurs);

    /// <summary>Approves or rejects the pending request; false when there is none.</summary>
    Task<bool> DecideAsync(Image image, long adminId, bool approve);

    /// <summary>Records blurs the detectors found at ingest as the image's blurs in effect, already applied; false when the image is gone.</summary>
    Task<bool> RecordDetectedAsync(long imageId, IReadOnlyList<Blur> found);
}
