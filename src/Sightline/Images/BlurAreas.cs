using NetVips;
using Vips = NetVips.Image;

namespace Sightline.Images;

/// <summary>A rectangle to make unrecognizable, normalized to the upright image (0 to 1, top-left origin).</summary>
public sealed record BlurArea(double XMin, double YMin, double XMax, double YMax);

/// <summary>
/// Blurs rectangles of a decoded image beyond recognition: each is pixelated into coarse blocks (which destroys
/// the detail a gaussian blur alone can leave recoverable) and the blocks are then blurred so no edges remain.
/// </summary>
public static class BlurAreas
{
    // About this many blocks across the shorter side of a rectangle: a face or a plate keeps no readable feature.
    private const int BlocksAcross = 6;

    public static Vips Apply(Vips image, IReadOnlyList<BlurArea> areas)
    {
        var result = image.Copy();
        foreach (var area in areas)
        {
            var left = Math.Clamp((int)Math.Floor(area.XMin * image.Width), 0, image.Width - 1);
            var top = Math.Clamp((int)Math.Floor(area.YMin * image.Height), 0, image.Height - 1);
            var right = Math.Clamp((int)Math.Ceiling(area.XMax * image.Width), left + 1, image.Width);
            var bottom = Math.Clamp((int)Math.Ceiling(area.YMax * image.Height), top + 1, image.Height);
            var (width, height) = (right - left, bottom - top);

            using var region = result.ExtractArea(left, top, width, height);
            var block = Math.Max(1, Math.Min(width, height) / BlocksAcross);
            var columns = Math.Max(1, width / block);
            var rows = Math.Max(1, height / block);
            using var coarse = region.ThumbnailImage(columns, height: rows, size: Enums.Size.Force);
            using var blocks = coarse.Resize((double)width / columns, vscale: (double)height / rows, kernel: Enums.Kernel.Nearest);
            using var fitted = blocks.Embed(0, 0, width, height, extend: Enums.Extend.Copy);
            using var smooth = fitted.Gaussblur(Math.Max(0.5, block / 2.0));
            using var cast = smooth.Cast(result.Format);
            using var inserted = result.Insert(cast, left, top);
            var previous = result;
            result = inserted.CopyMemory(); // evaluate now, so the next rectangle does not stack a pipeline on this one
            previous.Dispose();
        }
        return result;
    }
}
