using System.Diagnostics;
using NetVips;
using Sightline.Processing;
using Sightline.Storage;
using Vips = NetVips.Image;

namespace Sightline.Images;

/// <summary>Makes the public thumbnails of an original with libvips: autorotated, never upscaled, without metadata.</summary>
public sealed class Derivatives(IBlobStore blobs, PhotoThreads threads, ILogger<Derivatives> logger)
{
    // A box this tall never limits the height, so the requested size is the width.
    private const int Unbounded = 10_000_000;
    private const int Quality = 85;

    static Derivatives()
    {
        // libvips caches recent operations with their images (up to 100 MB and 100 operations by default). Every photo
        // is decoded once here, so the cache never hits and only keeps large pixel buffers alive between photos.
        Cache.Max = 0;
    }

    /// <summary>
    /// Writes the four thumbnails of an image read from <paramref name="source"/>, each atomically, as derivative set
    /// <paramref name="version"/>, with <paramref name="blurs"/> (normalized to the upright image) made unrecognizable in
    /// every size, and also whatever <paramref name="detect"/> finds in the upright image (faces); returns what it found.
    /// </summary>
    /// <remarks>
    /// With <paramref name="strict"/> the decode fails on any warning of the JPEG decoder (libvips <c>fail_on=warning</c>),
    /// so that damage is found: <see cref="IsMissingData"/> tells the warnings that mean pixels are missing from those a
    /// decoder survives unharmed, after which the caller may decode again without it.
    /// </remarks>
    public async Task<IReadOnlyList<BlurArea>> MakeAsync(string imageKey, Stream source, IReadOnlyList<BlurArea>? blurs = null, int version = 0,
        Func<Vips, IReadOnlyList<BlurArea>>? detect = null, bool strict = false)
    {
        // On a photo thread, not the request path's thread pool (PhotoThreads says why).
        var (found, thumbnails, stages) = await threads.RunAsync(() => Render(source, blurs, detect, strict));
        var writing = Stopwatch.GetTimestamp();
        for (var i = 0; i < thumbnails.Count; i++)
            await blobs.WriteAsync(ImageFiles.ThumbnailKey(imageKey, ImageFiles.ThumbnailWidths[i], version), thumbnails[i]);
        // Where a photo's time goes (issue 14), per stage, for profiling a burst: Logging:LogLevel:Sightline.Images=Debug.
        logger.LogDebug("Image {Image}: decode {Decode:F0} ms, detect {Detect:F0} ms, blur {Blur:F0} ms, resize and encode {Encode:F0} ms, write {Write:F0} ms",
            imageKey, stages.Decode, stages.Detect, stages.Blur, stages.Encode, Stopwatch.GetElapsedTime(writing).TotalMilliseconds);
        return found;
    }

    /// <summary>Milliseconds spent in each stage of <see cref="Render"/>.</summary>
    private readonly record struct Stages(double Decode, double Detect, double Blur, double Encode);

    /// <summary>
    /// Whether a strict decode failed because pixels are missing (a scan that ends early, a header that claims more pixels
    /// than the data holds: libjpeg's "premature end"), which would be published as grey, rather than over a warning a
    /// decoder survives unharmed (extraneous bytes before a marker, the SOS parameters some phones write).
    /// </summary>
    public static bool IsMissingData(VipsException error) => error.Message.Contains("premature end", StringComparison.OrdinalIgnoreCase);

    private static (IReadOnlyList<BlurArea> Found, List<byte[]> Thumbnails, Stages Stages) Render(Stream source, IReadOnlyList<BlurArea>? blurs,
        Func<Vips, IReadOnlyList<BlurArea>>? detect, bool strict)
    {
        var clock = Stopwatch.GetTimestamp();
        double Lap()
        {
            var now = Stopwatch.GetTimestamp();
            var elapsed = Stopwatch.GetElapsedTime(clock, now).TotalMilliseconds;
            clock = now;
            return elapsed;
        }
        var largest = ImageFiles.ThumbnailWidths.Max();
        // libvips reads its source a few KB at a time, each a call back into .NET and, on an unbuffered file, a system
        // call: read ahead in 64 KB. Not disposed here: the caller owns the source.
        var buffered = new BufferedStream(source, 1 << 16);
        // The loader takes the level through its option string; thumbnail's own fail_on does not reach a JPEG read from a stream.
        using var loaded = strict
            ? Vips.ThumbnailStream(buffered, largest, "fail_on=warning", height: Unbounded, size: Enums.Size.Down)
            : Vips.ThumbnailStream(buffered, largest, height: Unbounded, size: Enums.Size.Down, failOn: Enums.FailOn.Truncated);
        using var upright = loaded.CopyMemory();
        var decode = Lap();
        var found = detect?.Invoke(upright) ?? [];
        var detected = Lap();
        IReadOnlyList<BlurArea> all = [.. blurs ?? [], .. found];
        using var biggest = all.Count > 0 ? BlurAreas.Apply(upright, all) : upright.Copy();
        var blurred = Lap();
        var thumbnails = new List<byte[]>();
        foreach (var width in ImageFiles.ThumbnailWidths)
        {
            using var sized = width >= biggest.Width ? biggest.Copy() : biggest.ThumbnailImage(width, height: Unbounded, size: Enums.Size.Down);
            thumbnails.Add(sized.JpegsaveBuffer(q: Quality, optimizeCoding: true, keep: Enums.ForeignKeep.None));
        }
        return (found, thumbnails, new Stages(decode, detected, blurred, Lap()));
    }
}
