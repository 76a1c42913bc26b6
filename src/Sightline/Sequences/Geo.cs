namespace Sightline.Sequences;

/// <summary>Distances on the WGS84 sphere approximation, good to well under a percent at street scale.</summary>
public static class Geo
{
    private const double EarthRadiusMeters = 6_371_008.8;

    public static double DistanceMeters(double lat1, double lon1, double lat2, double lon2)
    {
        static double Radians(double degrees) => degrees * Math.PI / 180;
        var dLat = Radians(lat2 - lat1);
        var dLon = Radians(lon2 - lon1);
        var a = Math.Pow(Math.Sin(dLat / 2), 2) + Math.Cos(Radians(lat1)) * Math.Cos(Radians(lat2)) * Math.Pow(Math.Sin(dLon / 2), 2);
        return 2 * EarthRadiusMeters * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }
}
