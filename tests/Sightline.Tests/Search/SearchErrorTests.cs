using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Search;

/// <summary>Every bad combination of search parameters: the code, and the parameter named in the message.</summary>
[Collection(SearchArchiveCollection.Name)]
public sealed class SearchErrorTests(SearchArchive archive)
{
    [Theory]
    // Half a box names the first missing edge.
    [InlineData("/v2/search/im", "min_lat=1", "parameter_missing", "max_lat")]
    [InlineData("/v2/search/im", "min_lat=1&max_lat=2&min_lon=3", "parameter_missing", "max_lon")]
    [InlineData("/v2/search/im", "max_lon=3", "parameter_missing", "min_lat")]
    [InlineData("/v2/search/s", "min_lat=1&max_lat=2", "parameter_missing", "min_lon")]
    [InlineData("/v2/search/im/geojson", "min_lon=1&max_lon=2&min_lat=1", "parameter_missing", "max_lat")]
    // Missing beats invalid.
    [InlineData("/v2/search/im", "min_lat=abc&max_lat=2", "parameter_missing", "min_lon")]
    [InlineData("/v2/search/im/close", "lat=abc&lon=1&min_ca=4", "parameter_missing", "max_ca")]
    // Close searches need their centre.
    [InlineData("/v2/search/im/close", "", "parameter_missing", "lat")]
    [InlineData("/v2/search/im/close", "lat=1", "parameter_missing", "lon")]
    [InlineData("/v2/search/im/close", "lon=1", "parameter_missing", "lat")]
    [InlineData("/v2/search/im/geojson/close", "lat=1&distance=5", "parameter_missing", "lon")]
    [InlineData("/v2/search/im", "min_ca=10", "parameter_missing", "max_ca")]
    [InlineData("/v2/search/im/s/AAAAAAAAAAAAAAAAAAAAAA", "lat=1", "parameter_missing", "lon")]
    [InlineData("/v2/search/im/s/short", "lat=1", "parameter_missing", "lon")] // missing beats a malformed path key
    // Out of range, min above max.
    [InlineData("/v2/search/im", "min_lat=2&max_lat=1&min_lon=0&max_lon=1", "parameter_invalid", "min_lat")]
    [InlineData("/v2/search/im", "min_lat=-91&max_lat=1&min_lon=0&max_lon=1", "parameter_invalid", "min_lat")]
    [InlineData("/v2/search/im", "min_lat=0&max_lat=1&min_lon=0&max_lon=181", "parameter_invalid", "max_lon")]
    [InlineData("/v2/search/im/close", "lat=91&lon=0", "parameter_invalid", "lat")]
    [InlineData("/v2/search/im/close", "lat=0&lon=-180.5", "parameter_invalid", "lon")]
    [InlineData("/v2/search/im/close", "lat=0&lon=0&distance=-1", "parameter_invalid", "distance")]
    [InlineData("/v2/search/im/close", "lat=0&lon=0&distance=-0.5", "parameter_invalid", "distance")]
    [InlineData("/v2/search/im/close", "lat=0&lon=0&distance=1e400", "parameter_invalid", "distance")]
    [InlineData("/v2/search/im/close", "lat=0&lon=0&min_ca=-1&max_ca=10", "parameter_invalid", "min_ca")]
    [InlineData("/v2/search/im/close", "lat=0&lon=0&min_ca=1&max_ca=361", "parameter_invalid", "max_ca")]
    [InlineData("/v2/search/im", "start_time=20&end_time=10", "parameter_invalid", "start_time")]
    [InlineData("/v2/search/im", "start_time=yesterday", "parameter_invalid", "start_time")]
    [InlineData("/v2/search/im", "end_time=1.5", "parameter_invalid", "end_time")]
    [InlineData("/v2/search/im", "start_time=-1", "parameter_invalid", "start_time")]
    // NaN and Infinity are not numbers here.
    [InlineData("/v2/search/im/close", "lat=NaN&lon=0", "parameter_invalid", "lat")]
    [InlineData("/v2/search/im/close", "lat=0&lon=Infinity", "parameter_invalid", "lon")]
    [InlineData("/v2/search/im/close", "lat=0&lon=0&distance=NaN", "parameter_invalid", "distance")]
    [InlineData("/v2/search/im", "min_lat=-Infinity&max_lat=1&min_lon=0&max_lon=1", "parameter_invalid", "min_lat")]
    [InlineData("/v2/search/im", "min_lat=1e400&max_lat=1&min_lon=0&max_lon=1", "parameter_invalid", "min_lat")]
    [InlineData("/v2/search/im", "min_ca=nan&max_ca=1", "parameter_invalid", "min_ca")]
    // min_lon above max_lon is min > max too (CONTRACT.md §3), not a box across the antimeridian.
    [InlineData("/v2/search/im", "min_lat=0&max_lat=1&min_lon=10&max_lon=5", "parameter_invalid", "min_lon")]
    [InlineData("/v2/search/s", "min_lat=0&max_lat=1&min_lon=175&max_lon=-175", "parameter_invalid", "min_lon")]
    [InlineData("/v2/search/im/cm", "min_lat=0&max_lat=1&min_lon=1&max_lon=0", "parameter_invalid", "min_lon")]
    // Paging.
    [InlineData("/v2/search/im", "limit=0", "parameter_invalid", "limit")]
    [InlineData("/v2/search/im", "limit=1.5", "parameter_invalid", "limit")]
    [InlineData("/v2/search/im", "limit=ten", "parameter_invalid", "limit")]
    [InlineData("/v2/search/im", "page=-1", "parameter_invalid", "page")]
    // A page past Search:MaxOffset is refused only while results lie that deep: PageDepthTests.
    // Booleans, names and keys.
    [InlineData("/v2/search/im", "me=yes", "parameter_invalid", "me")]
    [InlineData("/v2/search/im", "hidden=2", "parameter_invalid", "hidden")]
    [InlineData("/v2/search/im", "user=a", "parameter_invalid", "user")]
    [InlineData("/v2/search/im", "project=bad.key", "parameter_invalid", "project")]
    [InlineData("/v2/search/im/s/short", "", "parameter_invalid", "key")]
    public async Task BadParametersAreRefusedNamingTheParameter(string path, string query, string code, string parameter)
    {
        // With a token that has private:read so that the scope step passes for project and me.
        var message = await ContractAssert.Error(await archive.SendAsync($"{path}?{query}", "owner"), code);
        Assert.StartsWith(parameter + " ", message);
    }

    [Fact]
    public async Task ARadiusWithoutUpperBoundSaysSoPlainly()
    {
        // Served at the cap above it, so the refusal names no upper bound (not 1.79E+308).
        var message = await ContractAssert.Error(await archive.SendAsync("/v2/search/im/close?lat=0&lon=0&distance=-1"), "parameter_invalid");
        Assert.Equal("distance must be a finite number of at least 0.", message);
    }

    [Fact]
    public async Task TheDeepestAllowedPageIsServed()
    {
        using var response = await archive.SendAsync("/v2/search/im?page=10&limit=1000");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task BoxesOfAnySizeWithinTheRangesAreServed()
    {
        foreach (var query in new[] { "min_lat=0&max_lat=10&min_lon=0&max_lon=10", "min_lat=0&max_lat=10.5&min_lon=0&max_lon=11",
                     "min_lat=-90&max_lat=90&min_lon=-180&max_lon=180", "min_lat=89&max_lat=90&min_lon=-180&max_lon=180", "min_lat=1&max_lat=1&min_lon=2&max_lon=2" })
        {
            using var response = await archive.SendAsync($"/v2/search/im?{query}");
            Assert.True(response.StatusCode == System.Net.HttpStatusCode.OK, query);
        }
    }

    [Fact]
    public async Task SearchesNeedAClientId()
    {
        await ContractAssert.Error(await archive.Server.Http.GetAsync("/v2/search/im"), "client_id_missing");
        await ContractAssert.Error(await archive.Server.Http.GetAsync("/v2/search/s/ul?client_id=AAAAAAAAAAAAAAAAAAAAAA"), "client_id_invalid");
    }

    [Fact]
    public async Task AnUnknownSequenceIsNotFound() =>
        await ContractAssert.Error(await archive.SendAsync("/v2/search/im/s/AAAAAAAAAAAAAAAAAAAAAA"), "not_found");
}
