using System.Net;
using System.Text.Json;

namespace Sightline.Tests.Stac;

/// <summary>Private and hidden photos through /api: invisible to whoever may not see them, exactly as through /v2.</summary>
[Collection(StacArchiveCollection.Name)]
public sealed class StacPrivacyTests(StacArchive archive)
{
    private async Task<HashSet<string>> EverythingSearchFindsAsync(string? token)
    {
        var found = new HashSet<string>();
        foreach (var path in new[] { "/api/search?limit=10000", "/api/search?bbox=3.70,51.04,3.74,51.07&limit=10000" })
        {
            var page = await archive.GetJsonAsync(path, token);
            found.UnionWith(page.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetString()!));
        }
        return found;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("stranger")]
    [InlineData("member")]
    public async Task SearchesCollectionsAndTilesNeverShowPrivateOrHiddenPhotos(string? who)
    {
        var token = who switch { "stranger" => archive.StrangerToken, "member" => archive.MemberToken, _ => null };
        var found = await EverythingSearchFindsAsync(token);
        Assert.Equal(StacArchive.DemoPhotos, found.Count);
        Assert.DoesNotContain(archive.HiddenKey, found);
        Assert.DoesNotContain(found, archive.PrivateKeys.Contains);
        var ids = await archive.PostJsonAsync("/api/search", $$"""{"ids":["{{archive.PrivateKeys[0]}}","{{archive.HiddenKey}}"]}""", token);
        Assert.Empty(ids.GetProperty("features").EnumerateArray());

        var collections = (await archive.GetJsonAsync("/api/collections?limit=1000", token)).GetProperty("collections").EnumerateArray()
            .Select(c => c.GetProperty("id").GetString()).ToList();
        Assert.DoesNotContain(archive.PrivateSequence, collections);

        var (x, y) = StacMapTests.TileAt(17, 51.0557, 3.7207); // the Graslei, where the private photos are
        using var tile = await archive.Server.Http.GetAsync($"/api/map/17/{x}/{y}.mvt");
        Assert.Equal(HttpStatusCode.OK, tile.StatusCode);
        var bytes = await tile.Content.ReadAsByteArrayAsync();
        foreach (var key in archive.PrivateKeys.Append(archive.HiddenKey))
            Assert.DoesNotContain(key, System.Text.Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public async Task APrivateSequenceIsNotFoundByStrangersAndOpensForAMemberWithABearerToken()
    {
        var item = $"/api/collections/{archive.PrivateSequence}/items/{archive.PrivateKeys[0]}";
        foreach (var path in new[] { $"/api/collections/{archive.PrivateSequence}", $"/api/collections/{archive.PrivateSequence}/items", item,
                     $"/api/pictures/{archive.PrivateKeys[0]}/thumb.jpg" })
        {
            foreach (var token in new[] { null, archive.StrangerToken })
            {
                using var response = await archive.SendAsync(HttpMethod.Get, path, token: token);
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
                Assert.Equal("not_found", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
            }
        }
        var seen = await archive.GetJsonAsync(item, archive.MemberToken);
        Assert.Equal(archive.PrivateKeys[0], seen.GetProperty("id").GetString());
        var next = seen.GetProperty("links").EnumerateArray().Single(l => l.GetProperty("rel").GetString() == "next");
        Assert.Equal(archive.PrivateKeys[1], next.GetProperty("id").GetString());
        Assert.Equal(2, (await archive.GetJsonAsync($"/api/collections/{archive.PrivateSequence}/items", archive.MemberToken)).GetProperty("features").GetArrayLength());
    }

    [Fact]
    public async Task AHiddenPhotoIsNotFoundAndNobodyCanReportIt()
    {
        var v2 = await archive.GetJsonAsync($"/v2/search/im?client_id={archive.ClientId}&limit=1000");
        Assert.DoesNotContain(v2.GetProperty("ims").EnumerateArray(), i => i.GetProperty("key").GetString() == archive.HiddenKey);
        using var thumb = await archive.Server.Http.GetAsync($"/api/pictures/{archive.HiddenKey}/thumb.jpg");
        Assert.Equal(HttpStatusCode.NotFound, thumb.StatusCode);
        using var report = await archive.SendAsync(HttpMethod.Post, "/api/reports", $$"""{"issue":"other","picture_id":"{{archive.HiddenKey}}"}""");
        Assert.Equal(HttpStatusCode.NotFound, report.StatusCode);
    }
}
