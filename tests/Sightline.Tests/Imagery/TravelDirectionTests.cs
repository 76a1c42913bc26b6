using System.Globalization;
using System.Net;
using System.Text.Json;
using NetTopologySuite.IO.VectorTiles.Mapbox;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Imagery;

/// <summary>
/// Photos whose camera gave no direction get their sequence's direction of travel as <c>ca</c> (spec §1.4: a number,
/// never null), in every answer; a photo's own angle always wins.
/// </summary>
public sealed class TravelDirectionTests : IAsyncLifetime
{
    private const long Start = 1_700_000_000_000;
    // About 33 m north, and about 29 m east at latitude 50: well inside the 100 m that keeps photos in one sequence.
    private const double North = 0.0003;
    private const double East = 0.0004;

    private TestServer server = null!;
    private Uploader uploader = null!;
    private int seed;

    public async Task InitializeAsync()
    {
        server = await TestServer.StartAsync();
        uploader = await Uploader.CreateAsync(server, "walker");
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    // Position and time in the EXIF, as a phone writes them; a direction only when given.
    private async Task<JsonElement> PhotoAsync(double lat, double lon, long capturedAt, double? exifCa = null)
    {
        var taken = DateTimeOffset.FromUnixTimeMilliseconds(capturedAt).UtcDateTime;
        var bytes = Photos.Jpeg(new PhotoSpec { Width = 160, Height = 120, Seed = ++seed, Lat = lat, Lon = lon, Ca = exifCa, Taken = taken, Offset = "+00:00" });
        return await uploader.UploadProcessedAsync($"p{seed}", bytes);
    }

    private async Task<double> CaOfAsync(JsonElement photo) =>
        (await uploader.GetJsonAsync($"/v2/im/{photo.GetProperty("key").GetString()}")).GetProperty("ca").GetDouble();

    private static string Key(JsonElement photo) => photo.GetProperty("key").GetString()!;

    [Fact]
    public async Task PhotosWithoutDirectionFaceTheirWayOfTravelWhateverOrderTheyArriveIn()
    {
        // A walk north, then east: the first photo faces north, the second east (to the third), the last the way it came (east).
        const double lat = 50, lon = 4;
        var third = await PhotoAsync(lat + North, lon + East, Start + 4000);
        var first = await PhotoAsync(lat, lon, Start);
        var second = await PhotoAsync(lat + North, lon, Start + 2000);
        var sequence = second.GetProperty("sequence_key").GetString()!;
        Assert.Equal(sequence, first.GetProperty("sequence_key").GetString());
        Assert.Equal(sequence, third.GetProperty("sequence_key").GetString());

        double[] expected = [0, 90, 90];
        JsonElement[] photos = [first, second, third];
        for (var i = 0; i < 3; i++)
            Assert.Equal(expected[i], await CaOfAsync(photos[i]), 0.05);

        // /v2/s lists them in order with the same angles.
        var s = await uploader.GetJsonAsync($"/v2/s/{sequence}");
        Assert.Equal(photos.Select(Key), s.GetProperty("keys").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(expected, s.GetProperty("cas").EnumerateArray().Select(c => Math.Round(c.GetDouble(), 1)));

        // Searches: the image summaries, the close search and the GeoJSON.
        var box = string.Create(CultureInfo.InvariantCulture, $"min_lat={lat - 0.001}&max_lat={lat + 0.001}&min_lon={lon - 0.001}&max_lon={lon + 0.001}");
        var found = (await uploader.GetJsonAsync($"/v2/search/im?{box}")).GetProperty("ims").EnumerateArray()
            .ToDictionary(i => i.GetProperty("key").GetString()!, i => i.GetProperty("ca").GetDouble());
        var close = (await uploader.GetJsonAsync(string.Create(CultureInfo.InvariantCulture, $"/v2/search/im/close?lat={lat}&lon={lon}&distance=100")))
            .GetProperty("ims").EnumerateArray().ToDictionary(i => i.GetProperty("key").GetString()!, i => i.GetProperty("ca").GetDouble());
        var features = (await uploader.GetJsonAsync($"/v2/search/im/geojson?{box}")).GetProperty("features").EnumerateArray()
            .ToDictionary(f => f.GetProperty("properties").GetProperty("key").GetString()!, f => f.GetProperty("properties").GetProperty("ca").GetDouble());
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(expected[i], found[Key(photos[i])], 0.05);
            Assert.Equal(expected[i], close[Key(photos[i])], 0.05);
            Assert.Equal(expected[i], features[Key(photos[i])], 0.05);
        }

        // STAC: the view extension's azimuth.
        var item = await uploader.GetJsonAsync($"/api/collections/{sequence}/items/{Key(second)}");
        Assert.Equal(90, item.GetProperty("properties").GetProperty("view:azimuth").GetDouble(), 0.05);

        // Tiles: the sequence's cas at a street zoom.
        var (x, y) = TileOf(lat, lon, 16);
        using var response = await server.Http.GetAsync($"/tiles/16/{x}/{y}.mapbox");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        var layer = Assert.Single(new MapboxTileReader().Read(stream, new NetTopologySuite.IO.VectorTiles.Tiles.Tile(x, y, 16)).Layers);
        var feature = Assert.Single(layer.Features);
        var cas = JsonSerializer.Deserialize<double?[]>(Assert.IsType<string>(feature.Attributes["cas"]))!;
        Assert.Equal(expected, cas.Select(c => Math.Round(c!.Value, 1)));
    }

    [Fact]
    public async Task APhotosOwnDirectionWinsOverItsWayOfTravel()
    {
        const double lat = 51, lon = 5;
        var first = await PhotoAsync(lat, lon, Start);
        var second = await PhotoAsync(lat + North, lon, Start + 2000, exifCa: 200);
        var third = await PhotoAsync(lat + North, lon + East, Start + 4000);
        var given = await uploader.UploadProcessedAsync("given", Photos.Jpeg(new PhotoSpec { Width = 160, Height = 120, Seed = ++seed }),
            string.Create(CultureInfo.InvariantCulture, $"&lat={lat + 2 * North}&lon={lon + East}&captured_at={Start + 6000}&ca=12.5"));

        Assert.Equal(0, await CaOfAsync(first), 0.05);
        Assert.Equal(200, await CaOfAsync(second), 0.05);
        Assert.Equal(0, await CaOfAsync(third), 0.05); // on to the photo given with ca=12.5, due north of it
        Assert.Equal(12.5, await CaOfAsync(given), 0.05);
        var s = await uploader.GetJsonAsync($"/v2/s/{second.GetProperty("sequence_key").GetString()}");
        Assert.Equal([0, 200, 0, 12.5], s.GetProperty("cas").EnumerateArray().Select(c => Math.Round(c.GetDouble(), 1)));
    }

    [Fact]
    public async Task ALonePhotoWithoutDirectionFacesNorth()
    {
        var lone = await PhotoAsync(-20, 30, Start);
        Assert.Equal(JsonValueKind.Number, (await uploader.GetJsonAsync($"/v2/im/{Key(lone)}")).GetProperty("ca").ValueKind);
        Assert.Equal(0, await CaOfAsync(lone));
        var s = await uploader.GetJsonAsync($"/v2/s/{lone.GetProperty("sequence_key").GetString()}");
        Assert.Equal([0.0], s.GetProperty("cas").EnumerateArray().Select(c => c.GetDouble()));
    }

    [Fact]
    public async Task DeletingTheLastPhotoTurnsTheNewLastOneTheWayItCame()
    {
        const double lat = 52, lon = 6;
        var first = await PhotoAsync(lat, lon, Start);
        var second = await PhotoAsync(lat + North, lon, Start + 2000);
        await PhotoAsync(lat + North, lon + East, Start + 4000);
        Assert.Equal(90, await CaOfAsync(second), 0.05);

        using var deleted = await uploader.SendAsync(HttpMethod.Delete, $"/v2/me/uploads/images/p{seed}");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(0, await CaOfAsync(first), 0.05);
        Assert.Equal(0, await CaOfAsync(second), 0.05); // now the last: from the first photo, due south of it
    }

    [Fact]
    public async Task AHiddenPhotoIsNoNeighbourOfTheWayOfTravel()
    {
        // A walk north, then east; a moderator hides the corner photo: the first now faces the third, and the third
        // (the last) looks the way it came from the first, as if the corner had never been there.
        const double lat = 53, lon = 7;
        var first = await PhotoAsync(lat, lon, Start);
        var corner = await PhotoAsync(lat + North, lon, Start + 2000);
        var third = await PhotoAsync(lat + North, lon + East, Start + 4000);
        Assert.Equal(0, await CaOfAsync(first), 0.05);
        Assert.Equal(90, await CaOfAsync(third), 0.05);

        var moderator = await Community.Member.CreateAsync(server, "moderator", "mapillary:admin public:write user:read", admin: true);
        await Community.Member.AcknowledgedAsync(await moderator.PostJsonAsync($"/v2/im/{Key(corner)}/complain", new { cm = "a face" }));
        var complaint = Assert.Single((await moderator.GetJsonAsync("/v2/complaints?state=open")).GetProperty("complaints").EnumerateArray());
        await Community.Member.AcknowledgedAsync(
            await moderator.SendAsync(HttpMethod.Post, $"/v2/complaints/{complaint.GetProperty("key").GetString()}?decision=uphold"));

        var diagonal = Math.Round(Sightline.Search.Index.Geodesy.BearingDegrees(lat, lon, lat + North, lon + East), 1);
        Assert.InRange(diagonal, 30, 50); // neither of the courses the corner gave them
        Assert.Equal(diagonal, await CaOfAsync(first), 0.05);
        Assert.Equal(diagonal, await CaOfAsync(third), 0.05);
        var s = await uploader.GetJsonAsync($"/v2/s/{first.GetProperty("sequence_key").GetString()}");
        Assert.Equal([Key(first), Key(third)], s.GetProperty("keys").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal([diagonal, diagonal], s.GetProperty("cas").EnumerateArray().Select(c => Math.Round(c.GetDouble(), 1)));
    }

    private static (int X, int Y) TileOf(double lat, double lon, int zoom)
    {
        var n = Math.Pow(2, zoom);
        var rad = lat * Math.PI / 180;
        return ((int)((lon + 180) / 360 * n), (int)((1 - Math.Asinh(Math.Tan(rad)) / Math.PI) / 2 * n));
    }
}
