using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Sightline.Search.Index;
using Sightline.Sequences;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Search;

/// <summary>
/// An image as the tests wrote it into the database: the brute-force reference works on these. <c>Ca</c> is the angle the
/// API shows: the photo's own, or for a processed photo without one its direction of travel (<c>Travelled</c>).
/// </summary>
public sealed record ArchivedImage(
    string Key, string User, string SequenceKey, string? Project, string State, double Lat, double Lon, double? Ca, long CapturedAt,
    bool Travelled = false);

/// <summary>
/// A running server over a seeded random archive of a few thousand images written straight into its
/// database: clusters in a city, across the antimeridian and at both poles, private projects, images
/// still processing or failed, and many shared capture times so that the key must break ties. Most of it is in the
/// search index's packed base (as after a restart: the index compacts once its overlay passes a small
/// <c>Search:OverlayLimit</c>), the last sequences in its overlay (as written since), so every search reads both.
/// </summary>
public sealed class SearchArchive : IAsyncLifetime
{
    public const int Seed = 20151124;
    public const int SequenceCount = 400;
    /// <summary>Sequences written after the index packed the others: fewer images than its overlay holds before packing again.</summary>
    public const int LateSequences = 6;
    public static readonly string[] PublicUsers = ["alice", "bob", "carol"];

    public TestServer Server { get; private set; } = null!;
    public string ClientId { get; private set; } = null!;
    /// <summary>Tokens by username: owner and member belong to project "survey", stranger to none; each has private:read.</summary>
    public Dictionary<string, string> Tokens { get; } = new();
    /// <summary>A token of the member without private:read.</summary>
    public string MemberWithoutPrivateRead { get; private set; } = null!;
    public List<ArchivedImage> Images { get; } = [];

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Search:OverlayLimit"] = "16" });
        (ClientId, _) = await Server.AddClientAsync();
        foreach (var user in PublicUsers.Concat(["owner", "member", "stranger", "outsider"]))
        {
            await Server.AddUserAsync(user);
            Tokens[user] = await Server.IssueTokenAsync(user, ClientId, "user:read private:read");
        }
        MemberWithoutPrivateRead = await Server.IssueTokenAsync("member", ClientId, "user:read");
        await Server.AdminAsync("", "projects", "add", "--key", "survey", "--name", "Survey", "--owner", "owner");
        await Server.AdminAsync("", "projects", "add-member", "survey", "member");
        await Server.AdminAsync("", "projects", "add", "--key", "elsewhere", "--name", "Elsewhere", "--owner", "outsider");
        var random = new Random(Seed);
        var sharedTimes = Enumerable.Range(0, 40).Select(_ => RandomTime(random)).ToArray();
        Write(Server.DataDirectory, random, sharedTimes, 0, SequenceCount - LateSequences, Images);
        // The index learns of another connection's commit within Storage:ChangeProbeMilliseconds; once it has, the
        // changes, past its overlay limit, are packed into the base. Only then come the late sequences.
        var index = Server.Services.GetRequiredService<ImageIndex>();
        for (var waited = 0; index.Current().BaseCount == 0; waited++)
        {
            if (waited == 400)
                throw new TimeoutException("the search index did not take in the archive within 20 s");
            await Task.Delay(50);
        }
        Write(Server.DataDirectory, random, sharedTimes, SequenceCount - LateSequences, SequenceCount, Images);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>The visible images: processed, and public or of the given project.</summary>
    public IEnumerable<ArchivedImage> Visible(string? project = null) =>
        Images.Where(i => i.State == "done" && i.Project == project);

    public async Task<JsonElement> GetAsync(string pathAndQuery, string? user = null)
    {
        using var response = await SendAsync(pathAndQuery, user);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{pathAndQuery}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public Task<HttpResponseMessage> SendAsync(string pathAndQuery, string? user = null, string? token = null)
    {
        var separator = pathAndQuery.Contains('?') ? '&' : '?';
        var request = new HttpRequestMessage(HttpMethod.Get, $"{pathAndQuery}{separator}client_id={ClientId}");
        token ??= user is null ? null : Tokens[user];
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return Server.Http.SendAsync(request);
    }

    private static readonly (double Lat, double Lon, double Spread, int Weight)[] Clusters =
    [
        (52.37, 4.89, 0.03, 60),       // a city
        (-16.5, 179.995, 0.01, 15),    // Fiji, across the antimeridian
        (89.997, 0, 0.002, 8),         // the north pole
        (-89.996, 0, 0.002, 7),        // the south pole
        (0, 0, 60, 10),                // anywhere
    ];

    private static void Write(string dataDirectory, Random random, long[] sharedTimes, int fromSequence, int toSequence, List<ArchivedImage> images)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "sightline.db")};Pooling=False");
        connection.Open();
        var ids = new Dictionary<string, long>();
        var imageIds = new Dictionary<string, long>();
        using (var lookup = connection.CreateCommand())
        {
            lookup.CommandText = "SELECT username, id FROM users UNION ALL SELECT key, id FROM projects";
            using var reader = lookup.ExecuteReader();
            while (reader.Read())
                ids[reader.GetString(0)] = reader.GetInt64(1);
        }
        using var transaction = connection.BeginTransaction();
        var totalWeight = Clusters.Sum(c => c.Weight);
        for (var s = fromSequence; s < toSequence; s++)
        {
            var roll = random.Next(100);
            var (user, project) = roll < 10 ? (random.Next(2) == 0 ? "owner" : "member", "survey")
                : roll < 15 ? ("outsider", "elsewhere")
                : (PublicUsers[random.Next(PublicUsers.Length)], (string?)null);
            var sequenceKey = Storage.RandomKey.New();
            var sequenceId = Insert(connection, transaction,
                "INSERT INTO sequences (key, user_id, created_at, project_id) VALUES ($key, $user, 0, $project) RETURNING id",
                ("$key", sequenceKey), ("$user", ids[user]), ("$project", project is null ? DBNull.Value : ids[project]));

            var pick = random.Next(totalWeight);
            var cluster = Clusters.First(c => (pick -= c.Weight) < 0);
            var lat = Math.Clamp(cluster.Lat + (random.NextDouble() * 2 - 1) * cluster.Spread, -90, 90);
            var lon = Math.Abs(cluster.Lat) > 89 ? random.NextDouble() * 360 - 180 // at a pole every longitude is near
                : Wrap(cluster.Lon + (random.NextDouble() * 2 - 1) * cluster.Spread * (cluster.Spread > 1 ? 3 : 1));
            var time = RandomTime(random);
            var heading = random.NextDouble() * 360;
            var length = random.Next(1, 20);
            var walk = new List<ArchivedImage>(length);
            for (var n = 0; n < length; n++)
            {
                var state = random.Next(100) switch { < 4 => "processing", < 7 => "failed", _ => "done" };
                double? ca = random.Next(10) == 0 ? null : Math.Round(random.NextDouble() * 360, 2);
                var capturedAt = random.Next(8) == 0 ? sharedTimes[random.Next(sharedTimes.Length)] : time;
                var key = Storage.RandomKey.New();
                var id = Insert(connection, transaction,
                    """
                    INSERT INTO images (key, user_id, sequence_id, state, content_hash, lat, lon, ca, captured_at, width, height, created_at, updated_at, project_id)
                    VALUES ($key, $user, $sequence, $state, '', $lat, $lon, $ca, $time, 640, 480, 0, 0, $project) RETURNING id
                    """,
                    ("$key", key), ("$user", ids[user]), ("$sequence", sequenceId), ("$state", state), ("$lat", lat), ("$lon", lon),
                    ("$ca", ca is null ? DBNull.Value : ca.Value), ("$time", capturedAt), ("$project", project is null ? DBNull.Value : ids[project]));
                walk.Add(new ArchivedImage(key, user, sequenceKey, project, state, lat, lon, ca, capturedAt));
                imageIds[key] = id;

                // A walk along a street: 2-10 m steps, mostly straight.
                var step = 2 + random.NextDouble() * 8;
                heading += random.Next(10) == 0 ? 90 * (random.Next(2) * 2 - 1) : random.NextDouble() * 6 - 3;
                lat = Math.Clamp(lat + step * Math.Cos(heading * Math.PI / 180) / 111_195, -90, 90);
                lon = Wrap(lon + step * Math.Sin(heading * Math.PI / 180) / (111_195 * Math.Max(0.01, Math.Cos(lat * Math.PI / 180))));
                time += 1000 + random.Next(2000);
            }

            // Every processed photo gets its course, as the sequence assembly writes it (the same helper), in sequence
            // order (capture time, then id) among the processed photos.
            var done = walk.Where(i => i.State == "done").OrderBy(i => i.CapturedAt).ThenBy(i => imageIds[i.Key])
                .Select(i => new TravelDirection.Member(imageIds[i.Key], i.Lat, i.Lon, null)).ToList();
            var courses = new Dictionary<long, double>();
            for (var n = 0; n < done.Count; n++)
            {
                courses[done[n].Id] = TravelDirection.CourseAt(done, n);
                Insert(connection, transaction, "UPDATE images SET course = $course WHERE id = $id RETURNING id",
                    ("$course", courses[done[n].Id]), ("$id", done[n].Id));
            }
            images.AddRange(walk.Select(i => i.Ca is null && courses.TryGetValue(imageIds[i.Key], out var course) ? i with { Ca = course, Travelled = true } : i));
        }
        transaction.Commit();
    }

    private static long RandomTime(Random random) => 1_420_070_400_000 + random.NextInt64(10L * 365 * 86_400_000);

    private static double Wrap(double lon) => lon > 180 ? lon - 360 : lon < -180 ? lon + 360 : lon;

    private static long Insert(SqliteConnection connection, SqliteTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return (long)command.ExecuteScalar()!;
    }
}
