using System.Globalization;
using System.Text.Json;
using NetTopologySuite.IO.VectorTiles.Mapbox;
using Sightline.Tests.Imagery;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Tiles;

/// <summary>
/// The in-memory sequences keep at most <c>Tiles:MaxPendingChanges</c> changes while no tile is read; past it they are
/// rebuilt from the index, and no change is lost (here with a bound of one change).
/// </summary>
public sealed class TilePendingBoundTests : IAsyncLifetime
{
    private const long Start = 1_700_000_000_000;
    private TestServer server = null!;
    private Uploader uploader = null!;

    public async Task InitializeAsync()
    {
        server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Tiles:MaxPendingChanges"] = "1" });
        uploader = await Uploader.CreateAsync(server, "walker");
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    private async Task<string> PhotoAsync(int n, double lat, double lon) =>
        (await uploader.UploadProcessedAsync($"p{n}", Photos.Jpeg(new PhotoSpec { Width = 160, Height = 120, Seed = n }),
            string.Create(CultureInfo.InvariantCulture, $"&lat={lat}&lon={lon}&captured_at={Start + n * 2000}&ca=10")))
        .GetProperty("key").GetString()!;

    private async Task<List<string[]>> SequencesAsync(double lat, double lon, int zoom)
    {
        var n = Math.Pow(2, zoom);
        var x = (int)((lon + 180) / 360 * n);
        var y = (int)((1 - Math.Asinh(Math.Tan(lat * Math.PI / 180)) / Math.PI) / 2 * n);
        var bytes = await server.Http.GetByteArrayAsync($"/tiles/{zoom}/{x}/{y}.mapbox");
        using var stream = new MemoryStream(bytes);
        var layers = new MapboxTileReader().Read(stream, new NetTopologySuite.IO.VectorTiles.Tiles.Tile(x, y, zoom)).Layers;
        return layers.SelectMany(l => l.Features)
            .Select(f => JsonSerializer.Deserialize<string[]>(Assert.IsType<string>(f.Attributes["keys"]))!).ToList();
    }

    [Fact]
    public async Task ChangesPastTheBoundAreAllDrawn()
    {
        const double lat = 47, lon = 8;
        var keys = new List<string> { await PhotoAsync(0, lat, lon), await PhotoAsync(1, lat + 0.0002, lon) };
        Assert.Equal([keys.ToArray()], await SequencesAsync(lat, lon, 16));

        // Many changes while no tile is read: far past the bound of one.
        for (var n = 2; n < 6; n++)
            keys.Add(await PhotoAsync(n, lat + n * 0.0002, lon));
        Assert.Equal([keys.ToArray()], await SequencesAsync(lat, lon, 16));

        using var deleted = await uploader.SendAsync(HttpMethod.Delete, "/v2/me/uploads/images/p5");
        deleted.EnsureSuccessStatusCode();
        keys.RemoveAt(5);
        keys.Add(await PhotoAsync(6, lat + 0.0003, lon + 0.0003));
        Assert.Equal([keys.ToArray()], await SequencesAsync(lat, lon, 16));
    }
}
