using System.Net;
using Sightline.Demo;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Imagery;

/// <summary>The demo set loads through the real upload path into one sequence per street.</summary>
public sealed class DemoTests
{
    [Fact]
    public async Task DemoSetMakesImagesThumbnailsAndOneSequencePerStreet()
    {
        await using var server = await TestServer.StartAsync();
        var (clientId, _) = await server.AddClientAsync("demo app");
        Assert.True(await DemoImagery.IsNeededAsync(server.Services));

        var log = new StringWriter();
        var uploaded = await DemoImagery.LoadAsync(server.Services, clientId, server.BaseAddress, log, CancellationToken.None, photosPerStreet: 4);
        Assert.Equal(16, uploaded);
        Assert.False(await DemoImagery.IsNeededAsync(server.Services));

        var deadline = DateTime.UtcNow.AddSeconds(120);
        System.Text.Json.JsonElement status;
        do
        {
            Assert.True(DateTime.UtcNow < deadline, "the demo set was not processed");
            await Task.Delay(50);
            using var response = await server.Http.GetAsync($"/v2/status?client_id={clientId}");
            status = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        }
        while (status.GetProperty("images").GetInt64() < 16);
        Assert.Equal(4, status.GetProperty("sequences").GetInt64());

        var profile = System.Text.Json.JsonDocument.Parse(await server.Http.GetStringAsync($"/v2/u/demo?client_id={clientId}")).RootElement;
        Assert.Equal(16, profile.GetProperty("images_all").GetInt64());
        Assert.InRange(profile.GetProperty("distance_all").GetInt64(), 4 * 3 * 6 - 2, 4 * 3 * 6 + 2); // 3 steps of 6 m per street

        // Every tile over the demo, from the world down to the street, has all six properties of spec §3.9 on every
        // feature, with every photo's key and a number for its angle.
        var first = System.Text.Json.JsonDocument.Parse(await server.Http.GetStringAsync(
            $"/v2/search/im?client_id={clientId}&min_lat=-90&max_lat=90&min_lon=-180&max_lon=180&limit=1")).RootElement.GetProperty("ims")[0];
        var (lat, lon) = (first.GetProperty("lat").GetDouble(), first.GetProperty("lon").GetDouble());
        for (var z = 0; z <= 17; z++)
        {
            var n = 1 << z;
            var x = (int)((lon + 180) / 360 * n);
            var y = (int)((1 - Math.Asinh(Math.Tan(lat * Math.PI / 180)) / Math.PI) / 2 * n);
            using var stream = new MemoryStream(await server.Http.GetByteArrayAsync($"/tiles/{z}/{x}/{y}.mapbox"));
            var layer = Assert.Single(new NetTopologySuite.IO.VectorTiles.Mapbox.MapboxTileReader()
                .Read(stream, new NetTopologySuite.IO.VectorTiles.Tiles.Tile(x, y, z)).Layers);
            // Between the overview and the street zooms a 18 m street is under one tile unit, and lines that short are left out.
            if (z <= 5 || z >= 14)
                Assert.NotEmpty(layer.Features);
            foreach (var feature in layer.Features)
            {
                Assert.Equal(["username", "layer", "keys", "cas", "key", "captured_at"], feature.Attributes.GetNames());
                var keys = System.Text.Json.JsonSerializer.Deserialize<string[]>((string)feature.Attributes["keys"])!;
                var cas = System.Text.Json.JsonSerializer.Deserialize<double[]>((string)feature.Attributes["cas"])!;
                Assert.Equal(4, keys.Length);
                Assert.Equal(4, cas.Length);
            }
        }
    }
}
