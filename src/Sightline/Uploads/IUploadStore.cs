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
    /// Records the upload, its image (state received) and the job that will process it, in one transaction.
    /// When the key is already taken (a concurrent retry), returns the upload that holds it instead.
    /// </summary>
    Task<Upload> AddAsync(long userId, string uploadKey, NewImage photo);

    /// <summary>Removes an upload and its image (rows only); returns what was removed so its files can go too.</summary>
    Task<Upload?> DeleteAsync(long userId, string uploadKey);

    /// <summary>Marks the upload's original as removed; returns the upload, or null when there is none.</summary>
    Task<Upload?> ForgetOriginalAsync(long userId, string uploadKey);

    /// <summary>Every upload key of a user (account deletion removes them one by one, files included).</summary>
    Task<IReadOnlyList<string>> KeysOfUserAsync(long userId);

    /// <summary>Of <paramref name="contentHashes"/>, those some upload still needs (the start-up sweep of orphaned originals).</summary>
    Task<IReadOnlySet<string>> OriginalsInUseAsync(IReadOnlyCollection<string> contentHashes);

    /// <summary>True when some upload still needs the original with this hash (identical files are stored once).</summary>
    Task<bool> IsOriginalInUseAsync(string contentHash);

    Task<IReadOnlyDictionary<string, long>> CountByStateAsync(long userId);

    Task<IReadOnlyList<Failure>> RecentFailuresAsync(long userId, int limit);
}
