namespace Sightline.Storage;

/// <summary>
/// The one change feed: tells cheaply whether anything was committed (by this node or another) since a caller last
/// looked, so in-memory copies (the application and token caches, the search index) can be trusted without asking the
/// tables; and which images changed, in commit order, for the search index.
/// </summary>
/// <remarks>
/// Read the epoch before reading the data it guards: a commit in between then moves the epoch past the one stored
/// with the copy. A commit made through this process is seen at once; one made elsewhere within a short interval
/// (<see cref="StorageOptions.ChangeProbeMilliseconds"/>).
/// </remarks>
public interface IChangeFeed
{
    /// <summary>A number that has grown if anything was committed since it was last read.</summary>
    long Epoch();

    /// <summary>The number of the last image change ever logged (0 when none).</summary>
    long LastImageChange();

    /// <summary>The number of the oldest image change still in the log (0 when the log is empty).</summary>
    long FirstImageChange();

    /// <summary>Image changes after <paramref name="after"/>, in order: the change's number and the image's id.</summary>
    IReadOnlyList<(long Seq, int ImageId)> ImageChangesAfter(long after);

    /// <summary>Forgets image changes up to <paramref name="upTo"/> (a snapshot holds them).</summary>
    void PruneImageChanges(long upTo);
}
