using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Sightline.Contract;
using Sightline.Images;
using Sightline.Processing;
using Sightline.Projects;
using Sightline.Storage;

namespace Sightline.Uploads;

/// <summary>
/// Takes an uploaded JPEG from the request to a durable original and database rows; the answer
/// is sent only after both are on disk, and the slow work is left to the job queue.
/// </summary>
public sealed class UploadReceiver(
    IUploadStore uploads, IProjectStore projects, ScratchFiles scratch, IBlobStore blobs, ImageFiles files, JobSignal signal, IOptions<UploadOptions> options)
{
    private readonly UploadOptions limits = options.Value;

    /// <summary>
    /// Receives the body of <paramref name="request"/> as upload <paramref name="uploadKey"/>, private to the project
    /// <paramref name="projectKey"/> when one is given; returns the image key.
    /// </summary>
    public async Task<string> ReceiveAsync(
        long userId, string uploadKey, string? projectKey, PhotoParameters given, HttpRequest request, CancellationToken cancellation,
        long? maxBytes = null)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("image/jpeg", StringComparison.OrdinalIgnoreCase))
            throw ApiException.Invalid("Content-Type", "must be image/jpeg, with the JPEG file as the request body");
        var limit = Math.Min(limits.MaxBytes, maxBytes ?? long.MaxValue);
        if (request.ContentLength > limit)
            throw TooLarge(limit);

        using var temp = scratch.Create();
        var (hash, size) = await SaveBodyAsync(request.Body, temp, limit, cancellation);
        if (size == 0)
            throw ApiException.Missing("body (the JPEG file)");

        if (await uploads.FindAsync(userId, uploadKey) is { } earlier)
        {
            var imageKey = SameBytesOrRefuse(earlier, hash);
            await CheckProjectAsync(earlier, projectKey, userId);
            // Nor is a replay acknowledged with a position or time other than the photo was stored with: the client would
            // believe its correction applied.
            Stored("lat", given.Lat, earlier.Lat);
            Stored("lon", given.Lon, earlier.Lon);
            Stored("ca", given.Ca, earlier.Ca);
            Stored("captured_at", given.CapturedAt, earlier.CapturedAt);
            return imageKey;
        }

        IUploadStore.NewImage inspected;
        using (Observability.PhotoWarnings.About($"upload {uploadKey} of user {userId}"))
            inspected = Inspect(temp, hash, size, given);
        var photo = inspected with { ProjectId = await ProjectIdAsync(projectKey, userId) };
        var hold = await HoldOriginalAsync(hash, cancellation);
        IUploadStore.Upload upload;
        try
        {
            await blobs.AddFileAsync(ImageFiles.OriginalKey(hash), temp.Path, cancellation);
            upload = await uploads.AddAsync(userId, uploadKey, photo, hold);
        }
        catch (ApiException)
        {
            // Refused (the account went meanwhile): the file put for it goes too, unless another upload has the same bytes.
            await uploads.ReleaseAsync(hold);
            foreach (var removal in await uploads.HoldUnusedAsync([hash]))
                await files.RemoveOriginalAsync(removal);
            throw;
        }
        catch
        {
            await uploads.ReleaseAsync(hold);
            throw;
        }
        signal.Notify();
        Observability.SightlineMeter.UploadedPhotos.Add(1);
        Observability.SightlineMeter.UploadedBytes.Add(size);
        return SameBytesOrRefuse(upload, hash);
    }

    /// <summary>
    /// Holds the original with this content for the upload about to put it, waiting while the deletion of the last upload
    /// of the same bytes removes the file (milliseconds; at most <see cref="IUploadStore.RemovalHoldLifetime"/> after a
    /// process died in one): a file put before that deletion ended could be deleted under an acknowledged upload.
    /// </summary>
    private async Task<IUploadStore.OriginalHold> HoldOriginalAsync(string hash, CancellationToken cancellation)
    {
        while (true)
        {
            if (await uploads.HoldForUploadAsync(hash) is { } hold)
                return hold;
            await Task.Delay(RemovalPoll, cancellation);
        }
    }

    private static readonly TimeSpan RemovalPoll = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Refuses a request about an existing upload that names another project than the one its photo is in (or names one
    /// while it is public): "ok" to a replay into a project while the photo is public would tell the client a public photo
    /// is private, and an importer asking whether its upload is there must hear that it is not there as asked.
    /// </summary>
    public async Task CheckProjectAsync(IUploadStore.Upload earlier, string? projectKey, long userId)
    {
        if (await ProjectIdAsync(projectKey, userId) != earlier.ProjectId)
            throw ApiException.Invalid("project", earlier.ProjectId is null
                ? "differs from where this upload key's photo already is (public): send it under a new key to upload it into a project"
                : "differs from the project this upload key's photo is already in: send it under a new key, or move its sequence");
    }

    // Parameters are judged before objects (CONTRACT.md §4), so the project is looked up only once the photo passed.
    private async Task<long?> ProjectIdAsync(string? projectKey, long userId)
    {
        if (projectKey is null)
            return null;
        var project = await projects.FindAsync(projectKey);
        if (project is null || !await projects.IsMemberAsync(project.Id, userId))
            throw ApiException.NotFound($"Project '{projectKey}'");
        return project.Id;
    }

    private static void Stored(string name, double? given, double? stored)
    {
        if (given is { } value && value != stored)
            throw ApiException.Invalid(name, "differs from what this upload key's photo was stored with: a replay cannot change it; send the photo under a new key");
    }

    private static string SameBytesOrRefuse(IUploadStore.Upload upload, string hash) =>
        upload.ContentHash == hash
            ? upload.ImageKey
            : throw ApiException.Invalid("key", "was already used for an upload of other bytes; choose another key for another photo");

    private static ApiException TooLarge(long limit) => ApiException.Invalid("body", $"must be at most {limit} bytes");

    // Streams the body to a synced temp file, hashing as it goes, and stops as soon as the limit is passed.
    private static async Task<(string Hash, long Size)> SaveBodyAsync(Stream body, ScratchFile temp, long limit, CancellationToken cancellation)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long size = 0;
        await using (var file = temp.OpenWrite())
        {
            int read;
            while ((read = await body.ReadAsync(buffer, cancellation)) > 0)
            {
                size += read;
                if (size > limit)
                    throw TooLarge(limit);
                sha.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellation);
            }
            file.Flush(flushToDisk: true);
        }
        return (Convert.ToHexStringLower(sha.GetHashAndReset()), size);
    }

    // Header first (cheap, and the only safe place to catch a decompression bomb), then position, then the structure from start to end (a read, not a
    // decode: the worker decodes once, for the thumbnails).
    private IUploadStore.NewImage Inspect(ScratchFile file, string hash, long size, PhotoParameters given)
    {
        PhotoMetadata? read;
        using (var stream = file.OpenRead())
            read = PhotoMetadata.Read(stream);
        var metadata = read
            ?? throw ApiException.Invalid("body", "must be a JPEG image (its header could not be read)");
        if (metadata.Width <= 0 || metadata.Height <= 0)
            throw ApiException.Invalid("body", $"must be a JPEG whose header gives it a size (this one says {metadata.Width}x{metadata.Height})");
        if (metadata.Width > limits.MaxSide || metadata.Height > limits.MaxSide
            || (long)metadata.Width * metadata.Height > limits.MaxPixels)
            throw ApiException.Invalid("body",
                $"must be a JPEG of at most {limits.MaxSide} pixels a side and {limits.MaxPixels} pixels in all (this one says {metadata.Width}x{metadata.Height})");

        var lat = given.Lat ?? metadata.Lat;
        var lon = given.Lon ?? metadata.Lon;
        if (lat is null)
            throw ApiException.Missing("lat (the photo has no GPS position in its EXIF; pass lat and lon)");
        if (lon is null)
            throw ApiException.Missing("lon (the photo has no GPS position in its EXIF; pass lat and lon)");
        var capturedAt = given.CapturedAt ?? metadata.CapturedAt
            ?? throw ApiException.Missing("captured_at (the photo has no readable DateTimeOriginal or GPS time in its EXIF; pass captured_at in epoch milliseconds)");

        if (!JpegStructure.IsComplete(file.Path))
            throw ApiException.Invalid("body", "must be a complete JPEG image that decodes (this one is truncated or corrupt)");
        return new IUploadStore.NewImage(null, hash, size, lat.Value, lon.Value, given.Ca ?? metadata.Ca, capturedAt,
            metadata.Orientation, metadata.Width, metadata.Height, metadata.Camera);
    }
}
