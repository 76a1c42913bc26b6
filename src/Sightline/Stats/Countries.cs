using System.Text.Json;
using Sightline.Search.Index;

namespace Sightline.Stats;

/// <summary>
/// A coarse country lookup for the toplist's <c>cname</c>: country polygons rounded to about 100 m, generated from
/// open borders data (tools/countries/generate.sh). Coarse on purpose: a photo taken on a border may count for the neighbour.
/// </summary>
public sealed class Countries
{
    /// <summary>
    /// One country: its lower-case English name, a bounding box to skip it fast, and its areas (mainland, islands,
    /// exclaves), each an outer ring with holes and a box of its own.
    /// </summary>
    public sealed class Country(string name, IReadOnlyList<Area> areas)
    {
        public string Name { get; } = name;
        public double MinLat { get; } = areas.Min(a => a.Bounds.MinLat);
        public double MinLon { get; } = areas.Min(a => a.Bounds.MinLon);
        public double MaxLat { get; } = areas.Max(a => a.Bounds.MaxLat);
        public double MaxLon { get; } = areas.Max(a => a.Bounds.MaxLon);

        /// <summary>
        /// Its areas, in the data's order. Their boxes are what a search over the country scans: a country with
        /// islands far away (France's box spans the globe) is a few small boxes, not one that holds most of the world.
        /// </summary>
        public IReadOnlyList<Area> Areas { get; } = areas;

        public bool Contains(double lat, double lon) => AreaOf(lat, lon) >= 0;

        /// <summary>The index of the first of its areas holding the point, -1 when none does.</summary>
        public int AreaOf(double lat, double lon)
        {
            if (lat < MinLat || lat > MaxLat || lon < MinLon || lon > MaxLon)
                return -1;
            for (var i = 0; i < Areas.Count; i++)
                if (Areas[i].Contains(lat, lon))
                    return i;
            return -1;
        }
    }

    /// <summary>One polygon of a country: inside its outer ring and outside every hole.</summary>
    public sealed class Area
    {
        private readonly Ring outer;
        private readonly Ring[] holes;

        public Area(double[][][] rings)
        {
            outer = new Ring(rings[0]);
            holes = rings.Skip(1).Select(r => new Ring(r)).ToArray();
            Bounds = outer.Bounds;
        }

        public GeoBox Bounds { get; }

        public bool Contains(double lat, double lon)
        {
            if (!Bounds.Contains(lat, lon) || !outer.Contains(lon, lat))
                return false;
            foreach (var hole in holes)
                if (hole.Contains(lon, lat))
                    return false;
            return true;
        }
    }

    /// <summary>
    /// A ring of [lon, lat] vertices, tested by counting edge crossings (even-odd), with its edges filed by horizontal
    /// band: a point only looks at the edges of its band, the only ones that can cross its latitude.
    /// </summary>
    private sealed class Ring
    {
        private readonly double[] xs;
        private readonly double[] ys;
        private readonly double minY;
        private readonly double bandHeight;
        private readonly int bands;
        private readonly int[] bandStart; // edges of band b: bandEdges[bandStart[b]..bandStart[b + 1]]
        private readonly int[] bandEdges; // edge i runs from vertex i - 1 (the last for i = 0) to vertex i

        public Ring(double[][] points)
        {
            xs = points.Select(p => p[0]).ToArray();
            ys = points.Select(p => p[1]).ToArray();
            Bounds = xs.Length == 0 ? new GeoBox(0, 0, -1, -1) : new GeoBox(ys.Min(), xs.Min(), ys.Max(), xs.Max());
            minY = Bounds.MinLat;
            bands = Math.Clamp(xs.Length / 4, 1, 512);
            bandHeight = (Bounds.MaxLat - Bounds.MinLat) / bands;
            if (!(bandHeight > 0))
                (bands, bandHeight) = (1, 1);
            var lists = Enumerable.Range(0, bands).Select(_ => new List<int>()).ToArray();
            for (int i = 0, j = xs.Length - 1; i < xs.Length; j = i++)
                for (var band = Band(Math.Min(ys[i], ys[j])); band <= Band(Math.Max(ys[i], ys[j])); band++)
                    lists[band].Add(i);
            bandStart = new int[bands + 1];
            for (var band = 0; band < bands; band++)
                bandStart[band + 1] = bandStart[band] + lists[band].Count;
            bandEdges = lists.SelectMany(l => l).ToArray();
        }

        public GeoBox Bounds { get; }

        // Monotonic in y, so an edge filed in the bands of its lowest to its highest end is in the band of every
        // latitude it spans.
        private int Band(double y) => Math.Clamp((int)((y - minY) / bandHeight), 0, bands - 1);

        public bool Contains(double x, double y)
        {
            if (!(y >= Bounds.MinLat && y <= Bounds.MaxLat))
                return false;
            var inside = false;
            var band = Band(y);
            for (var k = bandStart[band]; k < bandStart[band + 1]; k++)
            {
                var i = bandEdges[k];
                var j = i == 0 ? xs.Length - 1 : i - 1;
                var (xi, yi, xj, yj) = (xs[i], ys[i], xs[j], ys[j]);
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
            var country = new Country(entry.GetProperty("name").GetString()!, polygons.Select(p => new Area(p)).ToList());
            byName[country.Name] = country;
            foreach (var alias in entry.GetProperty("aliases").EnumerateArray())
                byName[alias.GetString()!] = country;
        }
    }

    /// <summary>The country with this lower-case English name (or alias); null when unknown.</summary>
    public Country? Find(string name) => byName.GetValueOrDefault(name);

    public int Count => byName.Values.Distinct().Count();
}
