using System.Net;
using System.Text.Json;

namespace Sightline.Tests.Stac;

/// <summary>The STAC API's landing page, collections and items, as the Panoramax viewer and STAC clients read them.</summary>
[Collection(StacArchiveCollection.Name)]
public sealed class StacApiTests(StacArchive archive)
{
    // The (rel, type) pairs the Panoramax viewer looks for on the landing page (src/utils/API.js); the first two are mandatory.
    public static readonly (string Rel, string Type)[] ViewerLinks =
    [
        ("search", "application/geo+json"), ("data", "application/json"), ("xyz", "application/vnd.mapbox-vector-tile"),
        ("xyz-style", "application/json"), ("user-xyz", "application/vnd.mapbox-vector-tile"), ("user-xyz-style", "application/json"),
        ("user-search", "application/json"), ("collection-preview", "image/jpeg"), ("item-preview", "image/jpeg"),
        ("report", "application/json"), ("http://www.opengis.net/def/rel/ogc/1.0/queryables", "application/schema+json"),
    ];

    [Fact]
    public async Task LandingPageLinksEveryEndpointTheViewerLooksForWithAbsoluteUrlsAndNeedsNoClientId()
    {
        using var response = await archive.Server.Http.GetAsync("/api");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var landing = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Catalog", landing.GetProperty("type").GetString());
        Assert.Equal("1.0.0", landing.GetProperty("stac_version").GetString());
        var links = landing.GetProperty("links").EnumerateArray().ToList();
        foreach (var (rel, type) in ViewerLinks)
        {
            var link = links.FirstOrDefault(l => l.GetProperty("rel").GetString() == rel && l.GetProperty("type").GetString() == type);
            Assert.True(link.ValueKind == JsonValueKind.Object, $"no {rel} ({type}) link");
            Assert.StartsWith(archive.Server.BaseAddress.AbsoluteUri, link.GetProperty("href").GetString());
        }
        var conforms = landing.GetProperty("conformsTo").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Contains("https://api.stacspec.org/v1.0.0/item-search", conforms);
        Assert.Contains("http://www.opengis.net/spec/cql2/1.0/conf/cql2-text", conforms);
        var conformance = await archive.GetJsonAsync("/api/conformance");
        Assert.Equal(conforms, conformance.GetProperty("conformsTo").EnumerateArray().Select(c => c.GetString()).ToList());
        // The data's box, which the viewer opens its map on: around the demo streets in Ghent.
        var box = landing.GetProperty("extent").GetProperty("spatial").GetProperty("bbox")[0].EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.InRange(box[0], 3.71, 3.73);
        Assert.InRange(box[3], 51.05, 51.06);
    }

    [Fact]
    public async Task CollectionsArePagedSequencesAndEachListsItsPhotosInCaptureOrder()
    {
        var seen = new List<JsonElement>();
        string? next = "/api/collections?limit=3";
        while (next is not null)
        {
            var page = await archive.GetJsonAsync(next);
            seen.AddRange(page.GetProperty("collections").EnumerateArray());
            next = NextLink(page);
        }
        Assert.Equal(4, seen.Count); // the demo streets; the private and the hidden photo's sequences are not public
        Assert.Equal(seen.Count, seen.Select(c => c.GetProperty("id").GetString()).Distinct().Count());
        foreach (var collection in seen)
        {
            Assert.Equal("Collection", collection.GetProperty("type").GetString());
            Assert.Equal(StacArchive.PhotosPerStreet, collection.GetProperty("stats:items").GetProperty("count").GetInt32());
            Assert.Equal("demo", collection.GetProperty("providers")[0].GetProperty("name").GetString());
        }

        var id = seen[0].GetProperty("id").GetString()!;
        var single = await archive.GetJsonAsync($"/api/collections/{id}");
        Assert.Equal(id, single.GetProperty("id").GetString());
        var items = new List<JsonElement>();
        next = $"/api/collections/{id}/items?limit=3";
        while (next is not null)
        {
            var page = await archive.GetJsonAsync(next);
            items.AddRange(page.GetProperty("features").EnumerateArray());
            next = NextLink(page);
        }
        Assert.Equal(StacArchive.PhotosPerStreet, items.Count);
        var times = items.Select(i => i.GetProperty("properties").GetProperty("datetime").GetString()!).ToList();
        Assert.Equal(times.Order(StringComparer.Ordinal).ToList(), times);
        Assert.All(items, i => Assert.Equal(id, i.GetProperty("collection").GetString()));
    }

    [Fact]
    public async Task AnItemCarriesViewerFieldsAssetsAndItsNeighboursWithIdAndGeometry()
    {
        var id = (await archive.GetJsonAsync("/api/collections?limit=1")).GetProperty("collections")[0].GetProperty("id").GetString()!;
        var items = (await archive.GetJsonAsync($"/api/collections/{id}/items?limit=100")).GetProperty("features").EnumerateArray().ToList();
        var second = items[1].GetProperty("id").GetString()!;
        var item = await archive.GetJsonAsync($"/api/collections/{id}/items/{second}");
        var properties = item.GetProperty("properties");
        Assert.InRange(properties.GetProperty("view:azimuth").GetDouble(), 0, 360);
        var interior = properties.GetProperty("pers:interior_orientation");
        Assert.Equal([1600, 1200], interior.GetProperty("sensor_array_dimensions").EnumerateArray().Select(v => v.GetInt32()).ToArray());
        // The demo generator's camera, read from each photo's EXIF at upload.
        Assert.Equal("Google", interior.GetProperty("camera_manufacturer").GetString());
        Assert.Equal("Pixel 7", interior.GetProperty("camera_model").GetString());
        Assert.Equal(6.81, interior.GetProperty("focal_length").GetDouble());
        Assert.Equal(73.7, interior.GetProperty("field_of_view").GetDouble()); // 2 atan(36 / (2 x 24 mm))
        // Nobody signed in: no original.
        Assert.False(item.GetProperty("assets").TryGetProperty("original", out _));
        Assert.Contains("https://stac-extensions.github.io/view/v1.0.0/schema.json", item.GetProperty("stac_extensions").EnumerateArray().Select(e => e.GetString()));

        var assets = item.GetProperty("assets").EnumerateObject().Select(a => a.Value).ToList();
        foreach (var role in new[] { "thumbnail", "visual", "data" })
        {
            var asset = assets.Single(a => a.GetProperty("roles").EnumerateArray().Any(r => r.GetString() == role));
            Assert.Equal("image/jpeg", asset.GetProperty("type").GetString());
            using var file = await archive.Server.Http.GetAsync(asset.GetProperty("href").GetString());
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            Assert.Equal("image/jpeg", file.Content.Headers.ContentType?.MediaType);
        }

        var links = item.GetProperty("links").EnumerateArray().ToList();
        foreach (var (rel, neighbour) in new[] { ("prev", items[0]), ("next", items[2]) })
        {
            var link = links.Single(l => l.GetProperty("rel").GetString() == rel);
            Assert.Equal("application/geo+json", link.GetProperty("type").GetString());
            Assert.Equal(neighbour.GetProperty("id").GetString(), link.GetProperty("id").GetString());
            Assert.Equal(neighbour.GetProperty("geometry").GetProperty("coordinates").ToString(), link.GetProperty("geometry").GetProperty("coordinates").ToString());
            var target = await archive.GetJsonAsync(link.GetProperty("href").GetString()!);
            Assert.Equal(neighbour.GetProperty("id").GetString(), target.GetProperty("id").GetString());
        }
        // The first photo has no prev, the last no next.
        var first = await archive.GetJsonAsync($"/api/collections/{id}/items/{items[0].GetProperty("id").GetString()}");
        Assert.DoesNotContain(first.GetProperty("links").EnumerateArray(), l => l.GetProperty("rel").GetString() == "prev");
    }

    [Fact]
    public async Task AnUploadedPhotosCameraIsInItsItemAndItsOriginalOnlyForItsUploaderAndModerators()
    {
        var key = archive.PrivateKeys[0];
        var path = $"/api/collections/{archive.PrivateSequence}/items/{key}";
        var original = $"/api/pictures/{key}/original.jpg";
        foreach (var token in new[] { archive.OwnerToken, archive.AdminToken })
        {
            var item = await archive.GetJsonAsync(path, token);
            var interior = item.GetProperty("properties").GetProperty("pers:interior_orientation");
            Assert.Equal("Ricoh", interior.GetProperty("camera_manufacturer").GetString());
            Assert.Equal("THETA X", interior.GetProperty("camera_model").GetString());
            Assert.Equal(1.37, interior.GetProperty("focal_length").GetDouble());
            Assert.Equal(132.1, interior.GetProperty("field_of_view").GetDouble()); // 2 atan(36 / (2 x 8 mm))
            Assert.Equal([640, 480], interior.GetProperty("sensor_array_dimensions").EnumerateArray().Select(v => v.GetInt32()).ToArray());

            var asset = item.GetProperty("assets").GetProperty("original");
            Assert.Equal("image/jpeg", asset.GetProperty("type").GetString());
            Assert.Equal(new Uri(archive.Server.BaseAddress, original).AbsoluteUri, asset.GetProperty("href").GetString());
            using var file = await archive.SendAsync(HttpMethod.Get, asset.GetProperty("href").GetString()!, token: token);
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            Assert.True(file.Headers.CacheControl is { Private: true, NoStore: true }, $"Cache-Control: {file.Headers.CacheControl}");
            Assert.Equal(archive.PrivateFiles[0], await file.Content.ReadAsByteArrayAsync()); // the very bytes uploaded, EXIF and all
        }

        // A project member sees the photo but not its original; strangers and anonymous callers see neither.
        var seen = await archive.GetJsonAsync(path, archive.MemberToken);
        Assert.False(seen.GetProperty("assets").TryGetProperty("original", out _));
        foreach (var token in new[] { archive.MemberToken, archive.StrangerToken, null })
        {
            using var refused = await archive.SendAsync(HttpMethod.Get, original, token: token);
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
            Assert.Equal("not_found", JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task PreviewsAreThumbnails()
    {
        var id = (await archive.GetJsonAsync("/api/collections?limit=1")).GetProperty("collections")[0].GetProperty("id").GetString()!;
        var first = (await archive.GetJsonAsync($"/api/collections/{id}/items?limit=1")).GetProperty("features")[0].GetProperty("id").GetString()!;
        foreach (var path in new[] { $"/api/collections/{id}/thumb.jpg", $"/api/pictures/{first}/thumb.jpg" })
        {
            using var response = await archive.Server.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal(0xFF, bytes[0]);
            Assert.Equal(0xD8, bytes[1]);
        }
    }

    [Fact]
    public async Task UsersAreFoundByNameAndHaveTheirCatalogue()
    {
        var found = await archive.GetJsonAsync("/api/users/search?q=dem");
        var demo = found.GetProperty("features").EnumerateArray().Single();
        Assert.Equal("demo", demo.GetProperty("label").GetString());
        var id = demo.GetProperty("id").GetString()!;
        Assert.Equal("demo", (await archive.GetJsonAsync($"/api/users/{id}")).GetProperty("name").GetString());
        var catalogue = await archive.GetJsonAsync($"/api/users/{id}/collection");
        Assert.Equal("Collection", catalogue.GetProperty("type").GetString());
        Assert.Equal(4, catalogue.GetProperty("links").EnumerateArray().Count(l => l.GetProperty("rel").GetString() == "child"));
        Assert.Contains((await archive.GetJsonAsync("/api/users")).GetProperty("users").EnumerateArray(), u => u.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task FailuresKeepTheContractsStatusesCodesAndBody()
    {
        foreach (var (path, code) in new[]
                 {
                     ("/api/collections/AAAAAAAAAAAAAAAAAAAAAA", "not_found"),
                     ("/api/collections/bad.key", "parameter_invalid"),
                     ("/api/search?bbox=1,2,3", "parameter_invalid"),
                     ("/api/search?ids=zz", "parameter_invalid"),
                     ("/api/search?collections=AAAAAAAAAAAAAAAAAAAAAA,bad.key", "parameter_invalid"),
                     ("/api/search?limit=0", "parameter_invalid"),
                     ("/api/search?datetime=yesterday", "parameter_invalid"),
                     ("/api/search?filter=nonsense%20%3D%201", "parameter_invalid"),
                     ("/api/search?place_distance=1-2", "parameter_missing"),
                     ("/api/users/search", "parameter_missing"),
                 })
        {
            using var response = await archive.Server.Http.GetAsync(path);
            Assert.Equal((HttpStatusCode)Infrastructure.ContractAssert.Catalogue[code], response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(code, body.GetProperty("code").GetString());
            Assert.Equal(["code", "message"], body.EnumerateObject().Select(p => p.Name)); // exactly the contract's body (CONTRACT.md §2)
            Infrastructure.ContractAssert.AssertNothingLeaks(body.GetProperty("message").GetString()!);
        }
        // An unknown path and a wrong method on a known path are "no such API", as everywhere.
        await Infrastructure.ContractAssert.Error(await archive.Server.Http.GetAsync("/api/no-such-thing"), "not_found");
        using var put = await archive.SendAsync(HttpMethod.Put, "/api/search", "{}");
        Assert.Equal(HttpStatusCode.NotFound, put.StatusCode);
        // A bearer token that is not one is refused, as on /v2.
        using var badToken = await archive.SendAsync(HttpMethod.Get, "/api/collections", token: "not-a-token");
        Assert.Equal(HttpStatusCode.Unauthorized, badToken.StatusCode);
    }

    // CONTRACT.md "Page sizes": a limit above the maximum, however large (past int too), is served at the maximum.
    [Theory]
    [InlineData("/api/search?limit=2147483648", "features")]
    [InlineData("/api/search?limit=99999999999999999999", "features")]
    [InlineData("/api/collections?limit=2147483648", "collections")]
    [InlineData("/api/users?limit=2147483648", "users")]
    public async Task AnyLimitAboveTheMaximumIsServedAtIt(string path, string list)
    {
        var page = await archive.GetJsonAsync(path);
        Assert.True(page.GetProperty(list).GetArrayLength() > 0, path);
    }

    [Fact]
    public async Task MalformedIdsInAPostedSearchAreParameterInvalid()
    {
        using var response = await archive.SendAsync(HttpMethod.Post, "/api/search", """{"ids":[1,2]}""");
        await Infrastructure.ContractAssert.Error(response, "parameter_invalid");
    }

    [Theory]
    [InlineData("/api/search?bbox=a,b,c,d", "bbox")]
    [InlineData("/api/search?bbox=3.7,51,NaN,52", "bbox")]
    [InlineData("/api/search?place_position=east,north", "place_position")]
    public async Task ANumberListThatIsNotNumbersIsNamedByItsForm(string path, string parameter)
    {
        // CONTRACT.md §2: the message helps the caller fix the request, not a double's range of ±1.8E+308.
        using var response = await archive.Server.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("parameter_invalid", body.GetProperty("code").GetString());
        var message = body.GetProperty("message").GetString()!;
        Assert.StartsWith($"{parameter} must be a comma-separated list of numbers", message);
        Assert.DoesNotContain("E+308", message);
    }

    // CONTRACT.md §4: parameter_missing before parameter_invalid, so a parameter given empty, or needed by another, is named
    // first even when another parameter is malformed too.
    [Theory]
    [InlineData("/api/search?place_distance=3-30&bbox=a,b,c,d", "place_position")]
    [InlineData("/api/search?place_fov_tolerance=30&datetime=yesterday&filter=nonsense", "place_position")]
    [InlineData("/api/search?bbox=1,2&ids=,", "ids")]
    [InlineData("/api/search?datetime=yesterday&collections=%2C%20", "collections")]
    public async Task AMissingParameterIsNamedBeforeAnythingIsInvalid(string path, string missing)
    {
        using var response = await archive.Server.Http.GetAsync(path);
        Assert.StartsWith(missing, await Infrastructure.ContractAssert.Error(response, "parameter_missing"));
    }

    [Fact]
    public async Task AReportBecomesAComplaintInTheModeratorsQueue()
    {
        var item = (await archive.GetJsonAsync("/api/search?limit=1")).GetProperty("features")[0];
        var key = item.GetProperty("id").GetString()!;
        var report = await archive.PostJsonAsync("/api/reports",
            $$"""{"issue":"blur_missing","picture_id":"{{key}}","reporter_email":"someone@example.org","reporter_comments":"a plate is readable"}""");
        Assert.Equal("open", report.GetProperty("status").GetString());
        var queue = await archive.GetJsonAsync($"/v2/complaints?client_id={archive.ClientId}", archive.AdminToken);
        var complaint = queue.GetProperty("complaints").EnumerateArray().Single(c => c.GetProperty("key").GetString() == report.GetProperty("id").GetString());
        Assert.Equal(key, complaint.GetProperty("mkey").GetString());
        Assert.Contains("a plate is readable", complaint.GetProperty("cm").GetString());
        Assert.Contains("blur_missing", complaint.GetProperty("cm").GetString());

        using var unknownIssue = await archive.SendAsync(HttpMethod.Post, "/api/reports", $$"""{"issue":"ugly","picture_id":"{{key}}"}""");
        Assert.Equal(HttpStatusCode.BadRequest, unknownIssue.StatusCode);
        using var noPicture = await archive.SendAsync(HttpMethod.Post, "/api/reports", """{"issue":"other"}""");
        Assert.Equal("parameter_missing", JsonDocument.Parse(await noPicture.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
    }

    public static string? NextLink(JsonElement page) =>
        page.GetProperty("links").EnumerateArray().FirstOrDefault(l => l.GetProperty("rel").GetString() == "next") is { ValueKind: JsonValueKind.Object } link
            ? new Uri(link.GetProperty("href").GetString()!).PathAndQuery
            : null;
}
