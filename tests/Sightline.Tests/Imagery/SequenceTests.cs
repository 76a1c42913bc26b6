using System.Globalization;
using System.Text.Json;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Imagery;

/// <summary>Sequences: cutting at the time and distance thresholds, joining later photos, and the /v2/s endpoints.</summary>
public sealed class SequenceTests : IAsyncLifetime
{
    private const long Start = 1_700_000_000_000;
    // 0.00089° of latitude is about 98.96 m, 0.00091° about 101.19 m: either side of the 100 m default.
    private const double Under100Meters = 0.00089;
    private const double Over100Meters = 0.00091;

    private TestServer server = null!;
    private Uploader uploader = null!;
    private int seed;

    public async Task InitializeAsync()
    {
        server = await TestServer.StartAsync();
        uploader = await Uploader.CreateAsync(server, "walker");
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    // Photos without EXIF position or time; the query gives both, so each test states its geometry plainly.
    private async Task<JsonElement> PhotoAsync(double lat, double lon, long capturedAt, double ca = 90)
    {
        var bytes = Photos.Jpeg(new PhotoSpec { Width = 160, Height = 120, Seed = ++seed });
        var query = string.Create(CultureInfo.InvariantCulture, $"&lat={lat}&lon={lon}&captured_at={capturedAt}&ca={ca}");
        return await uploader.UploadProcessedAsync($"p{seed}", bytes, query);
    }

    private static string SequenceOf(JsonElement image) => image.GetProperty("sequence_key").GetString()!;

    [Fact]
    public async Task PhotosExactlyFiveMinutesApartShareASequence()
    {
        var a = await PhotoAsync(50, 4, Start);
        var b = await PhotoAsync(50, 4, Start + 300_000);
        Assert.Equal(SequenceOf(a), SequenceOf(b));
    }

    [Fact]
    public async Task PhotosMoreThanFiveMinutesApartAreCut()
    {
        var a = await PhotoAsync(50, 4, Start);
        var b = await PhotoAsync(50, 4, Start + 300_001);
        Assert.NotEqual(SequenceOf(a), SequenceOf(b));
    }

    [Fact]
    public async Task PhotosUnderAHundredMetersApartShareASequence()
    {
        var a = await PhotoAsync(50, 4, Start);
        var b = await PhotoAsync(50 + Under100Meters, 4, Start + 1000);
        Assert.Equal(SequenceOf(a), SequenceOf(b));
    }

    [Fact]
    public async Task PhotosOverAHundredMetersApartAreCut()
    {
        var a = await PhotoAsync(50, 4, Start);
        var b = await PhotoAsync(50 + Over100Meters, 4, Start + 1000);
        Assert.NotEqual(SequenceOf(a), SequenceOf(b));
    }

    [Fact]
    public async Task ThresholdsComeFromConfiguration()
    {
        await using var strict = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Sequences:MaxGapSeconds"] = "10",
            ["Sequences:MaxGapMeters"] = "1000",
        });
        var walker = await Uploader.CreateAsync(strict, "strict");
        var q = (double lat, long t) => string.Create(CultureInfo.InvariantCulture, $"&lat={lat}&lon=4&captured_at={t}");
        var a = await walker.UploadProcessedAsync("a", Photos.Jpeg(new PhotoSpec { Seed = 1 }), q(50, Start));
        var b = await walker.UploadProcessedAsync("b", Photos.Jpeg(new PhotoSpec { Seed = 2 }), q(50 + Over100Meters, Start + 10_000));
        var c = await walker.UploadProcessedAsync("c", Photos.Jpeg(new PhotoSpec { Seed = 3 }), q(50 + Over100Meters, Start + 20_001));
        Assert.Equal(SequenceOf(a), SequenceOf(b)); // 101 m is within 1000 m
        Assert.NotEqual(SequenceOf(b), SequenceOf(c)); // 10.001 s is over 10 s
    }

    [Fact]
    public async Task LaterPhotoInsideASequencesTimeSpanJoinsIt()
    {
        var first = await PhotoAsync(50, 4, Start);
        var last = await PhotoAsync(50, 4.0005, Start + 240_000);
        Assert.Equal(SequenceOf(first), SequenceOf(last));
        var middle = await PhotoAsync(50, 4.0002, Start + 120_000);
        Assert.Equal(SequenceOf(first), SequenceOf(middle));

        var sequence = await uploader.GetJsonAsync($"/v2/s/{SequenceOf(first)}");
        var keys = sequence.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).ToArray();
        Assert.Equal([first.GetProperty("key").GetString()!, middle.GetProperty("key").GetString()!, last.GetProperty("key").GetString()!], keys);
    }

    [Fact]
    public async Task ALatePhotoBridgingTwoSequencesMergesThemUnderTheEarlierKey()
    {
        // Uploaded out of order: 0 s and 400 s are too far apart in time and make two sequences; the photo of 200 s
        // arrives last, close to both, and makes them one walk again.
        var first = await PhotoAsync(50, 4, Start);
        var last = await PhotoAsync(50, 4.0004, Start + 400_000);
        Assert.NotEqual(SequenceOf(first), SequenceOf(last));
        var bridge = await PhotoAsync(50, 4.0002, Start + 200_000);

        Assert.Equal(SequenceOf(first), SequenceOf(bridge));
        var merged = await uploader.GetJsonAsync($"/v2/s/{SequenceOf(first)}");
        Assert.Equal(new[] { first, bridge, last }.Select(i => i.GetProperty("key").GetString()!),
            merged.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!));
        Assert.Equal(SequenceOf(first), SequenceOf(await uploader.GetJsonAsync($"/v2/im/{last.GetProperty("key").GetString()}")));
        await ContractAssert.Error(await uploader.SendAsync(HttpMethod.Get, $"/v2/s/{SequenceOf(last)}"), "not_found");
        var search = await uploader.GetJsonAsync("/v2/search/s?min_lat=49.9&max_lat=50.1&min_lon=3.9&max_lon=4.1");
        Assert.Equal(SequenceOf(first), Assert.Single(search.GetProperty("ss").EnumerateArray()).GetProperty("key").GetString());
    }

    [Fact]
    public async Task TheSearchWithoutFiltersFollowsEachWrite()
    {
        // The answer without a filter is kept per version of the index: each upload must make a new one.
        async Task<List<string>> NewestAsync() => (await uploader.GetJsonAsync("/v2/search/s?limit=10")).GetProperty("ss")
            .EnumerateArray().Select(s => s.GetProperty("key").GetString()!).ToList();
        Assert.Empty(await NewestAsync());
        var first = await PhotoAsync(50, 4, Start);
        Assert.Equal([SequenceOf(first)], await NewestAsync());
        var later = await PhotoAsync(10, 10, Start + 3_600_000);
        Assert.Equal([SequenceOf(later), SequenceOf(first)], await NewestAsync());
        var bridgeEnd = await PhotoAsync(50, 4.0004, Start + 400_000);
        Assert.Equal([SequenceOf(later), SequenceOf(bridgeEnd), SequenceOf(first)], await NewestAsync());
        await PhotoAsync(50, 4.0002, Start + 200_000); // joins the two near (50, 4) under the earlier one's key
        Assert.Equal([SequenceOf(later), SequenceOf(first)], await NewestAsync());
    }

    [Fact]
    public async Task SequencesArePerUser()
    {
        var other = await Uploader.CreateAsync(server, "other_walker");
        var mine = await PhotoAsync(50, 4, Start);
        var theirs = await other.UploadProcessedAsync("x", Photos.Jpeg(new PhotoSpec { Seed = 99 }), $"&lat=50&lon=4&captured_at={Start + 1000}");
        Assert.NotEqual(SequenceOf(mine), SequenceOf(theirs));
    }

    [Fact]
    public async Task SequenceHasKeysCoordsCasTimeAndBoundary()
    {
        var a = await PhotoAsync(-33.0001, -70.0003, Start + 5000, ca: 10);
        var b = await PhotoAsync(-33.0002, -70.0001, Start + 9000, ca: 20);
        var key = SequenceOf(a);

        var sequence = await uploader.GetJsonAsync($"/v2/s/{key}");
        Assert.Equal(key, sequence.GetProperty("key").GetString());
        Assert.Equal(Start + 5000, sequence.GetProperty("captured_at").GetInt64());
        Assert.Equal([a.GetProperty("key").GetString()!, b.GetProperty("key").GetString()!],
            sequence.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).ToArray());
        Assert.Equal([10.0, 20.0], sequence.GetProperty("cas").EnumerateArray().Select(c => c.GetDouble()).ToArray());
        var coords = sequence.GetProperty("coords").EnumerateArray().Select(c => c.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        Assert.Equal([-70.0003, -33.0001], coords[0]);
        Assert.Equal([-70.0001, -33.0002], coords[1]);
        var boundary = sequence.GetProperty("boundary");
        Assert.Equal(-33.0002, boundary.GetProperty("min_lat").GetDouble());
        Assert.Equal(-70.0003, boundary.GetProperty("min_lon").GetDouble());
        Assert.Equal(-33.0001, boundary.GetProperty("max_lat").GetDouble());
        Assert.Equal(-70.0001, boundary.GetProperty("max_lon").GetDouble());

        var geojson = await uploader.GetJsonAsync($"/v2/s/{key}/geojson");
        Assert.Equal("FeatureCollection", geojson.GetProperty("type").GetString());
        Assert.False(geojson.GetProperty("more").GetBoolean());
        var feature = geojson.GetProperty("features").EnumerateArray().Single();
        Assert.Equal("LineString", feature.GetProperty("geometry").GetProperty("type").GetString());
        Assert.Equal([-70.0003, -33.0002, -70.0001, -33.0001],
            feature.GetProperty("geometry").GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()).ToArray());
        Assert.Equal(2, feature.GetProperty("geometry").GetProperty("coordinates").GetArrayLength());
        Assert.Equal(key, feature.GetProperty("properties").GetProperty("key").GetString());
        Assert.Equal(Start + 5000, feature.GetProperty("properties").GetProperty("captured_at").GetInt64());
    }

    [Fact]
    public async Task ASequenceOfOnePhotoIsAValidLineString()
    {
        // RFC 7946 §3.1.4: a LineString holds two or more positions; one photo's is repeated, its keys stay one.
        var a = await PhotoAsync(-10.5, 20.5, Start, ca: 5);
        var key = SequenceOf(a);
        var feature = (await uploader.GetJsonAsync($"/v2/s/{key}/geojson")).GetProperty("features").EnumerateArray().Single();
        var coordinates = feature.GetProperty("geometry").GetProperty("coordinates").EnumerateArray()
            .Select(c => c.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        Assert.Equal([[20.5, -10.5], [20.5, -10.5]], coordinates);
        Assert.Equal(1, (await uploader.GetJsonAsync($"/v2/s/{key}")).GetProperty("keys").GetArrayLength());
        var found = await uploader.GetJsonAsync("/v2/search/s/geojson?min_lat=-11&max_lat=-10&min_lon=20&max_lon=21");
        Assert.Equal(2, found.GetProperty("features").EnumerateArray().Single().GetProperty("geometry").GetProperty("coordinates").GetArrayLength());
    }

    [Fact]
    public async Task ImageGeoJsonIsAPointFeature()
    {
        var a = await PhotoAsync(12.5, -7.25, Start, ca: 33);
        var geojson = await uploader.GetJsonAsync($"/v2/im/{a.GetProperty("key").GetString()}/geojson");
        var feature = geojson.GetProperty("features").EnumerateArray().Single();
        Assert.Equal("Point", feature.GetProperty("geometry").GetProperty("type").GetString());
        Assert.Equal([-7.25, 12.5], feature.GetProperty("geometry").GetProperty("coordinates").EnumerateArray().Select(v => v.GetDouble()).ToArray());
        Assert.Equal(33, feature.GetProperty("properties").GetProperty("ca").GetDouble());
    }

    [Theory]
    [InlineData("/v2/s/short")]
    [InlineData("/v2/s/AAAAAAAAAAAAAAAAAAAAA!")]
    [InlineData("/v2/s/AAAAAAAAAAAAAAAAAAAAAAA/geojson")]
    [InlineData("/v2/im/short")]
    [InlineData("/v2/im/tooshort/geojson")]
    public async Task BadKeyShapeIsParameterInvalid(string path)
    {
        var message = await ContractAssert.Error(await server.Http.GetAsync($"{path}?client_id={uploader.ClientId}"), "parameter_invalid");
        Assert.StartsWith("key", message);
    }

    [Theory]
    [InlineData("/v2/s/AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("/v2/s/AAAAAAAAAAAAAAAAAAAAAA/geojson")]
    [InlineData("/v2/im/AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("/v2/im/AAAAAAAAAAAAAAAAAAAAAA/geojson")]
    public async Task UnknownKeyIsNotFound(string path) =>
        await ContractAssert.Error(await server.Http.GetAsync($"{path}?client_id={uploader.ClientId}"), "not_found");

    [Fact]
    public async Task ReadingNeedsAClientId()
    {
        var a = await PhotoAsync(1, 1, Start);
        await ContractAssert.Error(await server.Http.GetAsync($"/v2/im/{a.GetProperty("key").GetString()}"), "client_id_missing");
        await ContractAssert.Error(await server.Http.GetAsync($"/v2/s/{SequenceOf(a)}"), "client_id_missing");
    }
}
