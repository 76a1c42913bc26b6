using Sightline.Images;

namespace Sightline.Sequences;

/// <summary>An ordered, continuous run of one user's processed images.</summary>
public sealed record Sequence(long Id, string Key, long UserId, IReadOnlyList<Image> Images)
{
    /// <summary>The earliest capture time (spec §5 item 48).</summary>
    public long CapturedAt => Images.Min(i => i.CapturedAt);
}
