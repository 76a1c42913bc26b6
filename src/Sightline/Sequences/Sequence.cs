using Sightline.Images;
using Sightline.Search.Index;

namespace Sightline.Sequences;

/// <summary>An ordered, continuous run of one user's processed images.</summary>
public sealed record Sequence(long Id, string Key, long UserId, IReadOnlyList<Image> Images)
{
    /// <summary>The earliest capture time (spec §5 item 48).</summary>
    public long CapturedAt => Images.Min(i => i.CapturedAt);

    public (double MinLat, double MinLon, double MaxLat, double MaxLon) Boundary =>
        (Images.Min(i => i.Lat), Images.Min(i => i.Lon), Images.Max(i => i.Lat), Images.Max(i => i.Lon));

    /// <summary>The length of the path through the images in order, in meters.</summary>
    public double LengthMeters =>
        Images.Zip(Images.Skip(1), (a, b) => Geodesy.DistanceMeters(a.Lat, a.Lon, b.Lat, b.Lon)).Sum();
}
