using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sightline.Access;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Transport;

/// <summary>
/// The rejection rewriting must leave everything the app answers alone: keep-alive pipelines,
/// large fixed-length and streamed (chunked) bodies, HEAD.
/// </summary>
public sealed class TransportPassThroughTests : IAsyncLifetime
{
    private const int LargeSize = 4 * 1024 * 1024 + 17; // several socket buffers and flushes, not a round number

    private TestServer server = null!;
    private string clientId = null!;

    public async Task InitializeAsync()
    {
        server = await TestServer.StartAsync(configureApp: app =>
        {
            app.MapMethods("/test/large-fixed", ["GET", "HEAD"], async (HttpContext context) =>
            {
                context.Response.ContentType = "application/octet-stream";
                context.Response.ContentLength = LargeSize;
                if (HttpMethods.IsHead(context.Request.Method))
                    return;
                await context.Response.Body.WriteAsync(Pattern(LargeSize));
            }).AllowWithoutClient();
            app.MapGet("/test/large-chunked", async (HttpContext context) =>
            {
                // No Content-Length and several flushes: Kestrel frames it as chunked.
                context.Response.ContentType = "application/octet-stream";
                var body = Pattern(LargeSize);
                for (var at = 0; at < body.Length; at += 100_003)
                {
                    await context.Response.Body.WriteAsync(body.AsMemory(at, Math.Min(100_003, body.Length - at)));
                    await context.Response.Body.FlushAsync();
                }
            }).AllowWithoutClient();
        });
        (clientId, _) = await server.AddClientAsync();
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    // Bytes that would show any loss, duplication or reordering, and that contain HTTP-looking
    // text, in case something scanned bodies for status lines.
    private static byte[] Pattern(int size)
    {
        var marker = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8;
        var bytes = new byte[size];
        for (var i = 0; i < size; i++)
            bytes[i] = (byte)(i * 31 + (i >> 11));
        for (var at = 0; at + marker.Length < size; at += 65_536)
            marker.CopyTo(bytes.AsSpan(at));
        return bytes;
    }

    [Fact]
    public async Task KeepAlivePipelineOfThreeValidRequestsGetsThreeCorrectResponses()
    {
        var expectedOpenApi = await server.Http.GetByteArrayAsync("/openapi/v2.json");
        var host = server.BaseAddress.Authority; // the OpenAPI document names the server it was fetched from
        var raw = await RawHttp.ExchangeAsync(server.BaseAddress,
            $"GET /v2/status?client_id={clientId} HTTP/1.1\r\nHost: {host}\r\n\r\n" +
            $"GET /openapi/v2.json HTTP/1.1\r\nHost: {host}\r\n\r\n" +
            $"GET /v2/search/u?client_id={clientId} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        var responses = RawHttp.Parse(raw);
        Assert.Equal(3, responses.Count);

        Assert.Equal(200, responses[0].Status);
        Assert.Contains("\"code\":\"ok\"", responses[0].BodyText);
        Assert.Null(responses[0].Header("Connection"));

        Assert.Equal(200, responses[1].Status);
        Assert.Equal(expectedOpenApi, responses[1].Body);

        // The app's own error, with the app's own message, not a transport rewrite.
        Assert.Equal("parameter_missing", RawHttp.AssertContractError(responses[2]));
        Assert.Contains("match", responses[2].BodyText);
        Assert.Equal("close", responses[2].Header("Connection"));
    }

    [Fact]
    public async Task LargeFixedLengthResponsePassesThroughIntact()
    {
        var raw = await RawHttp.ExchangeAsync(server.BaseAddress, "GET /test/large-fixed HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        var response = Assert.Single(RawHttp.Parse(raw));
        Assert.Equal(200, response.Status);
        Assert.Equal(LargeSize.ToString(), response.Header("Content-Length"));
        Assert.True(Pattern(LargeSize).AsSpan().SequenceEqual(response.Body), "the body was altered");
    }

    [Fact]
    public async Task LargeChunkedResponsePassesThroughIntactAndAFollowingRejectionIsStillRewritten()
    {
        var raw = await RawHttp.ExchangeAsync(server.BaseAddress,
            "GET /test/large-chunked HTTP/1.1\r\nHost: a\r\n\r\nGET /v2/status HTTP/9.9\r\nHost: a\r\n\r\n");
        var responses = RawHttp.Parse(raw);
        Assert.Equal(2, responses.Count);
        Assert.Equal(200, responses[0].Status);
        Assert.Equal("chunked", responses[0].Header("Transfer-Encoding"));
        Assert.True(Pattern(LargeSize).AsSpan().SequenceEqual(responses[0].Body), "the body was altered");
        RawHttp.AssertParameterInvalid(responses[1]);
    }

    [Fact]
    public async Task HeadResponsesKeepTheirHeadersAndHaveNoBody()
    {
        var raw = await RawHttp.ExchangeAsync(server.BaseAddress,
            "HEAD /test/large-fixed HTTP/1.1\r\nHost: a\r\n\r\nGET /test/large-fixed HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        var responses = RawHttp.Parse(raw, 0);
        Assert.Equal(2, responses.Count);
        Assert.Equal(200, responses[0].Status);
        Assert.Equal(LargeSize.ToString(), responses[0].Header("Content-Length"));
        Assert.Equal(200, responses[1].Status);
        Assert.True(Pattern(LargeSize).AsSpan().SequenceEqual(responses[1].Body), "the body was altered");
    }

    [Fact]
    public async Task HttpClientStillWorksOverKeepAlive()
    {
        for (var i = 0; i < 5; i++)
        {
            var response = await server.Http.GetAsync($"/v2/status?client_id={clientId}");
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        }
        await ContractAssert.Error(await server.Http.GetAsync("/v2/status"), "client_id_missing");
    }
}
