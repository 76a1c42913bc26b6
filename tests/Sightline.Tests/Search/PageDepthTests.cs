using System.Text.Json;
using Sightline.Tests.Imagery;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Search;

/// <summary>
/// Spec §1.5 and CONTRACT.md "Page sizes" past the depth cap (Search:MaxOffset, set to 1 here so that three photos reach
/// past it): a page past the last result is an empty page with more: false whatever its number, as any caller paging
/// until more is false, or probing page=1000, expects; only a page that would start among results that deep is refused.
/// </summary>
public sealed class PageDepthTests(PageDepthTests.ThreePhotos world) : IClassFixture<PageDepthTests.ThreePhotos>
{
    private Uploader uploader => world.Uploader;

    /// <summary>One server for the class: three photos an hour and a kilometre apart, so three images and three sequences.</summary>
    public sealed class ThreePhotos : IAsyncLifetime
    {
        private TestServer server = null!;
        public Uploader Uploader { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Search:MaxOffset"] = "1" });
            Uploader = await Uploader.CreateAsync(server, "deeppager");
            for (var i = 0; i < 3; i++)
            {
                var photo = Photos.Jpeg(new PhotoSpec { Lat = 48.1 + i * 0.01, Lon = 11.5, Taken = new DateTime(2024, 5, 1, 8 + i, 0, 0), Seed = i });
                await Uploader.UploadProcessedAsync($"deep{i}", photo);
            }
        }

        public async Task DisposeAsync() => await server.DisposeAsync();
    }

    [Theory]
    [InlineData("/v2/search/im?", "ims")]
    [InlineData("/v2/search/im/geojson?", "features")]
    [InlineData("/v2/search/im/close?lat=48.11&lon=11.5&distance=5000&", "ims")]
    [InlineData("/v2/search/im/geojson/close?lat=48.11&lon=11.5&distance=5000&", "features")]
    [InlineData("/v2/search/s?", "ss")]
    [InlineData("/v2/search/s/geojson?", "features")]
    [InlineData("/v2/search/s/ul?", "ss")]
    [InlineData("/v2/search/im/cm?", "ims")]
    [InlineData("/v2/search/im/or?", "ims")]
    public async Task APagePastTheLastResultIsEmptyWithoutMoreHoweverDeep(string path, string list)
    {
        foreach (var page in new[] { "page=3&limit=1", "page=1000", "page=2147483647&limit=100000" })
        {
            var answer = await uploader.GetJsonAsync(path + page);
            Assert.Equal(0, answer.GetProperty(list).GetArrayLength());
            Assert.False(answer.GetProperty("more").GetBoolean(), $"{path}{page}: more");
        }
    }

    [Theory]
    [InlineData("/v2/search/im?")]
    [InlineData("/v2/search/im/close?lat=48.11&lon=11.5&distance=5000&")]
    [InlineData("/v2/search/s?")]
    public async Task APageStartingAmongResultsBeyondTheCapIsRefusedNamingPage(string path)
    {
        using var response = await uploader.SendAsync(HttpMethod.Get, path + "page=2&limit=1");
        var message = await ContractAssert.Error(response, "parameter_invalid");
        Assert.StartsWith("page ", message);
    }

    [Fact]
    public async Task WithinTheCapPagesStillWalkEveryResult()
    {
        var keys = new List<string>();
        for (var page = 0; page <= 1; page++)
        {
            var answer = await uploader.GetJsonAsync($"/v2/search/im?limit=1&page={page}");
            Assert.True(answer.GetProperty("more").GetBoolean());
            keys.AddRange(answer.GetProperty("ims").EnumerateArray().Select(i => i.GetProperty("key").GetString()!));
        }
        Assert.Equal(2, keys.Distinct().Count());
    }
}
