using Dapper;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.VectorTiles;
using NetTopologySuite.IO.VectorTiles.Mapbox;
using Sightline.Search.Bench;
using Sightline.Storage;
using Sightline.Storage.Sqlite;
using Sightline.Tests.Infrastructure;
using Sightline.Tiles;

namespace Sightline.Tests.Tiles;

/// <summary>A larger synthetic archive (bench-data's generator, fixed seed), served with the default tile settings and the old handler.</summary>
public sealed class OverviewArchiveServer() : SyntheticTileArchive(seed: 41, images: 60_000);

/// <summary>
/// Low zooms are an overview (<see cref="SequenceOverview"/>): a world tile stays small however large the archive, yet
/// shows a line near every public photo; above the overview zooms the tiles are the whole sequences, as before.
/// </summary>
public sealed class TileOverviewTests(OverviewArchiveServer archive) : IClassFixture<OverviewArchiveServer>
{
    private HttpClient Http => archive.Server.Http;

    // Worst case: every cell of the tile and its buffer holds one line of 16 points with its own key and time, and the
    // lines hold KeyBudget photos whose keys (25 bytes in JSON) and angles (up to 25: a float widened to double) they list.
    private const int MaxOverviewBytes = 34 * 34 * 160 + SequenceOverview.KeyBudget * 50;

    private static readonly string[] AllSix = ["username", "layer", "keys", "cas", "key", "captured_at"];
    private static readonly string[] WithoutKeys = ["username", "layer", "key", "captured_at"];

    // Either every feature lists its photos' keys and angles (and then no more than the budget in all), or none does.
    private static void AssertKeysWithinBudget(IList<IFeature> features)
    {
        Assert.NotEmpty(features);
        var names = features[0].Attributes.GetNames();
        Assert.True(names.SequenceEqual(AllSix) || names.SequenceEqual(WithoutKeys), string.Join(",", names));
        Assert.All(features, f => Assert.Equal(names, f.Attributes.GetNames()));
        if (!names.Contains("keys"))
            return;
        var photos = 0;
        foreach (var feature in features)
        {
            var keys = System.Text.Json.JsonSerializer.Deserialize<string[]>((string)feature.Attributes["keys"])!;
            var cas = System.Text.Json.JsonSerializer.Deserialize<double?[]>((string)feature.Attributes["cas"])!;
            Assert.Equal(keys.Length, cas.Length);
            photos += keys.Length;
        }
        Assert.InRange(photos, 1, SequenceOverview.KeyBudget);
    }

    private static IList<Layer> Read(byte[] bytes, int x, int y, int zoom)
    {
        using var stream = new MemoryStream(bytes);
        return new MapboxTileReader().Read(stream, new NetTopologySuite.IO.VectorTiles.Tiles.Tile(x, y, zoom)).Layers;
    }

    // Where a point falls in the Web Mercator world at zoom 0, in tile units (4096 across).
    private static (double X, double Y) WorldUnits(double lat, double lon) =>
        ((lon + 180) / 360 * 4096, (1 - Math.Asinh(Math.Tan(lat * Math.PI / 180)) / Math.PI) / 2 * 4096);

    [Fact]
    public async Task TheWorldTileIsBoundedAndShowsCoverageNearEveryPhoto()
    {
        var bytes = await Http.GetByteArrayAsync("/tiles/0/0/0.mapbox");
        var whole = await Http.GetByteArrayAsync("/test/legacy-tiles/0/0/0");
        Assert.True(bytes.Length < MaxOverviewBytes, $"the world tile has {bytes.Length} bytes");
        Assert.True(bytes.Length * 10 < whole.Length, $"the overview ({bytes.Length} bytes) is not much smaller than whole sequences ({whole.Length})");

        var layer = Assert.Single(Read(bytes, 0, 0, 0));
        Assert.Equal(SequenceTiles.LayerName, layer.Name);
        // 60,000 photos: the world's chosen sequences hold more than the budget, so the world tile keeps the short form.
        Assert.All(layer.Features, f => Assert.Equal(WithoutKeys, f.Attributes.GetNames()));
        var vertices = new HashSet<(int, int)>();
        foreach (var feature in layer.Features)
        {
            var line = Assert.IsType<LineString>(feature.Geometry);
            Assert.InRange(line.NumPoints, 2, SequenceOverview.MaxPathPoints);
            Assert.Equal(SequenceTiles.LayerName, feature.Attributes["layer"]);
            foreach (var c in line.Coordinates)
            {
                var (x, y) = WorldUnits(c.Y, c.X);
                vertices.Add(((int)x / SequenceOverview.CellUnits, (int)y / SequenceOverview.CellUnits));
            }
        }

        // Coverage everywhere: every sampled public photo has a drawn line within a cell of its own (its sequence's
        // first photo claims a cell, which draws it or a newer sequence starting there).
        using var connection = new Database(archive.Server.DataDirectory).Open();
        var photos = connection.Query<(double Lat, double Lon)>(
            "SELECT lat, lon FROM images WHERE state = 'done' AND hidden_at IS NULL AND project_id IS NULL AND id % 97 = 0").AsList();
        Assert.True(photos.Count > 300);
        foreach (var (lat, lon) in photos)
        {
            var (x, y) = WorldUnits(lat, lon);
            var (cx, cy) = ((int)x / SequenceOverview.CellUnits, (int)y / SequenceOverview.CellUnits);
            var near = false;
            for (var dx = -1; dx <= 1 && !near; dx++)
                for (var dy = -1; dy <= 1 && !near; dy++)
                    near = vertices.Contains((cx + dx, cy + dy));
            Assert.True(near, $"no line near the photo at {lat}, {lon}");
        }
    }

    [Fact]
    public async Task OverviewZoomsStayBoundedAndStreetZoomsDrawWholeSequences()
    {
        using var connection = new Database(archive.Server.DataDirectory).Open();
        var (lat, lon) = connection.QueryFirst<(double, double)>("SELECT lat, lon FROM images WHERE state = 'done' ORDER BY id LIMIT 1");
        for (var z = 1; z <= 9; z++)
        {
            var n = 1 << z;
            var x = (int)((lon + 180) / 360 * n);
            var y = (int)((1 - Math.Asinh(Math.Tan(lat * Math.PI / 180)) / Math.PI) / 2 * n);
            var bytes = await Http.GetByteArrayAsync($"/tiles/{z}/{x}/{y}.mapbox");
            var features = Assert.Single(Read(bytes, x, y, z)).Features;
            Assert.NotEmpty(features);
            if (z <= new TileOptions().OverviewMaxZoom)
            {
                Assert.True(bytes.Length < MaxOverviewBytes, $"tile {z}/{x}/{y} has {bytes.Length} bytes");
                AssertKeysWithinBudget(features);
            }
            else
            {
                Assert.Equal(await Http.GetByteArrayAsync($"/test/legacy-tiles/{z}/{x}/{y}"), bytes);
                Assert.All(features, f => Assert.True(f.Attributes.Exists("keys")));
            }
        }
    }
}
