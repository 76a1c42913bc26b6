using System.Net;
using System.Text;
using Sightline.Client;

namespace Sightline.Tests.Client;

/// <summary>
/// Answers the real server never gives (a proxy's HTML page, a code outside the catalogue), played
/// by a stub handler, to check the client keeps the status and says Unknown rather than guessing.
/// </summary>
public sealed class ClientUnknownErrorTests
{
    private sealed class StubHandler(HttpStatusCode status, string mediaType, string body) : HttpMessageHandler
    {
        public int Calls;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) });
        }
    }

    private static SightlineClient Client(HttpMessageHandler handler) =>
        new(new HttpClient(handler), new SightlineClientOptions { BaseAddress = new Uri("http://sightline.invalid/"), ClientId = "app" });

    [Fact]
    public async Task UnparseableBodyIsUnknownWithTheStatusKept()
    {
        var handler = new StubHandler(HttpStatusCode.BadGateway, "text/html", "<html>bad gateway</html>");

        var error = await Assert.ThrowsAsync<SightlineApiException>(() => Client(handler).GetStatusAsync());

        Assert.Equal(502, error.Status);
        Assert.Equal(SightlineErrorCode.Unknown, error.Code);
        Assert.Null(error.RawCode);
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task CodeOutsideTheCatalogueIsUnknownWithTheRawCodeKept()
    {
        var handler = new StubHandler(HttpStatusCode.BadRequest, "application/json", """{"code":"brand_new","message":"something new"}""");

        var error = await Assert.ThrowsAsync<SightlineApiException>(() => Client(handler).GetStatusAsync());

        Assert.Equal(400, error.Status);
        Assert.Equal(SightlineErrorCode.Unknown, error.Code);
        Assert.Equal("brand_new", error.RawCode);
        Assert.Equal("something new", error.Message);
    }
}
