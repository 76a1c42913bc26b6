using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Sightline.Uploads;

namespace Sightline.Import;

/// <summary>
/// Uploads a folder of JPEGs to a Sightline server: checks each photo's EXIF locally first, derives the
/// upload key from the file's content (so a rerun skips what is already there), and uploads in capture-time order per
/// camera, however the folder is laid out, so the server's sequence assembly sees one walk arrive in order. (Merging
/// sequences the server already cut, when a late photo bridges them, is the server's work: the importer only orders.)
/// </summary>
public sealed class PhotoImporter(HttpClient http, string clientId, string? project, GpxTrack? track, int jobs, TimeSpan timeOffset = default)
{
    private const int Attempts = 3;

    public enum Outcome { Uploaded, AlreadyThere, Skipped, Failed }

    public sealed record Result(string Path, Outcome Outcome, string? Reason);

    /// <summary>A photo that passed the local checks, with the query that fills in what its EXIF lacks.</summary>
    private sealed record Candidate(string Path, string UploadKey, string Query, string Camera, long CapturedAt);

    public static IReadOnlyList<string> FindPhotos(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(IsJpegName)
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The other files of the folder: skipped, and said so in the summary rather than silently ignored.</summary>
    public static IReadOnlyList<Result> FindOthers(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => !IsJpegName(f))
            .Order(StringComparer.Ordinal)
            .Select(f => new Result(f, Outcome.Skipped, $"not a JPEG ({(Path.GetExtension(f) is { Length: > 0 } e ? e : "no extension")})"))
            .ToList();

    private static bool IsJpegName(string file) => Path.GetExtension(file).ToLowerInvariant() is ".jpg" or ".jpeg";

    public async Task<IReadOnlyList<Result>> RunAsync(IReadOnlyList<string> files, Action<int, int> progress, CancellationToken cancellation)
    {
        var results = new ConcurrentBag<Result>();
        var candidates = new List<Candidate>();
        foreach (var file in files)
        {
            var (candidate, reason) = Check(file);
            if (candidate is null)
                results.Add(new Result(file, Outcome.Skipped, reason));
            else
                candidates.Add(candidate);
        }

        // Capture order per camera; Parallel.ForEachAsync starts them in this order, so at most `jobs` are out of order.
        candidates = candidates.OrderBy(c => c.Camera, StringComparer.Ordinal).ThenBy(c => c.CapturedAt).ThenBy(c => c.Path, StringComparer.Ordinal).ToList();
        var done = 0;
        progress(0, candidates.Count);
        await Parallel.ForEachAsync(candidates, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, jobs), CancellationToken = cancellation },
            async (candidate, token) =>
            {
                results.Add(await UploadAsync(candidate, token));
                progress(Interlocked.Increment(ref done), candidates.Count);
            });
        return results.OrderBy(r => r.Path, StringComparer.Ordinal).ToList();
    }

    private (Candidate?, string?) Check(string file)
    {
        PhotoMetadata? metadata;
        using (var header = File.OpenRead(file))
            metadata = PhotoMetadata.Read(header);
        if (metadata is null)
            return (null, "not a readable JPEG");
        var clock = CameraClock.Read(file, metadata, timeOffset);
        if (clock.CapturedAt is not { } capturedAt)
            return (null, "no capture time in EXIF (neither DateTimeOriginal nor GPSDateStamp+GPSTimeStamp)");
        // Sent always, so the GPS-time fallback and --time-offset reach the server too.
        var query = string.Create(CultureInfo.InvariantCulture, $"&captured_at={capturedAt}");
        if (metadata.Lat is null || metadata.Lon is null)
        {
            if (track is null)
                return (null, "no GPS position in EXIF (pass --gpx to geotag from a track)");
            if (track.PositionAt(capturedAt) is not { } position)
                return (null, "taken outside the GPX track's time span");
            query += string.Create(CultureInfo.InvariantCulture, $"&lat={position.Lat:R}&lon={position.Lon:R}");
        }
        using var stream = File.OpenRead(file);
        var key = Convert.ToHexStringLower(SHA256.HashData(stream)); // 64 characters: a valid upload key
        return (new Candidate(file, key, query, clock.Camera, capturedAt), null);
    }

    private async Task<Result> UploadAsync(Candidate photo, CancellationToken cancellation)
    {
        var path = $"/v2/me/uploads/images/{photo.UploadKey}?client_id={Uri.EscapeDataString(clientId)}" +
                   (project is null ? "" : $"&project={Uri.EscapeDataString(project)}");
        string? lastError = null;
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            try
            {
                // Resume: an upload the server already holds is not sent again.
                using (var known = await http.GetAsync(path, cancellation))
                    if (known.StatusCode == HttpStatusCode.OK)
                        return new Result(photo.Path, Outcome.AlreadyThere, null);

                using var content = new StreamContent(File.OpenRead(photo.Path));
                content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                using var response = await http.PostAsync(path + photo.Query, content, cancellation);
                if (response.StatusCode == HttpStatusCode.OK)
                    return new Result(photo.Path, Outcome.Uploaded, null);
                lastError = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellation)}";
                if (response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.InternalServerError))
                    break; // the server judged the photo or the request: retrying will not change that
                var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(attempt);
                await Task.Delay(wait, cancellation);
            }
            catch (HttpRequestException e)
            {
                lastError = e.Message;
                await Task.Delay(TimeSpan.FromSeconds(attempt), cancellation);
            }
        }
        return new Result(photo.Path, Outcome.Failed, lastError);
    }

    /// <summary>A one-line progress bar with rate and time left.</summary>
    public static string ProgressLine(int done, int total, Stopwatch clock)
    {
        const int width = 30;
        var filled = total == 0 ? width : done * width / total;
        var rate = clock.Elapsed.TotalSeconds > 0 ? done / clock.Elapsed.TotalSeconds : 0;
        var left = rate > 0 ? TimeSpan.FromSeconds((total - done) / rate) : (TimeSpan?)null;
        return string.Create(CultureInfo.InvariantCulture,
            $"[{new string('#', filled)}{new string('.', width - filled)}] {done}/{total}  {rate:F1} photos/s  ETA {(left is { } l ? l.ToString(@"h\:mm\:ss") : "?")}");
    }
}
