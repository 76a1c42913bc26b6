using NetVips;
using Vips = NetVips.Image;

namespace Sightline.Images;

/// <summary>Makes the public thumbnails of an original with libvips: autorotated, never upscaled, without metadata.</summary>
public sealed class Derivatives(ImageFiles files)
{
    // A box this tall never limits the height, so the requested size is the width.
    private const int Unbounded = 10_000_000;
    private const int Quality = 85;

    /// <summary>
    /// Decodes the whole file at the smallest scale the JPEG allows (cheap: the DCT does the shrinking)
    /// and says whether it decodes without truncation or corruption.
    /// </summary>
    public static bool IsDecodable(string path)
    {
        try
        {
            using var probe = Vips.Thumbnail(path, 32, height: Unbounded, size: Enums.Size.Down,
                failOn: Enums.FailOn.Truncated);
            using var pixels = probe.CopyMemory();
            return pixels.Width > 0;
        }
        catch (VipsException)
        {
            return false;
        }
    }

    /// <summary>Writes the four thumbnails of an image, each atomically.</summary>
    public void Make(string imageKey, string originalPath)
    {
        var largest = ImageFiles.ThumbnailWidths.Max();
        using var loaded = Vips.Thumbnail(originalPath, largest, height: Unbounded, size: Enums.Size.Down,
            failOn: Enums.FailOn.Truncated);
        using var biggest = loaded.CopyMemory();
        foreach (var width in ImageFiles.ThumbnailWidths)
        {
            using var sized = width >= biggest.Width ? biggest.Copy() : biggest.ThumbnailImage(width, height: Unbounded, size: Enums.Size.Down);
            var bytes = sized.JpegsaveBuffer(q: Quality, optimizeCoding: true, keep: Enums.ForeignKeep.None);
            files.WriteAtomically(files.ThumbnailPath(imageKey, width), bytes);
        }
    }
}
