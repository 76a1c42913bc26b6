using System.Net;
using Microsoft.Data.Sqlite;
using Sightline.Search.Index;
using Sightline.Storage;
using Sightline.Tests.Imagery;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Search;

/// <summary>The index follows the database: real uploads, deletions, direct writes, restarts from the snapshot or the table.</summary>
public sealed class SearchIndexLifecycleTests
{
    private static byte[] Photo(double lat, double lon, double direction, int second) => Photos.Jpeg(new PhotoSpec
    {
        Width = 320, Height = 240, Lat = lat, Lon = lon, Ca = direction, Taken = new DateTime(2024, 7, 1, 8, 0, second), Seed = second,
    });

    private static async Task<List<string>> CloseKeysAsync(Uploader uploader, double lat, double lon, string extra = "")
    {
        var json = await uploader.GetJsonAsync($"/v2/search/im/close?lat={lat}&lon={lon}&distance=1000&limit=1000{extra}");
        return json.GetProperty("ims").EnumerateArray().Select(i => i.GetProperty("key").GetString()!).ToList();
    }

    [Fact]
    public async Task UploadedImagesAreFoundOnceProcessedAndGoneOnceDeleted()
    {
        await using var server = await TestServer.StartAsync();
        var uploader = await Uploader.CreateAsync(server, "walker", "public:upload user:read");
        var near = await uploader.UploadProcessedAsync("near", Photo(59.3293, 18.0686, 14.9, 1));
        var far = await uploader.UploadProcessedAsync("far", Photo(59.3310, 18.0686, 200, 30));
        var nearKey = near.GetProperty("key").GetString()!;
        var farKey = far.GetProperty("key").GetString()!;

        var json = await uploader.GetJsonAsync("/v2/search/im/close?lat=59.3293&lon=18.0686&distance=100");
        var found = json.GetProperty("ims").EnumerateArray().Single();
        Assert.Equal(nearKey, found.GetProperty("key").GetString());
        Assert.Equal(0, found.GetProperty("distance").GetDouble());
        Assert.Equal("walker", found.GetProperty("user").GetString());
        Assert.Equal(14.9, found.GetProperty("ca").GetDouble(), 3);
        Assert.Equal(near.GetProperty("sequence_key").GetString(), found.GetProperty("sequence_key").GetString());

        Assert.Equal([nearKey, farKey], await CloseKeysAsync(uploader, 59.3293, 18.0686));
        Assert.Equal([nearKey], await CloseKeysAsync(uploader, 59.3293, 18.0686, "&min_ca=350&max_ca=20"));
        var mine = await uploader.GetJsonAsync("/v2/search/im?me=true");
        Assert.Equal([farKey, nearKey], mine.GetProperty("ims").EnumerateArray().Select(i => i.GetProperty("key").GetString()!));

        Assert.Equal(HttpStatusCode.OK, (await uploader.SendAsync(HttpMethod.Delete, "/v2/me/uploads/images/near")).StatusCode);
        Assert.Equal([farKey], await CloseKeysAsync(uploader, 59.3293, 18.0686));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // the deletion and the next photo reach the index in one step
    public async Task ASequenceWhoseRowIdIsGivenBackIsShownWithItsOwnKey(bool searchBetween)
    {
        // The embedded database gives the largest row id back once its row is deleted: the next sequence, and the next
        // photo, get the deleted one's. Every route must name the new sequence, not the deleted one.
        await using var server = await TestServer.StartAsync();
        var uploader = await Uploader.CreateAsync(server, "walker", "public:upload user:read");
        var gone = await uploader.UploadProcessedAsync("gone", Photo(59.3293, 18.0686, 10, 1));
        if (searchBetween)
            Assert.Single(await CloseKeysAsync(uploader, 59.3293, 18.0686));
        Assert.Equal(HttpStatusCode.OK, (await uploader.SendAsync(HttpMethod.Delete, "/v2/me/uploads/images/gone")).StatusCode);
        if (searchBetween)
            Assert.Empty(await CloseKeysAsync(uploader, 59.3293, 18.0686));
        var next = await uploader.UploadProcessedAsync("next", Photos.Jpeg(new PhotoSpec
        {
            Width = 320, Height = 240, Lat = 48.8566, Lon = 2.3522, Ca = 90, Taken = new DateTime(2025, 3, 1, 8, 0, 0), Seed = 2,
        }));
        var key = next.GetProperty("key").GetString()!;
        var sequence = next.GetProperty("sequence_key").GetString()!;
        Assert.NotEqual(gone.GetProperty("sequence_key").GetString(), sequence);

        var close = (await uploader.GetJsonAsync("/v2/search/im/close?lat=48.8566&lon=2.3522&distance=10")).GetProperty("ims").EnumerateArray().Single();
        Assert.Equal(key, close.GetProperty("key").GetString());
        Assert.Equal(sequence, close.GetProperty("sequence_key").GetString());
        Assert.Equal("walker", close.GetProperty("user").GetString());
        var item = (await uploader.GetJsonAsync($"/api/search?ids={key}")).GetProperty("features").EnumerateArray().Single();
        Assert.Equal(sequence, item.GetProperty("collection").GetString());
        Assert.Equal([key], (await uploader.GetJsonAsync($"/api/search?collections={sequence}")).GetProperty("features").EnumerateArray()
            .Select(f => f.GetProperty("id").GetString()));
        var collections = (await uploader.GetJsonAsync("/api/collections")).GetProperty("collections").EnumerateArray()
            .Select(c => c.GetProperty("id").GetString()).ToList();
        Assert.Equal([sequence], collections);
        var nav = await uploader.GetJsonAsync($"/v2/nav/im/{key}");
        Assert.Equal([key], nav.GetProperty("ims").EnumerateArray().Select(i => i.GetProperty("key").GetString()));
        Assert.Equal([sequence], nav.GetProperty("ss").EnumerateArray().Select(i => i.GetProperty("key").GetString()));
    }

    // The log trimmed right up to each snapshot (by default Search:RetainedChanges entries stay for other nodes).
    private static readonly Dictionary<string, string?> TrimToSnapshot = new() { ["Search:RetainedChanges"] = "0" };

    [Fact]
    public async Task ARestartReadsTheSnapshotAndCatchesUpWithTheLog()
    {
        var data = Path.Combine(Path.GetTempPath(), "sightline-tests", Guid.NewGuid().ToString("N"));
        try
        {
            List<string> before;
            string clientId;
            await using (var first = await TestServer.StartAsync(TrimToSnapshot, dataDirectory: data))
            {
                (clientId, _) = await first.AddClientAsync();
                await first.AddUserAsync("writer");
                Insert(data, "writer", 100, 10.0);
                before = await BoxKeysAsync(first, clientId);
                Assert.Equal(100, before.Count);
            }
            Assert.True(File.Exists(IndexSnapshot.PathIn(data)), "a clean stop writes the snapshot");
            Assert.Equal(0, Scalar(data, "SELECT count(*) FROM search_changes"));
            File.Copy(IndexSnapshot.PathIn(data), IndexSnapshot.PathIn(data) + ".old");

            // Nothing written since: the snapshot alone is the index.
            await using (var again = await TestServer.StartAsync(TrimToSnapshot, dataDirectory: data))
            {
                Assert.Contains(again.Logs.Entries, e => e.Message.Contains("from snapshot"));
                Assert.Equal(before, await BoxKeysAsync(again, clientId));
            }

            // Written while no server runs: the log carries it into the restarted index.
            Insert(data, "writer", 5, 10.5);
            await using (var second = await TestServer.StartAsync(TrimToSnapshot, dataDirectory: data))
            {
                Assert.Contains(second.Logs.Entries, e => e.Message.Contains("from snapshot"));
                var after = await BoxKeysAsync(second, clientId);
                Assert.Equal(105, after.Count);
                Assert.Equal(before, after.Where(before.Contains));
            }

            // As a crash between pruning the log and the new snapshot reaching the disk could leave it:
            // an older snapshot whose later changes are no longer in the log. Only the table can tell.
            File.Move(IndexSnapshot.PathIn(data) + ".old", IndexSnapshot.PathIn(data), overwrite: true);
            Execute(data, "UPDATE images SET state = 'failed' WHERE id IN (SELECT id FROM images ORDER BY id LIMIT 10)");
            Execute(data, "DELETE FROM search_changes");
            await using (var third = await TestServer.StartAsync(TrimToSnapshot, dataDirectory: data))
            {
                Assert.Contains(third.Logs.Entries, e => e.Message.Contains("from table scan"));
                Assert.Equal(95, (await BoxKeysAsync(third, clientId)).Count);
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            TestServer.DeleteData(data);
        }
    }

    [Fact]
    public async Task AGrowingOverlayIsFoldedIntoTheTreeWithoutLosingImages()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Search:OverlayLimit"] = "16" });
        var (clientId, _) = await server.AddClientAsync();
        await server.AddUserAsync("writer");
        for (var batch = 0; batch < 6; batch++)
        {
            Insert(server.DataDirectory, "writer", 40, 10 + batch * 0.001);
            Assert.Equal((batch + 1) * 40, (await BoxKeysAsync(server, clientId)).Count);
        }
        Execute(server.DataDirectory, "UPDATE images SET lat = -10 WHERE id % 2 = 0");
        Assert.Equal(120, (await BoxKeysAsync(server, clientId)).Count);
        Execute(server.DataDirectory, "DELETE FROM images WHERE id % 3 = 0");
        Assert.Equal(80, (await BoxKeysAsync(server, clientId)).Count);
    }

    private static async Task<List<string>> BoxKeysAsync(TestServer server, string clientId)
    {
        var text = await server.Http.GetStringAsync($"/v2/search/im?client_id={clientId}&min_lat=9&max_lat=11&min_lon=9&max_lon=11&limit=1000");
        using var json = System.Text.Json.JsonDocument.Parse(text);
        return json.RootElement.GetProperty("ims").EnumerateArray().Select(i => i.GetProperty("key").GetString()!).ToList();
    }

    private static void Insert(string data, string username, int count, double lat)
    {
        for (var i = 0; i < count; i++)
            Execute(data, $"""
                INSERT INTO images (key, user_id, state, content_hash, lat, lon, ca, captured_at, width, height, created_at, updated_at)
                VALUES ('{Storage.RandomKey.New()}', (SELECT id FROM users WHERE username = '{username}'), 'done', '', {lat + i * 1e-5}, 10, 90, {1_600_000_000_000 + i}, 1, 1, 0, 0)
                """);
    }

    // Through the storage's own connections: a commit made by this process is seen by the server's next search at once
    // (one made by another process only within Storage:ChangeProbeMilliseconds).
    private static SqliteConnection Open(string data) => new Storage.Sqlite.Database(data).Open();

    private static void Execute(string data, string sql)
    {
        using var connection = Open(data);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static long Scalar(string data, string sql)
    {
        using var connection = Open(data);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
