using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;
using Sightline.Search.Index;
using Sightline.Sequences;
using Sightline.Storage;
using Sightline.Storage.Sqlite;

namespace Sightline.Search.Bench;

/// <summary>
/// Writes a realistic synthetic archive straight into a data folder, for measuring search at scale:
/// a few hundred cities of Zipf-distributed size, sequences of 50-500 photos walking road-like
/// polylines 2-10 m apart, a few thousand users of Zipf-distributed activity, ten years of capture
/// times, each photo with its course (direction of travel) as the sequence assembly writes it. Metadata only (no
/// files). Also writes the search snapshot and a sample of query points.
/// </summary>
public sealed class SyntheticArchive(Database database, int seed)
{
    public const string PointsFileName = "bench-points.csv";
    private const int Cities = 300;
    private const int Users = 3000;
    private const int Batch = 200_000;
    private const long TenYearsMs = 10L * 365 * 86_400_000;
    private const long StartMs = 1_451_606_400_000; // 2016-01-01
    private const double MetresPerDegree = 111_195;

    private sealed record City(double Lat, double Lon, double RadiusMeters, double GridHeading);

    public sealed record Report(long Images, long Sequences, TimeSpan Elapsed, string PointsFile);

    /// <summary>Generates <paramref name="imageCount"/> images; <paramref name="postgisCsv"/> optionally receives id,lon,lat,captured_at lines.</summary>
    public Report Generate(int imageCount, TextWriter log, string? postgisCsv = null)
    {
        var clock = Stopwatch.StartNew();
        var random = new Random(seed);
        using var connection = database.Open();
        if (connection.ExecuteScalar<long>("SELECT count(*) FROM images") > 0)
            throw new ArgumentException("bench-data needs a data folder without images");

        var (cities, cityWeights) = MakeCities(random);
        var userWeights = Cumulative(Enumerable.Range(0, Users).Select(i => 1 / Math.Pow(i + 1, 0.9)).ToArray());
        var items = new IndexedImage[imageCount];
        var points = new List<(double Lat, double Lon)>();
        using var csv = postgisCsv is null ? null : new StreamWriter(postgisCsv, false, new System.Text.UTF8Encoding(false), 1 << 20);

        // Bulk load only: no journal, no fsync, big cache; and the images' secondary indexes and the
        // search trigger are dropped during the load and rebuilt once after it (faster than row by row).
        connection.Execute("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -2000000; PRAGMA temp_store = MEMORY;");
        var saved = connection.Query<(string Name, string Sql)>(
            "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'images' AND type IN ('index', 'trigger') AND sql IS NOT NULL").AsList();
        foreach (var (name, sql) in saved)
            connection.Execute($"DROP {(sql.StartsWith("CREATE TRIGGER", StringComparison.OrdinalIgnoreCase) ? "TRIGGER" : "INDEX")} \"{name}\"");

        var userIds = InsertUsers(connection);
        var firstId = (int)connection.ExecuteScalar<long>("SELECT coalesce(max(id), 0) FROM images") + 1;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        long sequences = 0;
        var written = 0;
        var transaction = connection.BeginTransaction();
        using var sequenceInsert = Prepare(connection, transaction, "INSERT INTO sequences (key, user_id, created_at) VALUES ($key, $user, $now) RETURNING id", "$key", "$user", "$now");
        using var imageInsert = Prepare(connection, transaction,
            """
            INSERT INTO images (id, key, user_id, sequence_id, state, content_hash, lat, lon, ca, course, captured_at, width, height, created_at, updated_at)
            VALUES ($id, $key, $user, $sequence, 'done', '', $lat, $lon, $ca, $course, $time, 2048, 1536, $now, $now)
            """, "$id", "$key", "$user", "$sequence", "$lat", "$lon", "$ca", "$course", "$time", "$now");
        var walk = new List<TravelDirection.Member>(500);
        var times = new List<long>(500);
        var keys = new List<string>(500);
        while (written < imageCount)
        {
            var city = cities[Pick(cityWeights, random)];
            var user = userIds[Pick(userWeights, random)];
            var length = Math.Min(imageCount - written, random.Next(50, 501));
            var sequenceKey = RandomKey.New();
            sequenceInsert.Parameters[0].Value = sequenceKey;
            sequenceInsert.Parameters[1].Value = user;
            sequenceInsert.Parameters[2].Value = now;
            var sequenceId = (long)sequenceInsert.ExecuteScalar()!;
            sequences++;

            // Start somewhere in the city (denser towards its centre), drive along the street grid.
            var distance = city.RadiusMeters * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) / 2;
            var bearing = random.NextDouble() * 2 * Math.PI;
            var lat = Math.Clamp(city.Lat + distance * Math.Cos(bearing) / MetresPerDegree, -89.9, 89.9);
            var lon = Wrap(city.Lon + distance * Math.Sin(bearing) / (MetresPerDegree * Math.Cos(lat * Math.PI / 180)));
            var heading = city.GridHeading + 90 * random.Next(4);
            var spacing = 2 + random.NextDouble() * 8;
            var speed = 2 + random.NextDouble() * 13;
            var time = StartMs + random.NextInt64(TenYearsMs);
            // The walk first (its photos' angles and places), then the rows, each with its course (the direction of
            // travel the sequence assembly gives it: TravelDirection), which needs the next photo's place.
            walk.Clear();
            times.Clear();
            keys.Clear();
            var firstOfWalk = written;
            for (var n = 0; n < length; n++)
            {
                var id = firstId + written;
                var key = RandomKey.New();
                var ca = (float)Math.Round((heading + random.NextDouble() * 4 - 2 + 360) % 360, 1);
                walk.Add(new TravelDirection.Member(id, lat, lon, null));
                times.Add(time);
                keys.Add(key);
                ref var item = ref items[written];
                item = new IndexedImage { Id = id, UserId = (int)user, SequenceId = (int)sequenceId, Lat = lat, Lon = lon, Ca = ca, CapturedAt = time };
                item.TrySetKey(key);
                csv?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{id},{lon:R},{lat:R},{time}"));
                if (random.Next(Math.Max(1, imageCount / 10_000)) == 0)
                    points.Add((lat, lon));
                written++;

                var step = spacing * (0.9 + random.NextDouble() * 0.2);
                if (random.Next(40) == 0)
                    heading += random.Next(2) == 0 ? 90 : -90; // a turn at a crossing
                var radians = (heading + random.NextDouble() * 2 - 1) * Math.PI / 180;
                lat = Math.Clamp(lat + step * Math.Cos(radians) / MetresPerDegree, -89.9, 89.9);
                lon = Wrap(lon + step * Math.Sin(radians) / (MetresPerDegree * Math.Cos(lat * Math.PI / 180)));
                time += (long)(step / speed * 1000);
            }
            for (var n = 0; n < walk.Count; n++)
            {
                ref var item = ref items[firstOfWalk + n];
                var p = imageInsert.Parameters;
                p[0].Value = item.Id; p[1].Value = keys[n]; p[2].Value = user; p[3].Value = sequenceId; p[4].Value = item.Lat; p[5].Value = item.Lon;
                p[6].Value = (double)item.Ca; p[7].Value = TravelDirection.CourseAt(walk, n); p[8].Value = times[n]; p[9].Value = now;
                imageInsert.ExecuteNonQuery();
            }
            if (written % Batch < length || written == imageCount)
            {
                transaction.Commit();
                transaction.Dispose();
                log.WriteLine($"  {written:N0} images, {sequences:N0} sequences, {clock.Elapsed.TotalSeconds:F0} s");
                transaction = connection.BeginTransaction();
                sequenceInsert.Transaction = transaction;
                imageInsert.Transaction = transaction;
            }
        }
        transaction.Commit();
        transaction.Dispose();

        log.WriteLine($"  rebuilding {saved.Count} indexes and triggers, {clock.Elapsed.TotalSeconds:F0} s");
        foreach (var (_, sql) in saved.OrderBy(s => s.Sql.StartsWith("CREATE TRIGGER", StringComparison.OrdinalIgnoreCase)))
            connection.Execute(sql);
        connection.Execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");

        log.WriteLine($"  writing the search snapshot, {clock.Elapsed.TotalSeconds:F0} s");
        var lastChange = connection.ExecuteScalar<long>("SELECT coalesce(max(seq), 0) FROM search_changes");
        var state = IndexState.FromBase(items, written, lastChange);
        IndexSnapshot.Write(IndexSnapshot.PathIn(database.DataDirectory), state.BaseItems, lastChange);

        var pointsFile = Path.Combine(database.DataDirectory, PointsFileName);
        File.WriteAllLines(pointsFile, points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Lat:R},{p.Lon:R}")));
        return new Report(written, sequences, clock.Elapsed, pointsFile);
    }

    private static (City[] Cities, double[] Weights) MakeCities(Random random)
    {
        var cities = new City[Cities];
        var weights = new double[Cities];
        for (var i = 0; i < Cities; i++)
        {
            weights[i] = 1 / Math.Pow(i + 1, 1.1); // a few metropolises, a long tail of towns
            var size = Math.Sqrt(weights[i]);
            cities[i] = new City(random.NextDouble() * 115 - 50, random.NextDouble() * 360 - 180, 2_000 + 25_000 * size, random.NextDouble() * 90);
        }
        return (cities, Cumulative(weights));
    }

    private static long[] InsertUsers(SqliteConnection connection)
    {
        using var transaction = connection.BeginTransaction();
        var ids = new long[Users];
        // "AA==" is no password hash at all: bench users cannot sign in.
        using var insert = Prepare(connection, transaction,
            "INSERT INTO users (uuid, username, email, password_hash, created_at) VALUES ($uuid, $name, $email, 'AA==', 0) RETURNING id", "$uuid", "$name", "$email");
        for (var i = 0; i < Users; i++)
        {
            var name = $"bench_{i:D5}";
            insert.Parameters[0].Value = RandomKey.New();
            insert.Parameters[1].Value = name;
            insert.Parameters[2].Value = $"{name}@bench.invalid";
            ids[i] = (long)insert.ExecuteScalar()!;
        }
        transaction.Commit();
        return ids;
    }

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in names)
            command.Parameters.Add(new SqliteParameter(name, null));
        command.Prepare();
        return command;
    }

    private static double[] Cumulative(double[] weights)
    {
        var total = weights.Sum();
        var running = 0.0;
        return weights.Select(w => running += w / total).ToArray();
    }

    private static int Pick(double[] cumulative, Random random)
    {
        var index = Array.BinarySearch(cumulative, random.NextDouble());
        return Math.Min(cumulative.Length - 1, index < 0 ? ~index : index);
    }

    private static double Wrap(double lon) => lon > 180 ? lon - 360 : lon < -180 ? lon + 360 : lon;
}
