using System.Globalization;
using System.Net;
using System.Text.Json;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.VectorTiles;
using NetTopologySuite.IO.VectorTiles.Mapbox;
using Sightline.Tests.Imagery;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Tiles;

/// <summary><c>GET /tiles/{z}/{x}/{y}.mapbox</c> (spec §3.9): public sequences as Mapbox Vector Tiles, no client_id.</summary>
public sealed class TileTests : IAsyncLifetime
{
    private const long Start = 1_700_000_000_000;
    private TestServer server = null!;
    private Uploader uploader = null!;
    private int seed;

    public async Task InitializeAsync()
    {
        server = await TestServer.StartAsync();
        uploader = await Uploader.CreateAsync(server, "tiler", "public:upload private:upload private:read");
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    private async Task<JsonElement> PhotoAsync(string key, double lat, double lon, long capturedAt, double ca, string extra = "")
    {
        var bytes = Photos.Jpeg(new PhotoSpec { Width = 160, Height = 120, Seed = ++seed });
        var query = string.Create(CultureInfo.InvariantCulture, $"&lat={lat}&lon={lon}&captured_at={capturedAt}&ca={ca}{extra}");
        return await uploader.UploadProcessedAsync(key, bytes, query);
    }

    // A standard reader (NetTopologySuite's), not the writer's own code, decodes what the server sent.
    private static IList<Layer> Read(byte[] bytes, int x, int y, int zoom)
    {
        using var stream = new MemoryStream(bytes);
        return new MapboxTileReader().Read(stream, new NetTopologySuite.IO.VectorTiles.Tiles.Tile(x, y, zoom)).Layers;
    }

    private static (int X, int Y) TileOf(double lat, double lon, int zoom)
    {
        var n = Math.Pow(2, zoom);
        var rad = lat * Math.PI / 180;
        return ((int)((lon + 180) / 360 * n), (int)((1 - Math.Asinh(Math.Tan(rad)) / Math.PI) / 2 * n));
    }

    [Fact]
    public async Task ASequenceIsALineStringWithStringPropertiesInTheSequencesLayer()
    {
        var a = await PhotoAsync("a", 50.85, 4.35, Start, 71.5);
        var b = await PhotoAsync("b", 50.8502, 4.3502, Start + 2000, 70);
        var sequence = a.GetProperty("sequence_key").GetString()!;
        Assert.Equal(sequence, b.GetProperty("sequence_key").GetString());

        var (x, y) = TileOf(50.85, 4.35, 14);
        using var response = await server.Http.GetAsync($"/tiles/14/{x}/{y}.mapbox"); // no client_id, as on a CDN
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.mapbox-vector-tile", response.Content.Headers.ContentType?.MediaType);
        var layers = Read(await response.Content.ReadAsByteArrayAsync(), x, y, 14);

        var layer = Assert.Single(layers);
        Assert.Equal("mapillary-sequences", layer.Name);
        var feature = Assert.Single(layer.Features);
        var line = Assert.IsType<LineString>(feature.Geometry);
        // Read back from tile units to degrees: within a tile unit (about 2.4 m at zoom 14) of the photos, in their order.
        Assert.Equal(2, line.NumPoints);
        Assert.Equal(4.35, line.GetCoordinateN(0).X, 0.0001);
        Assert.Equal(50.85, line.GetCoordinateN(0).Y, 0.0001);
        Assert.Equal(4.3502, line.GetCoordinateN(1).X, 0.0001);
        Assert.Equal(50.8502, line.GetCoordinateN(1).Y, 0.0001);
        string Property(string name) => Assert.IsType<string>(feature.Attributes[name]);
        Assert.Equal("tiler", Property("username"));
        Assert.Equal("mapillary-sequences", Property("layer"));
        Assert.Equal(sequence, Property("key"));
        Assert.Equal(Start.ToString(CultureInfo.InvariantCulture), Property("captured_at"));
        var keys = JsonSerializer.Deserialize<string[]>(Property("keys"))!;
        Assert.Equal([a.GetProperty("key").GetString()!, b.GetProperty("key").GetString()!], keys);
        Assert.Equal([71.5, 70], JsonSerializer.Deserialize<double[]>(Property("cas"))!);
    }

    [Fact]
    public async Task PrivateSequencesAndOtherPlacesAreLeftOut()
    {
        await server.AdminAsync("", "projects", "add", "--key", "secret", "--name", "Secret", "--owner", "tiler");
        await PhotoAsync("p", 48.85, 2.35, Start, 10, "&project=secret");
        await PhotoAsync("q", 10, 10, Start, 10);
        var (x, y) = TileOf(48.85, 2.35, 15);
        using var response = await server.Http.GetAsync($"/tiles/15/{x}/{y}.mapbox");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All(Read(await response.Content.ReadAsByteArrayAsync(), x, y, 15), layer => Assert.Empty(layer.Features));
    }

    [Fact]
    public async Task OverviewZoomsOfASmallArchiveCarryEveryPhotosKeyAndAngle()
    {
        // Spec §3.9: six properties on every feature. Within SequenceOverview.KeyBudget the overview keeps keys and cas.
        var photos = new[] { await PhotoAsync("o1", 45.5, 9.2, Start, 10.5), await PhotoAsync("o2", 45.5002, 9.2, Start + 2000, 20),
            await PhotoAsync("o3", 45.5004, 9.2, Start + 4000, 30.25) };
        var keys = photos.Select(p => p.GetProperty("key").GetString()!).ToArray();
        // Every zoom: the overview ones, the mid zooms where the 44 m line is shorter than a tile unit (kept as a one-unit
        // line, so coverage never disappears), and the street zooms.
        foreach (var z in Enumerable.Range(0, 17))
        {
            var (x, y) = TileOf(45.5, 9.2, z);
            var bytes = await server.Http.GetByteArrayAsync($"/tiles/{z}/{x}/{y}.mapbox");
            var feature = Assert.Single(Assert.Single(Read(bytes, x, y, z)).Features);
            Assert.Equal(["username", "layer", "keys", "cas", "key", "captured_at"], feature.Attributes.GetNames());
            Assert.Equal(keys, JsonSerializer.Deserialize<string[]>(Assert.IsType<string>(feature.Attributes["keys"]))!);
            Assert.Equal([10.5, 20, 30.25], JsonSerializer.Deserialize<double[]>(Assert.IsType<string>(feature.Attributes["cas"]))!);
            Assert.Equal(photos[0].GetProperty("sequence_key").GetString(), feature.Attributes["key"]);
        }
    }

    [Theory]
    [InlineData("/tiles/23/0/0.mapbox", "z")]
    [InlineData("/tiles/a/0/0.mapbox", "z")]
    [InlineData("/tiles/1/2/0.mapbox", "x")]
    [InlineData("/tiles/1/0/-1.mapbox", "y")]
    [InlineData("/tiles/2/1/1.5.mapbox", "y")]
    public async Task CoordinatesOutsideTheGridAreInvalid(string path, string parameter)
    {
        var message = await ContractAssert.Error(await server.Http.GetAsync(path), "parameter_invalid");
        Assert.StartsWith(parameter + " ", message);
    }

    [Fact]
    public async Task AWrongMethodOnATileIsNotFound() =>
        await ContractAssert.Error(await server.Http.PostAsync("/tiles/0/0/0.mapbox", null), "not_found");
}
