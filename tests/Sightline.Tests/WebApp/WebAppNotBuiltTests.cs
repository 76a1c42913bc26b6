using System.Net;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.WebApp;

/// <summary>
/// A server built without its web app (no Node.js at build time): its pages do not exist, which is a 404 page (HTML, as every
/// page of the app answers: CONTRACT.md §1), not a 500.
/// </summary>
public sealed class WebAppNotBuiltTests
{
    [Fact]
    public async Task ThePagesAreNotFoundAsHtmlToBrowsersAndAsTheContractsJsonToOthers()
    {
        var empty = Directory.CreateTempSubdirectory("sightline-no-webapp-");
        try
        {
            await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Viewer:Directory"] = empty.FullName });
            foreach (var path in new[] { "/", "/photos/k3Jd9aQpZ0xW1vB7nT4e2A" })
            foreach (var accept in new[] { "text/html,application/xhtml+xml,*/*;q=0.8", "application/json" })
            {
                using var page = new HttpRequestMessage(HttpMethod.Get, path);
                page.Headers.Accept.ParseAdd(accept);
                using var answer = await server.Http.SendAsync(page);
                Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
                Assert.Equal("text/html", answer.Content.Headers.ContentType!.MediaType);
                Assert.Contains("Web app not built", await answer.Content.ReadAsStringAsync());
            }
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }
}
