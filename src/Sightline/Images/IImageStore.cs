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

    /// <summary>
    /// Adds a public, processed, unhidden image to the set <c>randomselected</c> draws from (spec §5 item 45), or removes
    /// one from it. False when there is no such image to add, or it was not in the set.
    /// </summary>
    Task<bool> SetSelectedAsync(string key, bool selected, long now);

    /// <summary>The keys of the selected images, visible or not (a hidden or deleted one is skipped by the draw).</summary>
    Task<IReadOnlyList<string>> SelectedKeysAsync();

    /// <summary>One selected image anyone may see, chosen at random; null when none is.</summary>
    Task<string?> RandomSelectedKeyAsync();
}
