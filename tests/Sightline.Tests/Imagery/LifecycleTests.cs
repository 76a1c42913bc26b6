using System.Net;
using Dapper;
using Microsoft.Data.Sqlite;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Imagery;

/// <summary>Deleting uploads and originals, identical files stored once, and the durable job queue across restarts.</summary>
public sealed class LifecycleTests : IAsyncLifetime
{
    private const string NoProcessing = "0";
    private TestServer server = null!;
    private Uploader uploader = null!;
    private int seed;

    public async Task InitializeAsync()
    {
        server = await TestServer.StartAsync();
        uploader = await Uploader.CreateAsync(server, "deleter");
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    private byte[] NewPhoto() => Photos.Jpeg(new PhotoSpec
    {
        Width = 320, Height = 240, Lat = 45.5, Lon = -73.56, Taken = new DateTime(2024, 6, 1, 10, 0, 0).AddSeconds(++seed), Seed = seed,
    });

    private static int CountFiles(string data, string folder) =>
        Directory.Exists(Path.Combine(data, folder)) ? Directory.EnumerateFiles(Path.Combine(data, folder), "*", SearchOption.AllDirectories).Count() : 0;

    [Fact]
    public async Task DeletingAnUploadRemovesItsImageFilesAndPlaceInTheSequence()
    {
        var first = await uploader.UploadProcessedAsync("one", NewPhoto());
        var second = await uploader.UploadProcessedAsync("two", NewPhoto());
        var sequence = first.GetProperty("sequence_key").GetString()!;
        Assert.Equal(sequence, second.GetProperty("sequence_key").GetString());
        var firstKey = first.GetProperty("key").GetString()!;
        Assert.Equal(2, CountFiles(server.DataDirectory, "originals"));
        Assert.Equal(8, CountFiles(server.DataDirectory, "derivatives"));

        using var deleted = await uploader.SendAsync(HttpMethod.Delete, "/v2/me/uploads/images/one");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal("""{"code":"ok","message":"request performed","status":200}""", await deleted.Content.ReadAsStringAsync());

        await ContractAssert.Error(await server.Http.GetAsync($"/v2/im/{firstKey}?client_id={uploader.ClientId}"), "not_found");
        await ContractAssert.Error(await server.Http.GetAsync($"/{firstKey}/thumb-320.jpg"), "not_found");
        var keys = (await uploader.GetJsonAsync($"/v2/s/{sequence}")).GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).ToArray();
        Assert.Equal([second.GetProperty("key").GetString()!], keys);
        Assert.Equal(1, CountFiles(server.DataDirectory, "originals"));
        Assert.Equal(4, CountFiles(server.DataDirectory, "derivatives"));

        // The last image gone, the sequence goes too.
        Assert.Equal(HttpStatusCode.OK, (await uploader.SendAsync(HttpMethod.Delete, "/v2/me/uploads/images/two")).StatusCode);
        await ContractAssert.Error(await server.Http.GetAsync($"/v2/s/{sequence}?client_id={uploader.ClientId}"), "not_found");
        Assert.Equal(0, (await uploader.GetJsonAsync("/v2/me/uploads/status")).GetProperty("done").GetInt64());
        // The key is free again.
        await uploader.UploadAsync("one", NewPhoto());
    }

    [Fact]
    public async Task DeletingTheFileRemovesOnlyTheOriginal()
    {
        var image = await uploader.UploadProcessedAsync("keep-thumbs", NewPhoto());
        var key = image.GetProperty("key").GetString()!;
        Assert.Equal(1, CountFiles(server.DataDirectory, "originals"));

        using var deleted = await uploader.SendAsync(HttpMethod.Delete, "/v2/me/uploads/images/keep-thumbs/file");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(0, CountFiles(server.DataDirectory, "originals"));
        await uploader.GetJsonAsync($"/v2/im/{key}");
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync($"/{key}/thumb-640.jpg")).StatusCode);
    }

    [Fact]
    public async Task IdenticalFilesAreStoredOnce()
    {
        var photo = NewPhoto();
        var a = await uploader.UploadAsync("copy-a", photo);
        var b = await uploader.UploadAsync("copy-b", photo);
        Assert.NotEqual(a, b);
        Assert.Equal(1, CountFiles(server.DataDirectory, "originals"));

        Assert.Equal(HttpStatusCode.OK, (await uploader.SendAsync(HttpMethod.Delete, "/v2/me/uploads/images/copy-a")).StatusCode);
        Assert.Equal(1, CountFiles(server.DataDirectory, "originals")); // copy-b still needs it
        Assert.Equal(HttpStatusCode.OK, (await uploader.SendAsync(HttpMethod.Delete, "/v2/me/uploads/images/copy-b")).StatusCode);
        Assert.Equal(0, CountFiles(server.DataDirectory, "originals"));
    }

    [Fact]
    public async Task AnUploadIsAlsoDeletedByTheKeyOfTheImageItMadeButOnlyByItsUploader()
    {
        var first = (await uploader.UploadProcessedAsync("by-image-1", NewPhoto())).GetProperty("key").GetString()!;
        var second = (await uploader.UploadProcessedAsync("by-image-2", NewPhoto())).GetProperty("key").GetString()!;
        Assert.Equal(2, CountFiles(server.DataDirectory, "originals"));

        // Someone else's token: the image is not one of their uploads.
        var other = await Uploader.CreateAsync(server, "someone-else");
        await ContractAssert.Error(await other.SendAsync(HttpMethod.Delete, $"/v2/me/uploads/images/{first}"), "not_found");
        await ContractAssert.Error(await other.SendAsync(HttpMethod.Delete, $"/v2/me/uploads/images/{first}/file"), "not_found");

        Assert.Equal(HttpStatusCode.OK, (await uploader.SendAsync(HttpMethod.Delete, $"/v2/me/uploads/images/{second}/file")).StatusCode);
        Assert.Equal(1, CountFiles(server.DataDirectory, "originals"));
        Assert.Equal(HttpStatusCode.OK, (await uploader.SendAsync(HttpMethod.Delete, $"/v2/me/uploads/images/{first}")).StatusCode);
        await ContractAssert.Error(await server.Http.GetAsync($"/v2/im/{first}?client_id={uploader.ClientId}"), "not_found");
        Assert.Equal(0, CountFiles(server.DataDirectory, "originals"));
        // The upload key is free again, as after a delete by upload key.
        await ContractAssert.Error(await uploader.SendAsync(HttpMethod.Delete, "/v2/me/uploads/images/by-image-1"), "not_found");
    }

    [Fact]
    public async Task DeletingAnUnknownUploadIsNotFound()
    {
        await ContractAssert.Error(await uploader.SendAsync(HttpMethod.Delete, "/v2/me/uploads/images/never"), "not_found");
        await ContractAssert.Error(await uploader.SendAsync(HttpMethod.Delete, "/v2/me/uploads/images/never/file"), "not_found");
        await ContractAssert.Error(await uploader.SendAsync(HttpMethod.Delete, "/v2/me/uploads/images/bad.key"), "parameter_invalid");
    }

    [Fact]
    public async Task AnotherUsersUploadCannotBeDeleted()
    {
        await uploader.UploadAsync("mine", NewPhoto());
        var stranger = await Uploader.CreateAsync(server, "stranger");
        await ContractAssert.Error(await stranger.SendAsync(HttpMethod.Delete, "/v2/me/uploads/images/mine"), "not_found");
        Assert.Equal(1, CountFiles(server.DataDirectory, "originals"));
    }

    [Fact]
    public async Task AnImageIsInvisibleUntilProcessedAndTheQueueSurvivesARestart()
    {
        var data = Path.Combine(Path.GetTempPath(), "sightline-tests", Guid.NewGuid().ToString("N"));
        try
        {
            string imageKey;
            Uploader paused;
            await using (var receiving = await TestServer.StartAsync(new Dictionary<string, string?> { ["Processing:Workers"] = NoProcessing }, dataDirectory: data))
            {
                paused = await Uploader.CreateAsync(receiving, "patient");
                imageKey = await paused.UploadAsync("later", NewPhoto());
                await ContractAssert.Error(await receiving.Http.GetAsync($"/v2/im/{imageKey}?client_id={paused.ClientId}"), "not_found");
                await ContractAssert.Error(await receiving.Http.GetAsync($"/{imageKey}/thumb-320.jpg"), "not_found");
                Assert.Equal(1, (await paused.GetJsonAsync("/v2/me/uploads/status")).GetProperty("received").GetInt64());
            }

            await using var processing = await TestServer.StartAsync(dataDirectory: data);
            var resumed = paused.On(processing);
            var image = await resumed.WaitUntilProcessedAsync(imageKey);
            Assert.Equal(45.5, image.GetProperty("lat").GetDouble(), 6);
        }
        finally
        {
            TestServer.DeleteData(data);
        }
    }

    [Fact]
    public async Task JobsLeftProcessingByACrashAreTakenUpAgain()
    {
        var data = Path.Combine(Path.GetTempPath(), "sightline-tests", Guid.NewGuid().ToString("N"));
        try
        {
            string imageKey;
            Uploader paused;
            await using (var receiving = await TestServer.StartAsync(new Dictionary<string, string?> { ["Processing:Workers"] = NoProcessing }, dataDirectory: data))
            {
                paused = await Uploader.CreateAsync(receiving, "crashed");
                imageKey = await paused.UploadAsync("mid-flight", NewPhoto());
            }
            // What a worker killed mid-job leaves behind. On PostgreSQL the claim names a node that holds no lock (a dead
            // one) and a lease an hour away: only the node's lock being gone lets the restarted server take it back.
            if (PostgresPeer.Selected)
            {
                await using var connection = new Npgsql.NpgsqlConnection(PostgresPeer.ConnectionString(PostgresPeer.DatabaseName(data)));
                var leaseUntil = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds();
                Assert.Equal(1, await connection.ExecuteAsync(
                    "UPDATE jobs SET state = 'processing', claim = 'crashed', node = nextval('job_nodes'), lease_until = @leaseUntil", new { leaseUntil }));
                Assert.Equal(1, await connection.ExecuteAsync("UPDATE images SET state = 'processing'"));
            }
            else
            {
                await using var connection = new SqliteConnection($"Data Source={Path.Combine(data, "sightline.db")};Pooling=false");
                Assert.Equal(1, await connection.ExecuteAsync("UPDATE jobs SET state = 'processing'"));
                Assert.Equal(1, await connection.ExecuteAsync("UPDATE images SET state = 'processing'"));
            }

            await using var restarted = await TestServer.StartAsync(dataDirectory: data);
            await paused.On(restarted).WaitUntilProcessedAsync(imageKey);
        }
        finally
        {
            TestServer.DeleteData(data);
            if (PostgresPeer.Selected)
                await PostgresPeer.DropDatabaseAsync(PostgresPeer.DatabaseName(data));
        }
    }

    [Fact]
    public async Task AFailureIsReportedWithItsReason()
    {
        var data = Path.Combine(Path.GetTempPath(), "sightline-tests", Guid.NewGuid().ToString("N"));
        try
        {
            Uploader paused;
            await using (var receiving = await TestServer.StartAsync(new Dictionary<string, string?> { ["Processing:Workers"] = NoProcessing }, dataDirectory: data))
            {
                paused = await Uploader.CreateAsync(receiving, "hasty");
                await paused.UploadAsync("gone-early", NewPhoto());
                Assert.Equal(HttpStatusCode.OK, (await paused.SendAsync(HttpMethod.Delete, "/v2/me/uploads/images/gone-early/file")).StatusCode);
            }

            await using var restarted = await TestServer.StartAsync(dataDirectory: data);
            var resumed = paused.On(restarted);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            System.Text.Json.JsonElement status;
            while ((status = await resumed.GetJsonAsync("/v2/me/uploads/status")).GetProperty("failed").GetInt64() == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "the upload never failed");
                await Task.Delay(50);
            }
            var failure = status.GetProperty("failures").EnumerateArray().Single();
            Assert.Equal("gone-early", failure.GetProperty("upload_key").GetString());
            Assert.Contains("original", failure.GetProperty("reason").GetString());
            Assert.Equal(0, status.GetProperty("done").GetInt64());
        }
        finally
        {
            TestServer.DeleteData(data);
        }
    }
}
