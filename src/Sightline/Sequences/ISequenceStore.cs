using Sightline.Images;

namespace Sightline.Sequences;

/// <summary>Reads sequences with their processed images.</summary>
public interface ISequenceStore
{
    /// <summary>The sequence with this key, at least one processed image, and visible to <paramref name="viewer"/>; null otherwise.</summary>
    Task<Sequence?> FindVisibleAsync(string key, Viewer viewer);

    /// <summary>A sequence matched by a search: its key, owner and capture time (its earliest processed image).</summary>
    public sealed record Candidate(long Id, string Key, long UserId, long CapturedAt);

    /// <summary>The sequences with these ids, in no particular order.</summary>
    Task<IReadOnlyList<Candidate>> CandidatesAsync(IReadOnlyCollection<int> ids);
}
