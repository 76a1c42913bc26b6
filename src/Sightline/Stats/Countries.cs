using System.Text.Json;

namespace Sightline.Stats;

/// <summary>
/// A coarse country lookup for the toplist's <c>cname</c>: country polygons rounded to about 100 m, generated from
/// open borders data (tools/countries/generate.sh). Coarse on purpose: a photo taken on a border may count for the neighbour.
/// </summary>
public sealed class Countries
{
    /// <summary>One country: its lower-case English name, a bounding box to skip it fast, and its polygons (rings of [lon, lat]).</summary>
    public sealed record Country(string Name, double MinLon, double MinLat, double MaxLon, double MaxLat, IReadOnlyList<double[][][]> Polygons)
    {
        public bool Contains(double lat, double lon)
        {
            if (lat < MinLat || lat > MaxLat || lon < MinLon || lon > MaxLon)
                return false;
            foreach (var polygon in Polygons)
            {
                // Inside the outer ring and outside every hole.
                if (!InRing(polygon[0], lon, lat))
                    continue;
                if (!polygon.Skip(1).Any(hole => InRing(hole, lon, lat)))
                    return true;
            }
            return false;
        }

        private static bool InRing(double[][] ring, double x, double y)
        {
            var inside = false;
            for (int i = 0, j = ring.Length - 1; i < ring.Length; j = i++)
            {
                var (xi, yi, xj, yj) = (ring[i][0], ring[i][1], ring[j][0], ring[j][1]);
                if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
                    inside = !inside;
            }
            return inside;
        }
    }

    private readonly Dictionary<string, Country> byName = new(StringComparer.Ordinal);

    public Countries()
    {
        using var stream = typeof(Countries).Assembly.GetManifestResourceStream("Sightline.countries.json")
            ?? throw new InvalidOperationException("the country data is not embedded");
        using var document = JsonDocument.Parse(stream);
        foreach (var entry in document.RootElement.GetProperty("countries").EnumerateArray())
        {
            var polygons = entry.GetProperty("polygons").EnumerateArray()
                .Select(p => p.EnumerateArray().Select(r => r.EnumerateArray().Select(c => new[] { c[0].GetDouble(), c[1].GetDouble() }).ToArray()).ToArray())
                .ToList();
            var points = polygons.SelectMany(p => p[0]).ToList();
            var country = new Country(entry.GetProperty("name").GetString()!,
                points.Min(c => c[0]), points.Min(c => c[1]), points.Max(c => c[0]), points.Max(c => c[1]), polygons);
            byName[country.Name] = country;
            foreach (var alias in entry.GetProperty("aliases").EnumerateArray())
                byName[alias.GetString()!] = country;
        }
    }

    /// <summary>The country with this lower-case English name (or alias); null when unknown.</summary>
    public Country? Find(string name) => byName.GetValueOrDefault(name);

    public int Count => byName.Values.Distinct().Count();
}
