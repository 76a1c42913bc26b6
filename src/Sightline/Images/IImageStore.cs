namespace Sightline.Images;

/// <summary>Reads images for the read endpoints: only processed ones are visible, and none hidden by an upheld complaint.</summary>
public interface IImageStore
{
    /// <summary>The processed image with this key that <paramref name="viewer"/> may see; null otherwise.</summary>
    Task<Image?> FindVisibleAsync(string key, Viewer viewer);

    /// <summary>The processed images with these ids that <paramref name="viewer"/> may see, in the order of <paramref name="ids"/>.</summary>
    Task<IReadOnlyList<Image>> FindVisibleAsync(IReadOnlyList<long> ids, Viewer viewer);

    /// <summary>The processed images of a sequence in capture order.</summary>
    Task<IReadOnlyList<Image>> InSequenceAsync(long sequenceId);
}
