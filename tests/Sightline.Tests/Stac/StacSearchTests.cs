using System.Net;
using System.Text.Json;
using Sightline.Tests.Imagery;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Stac;

/// <summary>/api/search: the STAC Item Search parameters, answered from the same index as /v2/search.</summary>
[Collection(StacArchiveCollection.Name)]
public sealed class StacSearchTests(StacArchive archive)
{
    private const string Ghent = "3.715,51.050,3.730,51.060";

    private async Task<List<JsonElement>> SearchAsync(string query) =>
        (await archive.GetJsonAsync("/api/search?" + query)).GetProperty("features").EnumerateArray().ToList();

    private static List<string> Ids(IEnumerable<JsonElement> features) => features.Select(f => f.GetProperty("id").GetString()!).ToList();

    [Fact]
    public async Task ABoxSearchAnswersWhatV2AnswersInTheSameOrder()
    {
        var stac = Ids(await SearchAsync($"bbox={Ghent}&limit=1000"));
        var v2 = (await archive.GetJsonAsync($"/v2/search/im?client_id={archive.ClientId}&min_lon=3.715&min_lat=51.050&max_lon=3.730&max_lat=51.060&limit=1000"))
            .GetProperty("ims").EnumerateArray().Select(i => i.GetProperty("key").GetString()!).ToList();
        Assert.Equal(StacArchive.DemoPhotos, stac.Count);
        Assert.Equal(v2, stac);
        Assert.Empty(await SearchAsync("bbox=10,10,11,11"));
        // A 3D box: the photos (2D) lie at height 0, inside a box from below to above it, outside one wholly above.
        Assert.Equal(stac, Ids(await SearchAsync("bbox=3.715,51.050,-10,3.730,51.060,100&limit=1000")));
        Assert.Empty(await SearchAsync("bbox=3.715,51.050,10,3.730,51.060,100&limit=1000"));
        Assert.Empty((await archive.PostJsonAsync("/api/search", """{"bbox":[3.715,51.050,10,3.730,51.060,100],"limit":1000}""")).GetProperty("features").EnumerateArray());
        using var upsideDown = await archive.Server.Http.GetAsync("/api/search?bbox=3.715,51.050,100,3.730,51.060,10");
        await Infrastructure.ContractAssert.Error(upsideDown, "parameter_invalid");
    }

    [Fact]
    public async Task TokenPagingWalksTheWholeOrderOnceGetAndPost()
    {
        var all = Ids(await SearchAsync($"bbox={Ghent}&limit=1000"));
        var walked = new List<string>();
        string? next = $"/api/search?bbox={Ghent}&limit=7";
        while (next is not null)
        {
            var page = await archive.GetJsonAsync(next);
            walked.AddRange(Ids(page.GetProperty("features").EnumerateArray()));
            next = StacApiTests.NextLink(page);
        }
        Assert.Equal(all, walked);

        var posted = new List<string>();
        var body = $$"""{"bbox":[{{Ghent}}],"limit":9}""";
        while (body is not null)
        {
            var page = await archive.PostJsonAsync("/api/search", body);
            posted.AddRange(Ids(page.GetProperty("features").EnumerateArray()));
            var link = page.GetProperty("links").EnumerateArray().FirstOrDefault(l => l.GetProperty("rel").GetString() == "next");
            body = link.ValueKind == JsonValueKind.Object ? link.GetProperty("body").GetRawText() : null;
            if (link.ValueKind == JsonValueKind.Object)
                Assert.Equal("POST", link.GetProperty("method").GetString());
        }
        Assert.Equal(all, posted);
    }

    [Fact]
    public async Task SortbyOrdersByDatetimeEitherWayAndById()
    {
        var newest = Ids(await SearchAsync($"bbox={Ghent}&limit=1000&sortby=-datetime"));
        var oldest = await SearchAsync($"bbox={Ghent}&limit=1000&sortby=%2Bdatetime");
        var times = oldest.Select(f => f.GetProperty("properties").GetProperty("datetime").GetString()!).ToList();
        Assert.Equal(times.Order(StringComparer.Ordinal).ToList(), times);
        Assert.Equal(newest.Count, oldest.Count);
        var byId = Ids(await SearchAsync($"bbox={Ghent}&limit=1000&sortby=id"));
        Assert.Equal(byId.Order(StringComparer.Ordinal).ToList(), byId);
        var posted = Ids((await archive.PostJsonAsync("/api/search",
            $$"""{"bbox":[{{Ghent}}],"limit":1000,"sortby":[{"field":"properties.datetime","direction":"asc"}]}""")).GetProperty("features").EnumerateArray());
        Assert.Equal(Ids(oldest), posted);
    }

    [Fact]
    public async Task DatetimeIdsAndCollectionsNarrowTheSearch()
    {
        // The demo's first two streets were walked from 09:00 and 10:00 on 4 May 2024, the others later.
        var morning = await SearchAsync("datetime=2024-05-04T08:00:00Z/2024-05-04T10:30:00Z&limit=1000");
        Assert.Equal(2 * StacArchive.PhotosPerStreet, morning.Count);
        Assert.All(morning, f => Assert.True(string.CompareOrdinal(f.GetProperty("properties").GetProperty("datetime").GetString(), "2024-05-04T10:30") < 0));
        var open = await SearchAsync("datetime=../2024-05-04T10:30:00Z&limit=1000");
        Assert.Equal(Ids(morning).Order(), Ids(open).Order());
        // A date alone is its whole day, alone or as either end of an interval.
        var day = Ids(await SearchAsync("datetime=2024-05-04T00:00:00Z/2024-05-04T23:59:59.999Z&limit=1000")).Order().ToList();
        Assert.NotEmpty(day);
        Assert.Equal(day, Ids(await SearchAsync("datetime=2024-05-04&limit=1000")).Order());
        Assert.Equal(day, Ids(await SearchAsync("datetime=2024-05-04/2024-05-04&limit=1000")).Order());

        var some = Ids(morning).Take(3).ToList();
        var byIds = await SearchAsync($"ids={string.Join(',', some)}");
        Assert.Equal(some.Order(), Ids(byIds).Order());
        // A search by ids links each photo to its neighbours, as an item does (the viewer's fallback when it lacks the sequence).
        Assert.All(byIds, f => Assert.Contains(f.GetProperty("links").EnumerateArray(), l => l.GetProperty("rel").GetString() is "prev" or "next"));

        var collection = morning[0].GetProperty("collection").GetString()!;
        var inCollection = await SearchAsync($"collections={collection}&limit=1000");
        Assert.Equal(StacArchive.PhotosPerStreet, inCollection.Count);
        Assert.All(inCollection, f => Assert.Equal(collection, f.GetProperty("collection").GetString()));
        // Collections whose boxes overlap (here the same one twice; streets that cross are the same): each photo once.
        Assert.Equal(Ids(inCollection).Order(), Ids(await SearchAsync($"collections={collection},{collection}&limit=1000")).Order());
        var streets = (await SearchAsync("limit=1000")).Select(f => f.GetProperty("collection").GetString()!).Distinct().ToList();
        var everyStreet = Ids(await SearchAsync($"collections={string.Join(',', streets)}&limit=1000"));
        Assert.Equal(everyStreet.Count, everyStreet.Distinct().Count());
        Assert.Empty(await SearchAsync("collections=AAAAAAAAAAAAAAAAAAAAAA"));
    }

    [Fact]
    public async Task CrossingCollectionsListEachPhotoOnce()
    {
        // Two walks crossing at one corner, by two people: each walk's middle photo lies in the other walk's box.
        var server = await TestServer.StartAsync();
        var collections = new List<string>();
        foreach (var (name, along) in new[] { ("north_walker", true), ("east_walker", false) })
        {
            var walker = await Uploader.CreateAsync(server, name);
            for (var i = 0; i < 3; i++)
            {
                var image = await walker.UploadProcessedAsync($"{name}-{i}", Photos.Jpeg(new PhotoSpec
                {
                    Lat = along ? new[] { 51.0507, 51.051, 51.0513 }[i] : 51.051, Lon = along ? 3.72 : new[] { 3.7197, 3.72, 3.7203 }[i],
                    Ca = along ? 0 : 90, Taken = new DateTime(2024, 5, 4, 9, 0, i * 3, DateTimeKind.Utc), Seed = i,
                }));
                if (i == 0)
                    collections.Add(image.GetProperty("sequence_key").GetString()!);
            }
        }
        // After a restart the photos are in the index's packed tree, searched box by box (not its overlay of recent writes).
        await using var restarted = await server.RestartAsync();
        using var answer = await restarted.Http.GetAsync($"/api/search?collections={string.Join(',', collections)}&limit=100");
        var features = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("features")
            .EnumerateArray().ToList();
        Assert.Equal(6, features.Count);
        Assert.Equal(6, Ids(features).Distinct().Count());
    }

    [Fact]
    public async Task IntersectsTakesAPolygonOrAPoint()
    {
        var one = (await SearchAsync($"bbox={Ghent}&limit=1"))[0];
        var coordinates = one.GetProperty("geometry").GetProperty("coordinates");
        var (lon, lat) = (coordinates[0].GetDouble(), coordinates[1].GetDouble());
        var position = FormattableString.Invariant($"[{lon:R},{lat:R}]");
        var point = await archive.PostJsonAsync("/api/search", "{\"intersects\":{\"type\":\"Point\",\"coordinates\":" + position + "}}");
        Assert.Equal([one.GetProperty("id").GetString()!], Ids(point.GetProperty("features").EnumerateArray()));

        // The demo streets' box with a hole over the Korenmarkt walk (from 51.05412, 3.72176 northwards for 42 m).
        const string holed = """{"type":"Polygon","coordinates":[[[3.715,51.050],[3.730,51.050],[3.730,51.060],[3.715,51.060],[3.715,51.050]],[[3.7200,51.0535],[3.7230,51.0535],[3.7230,51.0550],[3.7200,51.0550],[3.7200,51.0535]]]}""";
        var inside = await archive.PostJsonAsync("/api/search", $$"""{"intersects":{{holed}},"limit":1000}""");
        var features = inside.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(StacArchive.DemoPhotos - StacArchive.PhotosPerStreet, features.Count);
        Assert.All(features, f =>
        {
            var c = f.GetProperty("geometry").GetProperty("coordinates");
            Assert.False(c[0].GetDouble() is > 3.7200 and < 3.7230 && c[1].GetDouble() is > 51.0535 and < 51.0550);
        });
        var viaGet = await SearchAsync("limit=1000&intersects=" + Uri.EscapeDataString(holed));
        Assert.Equal(Ids(features), Ids(viaGet));
    }

    [Fact]
    public async Task PlacePositionFindsPhotosLookingAtThePlace()
    {
        // The Graslei walk heads north (350 degrees): a point 20 m north of its first photo is in view of the photos south of it.
        var graslei = (await SearchAsync("datetime=2024-05-04T11:00:00Z")).Single();
        var c = graslei.GetProperty("geometry").GetProperty("coordinates");
        var place = FormattableString.Invariant($"{c[0].GetDouble()},{c[1].GetDouble() + 20 / 111_320.0}");
        var looking = await SearchAsync($"place_position={place}&place_distance=3-30&limit=100");
        Assert.Contains(graslei.GetProperty("id").GetString(), Ids(looking));
        Assert.All(looking, f => Assert.InRange(f.GetProperty("properties").GetProperty("view:azimuth").GetDouble(), 300, 360));
        // Facing away: nothing of that walk looks back south at a point behind its first photo.
        var behind = FormattableString.Invariant($"{c[0].GetDouble()},{c[1].GetDouble() - 10 / 111_320.0}");
        Assert.DoesNotContain(graslei.GetProperty("id").GetString(), Ids(await SearchAsync($"place_position={behind}&place_distance=3-30&limit=100")));
    }

    [Fact]
    public async Task Cql2TextAndJsonFilterOnTheQueryables()
    {
        var queryables = await archive.GetJsonAsync("/api/queryables");
        foreach (var name in new[] { "id", "collection", "datetime", "view:azimuth", "producer" })
            Assert.True(queryables.GetProperty("properties").TryGetProperty(name, out _), name);

        // The Veldstraat walk faces 188 degrees; the Sint-Michielsbrug walk 95 (and was on 5 May).
        var south = await SearchAsync("limit=1000&filter=" + Uri.EscapeDataString("\"view:azimuth\" > 180 AND \"view:azimuth\" < 200"));
        Assert.Equal(StacArchive.PhotosPerStreet, south.Count);
        var later = await SearchAsync("limit=1000&filter=" + Uri.EscapeDataString("T_AFTER(datetime, TIMESTAMP('2024-05-05T00:00:00Z')) OR view:azimuth = 188"));
        Assert.Equal(2 * StacArchive.PhotosPerStreet, later.Count);
        var json = await archive.PostJsonAsync("/api/search", """
            {"limit":1000,"filter-lang":"cql2-json","filter":{"op":"and","args":[
              {"op":">","args":[{"property":"view:azimuth"},180]},
              {"op":"<","args":[{"property":"view:azimuth"},200]},
              {"op":"t_before","args":[{"property":"datetime"},{"timestamp":"2024-05-05T00:00:00Z"}]},
              {"op":"=","args":[{"property":"producer"},"demo"]}]}}
            """);
        Assert.Equal(Ids(south).Order(), Ids(json.GetProperty("features").EnumerateArray()).Order());
        var one = south[0].GetProperty("id").GetString()!;
        var byId = await SearchAsync("filter=" + Uri.EscapeDataString($"id IN ('{one}', 'nothing')"));
        Assert.Equal([one], Ids(byId));
        var notSouth = await SearchAsync("limit=1000&filter=" + Uri.EscapeDataString("NOT (\"view:azimuth\" > 180 AND \"view:azimuth\" < 200)"));
        Assert.Equal(StacArchive.DemoPhotos - StacArchive.PhotosPerStreet, notSouth.Count);
    }

    [Fact]
    public async Task ALimitAboveTheMaximumIsServedAtTheMaximum()
    {
        var features = await SearchAsync($"bbox={Ghent}&limit=100000000");
        Assert.Equal(StacArchive.DemoPhotos, features.Count);
        using var zero = await archive.Server.Http.GetAsync("/api/search?limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, zero.StatusCode);
    }

    [Theory]
    [InlineData("3.0")]
    [InlineData("3e0")]
    [InlineData("0.3e1")]
    public async Task APostedLimitIsAWholeNumberInAnyJsonSpelling(string limit)
    {
        var page = await archive.PostJsonAsync("/api/search", $$"""{"bbox":[{{Ghent}}],"limit":{{limit}}}""");
        Assert.Equal(3, page.GetProperty("features").GetArrayLength());
    }
}
