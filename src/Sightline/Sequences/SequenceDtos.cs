namespace Sightline.Sequences;

/// <summary>Wire shapes of <c>/v2/s</c> (spec §1.7 SQ, §3.2).</summary>
public static class SequenceDtos
{
    public sealed record Boundary(double MinLat, double MinLon, double MaxLat, double MaxLon);

    public sealed record Summary(string Key, long CapturedAt, IReadOnlyList<string> Keys, IReadOnlyList<double[]> Coords,
        IReadOnlyList<double?> Cas, Boundary Boundary);

    public sealed record FeatureCollection(string Type, bool More, IReadOnlyList<Feature> Features);

    public sealed record Feature(string Type, LineString Geometry, Properties Properties);

    /// <summary>A LineString with its <c>bbox</c> inside the geometry, as the spec places it for sequences.</summary>
    public sealed record LineString(string Type, IReadOnlyList<double[]> Coordinates, double[] Bbox);

    public sealed record Properties(string Key, long CapturedAt, IReadOnlyList<string> Keys, IReadOnlyList<double?> Cas, Boundary Boundary);

    public static Summary ToSummary(Sequence sequence) =>
        new(sequence.Key, sequence.CapturedAt, Keys(sequence), Coords(sequence), Cas(sequence), ToBoundary(sequence));

    public static FeatureCollection ToGeoJson(Sequence sequence)
    {
        var boundary = ToBoundary(sequence);
        var line = new LineString("LineString", Coords(sequence), [boundary.MinLon, boundary.MinLat, boundary.MaxLon, boundary.MaxLat]);
        var properties = new Properties(sequence.Key, sequence.CapturedAt, Keys(sequence), Cas(sequence), boundary);
        return new FeatureCollection("FeatureCollection", More: false, [new Feature("Feature", line, properties)]);
    }

    private static List<string> Keys(Sequence sequence) => sequence.Images.Select(i => i.Key).ToList();

    private static List<double[]> Coords(Sequence sequence) => sequence.Images.Select(i => new[] { i.Lon, i.Lat }).ToList();

    private static List<double?> Cas(Sequence sequence) => sequence.Images.Select(i => i.Ca).ToList();

    private static Boundary ToBoundary(Sequence sequence)
    {
        var (minLat, minLon, maxLat, maxLon) = sequence.Boundary;
        return new Boundary(minLat, minLon, maxLat, maxLon);
    }
}
