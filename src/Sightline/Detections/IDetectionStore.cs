namespace Sightline.Detections;

/// <summary>Stores each package's detections per image; a new submission of a package replaces its previous one.</summary>
public interface IDetectionStore
{
    Task ReplaceAsync(long imageId, string package, IReadOnlyList<Detection> detections);

    /// <summary>An image's detections (by package, best score first) and the packages that have run on it.</summary>
    Task<(IReadOnlyList<Detection> Detections, IReadOnlyList<string> Packages)> ForImageAsync(long imageId);

    /// <summary>A random public, visible image with at least one detection; null when there is none.</summary>
    Task<(long ImageId, string ImageKey)?> RandomPublicWithDetectionsAsync();

    /// <summary>
    /// For each of <paramref name="imageIds"/> that has detections matching <paramref name="filter"/>, those detections
    /// (best score first): the last step of a detection search, after the spatial index has chosen the candidates.
    /// </summary>
    Task<IReadOnlyDictionary<long, IReadOnlyList<Detection>>> MatchingAsync(IReadOnlyList<long> imageIds, DetectionFilter filter);

    /// <summary>Ids of every image with a detection matching <paramref name="filter"/> (the candidates of <c>/v2/search/im/or</c>).</summary>
    Task<HashSet<int>> MatchingImageIdsAsync(DetectionFilter filter);
}
