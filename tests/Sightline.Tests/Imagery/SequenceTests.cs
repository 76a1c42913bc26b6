using System.Globalization;
using System.Net;
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
    // ca null: the photo has no direction of its own and faces its sequence's way of travel.
    private async Task<JsonElement> PhotoAsync(double lat, double lon, long capturedAt, double? ca = 90)
    {
        var bytes = Photos.Jpeg(new PhotoSpec { Width = 160, Height = 120, Seed = ++seed });
        var query = string.Create(CultureInfo.InvariantCulture, $"&lat={lat}&lon={lon}&captured_at={capturedAt}");
        if (ca is { } angle)
            query += string.Create(CultureInfo.InvariantCulture, $"&ca={angle}");
        return await uploader.UploadProcessedAsync($"p{seed}", bytes, query);
    }

    private static string SequenceOf(JsonElement image) => image.GetProperty("sequence_key").GetString()!;
    private static string KeyOf(JsonElement image) => image.GetProperty("key").GetString()!;

    private async Task<(string[] Keys, double[] Cas)> ReadSequenceAsync(string key)
    {
        var sequence = await uploader.GetJsonAsync($"/v2/s/{key}");
        return (sequence.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).ToArray(),
            sequence.GetProperty("cas").EnumerateArray().Select(c => c.GetDouble()).ToArray());
    }

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
    public async Task APhotoFarAwayInsideASequencesTimeSpanStartsAnotherSequence()
    {
        // The audit's repro (finding 7): two photos 35 m apart in Gent, then one of the same second in the South Atlantic.
        const long t = 1_748_772_000_000;
        var e1 = await PhotoAsync(51.03, 3.7, t, ca: null);
        var e2 = await PhotoAsync(51.03, 3.7005, t + 5000, ca: null);
        var o1 = await PhotoAsync(-40, -30, t, ca: null);

        Assert.Equal(SequenceOf(e1), SequenceOf(e2));
        Assert.NotEqual(SequenceOf(e1), SequenceOf(o1));
        var (gentKeys, gentCas) = await ReadSequenceAsync(SequenceOf(e1));
        Assert.Equal([KeyOf(e1), KeyOf(e2)], gentKeys);
        Assert.All(gentCas, ca => Assert.InRange(ca, 89.9, 90.1)); // east, along the street, not towards the Atlantic
        var (oceanKeys, oceanCas) = await ReadSequenceAsync(SequenceOf(o1));
        Assert.Equal([KeyOf(o1)], oceanKeys);
        Assert.Equal([0.0], oceanCas);
        Assert.InRange((await uploader.GetJsonAsync("/v2/u/walker")).GetProperty("distance_all").GetInt64(), 34, 36);
    }

    // Two cameras of one account recording at once, 2 km apart, each photo 20 s and about 40 m after its camera's last:
    // camera "north" walks north in one street, "east" walks east in another, their photos 10 s apart in between.
    private static List<(string Camera, double Lat, double Lon, long CapturedAt)> TwoCameras() =>
        Enumerable.Range(0, 8).SelectMany(step => new[]
        {
            ("north", 51.05 + step * 0.00036, 3.72, Start + step * 20_000L),
            ("east", 51.05, 3.75 + step * 0.00057, Start + step * 20_000L + 10_000),
        }).ToList();

    private async Task AssertTwoCamerasAsync(List<(string Camera, double Lat, double Lon, long CapturedAt)> arrivals)
    {
        var uploaded = new List<(string Camera, long CapturedAt, JsonElement Image)>();
        foreach (var (camera, lat, lon, capturedAt) in arrivals)
            uploaded.Add((camera, capturedAt, await PhotoAsync(lat, lon, capturedAt, ca: null)));
        // Read back after the last upload: a bridge may have merged a sequence a photo was first put in.
        var sequences = new Dictionary<string, string>();
        foreach (var (camera, expectedCa) in new[] { ("north", 0.0), ("east", 90.0) })
        {
            var photos = uploaded.Where(u => u.Camera == camera).OrderBy(u => u.CapturedAt).ToList();
            var current = await Task.WhenAll(photos.Select(p => uploader.GetJsonAsync($"/v2/im/{KeyOf(p.Image)}")));
            var key = Assert.Single(current.Select(SequenceOf).Distinct());
            sequences[camera] = key;
            var (keys, cas) = await ReadSequenceAsync(key);
            Assert.Equal(photos.Select(p => KeyOf(p.Image)), keys);
            Assert.All(cas, ca => Assert.InRange(ca, expectedCa - 0.5, expectedCa + 0.5));
        }
        Assert.NotEqual(sequences["north"], sequences["east"]);
        var status = await uploader.GetJsonAsync("/v2/status");
        Assert.Equal(2, status.GetProperty("sequences").GetInt64());
    }

    [Fact]
    public async Task TwoCamerasRecordingAtOnceInTwoPlacesMakeTwoSequences() =>
        await AssertTwoCamerasAsync(TwoCameras());

    [Fact]
    public async Task TwoCamerasRecordingAtOnceMakeTwoSequencesWhateverTheArrivalOrder()
    {
        var arrivals = TwoCameras().ToArray();
        new Random(20261203).Shuffle(arrivals);
        await AssertTwoCamerasAsync([.. arrivals]);
        Assert.NotEqual(TwoCameras().Select(a => a.CapturedAt), arrivals.Select(a => a.CapturedAt)); // the seed does shuffle
    }

    [Fact]
    public async Task AClosePhotoInsideASpanJoinsThoughAnotherCamerasPhotosAreBetween()
    {
        var first = await PhotoAsync(50, 4, Start);
        await PhotoAsync(50.02, 4, Start + 10_000); // another camera of the same account, 2.2 km north
        await PhotoAsync(50.02, 4, Start + 30_000);
        var last = await PhotoAsync(50, 4.0006, Start + 40_000);
        Assert.Equal(SequenceOf(first), SequenceOf(last));
        var middle = await PhotoAsync(50, 4.0003, Start + 20_000);
        Assert.Equal(SequenceOf(first), SequenceOf(middle));
        Assert.Equal([KeyOf(first), KeyOf(middle), KeyOf(last)], (await ReadSequenceAsync(SequenceOf(first))).Keys);
    }

    [Fact]
    public async Task APhotoInsideASpanCloseToOnlyOneNeighbourStartsAnotherSequence()
    {
        // It would put a hop over the limit into the sequence; it does not split the sequence either.
        var first = await PhotoAsync(50, 4, Start);
        var last = await PhotoAsync(50 + Under100Meters, 4, Start + 60_000);
        var aside = await PhotoAsync(50 - Under100Meters, 4, Start + 30_000); // 99 m from the first, 198 m from the last
        Assert.NotEqual(SequenceOf(first), SequenceOf(aside));
        Assert.Equal([KeyOf(first), KeyOf(last)], (await ReadSequenceAsync(SequenceOf(first))).Keys);
    }

    [Fact]
    public async Task AfterADeletionAPhotoJoinsByTheNeighboursLeft()
    {
        // 60 m steps: the first and the last are 120 m apart, joined only through the middle one.
        var first = await PhotoAsync(50, 4, Start);
        var middle = await PhotoAsync(50.00054, 4, Start + 20_000);
        var last = await PhotoAsync(50.00108, 4, Start + 40_000);
        Assert.Equal(HttpStatusCode.OK, (await uploader.SendAsync(HttpMethod.Delete, $"/v2/me/uploads/images/{KeyOf(middle)}")).StatusCode);
        Assert.Equal([KeyOf(first), KeyOf(last)], (await ReadSequenceAsync(SequenceOf(first))).Keys); // not split

        var back = await PhotoAsync(50.00054, 4, Start + 20_000);
        Assert.Equal(SequenceOf(first), SequenceOf(back));
        var aside = await PhotoAsync(49.99946, 4, Start + 10_000); // 60 m from the first, 120 m from the one back
        Assert.NotEqual(SequenceOf(first), SequenceOf(aside));
        Assert.Equal([KeyOf(first), KeyOf(back), KeyOf(last)], (await ReadSequenceAsync(SequenceOf(first))).Keys);
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
