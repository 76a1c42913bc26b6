using Microsoft.Extensions.DependencyInjection;
using System.Text.Json;
using static Sightline.Tests.Search.Reference;

namespace Sightline.Tests.Search;

[CollectionDefinition(Name)]
public sealed class SearchArchiveCollection : ICollectionFixture<SearchArchive>
{
    public const string Name = "search archive";
}

/// <summary>Image searches against the brute-force reference: every filter, alone and combined, and paging.</summary>
[Collection(SearchArchiveCollection.Name)]
public sealed class ImageSearchTests(SearchArchive archive)
{
    private IEnumerable<ArchivedImage> Public => archive.Visible();

    [Fact]
    public async Task TheArchiveHoldsWhatTheTestsNeed()
    {
        Assert.True(archive.Images.Count > 2000);
        Assert.Contains(archive.Images, i => i.State != "done");
        Assert.Contains(archive.Images, i => i.Project == "survey");
        Assert.Contains(archive.Images, i => i.Lon > 179.99);
        Assert.Contains(archive.Images, i => i.Lon < -179.99);
        Assert.Contains(archive.Images, i => i.Lat > 89.99);
        Assert.Contains(archive.Images, i => i.Lat < -89.99);
        Assert.True(archive.Images.GroupBy(i => i.CapturedAt).Any(g => g.Count() > 5), "shared capture times make the key break ties");
        // Searches read the packed base and the overlay both: the overlay did not grow past its limit and get packed too.
        await archive.GetAsync("/v2/search/im?limit=1");
        var index = archive.Server.Services.GetRequiredService<Sightline.Search.Index.ImageIndex>().Current();
        Assert.True(index.BaseCount > 2000, $"{index.BaseCount} images in the base");
        Assert.InRange(index.OverlayCount, 1, index.BaseCount / 32);
    }

    [Fact]
    public async Task WithoutABoxEveryProcessedPublicImageComesBackOnceNewestFirst()
    {
        var walked = await WalkAsync(archive, "/v2/search/im", "x=1", 1000);
        Assert.Equal(Newest(Public, _ => true), walked.Select(w => w.Key).ToList());
        Assert.All(walked, w => Assert.Null(w.Distance));
    }

    [Fact]
    public async Task WithoutABoxSmallPagesSplitRunsOfEqualTimesWhereTheKeySays()
    {
        // Pages of 7: their edges fall inside runs of photos captured at the same time, which the key orders.
        var expected = Newest(Public, _ => true);
        var walked = new List<string>();
        for (var page = 0; page < 40; page++)
            walked.AddRange(Items(await archive.GetAsync($"/v2/search/im?limit=7&page={page}")).Select(i => i.Key));
        Assert.Equal(expected.Take(280), walked);
    }

    [Theory]
    [InlineData("-datetime")]
    [InlineData("%2Bdatetime")]
    public async Task StacSearchesWithoutABoxListEveryPublicPhotoInTimeOrder(string sortby)
    {
        var newestFirst = sortby.StartsWith('-');
        var expected = newestFirst
            ? Newest(Public, _ => true)
            : Public.OrderBy(i => i.CapturedAt).ThenBy(i => i.Key, StringComparer.Ordinal).Select(i => i.Key).ToList();
        var walked = new List<string>();
        string? next = $"/api/search?limit=250&sortby={sortby}&client_id={archive.ClientId}";
        while (next is not null)
        {
            var page = JsonDocument.Parse(await archive.Server.Http.GetStringAsync(next)).RootElement;
            walked.AddRange(page.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetString()!));
            next = Stac.StacApiTests.NextLink(page);
        }
        Assert.Equal(expected, walked);
    }

    [Fact]
    public async Task AStacSearchByIdsFindsExactlyThePublicProcessedPhotosNamed()
    {
        // From the packed base and from the overlay (the last sequences written), with private, unprocessed and unknown
        // keys among them: read one by one, not by a scan.
        var keys = archive.Images.Take(40).Concat(archive.Images.TakeLast(25)).Where((_, n) => n % 3 == 0).Select(i => i.Key)
            .Concat(archive.Images.Where(i => i.Project is not null).Take(2).Select(i => i.Key))
            .Concat(archive.Images.Where(i => i.State != "done").Take(2).Select(i => i.Key))
            .Append("AAAAAAAAAAAAAAAAAAAAAA").ToList();
        var named = keys.ToHashSet();
        var expected = Newest(Public, i => named.Contains(i.Key));
        Assert.True(expected.Count >= 10, $"{expected.Count} public photos named");
        var page = JsonDocument.Parse(await archive.Server.Http.GetStringAsync(
            $"/api/search?ids={string.Join(',', keys)}&limit=100&client_id={archive.ClientId}")).RootElement;
        Assert.Equal(expected, page.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetString()!).ToList());
    }

    [Fact]
    public async Task RandomBoxesMatchTheReference()
    {
        var random = new Random(1);
        var centres = Public.ToList();
        for (var n = 0; n < 25; n++)
        {
            var centre = centres[random.Next(centres.Count)];
            var half = random.NextDouble() * 0.02;
            var (minLat, maxLat) = (Math.Max(-90, centre.Lat - half), Math.Min(90, centre.Lat + half));
            var (minLon, maxLon) = (Math.Max(-180, centre.Lon - half * 2), Math.Min(180, centre.Lon + half * 2));
            var expected = Newest(Public, i => InBox(i, minLat, minLon, maxLat, maxLon));
            var walked = await WalkAsync(archive, "/v2/search/im", BoxQuery(minLat, minLon, maxLat, maxLon), 1 + random.Next(40));
            Assert.Equal(expected, walked.Select(w => w.Key).ToList());
        }
    }

    [Fact]
    public async Task BoxesOnEitherSideOfTheAntimeridianTogetherFindWhatLiesAcrossIt()
    {
        // CONTRACT.md §3: min_lon above max_lon is parameter_invalid, so a box across the antimeridian is asked as two.
        var expected = Newest(Public, i => InBox(i, -17, 179.99, -16, -179.99));
        Assert.Contains(Public, i => expected.Contains(i.Key) && i.Lon > 0);
        Assert.Contains(Public, i => expected.Contains(i.Key) && i.Lon < 0);
        var east = await WalkAsync(archive, "/v2/search/im", BoxQuery(-17, 179.99, -16, 180), 20);
        var west = await WalkAsync(archive, "/v2/search/im", BoxQuery(-17, -180, -16, -179.99), 20);
        Assert.Equal(expected.Order(), east.Concat(west).Select(w => w.Key).Distinct().Order());
    }

    [Theory]
    [InlineData(89.99, 90)]
    [InlineData(-90, -89.99)]
    public async Task BoxesAtThePolesFindEveryLongitude(double minLat, double maxLat)
    {
        var expected = Newest(Public, i => i.Lat >= minLat && i.Lat <= maxLat);
        Assert.True(expected.Count > 10);
        var walked = await WalkAsync(archive, "/v2/search/im", BoxQuery(minLat, -180, maxLat, 180), 100);
        Assert.Equal(expected, walked.Select(w => w.Key).ToList());
    }

    [Fact]
    public async Task AWorldBoxFindsWhatNoBoxFinds()
    {
        // The spec bounds no box; a search without one covers the world, so the world as a box is served alike.
        var walked = await WalkAsync(archive, "/v2/search/im", BoxQuery(-90, -180, 90, 180), 1000);
        Assert.Equal(Newest(Public, _ => true), walked.Select(w => w.Key).ToList());
        // Small pages of a box this full are read in time order, large ones from the tree: the same answers.
        var paged = new List<string>();
        for (var page = 0; page < 30; page++)
            paged.AddRange(Items(await archive.GetAsync($"/v2/search/im?{BoxQuery(-90, -180, 90, 180)}&limit=7&page={page}")).Select(i => i.Key));
        Assert.Equal(Newest(Public, _ => true).Take(210), paged);
        var north = await WalkAsync(archive, "/v2/search/im", BoxQuery(0, -180, 90, 180) + "&min_ca=0&max_ca=180", 11);
        Assert.Equal(Newest(Public, i => i.Lat >= 0 && InAngles(i, 0, 180)), north.Select(w => w.Key).ToList());
    }

    [Fact]
    public async Task TimeRangeAloneMatchesTheReference()
    {
        var times = Public.Select(i => i.CapturedAt).Order().ToList();
        var (from, to) = (times[times.Count / 3], times[times.Count / 2]);
        var walked = await WalkAsync(archive, "/v2/search/im", $"start_time={from}&end_time={to}", 500);
        Assert.Equal(Newest(Public, i => i.CapturedAt >= from && i.CapturedAt <= to), walked.Select(w => w.Key).ToList());
        var onlyStart = await WalkAsync(archive, "/v2/search/im", $"start_time={to}", 1000);
        Assert.Equal(Newest(Public, i => i.CapturedAt >= to), onlyStart.Select(w => w.Key).ToList());
    }

    [Theory]
    [InlineData(10, 90)]
    [InlineData(350, 10)]
    [InlineData(0, 360)]
    [InlineData(359.5, 0.5)]
    public async Task AngleRangesMatchTheReferenceAndWrapThroughNorth(double min, double max)
    {
        var walked = await WalkAsync(archive, "/v2/search/im", $"min_ca={F(min)}&max_ca={F(max)}", 1000);
        var expected = Newest(Public, i => InAngles(i, min, max));
        Assert.Equal(expected, walked.Select(w => w.Key).ToList()); // photos without an angle by their direction of travel
    }

    [Fact]
    public async Task PhotosWithoutAnAngleShowTheirDirectionOfTravel()
    {
        // The archive writes courses as the sequence assembly does; a photo without an angle of its own shows its course.
        var travelled = Public.Where(i => i.Travelled).Take(10).ToList();
        Assert.NotEmpty(travelled);
        foreach (var image in travelled)
        {
            var json = await archive.GetAsync($"/v2/search/im?{BoxQuery(image.Lat, image.Lon, image.Lat, image.Lon)}");
            var found = json.GetProperty("ims").EnumerateArray().Single(i => i.GetProperty("key").GetString() == image.Key);
            Assert.Equal(JsonValueKind.Number, found.GetProperty("ca").ValueKind);
            Assert.Equal(image.Ca!.Value, found.GetProperty("ca").GetDouble(), 3);
            Assert.Equal(image.Ca!.Value, (await archive.GetAsync($"/v2/im/{image.Key}")).GetProperty("ca").GetDouble(), 3);
        }
    }

    [Fact]
    public async Task UserAndMeFilterByOwner()
    {
        var bob = await WalkAsync(archive, "/v2/search/im", "user=bob", 1000);
        Assert.Equal(Newest(Public, i => i.User == "bob"), bob.Select(w => w.Key).ToList());
        var me = await WalkAsync(archive, "/v2/search/im", "me=true", 1000, user: "carol");
        Assert.Equal(Newest(Public, i => i.User == "carol"), me.Select(w => w.Key).ToList());
        var meFalse = await WalkAsync(archive, "/v2/search/im", "me=0&user=alice", 1000, user: "carol");
        Assert.Equal(Newest(Public, i => i.User == "alice"), meFalse.Select(w => w.Key).ToList());
        Assert.Empty(await WalkAsync(archive, "/v2/search/im", "me=1&user=alice", 1000, user: "carol"));
        Assert.Empty(await WalkAsync(archive, "/v2/search/im", "user=nobody_here", 20));
    }

    [Theory]
    [InlineData("True", "False")]
    [InlineData("TRUE", "FALSE")]
    public async Task BooleanWordsAreAcceptedInAnyCase(string yes, string no)
    {
        // Spec §5 item 4 names true/false/1/0; Python's requests writes a bool parameter as True/False.
        var me = await WalkAsync(archive, "/v2/search/im", $"me={yes}", 1000, user: "carol");
        Assert.Equal(Newest(Public, i => i.User == "carol"), me.Select(w => w.Key).ToList());
        var notMe = await WalkAsync(archive, "/v2/search/im", $"me={no}&hidden={no}&user=alice", 1000); // no token: false needs none
        Assert.Equal(Newest(Public, i => i.User == "alice"), notMe.Select(w => w.Key).ToList());
    }

    [Fact]
    public async Task EveryFilterCombinedMatchesTheReference()
    {
        var times = Public.Select(i => i.CapturedAt).Order().ToList();
        var (from, to) = (times[times.Count / 10], times[times.Count * 9 / 10]);
        var query = $"{BoxQuery(52.3, 4.8, 52.45, 4.95)}&start_time={from}&end_time={to}&min_ca=300&max_ca=120&user=alice";
        var expected = Newest(Public, i => InBox(i, 52.3, 4.8, 52.45, 4.95) && i.CapturedAt >= from && i.CapturedAt <= to
            && InAngles(i, 300, 120) && i.User == "alice");
        Assert.NotEmpty(expected);
        Assert.Equal(expected, (await WalkAsync(archive, "/v2/search/im", query, 3)).Select(w => w.Key).ToList());
        Assert.Equal(expected, (await WalkAsync(archive, "/v2/search/im/geojson", query, 4)).Select(w => w.Key).ToList());
    }

    [Fact]
    public async Task PagingIsStableAndCompleteAcrossPageSizes()
    {
        var query = BoxQuery(52.3, 4.8, 52.45, 4.95);
        var expected = Newest(Public, i => InBox(i, 52.3, 4.8, 52.45, 4.95));
        foreach (var limit in new[] { 1, 7, 20, 1000 })
        {
            var walked = (await WalkAsync(archive, "/v2/search/im", query, limit)).Select(w => w.Key).ToList();
            Assert.Equal(expected, walked);
            Assert.Equal(walked.Count, walked.Distinct().Count());
        }
        // The default page is the first 20.
        var first = Items(await archive.GetAsync($"/v2/search/im?{query}"));
        Assert.Equal(expected.Take(20), first.Select(i => i.Key));
    }

    [Fact]
    public async Task OnlyProcessedImagesAppear()
    {
        var walked = (await WalkAsync(archive, "/v2/search/im", "x=1", 1000)).Select(w => w.Key).ToHashSet();
        var unprocessed = archive.Images.Where(i => i.State != "done").Select(i => i.Key).ToList();
        Assert.NotEmpty(unprocessed);
        Assert.DoesNotContain(unprocessed, walked.Contains);
    }

    [Fact]
    public async Task TheImageSummaryHasTheSpecFields()
    {
        var image = Public.First(i => i.Ca is not null);
        var json = await archive.GetAsync($"/v2/search/im?{BoxQuery(image.Lat, image.Lon, image.Lat, image.Lon)}");
        var found = json.GetProperty("ims").EnumerateArray().Single(i => i.GetProperty("key").GetString() == image.Key);
        Assert.Equal(image.Lat, found.GetProperty("lat").GetDouble());
        Assert.Equal(image.Lon, found.GetProperty("lon").GetDouble());
        Assert.Equal(image.Ca!.Value, found.GetProperty("ca").GetDouble(), 3);
        Assert.Equal(image.CapturedAt, found.GetProperty("captured_at").GetInt64());
        Assert.Equal(image.User, found.GetProperty("user").GetString());
        Assert.Equal(image.SequenceKey, found.GetProperty("sequence_key").GetString());
        // The place the photo was taken in, the same in every answer that shows the image.
        var location = found.GetProperty("location").GetString();
        Assert.Equal(Sightline.Places.Gazetteer.Shared.LocationOf(image.Lat, image.Lon), location);
        Assert.EndsWith(", Netherlands", location);
        Assert.Equal(location, (await archive.GetAsync($"/v2/im/{image.Key}")).GetProperty("location").GetString());
        var close = await archive.GetAsync($"/v2/search/im/close?lat={image.Lat.ToString(System.Globalization.CultureInfo.InvariantCulture)}&lon={image.Lon.ToString(System.Globalization.CultureInfo.InvariantCulture)}&distance=1");
        Assert.Equal(location, close.GetProperty("ims").EnumerateArray().Single(i => i.GetProperty("key").GetString() == image.Key).GetProperty("location").GetString());
        Assert.False(found.TryGetProperty("distance", out _));

        var geo = await archive.GetAsync($"/v2/search/im/geojson?{BoxQuery(image.Lat, image.Lon, image.Lat, image.Lon)}");
        Assert.Equal("FeatureCollection", geo.GetProperty("type").GetString());
        Assert.False(geo.GetProperty("more").GetBoolean());
        var feature = geo.GetProperty("features").EnumerateArray().Single(f => f.GetProperty("properties").GetProperty("key").GetString() == image.Key);
        Assert.Equal("Point", feature.GetProperty("geometry").GetProperty("type").GetString());
        Assert.Equal(image.Lon, feature.GetProperty("geometry").GetProperty("coordinates")[0].GetDouble());
        Assert.Equal(image.Lat, feature.GetProperty("geometry").GetProperty("coordinates")[1].GetDouble());
    }
}
