using Sightline.Images;

namespace Sightline.Uploads;

/// <summary>Records uploads and the images they make, and answers the uploader's bookkeeping questions.</summary>
public interface IUploadStore
{
    /// <summary>
    /// An upload as its uploader knows it: their key, the bytes it carried, the image it made, the project that image is in
    /// now (<see cref="ProjectId"/>, null when it is public) and where and when it was taken as stored.
    /// </summary>
    public sealed record Upload(long Id, string UploadKey, string ContentHash, long ImageId, string ImageKey, long OriginalPresent, string ImageState, string? Failure,
        long? ProjectId, double Lat, double Lon, double? Ca, long CapturedAt);

    /// <summary>A photo ready to be recorded: its file is already durable under its content hash.</summary>
    public sealed record NewImage(long? ProjectId, string ContentHash, long Size, double Lat, double Lon, double? Ca, long CapturedAt, int Orientation, int Width, int Height,
        Camera Camera);

    /// <summary>
    /// A hold on an original (identical files are stored once, under their content hash): an upload's, taken before it puts
    /// the file and given back in the transaction that records it, or a removal's, taken in the transaction that left the
    /// original unused and given back once its file is deleted. A removal is not taken while an upload holds the original,
    /// and an upload waits while a removal holds it, so a file put for an upload is never deleted by a removal decided
    /// before that upload was recorded (a re-upload of the same bytes racing the deletion of their last upload).
    /// </summary>
    public sealed record OriginalHold(long Id, string ContentHash);

    /// <summary>
    /// Holds left by a process that died are ignored after these times: a removal deletes one file (seconds at most); an
    /// upload puts one file it already has on local disk.
    /// </summary>
    public static readonly TimeSpan RemovalHoldLifetime = TimeSpan.FromMinutes(2), UploadHoldLifetime = TimeSpan.FromMinutes(15);

    /// <summary>
    /// What a deletion (or the removal of an upload's original) did: <see cref="Original"/> is the removal's hold when no
    /// upload needs the original any more; the caller deletes the file and then gives the hold back.
    /// </summary>
    public sealed record Removed(Upload Upload, OriginalHold? Original);

    public sealed record Failure
    {
        public string UploadKey { get; init; } = "";
        public string ImageKey { get; init; } = "";
        public string Reason { get; init; } = "";
        public long At { get; init; }
    }

    Task<Upload?> FindAsync(long userId, string uploadKey);

    /// <summary>The user's upload that made the image with this key; null when the image is not one of their uploads.</summary>
    Task<Upload?> FindByImageAsync(long userId, string imageKey);

    /// <summary>
    /// Holds the original with this hash for an upload about to put its file; null while a removal holds it (its file may
    /// be deleted at any moment: ask again once it is done).
    /// </summary>
    Task<OriginalHold?> HoldForUploadAsync(string contentHash);

    /// <summary>
    /// Records the upload, its image (state received) and the job that will process it, and gives back the upload's
    /// <paramref name="hold"/> on its original, in one transaction. When the key is already taken (a concurrent retry),
    /// returns the upload that holds it instead (the hold is given back all the same). Refuses (401 <c>user_not_authenticated</c>)
    /// when the account was disabled or deleted meanwhile: account deletion relies on it to find every photo it must delete.
    /// </summary>
    Task<Upload> AddAsync(long userId, string uploadKey, NewImage photo, OriginalHold hold);

    /// <summary>Gives back a hold (an upload that failed before it was recorded, a removal whose file is deleted).</summary>
    Task ReleaseAsync(OriginalHold hold);

    /// <summary>Removes an upload and its image (rows only); returns what was removed so its files can go too.</summary>
    Task<Removed?> DeleteAsync(long userId, string uploadKey);

    /// <summary>Marks the upload's original as removed; null when there is no such upload.</summary>
    Task<Removed?> ForgetOriginalAsync(long userId, string uploadKey);

    /// <summary>Every upload key of a user (account deletion removes them one by one, files included).</summary>
    Task<IReadOnlyList<string>> KeysOfUserAsync(long userId);

    /// <summary>
    /// Removal holds on those of <paramref name="contentHashes"/> no upload needs or holds (the start-up sweep of orphaned
    /// originals): the caller deletes their files and gives the holds back.
    /// </summary>
    Task<IReadOnlyList<OriginalHold>> HoldUnusedAsync(IReadOnlyCollection<string> contentHashes);

    /// <summary>
    /// Drops the removal holds older than <see cref="RemovalHoldLifetime"/> (their process died between committing a
    /// deletion and removing the original) and returns their content hashes, for the caller to finish through
    /// <see cref="HoldUnusedAsync"/>.
    /// </summary>
    Task<IReadOnlyList<string>> DropExpiredRemovalHoldsAsync();

    Task<IReadOnlyDictionary<string, long>> CountByStateAsync(long userId);

    Task<IReadOnlyList<Failure>> RecentFailuresAsync(long userId, int limit);
}
