using System.Globalization;
using System.Net;
using System.Text.Json;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Stac;

/// <summary>
/// The filters STAC tools send beyond a box: a collection's items filtered as a search is (OGC API Features' bbox and
/// datetime, Part 3's filter), intersects of every GeoJSON type, CQL2's advanced comparisons and T_DURING's strict bounds.
/// Each answer is checked against the unfiltered photos, filtered here.
/// </summary>
[Collection(StacArchiveCollection.Name)]
public sealed class StacFilterTests(StacArchive archive)
{
    private sealed record Photo(string Id, string Collection, double Lon, double Lat, DateTimeOffset Time, string Producer);

    private static Photo Of(JsonElement feature)
    {
        var coordinates = feature.GetProperty("geometry").GetProperty("coordinates");
        var properties = feature.GetProperty("properties");
        return new Photo(feature.GetProperty("id").GetString()!, feature.GetProperty("collection").GetString()!,
            coordinates[0].GetDouble(), coordinates[1].GetDouble(),
            DateTimeOffset.Parse(properties.GetProperty("datetime").GetString()!, CultureInfo.InvariantCulture),
            properties.TryGetProperty("producer", out var producer) ? producer.GetString()! : "demo");
    }

    private async Task<List<Photo>> PhotosAsync(string path, string? token = null) =>
        (await archive.GetJsonAsync(path, token)).GetProperty("features").EnumerateArray().Select(Of).ToList();

    private async Task<List<Photo>> AllAsync() => await PhotosAsync("/api/search?limit=1000&sortby=%2Bdatetime");

    private static List<string> Ids(IEnumerable<Photo> photos) => photos.Select(p => p.Id).Order(StringComparer.Ordinal).ToList();

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    [Fact]
    public async Task ACollectionsItemsAreFilteredAsASearchIsAndPagedWithTheirFilter()
    {
        var all = await AllAsync();
        var collection = all[0].Collection;
        var own = all.Where(p => p.Collection == collection).ToList();
        var (from, to) = (own[1].Time, own[5].Time);
        var box = own.Take(4).ToList();
        var bbox = string.Create(CultureInfo.InvariantCulture,
            $"{box.Min(p => p.Lon) - 1e-7},{box.Min(p => p.Lat) - 1e-7},{box.Max(p => p.Lon) + 1e-7},{box.Max(p => p.Lat) + 1e-7}");
        var expected = own.Where(p => p.Time >= from && p.Time <= to
                                      && p.Lon >= box.Min(b => b.Lon) - 1e-7 && p.Lon <= box.Max(b => b.Lon) + 1e-7
                                      && p.Lat >= box.Min(b => b.Lat) - 1e-7 && p.Lat <= box.Max(b => b.Lat) + 1e-7).ToList();
        Assert.InRange(expected.Count, 1, own.Count - 1);

        var walked = new List<Photo>();
        string? next = $"/api/collections/{collection}/items?limit=1&bbox={bbox}&datetime={Time(from)}/{Time(to)}";
        while (next is not null)
        {
            var page = await archive.GetJsonAsync(next);
            Assert.Equal(expected.Count, page.GetProperty("numberMatched").GetInt32());
            walked.AddRange(page.GetProperty("features").EnumerateArray().Select(Of));
            next = StacApiTests.NextLink(page);
        }
        Assert.Equal(expected.Select(p => p.Id), walked.Select(p => p.Id)); // capture order, filter kept across pages

        var filtered = await PhotosAsync($"/api/collections/{collection}/items?filter=" + Uri.EscapeDataString($"id IN ('{own[0].Id}', '{own[2].Id}')"));
        Assert.Equal([own[0].Id, own[2].Id], filtered.Select(p => p.Id));

        foreach (var bad in new[] { "bbox=1,2,3", "datetime=yesterday", "filter=nonsense%20%3D%201", "intersects=%7B%7D" })
            await ContractAssert.Error(await archive.Server.Http.GetAsync($"/api/collections/{collection}/items?{bad}"), "parameter_invalid");
    }

    [Fact]
    public async Task APrivateCollectionsItemsAreFilteredForAMember()
    {
        var path = $"/api/collections/{archive.PrivateSequence}/items";
        var all = await PhotosAsync(path, archive.MemberToken);
        Assert.Equal(archive.PrivateKeys.Count, all.Count);
        var one = all[0];
        var byFilter = await PhotosAsync($"{path}?filter=" + Uri.EscapeDataString($"id = '{one.Id}'"), archive.MemberToken);
        Assert.Equal([one.Id], byFilter.Select(p => p.Id));
        var byTime = await PhotosAsync($"{path}?datetime={Time(one.Time)}", archive.MemberToken);
        Assert.Equal(all.Where(p => p.Time == one.Time).Select(p => p.Id), byTime.Select(p => p.Id));
    }

    [Fact]
    public async Task CollectionsHaveQueryablesAndTheLandingPageDescribesThisApi()
    {
        var all = await AllAsync();
        var collection = await archive.GetJsonAsync($"/api/collections/{all[0].Collection}");
        var link = collection.GetProperty("links").EnumerateArray().Single(l => l.GetProperty("rel").GetString() == "http://www.opengis.net/def/rel/ogc/1.0/queryables");
        var queryables = await archive.GetJsonAsync(new Uri(link.GetProperty("href").GetString()!).PathAndQuery);
        Assert.Equal(link.GetProperty("href").GetString(), queryables.GetProperty("$id").GetString());
        Assert.True(queryables.GetProperty("properties").TryGetProperty("view:azimuth", out _));
        await ContractAssert.Error(await archive.Server.Http.GetAsync("/api/collections/AAAAAAAAAAAAAAAAAAAAAA/queryables"), "not_found");

        var landing = await archive.GetJsonAsync("/api");
        var serviceDesc = landing.GetProperty("links").EnumerateArray().Single(l => l.GetProperty("rel").GetString() == "service-desc");
        var document = await archive.GetJsonAsync(new Uri(serviceDesc.GetProperty("href").GetString()!).PathAndQuery);
        Assert.StartsWith("3.1", document.GetProperty("openapi").GetString());
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/search", paths);
        Assert.Contains("/api/collections/{id}/items", paths);
        Assert.DoesNotContain(paths, p => p.StartsWith("/v2/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task IntersectsTakesEveryGeoJsonGeometryType()
    {
        var all = await AllAsync();
        var (a, b, c) = (all[0], all[9], all[20]);
        string P(Photo p) => string.Create(CultureInfo.InvariantCulture, $"[{p.Lon},{p.Lat}]");
        string Square(Photo p, double d) => string.Create(CultureInfo.InvariantCulture,
            $"[[[{p.Lon - d},{p.Lat - d}],[{p.Lon + d},{p.Lat - d}],[{p.Lon + d},{p.Lat + d}],[{p.Lon - d},{p.Lat + d}],[{p.Lon - d},{p.Lat - d}]]]");
        bool In(Photo photo, Photo centre, double d) => Math.Abs(photo.Lon - centre.Lon) < d && Math.Abs(photo.Lat - centre.Lat) < d;

        async Task<List<string>> Intersecting(string geometry)
        {
            var get = Ids(await PhotosAsync("/api/search?limit=1000&intersects=" + Uri.EscapeDataString(geometry)));
            var post = (await archive.PostJsonAsync("/api/search", $$"""{"limit":1000,"intersects":{{geometry}}}""")).GetProperty("features")
                .EnumerateArray().Select(f => f.GetProperty("id").GetString()!).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(get, post);
            return get;
        }

        Assert.Equal(Ids([a, c]), await Intersecting($$"""{"type":"MultiPoint","coordinates":[{{P(a)}},{{P(c)}}]}"""));
        Assert.Equal(Ids(all.Where(p => In(p, a, 2e-4) || In(p, c, 2e-4))),
            await Intersecting($$"""{"type":"MultiPolygon","coordinates":[{{Square(a, 2e-4)}},{{Square(c, 2e-4)}}]}"""));
        // A line through two photos touches them (and whatever else lies exactly on it).
        Assert.Contains(a.Id, await Intersecting($$"""{"type":"LineString","coordinates":[{{P(a)}},{{P(b)}}]}"""));
        Assert.Contains(b.Id, await Intersecting($$"""{"type":"MultiLineString","coordinates":[[{{P(a)}},{{P(b)}}]]}"""));
        Assert.Equal(Ids(all.Where(p => p.Id == b.Id || In(p, c, 2e-4))),
            await Intersecting($$"""{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":{{P(b)}}},{"type":"Polygon","coordinates":{{Square(c, 2e-4)}}}]}"""));
        foreach (var bad in new[] { """{"type":"LineString","coordinates":[[3.7,51]]}""", """{"type":"Circle","coordinates":[3.7,51]}""",
                                     """{"type":"GeometryCollection","geometries":[]}""" })
            await ContractAssert.Error(await archive.Server.Http.GetAsync("/api/search?intersects=" + Uri.EscapeDataString(bad)), "parameter_invalid");
    }

    [Fact]
    public async Task APolygonKeepsThePhotosOnItsEdgesAsABboxDoes()
    {
        // The box of every photo, exactly: photos lie on all four edges; ray casting alone dropped the east and north ones.
        var all = await AllAsync();
        var (w, s, e, n) = (all.Min(p => p.Lon), all.Min(p => p.Lat), all.Max(p => p.Lon), all.Max(p => p.Lat));
        var ring = string.Create(CultureInfo.InvariantCulture, $"[[[{w},{s}],[{e},{s}],[{e},{n}],[{w},{n}],[{w},{s}]]]");
        var polygon = await PhotosAsync("/api/search?limit=1000&intersects=" + Uri.EscapeDataString($$"""{"type":"Polygon","coordinates":{{ring}}}"""));
        var bbox = await PhotosAsync(string.Create(CultureInfo.InvariantCulture, $"/api/search?limit=1000&bbox={w},{s},{e},{n}"));
        Assert.Equal(Ids(all), Ids(bbox));
        Assert.Equal(Ids(all), Ids(polygon));
    }

    [Fact]
    public async Task AnUnknownFilterLanguageIsRefusedWithOrWithoutAFilter()
    {
        // The document's enum holds without a filter too (a fuzzer's negative case): cql2-text and cql2-json only.
        foreach (var query in new[] { "filter-lang=not_a_value", "filter-lang=not_a_value&filter=" + Uri.EscapeDataString("id = 'x'") })
            await ContractAssert.Error(await archive.Server.Http.GetAsync("/api/search?" + query), "parameter_invalid");
        await ContractAssert.Error(await archive.Server.Http.PostAsync("/api/search",
            new StringContent("""{"bbox":[3.71,51.05,3.73,51.06],"limit":5,"filter-lang":12345}""", System.Text.Encoding.UTF8, "application/json")), "parameter_invalid");
        Assert.Equal(HttpStatusCode.OK, (await archive.Server.Http.GetAsync("/api/search?filter-lang=cql2-json")).StatusCode);
    }

    [Fact]
    public async Task BetweenLikeAndTDuringFollowCql2()
    {
        var all = await AllAsync();
        async Task<List<string>> Filtered(string text) => Ids(await PhotosAsync("/api/search?limit=1000&filter=" + Uri.EscapeDataString(text)));
        async Task<List<string>> FilteredJson(string json) =>
            (await archive.PostJsonAsync("/api/search", $$"""{"limit":1000,"filter":{{json}}}""")).GetProperty("features")
                .EnumerateArray().Select(f => f.GetProperty("id").GetString()!).Order(StringComparer.Ordinal).ToList();

        var (from, to) = (all[3].Time, all[10].Time);
        var inclusive = Ids(all.Where(p => p.Time >= from && p.Time <= to));
        Assert.Equal(inclusive, await Filtered($"datetime BETWEEN TIMESTAMP('{Time(from)}') AND TIMESTAMP('{Time(to)}')"));
        Assert.Equal(inclusive, await FilteredJson($$"""{"op":"between","args":[{"property":"datetime"},{"timestamp":"{{Time(from)}}"},{"timestamp":"{{Time(to)}}"}]}"""));
        Assert.Equal(Ids(all.Except(all.Where(p => p.Time >= from && p.Time <= to))),
            await Filtered($"datetime NOT BETWEEN TIMESTAMP('{Time(from)}') AND TIMESTAMP('{Time(to)}')"));
        // T_DURING holds strictly inside its interval (CQL2, OGC 21-065): the photos at either end are not during it.
        Assert.Equal(Ids(all.Where(p => p.Time > from && p.Time < to)), await Filtered($"T_DURING(datetime, INTERVAL('{Time(from)}', '{Time(to)}'))"));

        // Keys may hold '_', which LIKE reads as any one character: the sample's first three characters must not.
        var sample = all.First(p => !p.Id[..3].Contains('_')).Id;
        var prefix = sample[..2];
        Assert.Equal(Ids(all.Where(p => p.Id.StartsWith(prefix, StringComparison.Ordinal))), await Filtered($"id LIKE '{prefix}%'"));
        Assert.Equal(Ids(all.Where(p => p.Id.Length == 22 && p.Id[1..].StartsWith(sample[1..3], StringComparison.Ordinal))),
            await FilteredJson($$"""{"op":"like","args":[{"property":"id"},"_{{sample[1..3]}}%"]}"""));
        Assert.Equal(Ids(all), await Filtered("producer LIKE 'd_mo'"));
        Assert.Empty(await Filtered("producer LIKE 'd\\_mo'"));
        await ContractAssert.Error(await archive.Server.Http.GetAsync("/api/search?filter=" + Uri.EscapeDataString("\"view:azimuth\" LIKE '1%'")), "parameter_invalid");
    }
}
