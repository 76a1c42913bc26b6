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

    /// <summary>
    /// What the wire shapes of a sequence show: its key, capture time (its earliest image, spec §5 item 48), its owner's
    /// username and its visible photos in order. Made from a stored <see cref="Sequence"/>, or by a search from memory.
    /// </summary>
    public sealed record Line(string Key, long CapturedAt, string Username, IReadOnlyList<Point> Photos);

    /// <summary>One photo of a <see cref="Line"/>: its key, place and compass angle (null when unknown).</summary>
    public readonly record struct Point(string Key, double Lat, double Lon, double? Ca);

    public static Line LineOf(Sequence sequence) =>
        new(sequence.Key, sequence.CapturedAt, sequence.Images[0].Username, sequence.Images.Select(i => new Point(i.Key, i.Lat, i.Lon, i.Ca)).ToList());

    public static Summary ToSummary(Sequence sequence) => ToSummary(LineOf(sequence));

    public static FeatureCollection ToGeoJson(Sequence sequence) => ToGeoJson(LineOf(sequence));

    public static Summary ToSummary(Line line) =>
        new(line.Key, line.CapturedAt, Keys(line), Coords(line), Cas(line), ToBoundary(line));

    public static FeatureCollection ToGeoJson(Line sequence)
    {
        var boundary = ToBoundary(sequence);
        var line = new LineString("LineString", Path(sequence), [boundary.MinLon, boundary.MinLat, boundary.MaxLon, boundary.MaxLat]);
        var properties = new Properties(sequence.Key, sequence.CapturedAt, Keys(sequence), Cas(sequence), boundary);
        return new FeatureCollection("FeatureCollection", More: false, [new Feature("Feature", line, properties)]);
    }

    private static List<string> Keys(Line line) => line.Photos.Select(p => p.Key).ToList();

    private static List<double[]> Coords(Line line) => line.Photos.Select(p => new[] { p.Lon, p.Lat }).ToList();

    // A GeoJSON LineString holds two or more positions (RFC 7946 §3.1.4): a sequence of one photo is drawn as that position
    // twice, so validators and map libraries take it; its keys and angles (properties) still list the one photo.
    private static List<double[]> Path(Line line)
    {
        var coordinates = Coords(line);
        if (coordinates.Count == 1)
            coordinates.Add(coordinates[0]);
        return coordinates;
    }

    private static List<double?> Cas(Line line) => line.Photos.Select(p => p.Ca).ToList();

    private static Boundary ToBoundary(Line line) =>
        new(line.Photos.Min(p => p.Lat), line.Photos.Min(p => p.Lon), line.Photos.Max(p => p.Lat), line.Photos.Max(p => p.Lon));
}
