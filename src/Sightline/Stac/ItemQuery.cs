using Sightline.Search.Index;

namespace Sightline.Stac;

/// <summary>The orders a STAC search can ask for (<c>sortby</c>); every one ends on the key, so paging is stable.</summary>
public enum ItemOrder { NewestFirst, OldestFirst, KeyAscending, KeyDescending, Nearest }

/// <summary>"Photos that look at this point" (Panoramax's place_position, place_distance and place_fov_tolerance).</summary>
public sealed record PlaceFilter(double Lon, double Lat, double MinMeters, double MaxMeters, double ToleranceDegrees);

/// <summary>A polygon as rings of (lon, lat), the first the outer boundary and the others holes.</summary>
public sealed record PolygonFilter(IReadOnlyList<(double Lon, double Lat)[]> Rings)
{
    /// <summary>
    /// True for a point the polygon intersects: inside it, or on any of its rings (a boundary belongs to the polygon, as a
    /// bbox's edges do; ray casting alone would keep a point on the west edge and drop one on the east).
    /// </summary>
    public bool Contains(double lon, double lat)
    {
        if (Rings.Any(ring => GeometryFilter.OnLine(ring, lon, lat)))
            return true;
        if (!InRing(Rings[0], lon, lat))
            return false;
        for (var i = 1; i < Rings.Count; i++)
            if (InRing(Rings[i], lon, lat))
                return false;
        return true;
    }

    // Even-odd ray casting, for points off the boundary.
    private static bool InRing((double Lon, double Lat)[] ring, double lon, double lat)
    {
        var inside = false;
        for (int i = 0, j = ring.Length - 1; i < ring.Length; j = i++)
        {
            var (xi, yi) = ring[i];
            var (xj, yj) = ring[j];
            if ((yi > lat) != (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi)
                inside = !inside;
        }
        return inside;
    }
}

/// <summary>
/// An <c>intersects</c> geometry of any GeoJSON type, as the photos (points) it touches: inside a polygon, on a line, at a
/// point (within a billionth of a degree). Each part's box narrows the index's scan.
/// </summary>
public sealed record GeometryFilter(
    IReadOnlyList<PolygonFilter> Polygons, IReadOnlyList<(double Lon, double Lat)[]> Lines, IReadOnlyList<(double Lon, double Lat)> Points)
{
    private const double Tolerance = 1e-9;

    public bool Contains(double lon, double lat) =>
        Points.Any(p => Math.Abs(p.Lon - lon) <= Tolerance && Math.Abs(p.Lat - lat) <= Tolerance)
        || Polygons.Any(polygon => polygon.Contains(lon, lat))
        || Lines.Any(line => OnLine(line, lon, lat));

    public IReadOnlyList<GeoBox> Boxes() =>
    [
        .. Points.Select(p => new GeoBox(p.Lat - Tolerance, p.Lon - Tolerance, p.Lat + Tolerance, p.Lon + Tolerance)),
        .. Polygons.Select(p => BoxOf(p.Rings[0])),
        .. Lines.Select(BoxOf),
    ];

    private static GeoBox BoxOf((double Lon, double Lat)[] positions) =>
        new(positions.Min(p => p.Lat) - Tolerance, positions.Min(p => p.Lon) - Tolerance, positions.Max(p => p.Lat) + Tolerance, positions.Max(p => p.Lon) + Tolerance);

    /// <summary>On one of the line's segments: inside its box (widened by the tolerance) and within the tolerance of its line.</summary>
    public static bool OnLine((double Lon, double Lat)[] line, double lon, double lat)
    {
        for (var i = 1; i < line.Length; i++)
        {
            var (x1, y1) = line[i - 1];
            var (x2, y2) = line[i];
            if (lon < Math.Min(x1, x2) - Tolerance || lon > Math.Max(x1, x2) + Tolerance || lat < Math.Min(y1, y2) - Tolerance || lat > Math.Max(y1, y2) + Tolerance)
                continue;
            var length = Math.Sqrt((x2 - x1) * (x2 - x1) + (y2 - y1) * (y2 - y1));
            var off = length == 0 ? Math.Sqrt((lon - x1) * (lon - x1) + (lat - y1) * (lat - y1)) : Math.Abs((x2 - x1) * (y1 - lat) - (x1 - lon) * (y2 - y1)) / length;
            if (off <= Tolerance)
                return true;
        }
        return false;
    }
}

/// <summary>A STAC item search, read from GET parameters or a POST body and checked, in domain terms.</summary>
public sealed record ItemQuery
{
    /// <summary>Boxes an image must lie in (any of them); null for anywhere.</summary>
    public IReadOnlyList<GeoBox>? Areas { get; init; }
    /// <summary>The intersects geometry; null for none.</summary>
    public GeometryFilter? Geometry { get; init; }
    public long? From { get; init; }
    public long? To { get; init; }
    public IReadOnlySet<string>? Ids { get; init; }
    /// <summary>The sequence keys asked for; null for any sequence.</summary>
    public IReadOnlyList<string>? Collections { get; init; }
    public Cql2? Filter { get; init; }
    public PlaceFilter? Place { get; init; }
    public ItemOrder Order { get; init; } = ItemOrder.NewestFirst;
    public int Offset { get; init; }
    public int Limit { get; init; } = 10;
}
