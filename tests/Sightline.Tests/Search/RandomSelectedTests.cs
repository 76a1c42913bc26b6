using System.Net;
using Sightline.Tests.Imagery;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Search;

/// <summary>
/// <c>/v2/search/im/randomselected</c> draws from the images administrators select (<c>sightline images select</c>,
/// spec §5 item 45), and from every public image while none of the selected ones is visible.
/// </summary>
public sealed class RandomSelectedTests : IAsyncLifetime
{
    private TestServer server = null!;
    private Uploader uploader = null!;
    private readonly List<string> keys = [];

    public async Task InitializeAsync()
    {
        server = await TestServer.StartAsync();
        uploader = await Uploader.CreateAsync(server, "curator");
        for (var i = 0; i < 4; i++)
        {
            var photo = Photos.Jpeg(new PhotoSpec { Lat = 50.85 + i * 0.01, Lon = 4.35, Taken = new DateTime(2024, 5, 1, 8 + i, 0, 0), Seed = i });
            keys.Add((await uploader.UploadProcessedAsync($"r{i}", photo)).GetProperty("key").GetString()!);
        }
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    private async Task<HashSet<string>> DrawAsync(int times)
    {
        var drawn = new HashSet<string>();
        for (var i = 0; i < times; i++)
            drawn.Add((await uploader.GetJsonAsync("/v2/search/im/randomselected")).GetProperty("key").GetString()!);
        return drawn;
    }

    [Fact]
    public async Task TheDrawComesFromTheSelectedImagesAndFallsBackToAnyPublicOne()
    {
        // Nothing selected: any public image (4 images, 40 draws: all four show up but with odds of 4 * 0.75^40).
        Assert.Equal(keys.ToHashSet(), await DrawAsync(40));

        await server.AdminAsync("", "images", "select", keys[1], keys[2]);
        var listed = (await server.AdminAsync("", "images", "selected")).GetProperty("keys").EnumerateArray().Select(k => k.GetString()!);
        Assert.Equal(new[] { keys[1], keys[2] }.Order(), listed.Order());
        Assert.Equal(new HashSet<string> { keys[1], keys[2] }, await DrawAsync(30));

        // A selected image that is deleted is no longer drawn.
        using (var deleted = await uploader.SendAsync(HttpMethod.Delete, "/v2/me/uploads/images/r2"))
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(new HashSet<string> { keys[1] }, await DrawAsync(10));

        // Unselected: back to every public image there is.
        await server.AdminAsync("", "images", "unselect", keys[1]);
        var remaining = keys.Where(k => k != keys[2]).ToHashSet();
        Assert.Equal(remaining, await DrawAsync(40));
    }

    [Fact]
    public async Task OnlyVisiblePublicImagesCanBeSelected()
    {
        var (exit, _, error) = await TestServer.RunCliAsync("", "images", "select", "AAAAAAAAAAAAAAAAAAAAAA", "--data", server.DataDirectory);
        Assert.NotEqual(0, exit);
        Assert.Contains("AAAAAAAAAAAAAAAAAAAAAA", error);
        (exit, _, error) = await TestServer.RunCliAsync("", "images", "unselect", keys[0], "--data", server.DataDirectory);
        Assert.NotEqual(0, exit);
        Assert.Contains("not selected", error);
    }
}
