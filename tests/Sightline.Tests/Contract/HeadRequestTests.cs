using System.Net;
using Sightline.Tests.Infrastructure;
using Sightline.Tests.Transport;

namespace Sightline.Tests.Contract;

/// <summary>HEAD on a GET route answers as the GET would, without a body (RFC 9110 §9.3.2); it used to be not_found.</summary>
public sealed class HeadRequestTests : IAsyncLifetime
{
    private TestServer server = null!;
    private string clientId = null!;

    public async Task InitializeAsync()
    {
        server = await TestServer.StartAsync();
        (clientId, _) = await server.AddClientAsync();
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task HeadOnAnApiRouteHasTheGetStatusAndHeadersAndNoBody()
    {
        var raw = await RawHttp.ExchangeAsync(server.BaseAddress,
            $"HEAD /v2/status?client_id={clientId} HTTP/1.1\r\nHost: a\r\n\r\n" +
            $"GET /v2/status?client_id={clientId} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        var responses = RawHttp.Parse(raw, 0); // a body after the HEAD answer would break the second one's framing
        Assert.Equal(2, responses.Count);
        Assert.Equal(200, responses[0].Status);
        Assert.Equal("application/json; charset=utf-8", responses[0].Header("Content-Type"));
        Assert.NotNull(responses[0].Header("RateLimit"));
        Assert.Equal(200, responses[1].Status);
        Assert.Contains("\"code\":\"ok\"", responses[1].BodyText);
    }

    [Fact]
    public async Task HeadKeepsTheGetAnswersFailures()
    {
        using var missing = await server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v2/status"));
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        using var unknown = await server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/nothing?client_id={clientId}"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var postOnly = await server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v2/oauth/token"));
        Assert.Equal(HttpStatusCode.NotFound, postOnly.StatusCode);
    }
}
