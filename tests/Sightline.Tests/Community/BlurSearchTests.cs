using System.Text.Json;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Community;

/// <summary>GET /v2/search/b: images with blur requests under review (spec §3.7, §5 item 18).</summary>
public sealed class BlurSearchTests : IAsyncLifetime
{
    private Cast cast = null!;

    public async Task InitializeAsync() => cast = await Cast.StartAsync();

    public async Task DisposeAsync() => await cast.DisposeAsync();

    private static readonly object Body = new { bs = new[] { new { type = "useredit", rect = new[] { 0.1, 0.1, 0.2, 0.2 } } } };

    private static string[] Keys(JsonElement result) => result.GetProperty("ims").EnumerateArray().Select(i => i.GetProperty("key").GetString()!).ToArray();

    [Fact]
    public async Task ListsImagesWithPendingRequestsOldestFirstUntilDecided()
    {
        var first = await cast.PublicImageAsync(6);
        var second = await cast.PublicImageAsync(7);
        var untouched = await cast.PublicImageAsync(8);
        Assert.Empty(Keys(await cast.Stranger.GetJsonAsync("/v2/search/b")));
        await Member.AcknowledgedAsync(await cast.Stranger.PostJsonAsync($"/v2/im/{first}/b", Body));
        await Member.AcknowledgedAsync(await cast.Stranger.PostJsonAsync($"/v2/im/{second}/b", Body));

        var result = await cast.Admin.GetJsonAsync("/v2/search/b");
        Assert.Equal(["ims", "more"], Member.Names(result));
        Assert.False(result.GetProperty("more").GetBoolean());
        Assert.Equal([first, second], Keys(result));
        Assert.DoesNotContain(untouched, Keys(result));
        var summary = await cast.Stranger.GetJsonAsync($"/v2/im/{first}");
        Assert.Equal(summary.GetRawText(), result.GetProperty("ims")[0].GetRawText());

        var page0 = await cast.Stranger.Anonymous().GetJsonAsync("/v2/search/b?limit=1");
        Assert.True(page0.GetProperty("more").GetBoolean());
        Assert.Equal([first], Keys(page0));
        var page1 = await cast.Stranger.GetJsonAsync("/v2/search/b?limit=1&page=1");
        Assert.False(page1.GetProperty("more").GetBoolean());
        Assert.Equal([second], Keys(page1));

        await Member.AcknowledgedAsync(await cast.Admin.SendAsync(HttpMethod.Delete, $"/v2/b/{first}"));
        await Member.AcknowledgedAsync(await cast.Admin.SendAsync(HttpMethod.Post, $"/v2/b/{second}"));
        Assert.Empty(Keys(await cast.Admin.GetJsonAsync("/v2/search/b")));
    }

    [Fact]
    public async Task PrivateRequestsAreListedOnlyForThoseWhoMaySeeThem()
    {
        var privateImage = await cast.PrivateImageAsync(6);
        await Member.AcknowledgedAsync(await cast.ProjectMember.PostJsonAsync($"/v2/im/{privateImage}/b", Body));
        Assert.Empty(Keys(await cast.Stranger.GetJsonAsync("/v2/search/b")));
        Assert.Empty(Keys(await cast.Stranger.Anonymous().GetJsonAsync("/v2/search/b")));
        Assert.Empty(Keys(await (await cast.ProjectMember.WithScopesAsync("public:write")).GetJsonAsync("/v2/search/b")));
        Assert.Equal([privateImage], Keys(await cast.ProjectMember.GetJsonAsync("/v2/search/b")));
        Assert.Equal([privateImage], Keys(await cast.Admin.GetJsonAsync("/v2/search/b")));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1.5", "limit")]
    [InlineData("page=-1", "page")]
    [InlineData("page=one", "page")]
    public async Task BadPaging(string query, string parameter) =>
        Assert.Contains(parameter, await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Get, $"/v2/search/b?{query}"), "parameter_invalid"));
}
