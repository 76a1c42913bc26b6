using System.Globalization;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Imagery;

/// <summary>/v2/status and /v2/u/{user} count the images and sequences the server holds.</summary>
public sealed class CountsTests : IAsyncLifetime
{
    private TestServer server = null!;
    private Uploader uploader = null!;

    public async Task InitializeAsync()
    {
        server = await TestServer.StartAsync();
        uploader = await Uploader.CreateAsync(server, "counted");
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    private Task<System.Text.Json.JsonElement> PhotoAsync(int seed, double lat, long capturedAt) =>
        uploader.UploadProcessedAsync($"c{seed}", Photos.Jpeg(new PhotoSpec { Width = 160, Height = 120, Seed = seed }),
            string.Create(CultureInfo.InvariantCulture, $"&lat={lat}&lon=10&captured_at={capturedAt}"));

    [Fact]
    public async Task StatusCountsProcessedImagesAndSequences()
    {
        var before = await uploader.GetJsonAsync("/v2/status");
        Assert.Equal(0, before.GetProperty("images").GetInt64());
        Assert.Equal(0, before.GetProperty("sequences").GetInt64());

        await PhotoAsync(1, 50, 1_700_000_000_000);
        await PhotoAsync(2, 50.0005, 1_700_000_010_000);
        await PhotoAsync(3, 50, 1_700_100_000_000); // a day later: another sequence

        var after = await uploader.GetJsonAsync("/v2/status");
        Assert.Equal(3, after.GetProperty("images").GetInt64());
        Assert.Equal(2, after.GetProperty("sequences").GetInt64());
        Assert.Equal(0, after.GetProperty("images_processing").GetInt64());
    }

    [Fact]
    public async Task StatusCountsPhotosReceivedButNotProcessedYet()
    {
        // No worker: uploads wait in the queue, as on a busy new server.
        await using var idle = await TestServer.StartAsync(new Dictionary<string, string?> { ["Processing:Workers"] = "0" });
        var waiting = await Uploader.CreateAsync(idle, "waiting");
        await waiting.UploadAsync("w1", Photos.Jpeg(new PhotoSpec { Width = 160, Height = 120, Seed = 1 }), "&lat=50&lon=10&captured_at=1700000000000");
        await waiting.UploadAsync("w2", Photos.Jpeg(new PhotoSpec { Width = 160, Height = 120, Seed = 2 }), "&lat=50.0005&lon=10&captured_at=1700000010000");

        var status = await waiting.GetJsonAsync("/v2/status");
        Assert.Equal(2, status.GetProperty("images_processing").GetInt64());
        Assert.Equal(0, status.GetProperty("images").GetInt64());
    }

    [Fact]
    public async Task StatusFollowsEachWriteAtOnce()
    {
        // The counts are kept per version of the search index: asked twice in a row they are kept, after a write new.
        await PhotoAsync(4, 50, 1_700_000_000_000);
        for (var asked = 0; asked < 2; asked++)
            Assert.Equal(1, (await uploader.GetJsonAsync("/v2/status")).GetProperty("images").GetInt64());
        await PhotoAsync(5, 50.0005, 1_700_000_010_000);
        var after = await uploader.GetJsonAsync("/v2/status");
        Assert.Equal(2, after.GetProperty("images").GetInt64());
        Assert.Equal(1, after.GetProperty("sequences").GetInt64());
    }

    [Fact]
    public async Task ProfileCountsImagesDistanceAndUploadDays()
    {
        await PhotoAsync(1, 50, 1_700_000_000_000);
        await PhotoAsync(2, 50.0005, 1_700_000_010_000);    // ~55.6 m further along the same sequence
        await PhotoAsync(3, 60, 1_700_100_000_000);         // another sequence: no distance across the gap

        var profile = await uploader.GetJsonAsync("/v2/u/counted");
        Assert.Equal(3, profile.GetProperty("images_all").GetInt64());
        Assert.Equal(0, profile.GetProperty("images_none_processed").GetInt64());
        Assert.InRange(profile.GetProperty("distance_all").GetInt64(), 55, 56);
        // All three were uploaded today (or across midnight, on two days).
        var days = profile.GetProperty("histogram").EnumerateArray().ToList();
        Assert.InRange(days.Count, 1, 2);
        Assert.Equal(3, days.Sum(d => d.GetProperty("count").GetInt64()));
        Assert.All(days, d => Assert.Equal(0, d.GetProperty("day").GetInt64() % 86_400_000));
    }
}
