using System.Text.Json.Serialization;
using Sightline.Places;
using Sightline.Search.Index;

namespace Sightline.Search;

/// <summary>Wire shapes of the image searches (spec §1.7 IS, §3.7).</summary>
public static class SearchDtos
{
    /// <summary>The image summary, plus <c>sequence_key</c> as in <c>/v2/im</c>, plus <c>distance</c> on close searches only.</summary>
    public sealed record Image(
        string Key, float? Ca, long CapturedAt, double Lat, double Lon, string? Location, string User, string? SequenceKey,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Distance);

    public sealed record ImageList(bool More, IReadOnlyList<Image> Ims);

    public sealed record FeatureCollection(string Type, bool More, IReadOnlyList<Feature> Features);

    public sealed record Feature(string Type, Point Geometry, PointProperties Properties);

    public sealed record Point(string Type, double[] Coordinates);

    public sealed record PointProperties(float? Ca, string Key);

    public static Image ToImage(in IndexedImage image, ImageIndex index, double? distance = null) =>
        new(image.Key, image.CompassAngle is null ? null : image.Ca, image.CapturedAt, image.Lat, image.Lon, Gazetteer.Shared.LocationOf(image.Lat, image.Lon),
            index.Username(image.UserId), index.SequenceKey(image.SequenceId), distance);

    public static ImageList ToList(SearchPage page, ImageIndex index, bool withDistance = false) =>
        new(page.More, page.Hits.Select(hit => ToImage(hit.Image, index, withDistance ? hit.ShownDistance : null)).ToList());

    public static Feature ToFeature(in IndexedImage image) =>
        new("Feature", new Point("Point", [image.Lon, image.Lat]), new PointProperties(image.CompassAngle is null ? null : image.Ca, image.Key));

    public static FeatureCollection ToGeoJson(SearchPage page) =>
        new("FeatureCollection", page.More, page.Hits.Select(hit => ToFeature(hit.Image)).ToList());
}
