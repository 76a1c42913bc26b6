namespace Sightline.Search.Index;

/// <summary>A latitude/longitude box that does not cross the antimeridian; edges included.</summary>
public readonly record struct GeoBox(double MinLat, double MinLon, double MaxLat, double MaxLon)
{
    public static readonly GeoBox World = new(-90, -180, 90, 180);

    public bool Contains(double lat, double lon) => lat >= MinLat && lat <= MaxLat && lon >= MinLon && lon <= MaxLon;

    public bool Intersects(double minLat, double minLon, double maxLat, double maxLon) =>
        minLat <= MaxLat && maxLat >= MinLat && minLon <= MaxLon && maxLon >= MinLon;

    /// <summary>
    /// The boxes covering a request's box; one whose <paramref name="minLon"/> is east of
    /// <paramref name="maxLon"/> crosses the antimeridian and becomes two.
    /// </summary>
    public static IReadOnlyList<GeoBox> Covering(double minLat, double minLon, double maxLat, double maxLon) =>
        minLon <= maxLon
            ? [new GeoBox(minLat, minLon, maxLat, maxLon)]
            : [new GeoBox(minLat, minLon, maxLat, 180), new GeoBox(minLat, -180, maxLat, maxLon)];

    /// <summary>
    /// Boxes that surely contain every point within <paramref name="meters"/> of a centre on the sphere:
    /// the cap's latitude band, and its longitude extent asin(sin(d)/cos(lat)), whole when the cap
    /// reaches a pole, split when it crosses the antimeridian. A small margin covers rounding.
    /// </summary>
    public static IReadOnlyList<GeoBox> AroundPoint(double lat, double lon, double meters)
    {
        const double margin = 1e-9;
        var angular = meters / Geodesy.EarthRadiusMeters;
        var dLat = angular * 180 / Math.PI + margin;
        var minLat = lat - dLat;
        var maxLat = lat + dLat;
        if (minLat <= -90 || maxLat >= 90)
            return [new GeoBox(Math.Max(-90, minLat), -180, Math.Min(90, maxLat), 180)];
        var sinRatio = Math.Sin(angular) / Math.Cos(lat * Math.PI / 180);
        if (sinRatio >= 1)
            return [new GeoBox(minLat, -180, maxLat, 180)];
        var dLon = Math.Asin(sinRatio) * 180 / Math.PI + margin;
        var west = lon - dLon;
        var east = lon + dLon;
        if (west < -180)
            return Covering(minLat, west + 360, maxLat, east);
        if (east > 180)
            return Covering(minLat, west, maxLat, east - 360);
        return [new GeoBox(minLat, west, maxLat, east)];
    }
}

/// <summary>Great-circle distances and bearings; the one formula that filters, orders and answers.</summary>
public static class Geodesy
{
    public const double EarthRadiusMeters = 6_371_008.8;

    private const double Radians = Math.PI / 180;

    /// <summary>Haversine distance in metres on the mean-radius sphere (the one distance formula: searches, sequence gaps, statistics).</summary>
    public static double DistanceMeters(double lat1, double lon1, double lat2, double lon2) =>
        From(lat1, lon1).DistanceMeters(lat2, lon2);

    /// <summary>
    /// Initial great-circle bearing from the first point to the second, degrees clockwise from north in [0, 360): the
    /// direction a camera at the first point faces when it looks at the second. 0 when the points coincide.
    /// </summary>
    public static double BearingDegrees(double lat1, double lon1, double lat2, double lon2)
    {
        var dLon = (lon2 - lon1) * Radians;
        var y = Math.Sin(dLon) * Math.Cos(lat2 * Radians);
        var x = Math.Cos(lat1 * Radians) * Math.Sin(lat2 * Radians) - Math.Sin(lat1 * Radians) * Math.Cos(lat2 * Radians) * Math.Cos(dLon);
        var degrees = (Math.Atan2(y, x) / Radians + 360) % 360;
        return degrees >= 360 ? 0 : degrees; // -0.0...01 + 360 rounds to 360
    }

    /// <summary>A centre whose distances are measured many times (its cosine computed once): the same figures.</summary>
    public static Centre From(double lat, double lon) => new(lat, lon, Math.Cos(lat * Radians));

    public readonly record struct Centre(double Lat, double Lon, double CosLat)
    {
        public double DistanceMeters(double lat, double lon)
        {
            var sinLat = Math.Sin((lat - Lat) * Radians / 2);
            var sinLon = Math.Sin((lon - Lon) * Radians / 2);
            var a = sinLat * sinLat + CosLat * Math.Cos(lat * Radians) * sinLon * sinLon;
            return 2 * EarthRadiusMeters * Math.Asin(Math.Min(1, Math.Sqrt(a)));
        }
    }
}
