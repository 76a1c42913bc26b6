using System.Net;
using NetTopologySuite.IO.VectorTiles.Mapbox;
using Sightline.Tests.Imagery;
using Sightline.Tests.Infrastructure;
using TileId = NetTopologySuite.IO.VectorTiles.Tiles.Tile;

namespace Sightline.Tests.Stac;

/// <summary>
/// /api/map tiles come from the in-memory sequences and are kept encoded: a tile asked for again after an upload shows the
/// new photo at every layer (the kept tile is not served once the index has changed). Its own server: it adds photos.
/// </summary>
public sealed class StacTileFreshnessTests : IAsyncLifetime
{
    private const double Lat = 48.8566, Lon = 2.3522;
    private TestServer server = null!;

    public async Task InitializeAsync() => server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    private async Task<Dictionary<string, List<IDictionary<string, object>>>> LayersAsync(int z)
    {
        var (x, y) = StacMapTests.TileAt(z, Lat, Lon);
        using var response = await server.Http.GetAsync($"/api/map/{z}/{x}/{y}.mvt");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        return new MapboxTileReader().Read(stream, new TileId(x, y, z)).Layers.ToDictionary(
            l => l.Name, l => l.Features.Select(f => (IDictionary<string, object>)f.Attributes.GetNames().ToDictionary(n => n, n => f.Attributes[n])).ToList());
    }

    [Fact]
    public async Task ATileAskedForAgainAfterAnUploadShowsTheNewPhoto()
    {
        var walker = await Uploader.CreateAsync(server, "walker");
        async Task<string> UploadAsync(int i) =>
            (await walker.UploadProcessedAsync($"walk-{i}", Photos.Jpeg(new PhotoSpec
            {
                Lat = Lat + i * 0.00005, Lon = Lon, Ca = 0, Taken = new DateTime(2025, 6, 1, 9, 0, i * 2, DateTimeKind.Utc), Seed = i,
            }))).GetProperty("key").GetString()!;

        // One photo is a sequence of one: a line from its first photo on, at every zoom that draws lines (not only a point at 15+).
        var first = await UploadAsync(0);
        foreach (var z in new[] { 6, 10, 14 })
            Assert.Single((await LayersAsync(z))["sequences"]);

        var keys = new List<string> { first, await UploadAsync(1) };
        for (var round = 0; round < 2; round++)
        {
            // Each zoom asked twice: the second answer may come from the kept tile and must be the same.
            for (var ask = 0; ask < 2; ask++)
            {
                var grid = (await LayersAsync(3))["grid"];
                Assert.Equal(keys.Count, grid.Sum(f => Convert.ToInt64(f["nb_pictures"])));
                var sequences = (await LayersAsync(12))["sequences"];
                Assert.Single(sequences);
                var pictures = (await LayersAsync(17))["pictures"];
                Assert.Equal(keys.Order(), pictures.Select(f => (string)f["id"]).Order());
                Assert.All(pictures, f => Assert.Equal(sequences[0]["id"], f["first_sequence"]));
            }
            keys.Add(await UploadAsync(2 + round));
        }
    }
}
