using Sightline.Places;

namespace Sightline.Images;

/// <summary>Wire shapes of <c>/v2/im</c> (spec §1.7 IS, §3.1).</summary>
public static class ImageDtos
{
    /// <summary>The image summary, plus <c>sequence_key</c> (ours) so a client can go on to the sequence.</summary>
    public sealed record Summary(double? Ca, long CapturedAt, string Key, double Lat, double Lon, string? Location, string User, string? SequenceKey);

    public sealed record FeatureCollection(string Type, IReadOnlyList<Feature> Features);

    public sealed record Feature(string Type, Point Geometry, PointProperties Properties);

    public sealed record Point(string Type, double[] Coordinates);

    public sealed record PointProperties(string Key, double? Ca);

    public static Summary ToSummary(Image image) =>
        new(image.Ca, image.CapturedAt, image.Key, image.Lat, image.Lon, Gazetteer.Shared.LocationOf(image.Lat, image.Lon), image.Username, image.SequenceKey);

    public static FeatureCollection ToGeoJson(Image image) =>
        new("FeatureCollection", [new Feature("Feature", new Point("Point", [image.Lon, image.Lat]), new PointProperties(image.Key, image.Ca))]);
}
