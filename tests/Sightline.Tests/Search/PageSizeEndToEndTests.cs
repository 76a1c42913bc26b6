using System.Text.Json;
using Sightline.Tests.Imagery;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Search;

/// <summary>
/// CONTRACT.md "Page sizes", end to end: with more matches than an endpoint's maximum, a limit far above it (the original
/// clients' limit=100000 for "all") answers exactly the maximum and more: true, and the next page holds the rest with
/// more: false. The maximum is configured low (Search:MaxLimit=2) so that a few real photos exceed it.
/// </summary>
public sealed class PageSizeEndToEndTests(PageSizeEndToEndTests.ThreePhotos world) : IClassFixture<PageSizeEndToEndTests.ThreePhotos>
{
    private const int Maximum = 2;
    private Uploader uploader => world.Uploader;
    private List<string> keys => world.Keys;

    /// <summary>One server for the class: three photos an hour and a kilometre apart, so three images and three sequences.</summary>
    public sealed class ThreePhotos : IAsyncLifetime
    {
        private TestServer server = null!;
        public Uploader Uploader { get; private set; } = null!;
        public List<string> Keys { get; } = [];

        public async Task InitializeAsync()
        {
            server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Search:MaxLimit"] = Maximum.ToString() });
            Uploader = await Uploader.CreateAsync(server, "pager");
            for (var i = 0; i < 3; i++)
            {
                var photo = Photos.Jpeg(new PhotoSpec { Lat = 48.1 + i * 0.01, Lon = 11.5, Taken = new DateTime(2024, 5, 1, 8 + i, 0, 0), Seed = i });
                var image = await Uploader.UploadProcessedAsync($"page{i}", photo);
                Keys.Add(image.GetProperty("key").GetString()!);
            }
        }

        public async Task DisposeAsync() => await server.DisposeAsync();
    }

    [Theory]
    [InlineData("/v2/search/im", "ims")]
    [InlineData("/v2/search/im/geojson", "features")]
    [InlineData("/v2/search/s", "ss")]
    [InlineData("/v2/search/s/geojson", "features")]
    public async Task ALimitAboveTheMaximumAnswersTheMaximumThenTheRestOnTheNextPage(string path, string list)
    {
        var first = await uploader.GetJsonAsync($"{path}?limit=100000");
        var second = await uploader.GetJsonAsync($"{path}?limit=100000&page=1");

        Assert.Equal(Maximum, first.GetProperty(list).GetArrayLength());
        Assert.True(first.GetProperty("more").GetBoolean());
        Assert.Equal(keys.Count - Maximum, second.GetProperty(list).GetArrayLength());
        Assert.False(second.GetProperty("more").GetBoolean());
        var seen = Keys(first, list).Concat(Keys(second, list)).ToList();
        Assert.Equal(seen.Count, seen.Distinct().Count()); // no object on both pages
    }

    [Fact]
    public async Task AtTheMaximumExactlyMoreStillTellsOfTheRest()
    {
        var page = await uploader.GetJsonAsync($"/v2/search/im?limit={Maximum}");
        Assert.Equal(Maximum, page.GetProperty("ims").GetArrayLength());
        Assert.True(page.GetProperty("more").GetBoolean());
        var all = await uploader.GetJsonAsync($"/v2/search/im?limit={Maximum}&page=0&min_lat=48&max_lat=48.105&min_lon=11&max_lon=12");
        Assert.Single(all.GetProperty("ims").EnumerateArray());
        Assert.False(all.GetProperty("more").GetBoolean());
    }

    private static IEnumerable<string> Keys(JsonElement page, string list) =>
        page.GetProperty(list).EnumerateArray().Select(e => (e.TryGetProperty("properties", out var p) ? p : e).GetProperty("key").GetString()!);
}
