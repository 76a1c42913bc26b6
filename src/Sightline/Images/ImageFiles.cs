using Sightline.Storage;
using Sightline.Uploads;

namespace Sightline.Images;

/// <summary>The object keys of an image's files in the blob store, and their removal.</summary>
public sealed class ImageFiles(IBlobStore blobs, IUploadStore uploads)
{
    public static readonly IReadOnlyList<int> ThumbnailWidths = [320, 640, 1024, 2048];

    /// <summary>The original, named by its content hash so identical files are stored once.</summary>
    public static string OriginalKey(string contentHash) => $"{OriginalsPrefix}{contentHash[..2]}/{contentHash}.jpg";

    public const string OriginalsPrefix = "originals/";

    /// <summary>The content hash an original's key names; null for any other key (a stray file in the folder).</summary>
    public static string? ContentHashOf(string key)
    {
        var name = key[(key.LastIndexOf('/') + 1)..];
        return key.StartsWith(OriginalsPrefix, StringComparison.Ordinal) && name.Length == 64 + 4 && name.EndsWith(".jpg", StringComparison.Ordinal)
               && OriginalKey(name[..64]) == key
            ? name[..64]
            : null;
    }

    public static string DerivativePrefix(string imageKey) => $"derivatives/{imageKey[..2]}/{imageKey}/";

    /// <summary>
    /// A thumbnail of one set of derivatives: version 0 is made at ingest, each later version after blurs are applied,
    /// so a new set never overwrites the files the previous one is still serving.
    /// </summary>
    public static string ThumbnailKey(string imageKey, int width, int version = 0) =>
        DerivativePrefix(imageKey) + (version == 0 ? $"thumb-{width}.jpg" : $"thumb-{width}.v{version}.jpg");

    public Task DeleteDerivativesAsync(string imageKey) => blobs.DeletePrefixAsync(DerivativePrefix(imageKey));

    public async Task DeleteThumbnailsAsync(string imageKey, int version)
    {
        foreach (var width in ThumbnailWidths)
            await blobs.DeleteAsync(ThumbnailKey(imageKey, width, version));
    }

    /// <summary>
    /// Deletes the original a removal holds (<see cref="IUploadStore.Removed.Original"/>) and gives the hold back; nothing
    /// when <paramref name="removal"/> is null (some upload still needs the file).
    /// </summary>
    public async Task RemoveOriginalAsync(IUploadStore.OriginalHold? removal)
    {
        if (removal is null)
            return;
        await blobs.DeleteAsync(OriginalKey(removal.ContentHash));
        await uploads.ReleaseAsync(removal);
    }
}
