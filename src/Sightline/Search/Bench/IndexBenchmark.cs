using System.Diagnostics;
using System.Globalization;
using Dapper;
using Sightline.Search.Index;
using Sightline.Storage;
using Sightline.Storage.Sqlite;

namespace Sightline.Search.Bench;

/// <summary>
/// Measures the query mix of the HTTP benchmark in process, on the in-memory index and (optionally)
/// on SQLite's R*Tree module over the same images, so the choice of index rests on numbers.
/// </summary>
public sealed class IndexBenchmark(Database database, TextWriter log)
{
    private const double BoxHalfMeters = 250;
    private const double Radius = 100;
    private const int Limit = 20;

    public void Run(int queries, int rtreeImages)
    {
        var clock = Stopwatch.StartNew();
        var snapshot = IndexSnapshot.Read(IndexSnapshot.PathIn(database.DataDirectory)) ?? throw new ArgumentException("no search snapshot: run bench-data first");
        var state = IndexState.FromBase(snapshot.Items, snapshot.Items.Length, snapshot.LastChange, sorted: true);
        log.WriteLine($"index: {state.Count:N0} images read in {clock.ElapsedMilliseconds} ms, {state.MemoryBytes / Math.Max(1, state.Count)} bytes/image");
        var points = File.ReadAllLines(Path.Combine(database.DataDirectory, SyntheticArchive.PointsFileName))
            .Select(l => l.Split(',')).Select(p => (Lat: double.Parse(p[0], CultureInfo.InvariantCulture), Lon: double.Parse(p[1], CultureInfo.InvariantCulture)))
            .ToArray();
        var random = new Random(7);
        var chosen = Enumerable.Range(0, queries).Select(_ => points[random.Next(points.Length)]).ToArray();

        Measure("memory close", chosen, p => Nearest(state, p.Lat, p.Lon));
        Measure("memory box", chosen, p => Newest(state, p.Lat, p.Lon));

        if (rtreeImages <= 0)
            return;
        using var connection = database.Open();
        clock.Restart();
        connection.Execute("DROP TABLE IF EXISTS temp.bench_rtree; CREATE VIRTUAL TABLE temp.bench_rtree USING rtree(id, min_lat, max_lat, min_lon, max_lon)");
        connection.Execute("INSERT INTO temp.bench_rtree SELECT id, lat, lat, lon, lon FROM images WHERE state = 'done' ORDER BY id LIMIT @rtreeImages", new { rtreeImages });
        log.WriteLine($"sqlite r*tree: {rtreeImages:N0} images indexed in {clock.ElapsedMilliseconds} ms");
        // The same first images in memory, for a like-for-like comparison.
        var subset = snapshot.Items.Where(i => i.Id <= rtreeImages).ToArray();
        var small = IndexState.FromBase(subset, subset.Length, 0);
        using var box = connection.CreateCommand();
        box.CommandText = """
            SELECT i.id, i.key, i.lat, i.lon, i.ca, i.captured_at, i.user_id FROM temp.bench_rtree r JOIN images i ON i.id = r.id
            WHERE r.min_lat >= $a AND r.max_lat <= $b AND r.min_lon >= $c AND r.max_lon <= $d
            ORDER BY i.captured_at DESC, i.key LIMIT 21
            """;
        foreach (var name in new[] { "$a", "$b", "$c", "$d" })
            box.Parameters.Add(new Microsoft.Data.Sqlite.SqliteParameter(name, 0.0));
        box.Prepare();
        Measure($"memory box ({subset.Length:N0})", chosen, p => Newest(small, p.Lat, p.Lon));
        Measure($"sqlite r*tree box ({rtreeImages:N0})", chosen, p =>
        {
            var dLat = BoxHalfMeters / Geodesy.EarthRadiusMeters * 180 / Math.PI;
            var dLon = dLat / Math.Cos(p.Lat * Math.PI / 180);
            box.Parameters[0].Value = p.Lat - dLat; box.Parameters[1].Value = p.Lat + dLat;
            box.Parameters[2].Value = p.Lon - dLon; box.Parameters[3].Value = p.Lon + dLon;
            using var reader = box.ExecuteReader();
            var n = 0;
            while (reader.Read())
                n++;
            return n;
        });
        connection.Execute("DROP TABLE temp.bench_rtree");
    }

    private void Measure(string name, (double Lat, double Lon)[] points, Func<(double Lat, double Lon), int> query)
    {
        for (var i = 0; i < Math.Min(200, points.Length); i++)
            query(points[i]); // warm up
        var times = new double[points.Length];
        long found = 0;
        for (var i = 0; i < points.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            found += query(points[i]);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        Array.Sort(times);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {times.Average():F1} us mean, p50 {times[times.Length / 2]:F1} us, p99 {times[times.Length * 99 / 100]:F1} us, max {times[^1]:F0} us, {found / (double)points.Length:F1} results/query"));
    }

    private static int Nearest(IndexState state, double lat, double lon)
    {
        var filter = new ImageFilter { Areas = GeoBox.AroundPoint(lat, lon, Radius) };
        var top = new TopK(Limit + 1, HitOrder.Nearest);
        var counter = new Counting(top, lat, lon, Radius);
        state.Scan(filter, ref counter);
        return top.Sorted().Length;
    }

    private static int Newest(IndexState state, double lat, double lon)
    {
        var dLat = BoxHalfMeters / Geodesy.EarthRadiusMeters * 180 / Math.PI;
        var dLon = dLat / Math.Cos(lat * Math.PI / 180);
        var filter = new ImageFilter { Areas = GeoBox.Covering(lat - dLat, lon - dLon, lat + dLat, lon + dLon) };
        var top = new TopK(Limit + 1, HitOrder.NewestFirst);
        var counter = new Counting(top, double.NaN, 0, 0);
        state.Scan(filter, ref counter);
        return top.Sorted().Length;
    }

    private readonly struct Counting(TopK top, double lat, double lon, double radius) : IndexState.IMatchVisitor
    {
        public void Visit(in IndexedImage image)
        {
            if (double.IsNaN(lat))
            {
                top.Offer(new Hit(image, 0));
                return;
            }
            var distance = Geodesy.DistanceMeters(lat, lon, image.Lat, image.Lon);
            if (distance <= radius)
                top.Offer(new Hit(image, distance));
        }
    }
}
