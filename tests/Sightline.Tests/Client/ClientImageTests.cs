using NetVips;
using Sightline.Client;
using Sightline.Client.Models;

namespace Sightline.Tests.Client;

/// <summary>The SDK's image, sequence, file and tile calls against one real server holding a walk of real JPEGs.</summary>
public sealed class ClientImageTests(SdkWorld world) : IClassFixture<SdkWorld>, IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2024, 6, 1, 8, 0, 0, TimeSpan.Zero);
    private List<ImageSummary> walk = null!;

    public async Task InitializeAsync() => walk = await world.OnceAsync("walk", () => world.WalkAsync(48.8566, 2.3522, Start, 3));

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task GetImageReturnsTheSummaryTheUploadAskedFor()
    {
        var image = await world.Anonymous.GetImageAsync(walk[1].Key);

        Assert.Equal(walk[1].Key, image.Key);
        Assert.Equal(48.8566 + 0.00005, image.Lat, 6);
        Assert.Equal(2.3522, image.Lon, 6);
        Assert.Equal(10, image.Ca!.Value, 3);
        Assert.Equal(Start.AddSeconds(2).ToUnixTimeMilliseconds(), image.CapturedAt);
        Assert.Equal(Start.AddSeconds(2), image.CapturedTime);
        Assert.Equal("walker", image.User);
        Assert.False(string.IsNullOrEmpty(image.SequenceKey));
        Assert.Null(image.Distance);
    }

    [Fact]
    public async Task NavigationCellsHoldTheWalkAndItsSequence()
    {
        var cell = await world.Anonymous.GetNavigationCellOfImageAsync(walk[0].Key);
        var again = await world.Anonymous.GetNavigationCellAsync(cell.Hs[0], new NavigationFilter { User = "walker" });

        Assert.Equal(7, Assert.Single(cell.Hs).Length);
        var image = Assert.Single(cell.Ims, i => i.Key == walk[0].Key);
        Assert.Equal(("walker", 1), (image.User, image.Orientation));
        Assert.Equal(walk[0].Lat, image.Lat, 9);
        var sequence = Assert.Single(cell.Ss, s => s.Keys.Contains(walk[0].Key));
        Assert.Equal(walk.Select(p => p.Key), sequence.Keys.Where(walk.Select(p => p.Key).Contains));
        Assert.Equal(cell.Ims.Select(i => i.Key).Order(), again.Ims.Select(i => i.Key).Order());
    }

    [Fact]
    public async Task GetImageGeoJsonIsOnePointAtLonLat()
    {
        using var document = await world.Anonymous.GetImageGeoJsonAsync(walk[0].Key);

        var root = document.RootElement;
        Assert.Equal("FeatureCollection", root.GetProperty("type").GetString());
        var feature = Assert.Single(root.GetProperty("features").EnumerateArray().ToList());
        var coordinates = feature.GetProperty("geometry").GetProperty("coordinates");
        Assert.Equal("Point", feature.GetProperty("geometry").GetProperty("type").GetString());
        Assert.Equal(walk[0].Lon, coordinates[0].GetDouble(), 9);
        Assert.Equal(walk[0].Lat, coordinates[1].GetDouble(), 9);
        Assert.Equal(walk[0].Key, feature.GetProperty("properties").GetProperty("key").GetString());
    }

    [Fact]
    public async Task PrivateImageIsNotFoundToAStrangerAndVisibleToItsOwner()
    {
        var hidden = await world.PhotoAsync(48.9, 2.4, Start.AddDays(1), project: SdkWorld.Project);

        var error = await Assert.ThrowsAsync<SightlineApiException>(() => world.Stranger.GetImageAsync(hidden.Key));

        Assert.Equal(SightlineErrorCode.NotFound, error.Code);
        Assert.Equal(hidden.Key, (await world.Walker.GetImageAsync(hidden.Key)).Key);
    }

    [Fact]
    public async Task ThumbnailIsAStreamedJpegOfTheAskedWidth()
    {
        await using var stream = await world.Anonymous.GetThumbnailAsync(walk[0].Key, ThumbnailSize.Width320);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);

        using var image = Image.NewFromBuffer(copy.ToArray());
        Assert.Equal(320, image.Width);
        Assert.Equal(0xFF, copy.ToArray()[0]);
        Assert.Equal(0xD8, copy.ToArray()[1]);
    }

    [Fact]
    public async Task ThumbnailOfAnUnknownImageIsNotFound()
    {
        var error = await Assert.ThrowsAsync<SightlineApiException>(() => world.Anonymous.GetThumbnailAsync("AAAAAAAAAAAAAAAAAAAAAA"));

        Assert.Equal(404, error.Status);
        Assert.Equal(SightlineErrorCode.NotFound, error.Code);
    }

    [Fact]
    public async Task GetSequenceListsTheWalkInCaptureOrder()
    {
        var sequence = await world.Anonymous.GetSequenceAsync(walk[0].SequenceKey!);

        Assert.Equal(walk.Select(w => w.Key), sequence.Keys);
        Assert.Equal(walk.Select(w => new[] { w.Lon, w.Lat }), sequence.Coords);
        Assert.Equal(walk.Select(w => w.Ca), sequence.Cas);
        Assert.Equal(Start.ToUnixTimeMilliseconds(), sequence.CapturedAt);
        Assert.Equal(walk.Min(w => w.Lat), sequence.Boundary.MinLat, 9);
        Assert.Equal(walk.Max(w => w.Lat), sequence.Boundary.MaxLat, 9);
    }

    [Fact]
    public async Task GetSequenceGeoJsonIsOneLineStringWithItsBbox()
    {
        using var document = await world.Anonymous.GetSequenceGeoJsonAsync(walk[0].SequenceKey!);

        var feature = Assert.Single(document.RootElement.GetProperty("features").EnumerateArray().ToList());
        var geometry = feature.GetProperty("geometry");
        Assert.Equal("LineString", geometry.GetProperty("type").GetString());
        Assert.Equal(3, geometry.GetProperty("coordinates").GetArrayLength());
        Assert.Equal(4, geometry.GetProperty("bbox").GetArrayLength());
        Assert.Equal(walk[0].SequenceKey, feature.GetProperty("properties").GetProperty("key").GetString());
        Assert.False(document.RootElement.GetProperty("more").GetBoolean());
    }

    [Fact]
    public async Task ImageOfSequenceIsTheClosestToThePointOrElseTheFirst()
    {
        var sequenceKey = walk[0].SequenceKey!;

        var first = await world.Anonymous.GetImageOfSequenceAsync(sequenceKey);
        var closest = await world.Anonymous.GetImageOfSequenceAsync(sequenceKey, walk[2].Lat + 0.000001, walk[2].Lon);

        Assert.Equal(walk[0].Key, first.Key);
        Assert.Equal(walk[2].Key, closest.Key);
        Assert.Throws<ArgumentException>(() => { _ = world.Anonymous.GetImageOfSequenceAsync(sequenceKey, lat: 1); });
    }

    [Fact]
    public async Task TileOverTheWalkHoldsItsSequence()
    {
        // Zoom 14 tile containing Paris centre (48.8566, 2.3522).
        const int z = 14;
        var x = (int)((2.3522 + 180) / 360 * (1 << z));
        var latRad = 48.8566 * Math.PI / 180;
        var y = (int)((1 - Math.Log(Math.Tan(latRad) + 1 / Math.Cos(latRad)) / Math.PI) / 2 * (1 << z));

        await using var tile = await world.Anonymous.GetTileAsync(z, x, y);
        using var bytes = new MemoryStream();
        await tile.CopyToAsync(bytes);

        // The layer name and the sequence key are strings inside the protocol buffer.
        var text = System.Text.Encoding.ASCII.GetString(bytes.ToArray());
        Assert.Contains("mapillary-sequences", text);
        Assert.Contains(walk[0].SequenceKey!, text);
    }
}
