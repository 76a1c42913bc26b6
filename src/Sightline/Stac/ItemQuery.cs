using Sightline.Search.Index;

namespace Sightline.Stac;

/// <summary>The orders a STAC search can ask for (<c>sortby</c>); every one ends on the key, so paging is stable.</summary>
public enum ItemOrder { NewestFirst, OldestFirst, KeyAscending, KeyDescending, Nearest }

/// <summary>"Photos that look at this point" (Panoramax's place_position, place_distance and place_fov_tolerance).</summary>
public sealed record PlaceFilter(double Lon, double Lat, double MinMeters, double MaxMeters, double ToleranceDegrees);

/// <summary>A polygon as rings of (lon, lat), the first the outer boundary and the others holes.</summary>
public sealed record PolygonFilter(IReadOnlyList<(double Lon, double Lat)[]> Rings)
{
    public bool Contains(double lon, double lat)
    {
        if (!InRing(Rings[0], lon, lat))
            return false;
        for (var i = 1; i < Rings.Count; i++)
            if (InRing(Rings[i], lon, lat))
                return false;
        return true;
    }

    // Even-odd ray casting; points on the boundary may fall either way, as in most GIS.
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

/// <summary>A STAC item search, read from GET parameters or a POST body and checked, in domain terms.</summary>
public sealed record ItemQuery
{
    /// <summary>Boxes an image must lie in (any of them); null for anywhere.</summary>
    public IReadOnlyList<GeoBox>? Areas { get; init; }
    public PolygonFilter? Polygon { get; init; }
    /// <summary>An intersects Point: the photos taken exactly there.</summary>
    public (double Lon, double Lat)? Point { get; init; }
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
