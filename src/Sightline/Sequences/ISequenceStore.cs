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

    /// <summary>A sequence as its owner changes it: its id, key and the project it is private to (null when public).</summary>
    public sealed record Owned(long Id, string Key, long? ProjectId);

    /// <summary>
    /// The sequence with this key, owned by <paramref name="userId"/> and with at least one processed image, whatever its
    /// project; null otherwise. Whether the owner may still reach its project is the caller's to judge.
    /// </summary>
    Task<Owned?> FindOwnedAsync(string key, long userId);

    /// <summary>
    /// Makes the sequence and every image in it private to project <paramref name="to"/> (null: public), in one
    /// transaction, so no reader sees a sequence half moved. False, and nothing changed, when the sequence is no longer
    /// in the project it was read in (moved meanwhile) or is gone: matched by id and key, as SQLite gives the id of the
    /// newest sequence, once it is gone, to the next one made (perhaps another user's).
    /// </summary>
    Task<bool> MoveToProjectAsync(Owned sequence, long? to);
}
