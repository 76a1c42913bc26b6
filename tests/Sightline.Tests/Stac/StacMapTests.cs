using System.Net;
using System.Text.Json;
using NetTopologySuite.IO.VectorTiles;
using NetTopologySuite.IO.VectorTiles.Mapbox;
using TileId = NetTopologySuite.IO.VectorTiles.Tiles.Tile;

namespace Sightline.Tests.Stac;

/// <summary>/api/map: vector tiles and styles in the layout the Panoramax viewer reads.</summary>
[Collection(StacArchiveCollection.Name)]
public sealed class StacMapTests(StacArchive archive)
{
    private const double Lat = 51.0545, Lon = 3.7210; // the demo streets
    private const int MapTilesGridEnd = Sightline.Stac.MapTiles.GridMaxZoom;

    internal static (int X, int Y) TileAt(int zoom, double lat, double lon)
    {
        var n = 1 << zoom;
        var x = (int)((lon + 180) / 360 * n);
        var latRad = lat * Math.PI / 180;
        var y = (int)((1 - Math.Log(Math.Tan(latRad) + 1 / Math.Cos(latRad)) / Math.PI) / 2 * n);
        return (x, y);
    }

    private async Task<(byte[] Bytes, IList<Layer> Layers)> TileAsync(string prefix, int z, int x, int y)
    {
        using var response = await archive.Server.Http.GetAsync($"{prefix}/{z}/{x}/{y}.mvt");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.mapbox-vector-tile", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        using var stream = new MemoryStream(bytes);
        return (bytes, new MapboxTileReader().Read(stream, new TileId(x, y, z)).Layers);
    }

    [Fact]
    public async Task EveryZoomAnswersAndFarAwayTilesAreEmpty()
    {
        for (var z = 0; z <= 22; z++)
        {
            var (x, y) = TileAt(z, -45, -120); // the South Pacific: only the world tile of zoom 0 reaches Ghent
            var (bytes, layers) = await TileAsync("/api/map", z, x, y);
            if (z == 0)
                Assert.Equal("grid", layers.Single().Name);
            else
                Assert.Empty(bytes);
        }
        using var outside = await archive.Server.Http.GetAsync("/api/map/3/8/0.mvt");
        Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);
    }

    [Fact]
    public async Task LowZoomsShowAGridThenSequencesThenPictures()
    {
        var (x2, y2) = TileAt(2, Lat, Lon);
        var grid = (await TileAsync("/api/map", 2, x2, y2)).Layers.Single();
        Assert.Equal("grid", grid.Name);
        Assert.Equal(StacArchive.DemoPhotos, grid.Features.Sum(f => Convert.ToInt64(f.Attributes["nb_pictures"])));

        var (x12, y12) = TileAt(12, Lat, Lon);
        var twelve = (await TileAsync("/api/map", 12, x12, y12)).Layers;
        var sequences = twelve.Single(l => l.Name == "sequences");
        Assert.DoesNotContain(twelve, l => l.Name == "pictures");
        Assert.Equal(4, sequences.Features.Count);
        var collections = (await archive.GetJsonAsync("/api/collections")).GetProperty("collections").EnumerateArray().Select(c => c.GetProperty("id").GetString()).ToHashSet();
        Assert.All(sequences.Features, f => Assert.Contains((string)f.Attributes["id"], collections));
        Assert.All(sequences.Features, f => Assert.Equal("2024-05-0", ((string)f.Attributes["date"])[..9]));

        // From the zoom where the grid ends, every sequence is a line: at zoom 6 a street snaps to one point, kept as the
        // shortest line the tile holds (the style draws lines from zoom 6 on; the grid only up to 6).
        for (var z = MapTilesGridEnd + 1; z <= 14; z++)
        {
            var (x, y) = TileAt(z, Lat, Lon);
            var lines = (await TileAsync("/api/map", z, x, y)).Layers.Single(l => l.Name == "sequences");
            Assert.True(lines.Features.Count == 4, $"zoom {z}: {lines.Features.Count} lines");
            Assert.All(lines.Features, f => Assert.True(f.Geometry.NumPoints >= 2 && f.Geometry.Length > 0, $"zoom {z}: {f.Geometry}"));
        }

        var (x17, y17) = TileAt(17, Lat, Lon);
        var pictures = (await TileAsync("/api/map", 17, x17, y17)).Layers.Single(l => l.Name == "pictures");
        Assert.NotEmpty(pictures.Features);
        foreach (var feature in pictures.Features)
        {
            var id = (string)feature.Attributes["id"];
            var sequenceIds = JsonSerializer.Deserialize<string[]>((string)feature.Attributes["sequences"])!;
            Assert.Equal((string)feature.Attributes["first_sequence"], sequenceIds.Single());
            var item = await archive.GetJsonAsync($"/api/collections/{sequenceIds[0]}/items/{id}");
            Assert.Equal(Convert.ToInt64(feature.Attributes["heading"]), (long)Math.Round(item.GetProperty("properties").GetProperty("view:azimuth").GetDouble()));
        }
    }

    [Fact]
    public async Task UserTilesHoldOnlyThatUsersPhotos()
    {
        var demo = (await archive.GetJsonAsync("/api/users/search?q=demo")).GetProperty("features")[0].GetProperty("id").GetString()!;
        var (x, y) = TileAt(14, Lat, Lon);
        var sequences = (await TileAsync($"/api/users/{demo}/map", 14, x, y)).Layers.Single(l => l.Name == "sequences");
        Assert.Equal(4, sequences.Features.Count);
        Assert.All(sequences.Features, f => Assert.Equal(demo, f.Attributes["account_id"]));
        var surveyor = (await archive.GetJsonAsync("/api/users/search?q=surveyor")).GetProperty("features")[0].GetProperty("id").GetString()!;
        Assert.Empty((await TileAsync($"/api/users/{surveyor}/map", 14, x, y)).Bytes); // all private

        var style = await archive.GetJsonAsync($"/api/users/{demo}/map/style.json");
        Assert.True(style.GetProperty("sources").TryGetProperty($"geovisio_{demo}", out var source));
        Assert.Contains($"/api/users/{demo}/map/{{z}}/{{x}}/{{y}}.mvt", source.GetProperty("tiles")[0].GetString());
    }

    [Fact]
    public async Task TheStyleWorksOfflineAndNamesThePanoramaxLayers()
    {
        using var response = await archive.Server.Http.GetAsync("/api/map/style.json");
        var text = await response.Content.ReadAsStringAsync();
        var style = JsonDocument.Parse(text).RootElement;
        Assert.Equal(8, style.GetProperty("version").GetInt32());
        var layers = style.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("id").GetString()).ToList();
        Assert.Equal(["sightline_background", "sightline_coverage", "geovisio_grid", "geovisio_sequences", "geovisio_pictures"], layers);
        // No URL but this server's: the map needs nothing from the internet.
        foreach (var url in System.Text.RegularExpressions.Regex.Matches(text, "https?://[^\"]+").Select(m => m.Value))
            Assert.StartsWith(archive.Server.BaseAddress.AbsoluteUri, url);
    }
}
