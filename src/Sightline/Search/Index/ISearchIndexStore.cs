namespace Sightline.Search.Index;

/// <summary>What the in-memory search index reads from the database: indexed images and the names it shows.</summary>
/// <remarks>
/// Indexed are processed images, but for hidden images of projects (hidden public images are kept, with
/// <see cref="IndexedImage.HiddenProject"/>, for their owners' hidden=true). Images whose key this server does not make are skipped.
/// </remarks>
public interface ISearchIndexStore
{
    /// <summary>Every indexed image, read consistently with the change number it is current to.</summary>
    (IndexedImage[] Items, int Count, long LastChange) ReadAll();

    /// <summary>The indexed images among these ids (ids not returned are not indexed, or gone).</summary>
    IReadOnlyList<IndexedImage> Read(IReadOnlyCollection<int> ids);

    /// <summary>The row ids of the images with these keys (a key no image has is left out).</summary>
    IReadOnlyList<int> IdsOfKeys(IReadOnlyCollection<string> keys);

    IEnumerable<(int Id, string Username)> Usernames();

    IEnumerable<(int Id, string Key)> SequenceKeys();

    string? Username(int userId);

    string? SequenceKey(int sequenceId);
}
