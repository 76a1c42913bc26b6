using System.Net;
using Sightline.Demo;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Imagery;

/// <summary>The demo set loads through the real upload path into one sequence per street.</summary>
public sealed class DemoTests
{
    [Fact]
    public async Task DemoSetMakesImagesThumbnailsAndOneSequencePerStreet()
    {
        await using var server = await TestServer.StartAsync();
        var (clientId, _) = await server.AddClientAsync("demo app");
        Assert.True(await DemoImagery.IsNeededAsync(server.Services));

        var log = new StringWriter();
        var uploaded = await DemoImagery.LoadAsync(server.Services, clientId, server.BaseAddress, log, CancellationToken.None, photosPerStreet: 4);
        Assert.Equal(16, uploaded);
        Assert.False(await DemoImagery.IsNeededAsync(server.Services));

        var deadline = DateTime.UtcNow.AddSeconds(120);
        System.Text.Json.JsonElement status;
        do
        {
            Assert.True(DateTime.UtcNow < deadline, "the demo set was not processed");
            await Task.Delay(50);
            using var response = await server.Http.GetAsync($"/v2/status?client_id={clientId}");
            status = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        }
        while (status.GetProperty("images").GetInt64() < 16);
        Assert.Equal(4, status.GetProperty("sequences").GetInt64());

        var profile = System.Text.Json.JsonDocument.Parse(await server.Http.GetStringAsync($"/v2/u/demo?client_id={clientId}")).RootElement;
        Assert.Equal(16, profile.GetProperty("images_all").GetInt64());
        Assert.InRange(profile.GetProperty("distance_all").GetInt64(), 4 * 3 * 6 - 2, 4 * 3 * 6 + 2); // 3 steps of 6 m per street
    }
}
