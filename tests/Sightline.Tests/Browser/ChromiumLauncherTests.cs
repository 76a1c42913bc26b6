using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Browser;

/// <summary>The shared browser launcher drives Debian's chromium against a real server, with WebGL in software.</summary>
public sealed class ChromiumLauncherTests
{
    [Fact]
    public async Task SystemChromiumLoadsAServerAnswerAndDrawsWebGl()
    {
        await using var server = await TestServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.NewPageAsync(800, 600);

        var response = await page.GotoAsync(new Uri(server.BaseAddress, "/v2/status").AbsoluteUri);
        Assert.NotNull(response);
        Assert.Equal(401, response.Status);
        Assert.Contains("client_id_missing", await page.ContentAsync());

        var webGl = await page.EvaluateAsync<bool>("() => !!document.createElement('canvas').getContext('webgl2')");
        Assert.True(webGl, "headless chromium offers no WebGL 2 context (SwiftShader flags)");
    }
}
