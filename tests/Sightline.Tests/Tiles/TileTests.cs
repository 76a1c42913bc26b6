using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
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
        var layers = MvtReader.Read(await response.Content.ReadAsByteArrayAsync());

        var layer = Assert.Single(layers);
        Assert.Equal("mapillary-sequences", layer.Name);
        Assert.Equal(4096u, layer.Extent);
        var feature = Assert.Single(layer.Features);
        Assert.Equal(2u, feature.Type); // LINESTRING
        Assert.Equal(2, feature.Points.Count);
        Assert.All(feature.Points, p => Assert.InRange(p.X, 0, 4096));
        Assert.True(feature.Points[1].Y < feature.Points[0].Y, "north is up: the later, more northern photo has a smaller y");
        Assert.Equal("tiler", feature.Properties["username"]);
        Assert.Equal("mapillary-sequences", feature.Properties["layer"]);
        Assert.Equal(sequence, feature.Properties["key"]);
        Assert.Equal(Start.ToString(CultureInfo.InvariantCulture), feature.Properties["captured_at"]);
        var keys = JsonSerializer.Deserialize<string[]>(feature.Properties["keys"])!;
        Assert.Equal([a.GetProperty("key").GetString()!, b.GetProperty("key").GetString()!], keys);
        Assert.Equal([71.5, 70], JsonSerializer.Deserialize<double[]>(feature.Properties["cas"])!);
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
        Assert.All(MvtReader.Read(await response.Content.ReadAsByteArrayAsync()), layer => Assert.Empty(layer.Features));
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

/// <summary>Just enough of a Mapbox Vector Tile 2.1 reader to check what the server writes.</summary>
internal static class MvtReader
{
    public sealed record Feature(uint Type, List<(long X, long Y)> Points, Dictionary<string, string> Properties);
    public sealed record Layer(string Name, uint Extent, List<Feature> Features);

    public static List<Layer> Read(byte[] tile) =>
        Fields(tile).Where(f => f.Field == 3).Select(f => ReadLayer(f.Bytes!)).ToList();

    private static Layer ReadLayer(byte[] bytes)
    {
        var fields = Fields(bytes);
        var keys = fields.Where(f => f.Field == 3).Select(f => Encoding.UTF8.GetString(f.Bytes!)).ToList();
        var values = fields.Where(f => f.Field == 4).Select(f => Encoding.UTF8.GetString(Fields(f.Bytes!).Single(v => v.Field == 1).Bytes!)).ToList();
        var features = new List<Feature>();
        foreach (var raw in fields.Where(f => f.Field == 2))
        {
            var parts = Fields(raw.Bytes!);
            var tags = Packed(parts.Single(p => p.Field == 2).Bytes!);
            var properties = new Dictionary<string, string>();
            for (var i = 0; i < tags.Count; i += 2)
                properties[keys[(int)tags[i]]] = values[(int)tags[i + 1]];
            features.Add(new Feature((uint)parts.Single(p => p.Field == 3).Value, Geometry(Packed(parts.Single(p => p.Field == 4).Bytes!)), properties));
        }
        return new Layer(Encoding.UTF8.GetString(fields.Single(f => f.Field == 1).Bytes!), (uint)fields.Single(f => f.Field == 5).Value, features);
    }

    private static List<(long X, long Y)> Geometry(List<ulong> commands)
    {
        var points = new List<(long X, long Y)>();
        long x = 0, y = 0;
        for (var i = 0; i < commands.Count;)
        {
            var count = (int)(commands[i++] >> 3);
            for (var j = 0; j < count; j++)
            {
                x += UnZigZag(commands[i++]);
                y += UnZigZag(commands[i++]);
                points.Add((x, y));
            }
        }
        return points;
    }

    private static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

    private static List<ulong> Packed(byte[] bytes)
    {
        var list = new List<ulong>();
        for (var i = 0; i < bytes.Length;)
            list.Add(Varint(bytes, ref i));
        return list;
    }

    private static List<(int Field, ulong Value, byte[]? Bytes)> Fields(byte[] bytes)
    {
        var list = new List<(int, ulong, byte[]?)>();
        for (var i = 0; i < bytes.Length;)
        {
            var key = Varint(bytes, ref i);
            if ((key & 7) == 0)
            {
                list.Add(((int)(key >> 3), Varint(bytes, ref i), null));
                continue;
            }
            Assert.Equal(2ul, key & 7);
            var length = (int)Varint(bytes, ref i);
            list.Add(((int)(key >> 3), 0, bytes[i..(i + length)]));
            i += length;
        }
        return list;
    }

    private static ulong Varint(byte[] bytes, ref int i)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = bytes[i++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                return value;
        }
    }
}
