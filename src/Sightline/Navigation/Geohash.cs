using Sightline.Search.Index;

namespace Sightline.Navigation;

/// <summary>
/// Geohashes (base-32, alternating longitude and latitude bits), the tiles mapillary-js 1.x asks for by name at
/// precision 7 (about 153 × 153 m at the equator). No package on the mirror provides them; the algorithm is a few lines.
/// </summary>
public static class Geohash
{
    private const string Alphabet = "0123456789bcdefghjkmnpqrstuvwxyz";

    public static bool IsValid(string hash) => hash.Length is > 0 and <= 12 && hash.All(c => Alphabet.Contains(c));

    public static string Encode(double lat, double lon, int precision)
    {
        double minLat = -90, maxLat = 90, minLon = -180, maxLon = 180;
        var chars = new char[precision];
        var evenBit = true; // the first bit halves longitude
        for (var i = 0; i < precision; i++)
        {
            var index = 0;
            for (var bit = 0; bit < 5; bit++)
            {
                index <<= 1;
                if (evenBit)
                {
                    var middle = (minLon + maxLon) / 2;
                    if (lon >= middle) { index |= 1; minLon = middle; } else maxLon = middle;
                }
                else
                {
                    var middle = (minLat + maxLat) / 2;
                    if (lat >= middle) { index |= 1; minLat = middle; } else maxLat = middle;
                }
                evenBit = !evenBit;
            }
            chars[i] = Alphabet[index];
        }
        return new string(chars);
    }

    /// <summary>The cell a valid hash names.</summary>
    public static GeoBox Bounds(string hash)
    {
        double minLat = -90, maxLat = 90, minLon = -180, maxLon = 180;
        var evenBit = true;
        foreach (var c in hash)
        {
            var index = Alphabet.IndexOf(c);
            for (var bit = 4; bit >= 0; bit--)
            {
                var set = ((index >> bit) & 1) == 1;
                if (evenBit)
                {
                    var middle = (minLon + maxLon) / 2;
                    if (set) minLon = middle; else maxLon = middle;
                }
                else
                {
                    var middle = (minLat + maxLat) / 2;
                    if (set) minLat = middle; else maxLat = middle;
                }
                evenBit = !evenBit;
            }
        }
        return new GeoBox(minLat, minLon, maxLat, maxLon);
    }
}
