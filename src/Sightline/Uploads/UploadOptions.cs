namespace Sightline.Uploads;

/// <summary>Limits on uploaded photos (configuration section <c>Uploads</c>).</summary>
public sealed class UploadOptions
{
    public long MaxBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Decompression-bomb guard, checked from the JPEG header before any decoding.</summary>
    public long MaxPixels { get; set; } = 100_000_000;
    public int MaxSide { get; set; } = 30_000;

    /// <summary>How long a signed upload policy from <c>/v2/me/uploads/secrets</c> stays valid.</summary>
    public double PolicyLifetimeHours { get; set; } = 24;
}
