namespace Sightline.Processing;

/// <summary>What a job is for: an image's first thumbnails, or new ones after blurs were applied to it.</summary>
public enum JobKind { Derivatives, Rederivatives }

/// <summary>
/// The one durable queue of slow work. A job is claimed with a lease: when its worker (or its whole node) dies, the
/// lease runs out and another worker claims it again, so nothing is lost.
/// </summary>
public interface IJobQueue
{
    /// <summary>
    /// A claimed job and what its worker needs about the image; <see cref="Claim"/> identifies this claim. For
    /// re-derivations, the blurs to apply (JSON) and when they were decided.
    /// </summary>
    public sealed record Job(long Id, JobKind Kind, long ImageId, string ImageKey, string ContentHash, bool OriginalPresent,
        int DerivativeVersion, string Claim, string? BlurRects = null, long BlursUpdatedAt = 0);

    /// <summary>At start: puts back jobs (and images) this node's previous run left half-done; returns how many.</summary>
    Task<int> ReleaseAbandonedAsync();

    /// <summary>The oldest job that is queued or whose lease ran out, now leased for <paramref name="lease"/>; null when none.</summary>
    Task<Job?> ClaimAsync(TimeSpan lease, CancellationToken cancellation);

    /// <summary>Extends this claim's lease to <paramref name="lease"/> from now; false when the claim no longer holds the job.</summary>
    Task<bool> RenewAsync(Job job, TimeSpan lease);

    /// <summary>
    /// Marks the image done and places it in a sequence; false when the image was deleted meanwhile. Only the claim that
    /// holds the job finishes it: one whose lease ran out and that another worker claimed again changes nothing (true).
    /// </summary>
    Task<bool> CompleteAsync(Job job);

    /// <summary>
    /// Marks the image failed with <paramref name="reason"/> and removes the job, if this claim still holds it. Says whether
    /// it did, or the image was deleted meanwhile, or another worker claimed the job again after this claim's lease ran out
    /// (that claim finishes the image, and its thumbnails are its own).
    /// </summary>
    Task<Failure> FailAsync(Job job, string reason);

    public enum Failure { Recorded, ImageDeleted, ClaimedAgain }

    /// <summary>
    /// Switches the image to derivative set <paramref name="next"/> and marks its blurs applied; false when the image
    /// moved on meanwhile (deleted). The job stays when blurs were re-queued while it ran.
    /// </summary>
    Task<bool> CompleteRederivationAsync(Job job, int next);

    /// <summary>Removes the job without changing its image (a re-derivation that could not be done).</summary>
    Task DropAsync(Job job);
}
