using Dapper;
using Microsoft.Extensions.Options;
using Sightline.Blurs.Detection;
using Sightline.Images;
using Sightline.Storage;
using Vips = NetVips.Image;

namespace Sightline.Blurs;

/// <summary>Settings of the blurs made at ingest (configuration section <c>Blurs</c>).</summary>
public sealed class BlurOptions
{
    /// <summary>Look for faces in every new photo and blur them in its thumbnails from the start.</summary>
    public bool DetectFaces { get; set; } = true;

    /// <summary>
    /// The width the detector scans at (photos are shrunk to it first). The cascade's window is 24 pixels, so faces
    /// narrower than about 24/DetectionWidth of the photo's width are missed; wider scans cost time at ingest.
    /// </summary>
    public int DetectionWidth { get; set; } = 1024;
}

/// <summary>
/// Faces found at ingest: blurred in the very first thumbnails, and recorded as the image's blurs in effect with no
/// deciding user (spec §3.1: <c>user</c> null means the automatic default), already applied.
/// </summary>
public sealed class AutomaticBlurs(IOptions<BlurOptions> options, Database database, TimeProvider clock, ILogger<AutomaticBlurs> logger)
{
    private readonly Lazy<FaceDetector> faces = new(() => new FaceDetector());

    /// <summary>The detector for <see cref="Derivatives.Make"/>, collecting what it finds into <paramref name="found"/>; null when switched off.</summary>
    public Func<Vips, IReadOnlyList<BlurArea>>? DetectorInto(List<Blur> found)
    {
        if (!options.Value.DetectFaces)
            return null;
        return image =>
        {
            var blurs = faces.Value.Detect(image, options.Value.DetectionWidth);
            found.AddRange(blurs);
            return blurs.Select(b => new BlurArea(b.XMin, b.YMin, b.XMax, b.YMax)).ToList();
        };
    }

    /// <summary>Records what the detector found as the image's blurs in effect (before the image becomes visible).</summary>
    public async Task RecordAsync(long imageId, IReadOnlyList<Blur> found)
    {
        if (found.Count == 0)
            return;
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO image_blurs (image_id, rects, decided_by, applied, updated_at)
            SELECT @imageId, @rects, NULL, 1, @now WHERE EXISTS (SELECT 1 FROM images WHERE id = @imageId) -- deleted meanwhile: nothing to record
            ON CONFLICT (image_id) DO NOTHING
            """, new { imageId, rects = Blur.ToJson(found), now = clock.GetUtcNow().ToUnixTimeMilliseconds() });
        logger.LogInformation("Blurred {Count} detected faces in image {ImageId}", found.Count, imageId);
    }
}
