using System.Text;
using Sightline.Contract;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Transport;

/// <summary>
/// Requests Kestrel refuses before any middleware runs still get the contract's answer
/// (CONTRACT.md §1: "a request the server cannot parse is 400 parameter_invalid"; no 414/431/505).
/// Each request goes over a raw socket; the whole answer is read until the server closes.
/// </summary>
public sealed class TransportRejectionTests : IAsyncLifetime
{
    private TestServer server = null!;
    private string clientId = null!;

    public async Task InitializeAsync()
    {
        server = await TestServer.StartAsync();
        (clientId, _) = await server.AddClientAsync();
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    // Each of these is answered by Kestrel itself (checked by hand: a bare 400/414/431/505 with
    // Content-Length: 0 before this change), never by the app.
    private static readonly Dictionary<string, string> Unparsable = new()
    {
        ["garbage request line"] = "GARBAGE\r\n\r\n",
        ["HTTP/0.9 style request line"] = "GET /\r\n\r\n",
        ["space inside the target"] = "GET /v2/st atus HTTP/1.1\r\nHost: a\r\n\r\n",
        ["NUL inside the target"] = "GET /v2/st\0atus HTTP/1.1\r\nHost: a\r\n\r\n",
        ["asterisk target on GET"] = "GET * HTTP/1.1\r\nHost: a\r\n\r\n",
        ["invalid method token"] = "G(T /v2/status HTTP/1.1\r\nHost: a\r\n\r\n",
        ["non-ASCII bytes in the target"] = "GET /v2/\u00c3\u00a9 HTTP/1.1\r\nHost: a\r\n\r\n",
        ["non-ASCII bytes in the method"] = "G\u00c3\u0089T /v2/status HTTP/1.1\r\nHost: a\r\n\r\n",
        ["space in a header name"] = "GET /v2/status HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n",
        ["space before the colon"] = "GET /v2/status HTTP/1.1\r\nHost: a\r\nX : y\r\n\r\n",
        ["header line without colon"] = "GET /v2/status HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n",
        ["non-ASCII header name"] = "GET /v2/status HTTP/1.1\r\nHost: a\r\nN\u00c3\u00a9: x\r\n\r\n",
        ["obsolete line folding"] = "GET /v2/status HTTP/1.1\r\nHost: a\r\nX: y\r\n z\r\n\r\n",
        ["bare CR in the header block"] = "GET /v2/status HTTP/1.1\r\nHost: a\rX: y\r\n\r\n",
        ["missing Host"] = "GET /v2/status HTTP/1.1\r\n\r\n",
        ["invalid Host"] = "GET /v2/status HTTP/1.1\r\nHost: a b@c\r\n\r\n",
        ["two Host headers"] = "GET /v2/status HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        ["Host differing from an absolute target"] = "GET http://other/v2/status HTTP/1.1\r\nHost: a\r\n\r\n",
        ["HEAD without Host"] = "HEAD /v2/status HTTP/1.1\r\n\r\n",
        ["absurd Content-Length"] = "POST /v2/status HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n",
        ["negative Content-Length"] = "POST /v2/status HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n",
        ["non-numeric Content-Length"] = "POST /v2/status HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n",
        ["two different Content-Lengths"] = "POST /v2/status HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        ["Transfer-Encoding not ending in chunked"] = "POST /v2/status HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n",
        ["HTTP/1.2 (Kestrel: 505)"] = "GET /v2/status HTTP/1.2\r\nHost: a\r\n\r\n",
        ["HTTP/2.0 over plain text (Kestrel: 505)"] = "GET /v2/status HTTP/2.0\r\nHost: a\r\n\r\n",
        ["HTTP/3.0 (Kestrel: 505)"] = "GET /v2/status HTTP/3.0\r\nHost: a\r\n\r\n",
        ["lower-case version (Kestrel: 505)"] = "GET /v2/status http/1.1\r\nHost: a\r\n\r\n",
    };

    public static TheoryData<string> UnparsableRequests => [.. Unparsable.Keys];

    [Theory]
    [MemberData(nameof(UnparsableRequests))]
    public async Task UnparsableRequestIsParameterInvalid(string name)
    {
        var raw = await RawHttp.ExchangeAsync(server.BaseAddress, Unparsable[name]);
        var response = RawHttp.AssertParameterInvalid(raw);
        Assert.NotNull(response.Header("Date"));
    }

    [Theory]
    [InlineData("get")]
    [InlineData("Get")]
    [InlineData("post")]
    [InlineData("head")] // Kestrel sends a body for "head", which is not HEAD
    public async Task AMethodNameIsCaseSensitiveSoALowerCaseOneIsUnknown(string method)
    {
        // RFC 9110 §9.1: "get" is not GET; an unknown method is the contract's 404 (CONTRACT.md §1), not GET's answer.
        var raw = await RawHttp.ExchangeAsync(server.BaseAddress, $"{method} /v2/status HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        Assert.Equal("not_found", RawHttp.AssertContractError(Assert.Single(RawHttp.Parse(raw))));
    }

    [Fact]
    public async Task UnsupportedVersionSaysSoInsteadOf505()
    {
        var raw = await RawHttp.ExchangeAsync(server.BaseAddress, "GET /v2/status HTTP/1.2\r\nHost: a\r\n\r\n");
        var response = RawHttp.AssertParameterInvalid(raw);
        Assert.Contains("HTTP version", response.BodyText);
    }

    [Fact]
    public async Task RequestLineOverKestrelsLimitIs400NotUriTooLong()
    {
        var target = "/v2/status?x=" + new string('a', RequestLimits.TransportMaxRequestLine);
        var raw = await RawHttp.ExchangeAsync(server.BaseAddress, $"GET {target} HTTP/1.1\r\nHost: a\r\n\r\n");
        var response = RawHttp.AssertParameterInvalid(raw);
        Assert.Contains("request line", response.BodyText);
    }

    [Fact]
    public async Task HeaderBlockOverKestrelsLimitIs400NotHeaderFieldsTooLarge()
    {
        var raw = await RawHttp.ExchangeAsync(server.BaseAddress,
            $"GET /v2/status HTTP/1.1\r\nHost: a\r\nX-Big: {new string('a', RequestLimits.TransportMaxHeaders)}\r\n\r\n");
        var response = RawHttp.AssertParameterInvalid(raw);
        Assert.Contains("headers", response.BodyText);
    }

    [Fact]
    public async Task HeaderCountOverKestrelsLimitIs400NotHeaderFieldsTooLarge()
    {
        var headers = new StringBuilder("GET /v2/status HTTP/1.1\r\nHost: a\r\n");
        for (var i = 0; i <= RequestLimits.TransportMaxHeaderCount; i++)
            headers.Append("X-").Append(i).Append(": y\r\n");
        var raw = await RawHttp.ExchangeAsync(server.BaseAddress, headers.Append("\r\n").ToString());
        RawHttp.AssertParameterInvalid(raw);
    }

    [Fact]
    public async Task RejectionAfterAKeepAliveResponseIsRewrittenAndTheFirstResponseIsUntouched()
    {
        var valid = $"GET /v2/status?client_id={clientId} HTTP/1.1\r\nHost: a\r\n\r\n";
        var raw = await RawHttp.ExchangeAsync(server.BaseAddress, valid + "GARBAGE\r\n\r\n");
        var responses = RawHttp.Parse(raw);
        Assert.Equal(2, responses.Count);
        Assert.Equal(200, responses[0].Status);
        Assert.Contains("\"code\":\"ok\"", responses[0].BodyText);
        RawHttp.AssertParameterInvalid(responses[1]);
    }

    [Fact]
    public async Task RejectionAfterAnAppErrorIsRewrittenAndTheAppErrorIsUntouched()
    {
        var raw = await RawHttp.ExchangeAsync(server.BaseAddress,
            "GET /v2/status HTTP/1.1\r\nHost: a\r\n\r\nGET /v2/status HTTP/1.1\r\nBad Name: x\r\n\r\n");
        var responses = RawHttp.Parse(raw);
        Assert.Equal(2, responses.Count);
        Assert.Equal("client_id_missing", RawHttp.AssertContractError(responses[0]));
        Assert.Null(responses[0].Header("Connection"));
        RawHttp.AssertParameterInvalid(responses[1]);
    }

    [Fact]
    public async Task InvalidChunkedBodyGetsOneContractAnswerAndTheConnectionCloses()
    {
        // Kestrel hands this to the app (the body is only read on demand); the app's answer must be
        // the only one, and the broken body must not be taken for a following request.
        var raw = await RawHttp.ExchangeAsync(server.BaseAddress,
            $"POST /v2/status?client_id={clientId} HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n" +
            $"GET /v2/status?client_id={clientId} HTTP/1.1\r\nHost: a\r\n\r\n");
        var response = Assert.Single(RawHttp.Parse(raw));
        RawHttp.AssertContractError(response);
    }

    // A chunk size past 2^31 overflows inside Kestrel, which reports it as a bare IOException (not a BadHttpRequestException):
    // it was a 500 wherever the app read a body itself (JSON bodies, uploads, avatars), while forms already answered 400.
    [Theory]
    [InlineData("/api/search")]
    [InlineData("/v2/im/AAAAAAAAAAAAAAAAAAAAAA/complain?client_id={c}")]
    public async Task OverflowingChunkSizeIsParameterInvalid(string target)
    {
        var raw = await RawHttp.ExchangeAsync(server.BaseAddress,
            $"POST {target.Replace("{c}", clientId)} HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n" +
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n80000000\r\nabc");
        var response = Assert.Single(RawHttp.Parse(raw));
        Assert.Equal(400, response.Status);
        Assert.Equal("parameter_invalid", RawHttp.AssertContractError(response));
    }

    [Fact]
    public async Task ContentLengthWithTransferEncodingCannotSmuggleASecondRequest()
    {
        // Kestrel accepts both headers (chunked wins, RFC 9112 §6.3) and closes after answering,
        // so the request hidden after the chunked body is never served.
        var raw = await RawHttp.ExchangeAsync(server.BaseAddress,
            $"POST /v2/status?client_id={clientId} HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" +
            $"GET /v2/status?client_id={clientId} HTTP/1.1\r\nHost: a\r\n\r\n");
        var response = Assert.Single(RawHttp.Parse(raw));
        RawHttp.AssertContractError(response);
        Assert.Equal("close", response.Header("Connection"));
    }

    [Fact]
    public async Task RequestHeadersTimeoutIs400NotRequestTimeout()
    {
        await using var slow = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Kestrel:Limits:RequestHeadersTimeout"] = "00:00:01",
        });
        var started = DateTime.UtcNow;
        var raw = await RawHttp.ExchangeAsync(slow.BaseAddress, "GET /v2/status HTTP/1.1\r\nHost: a\r\n", TimeSpan.FromSeconds(20));
        var response = RawHttp.AssertParameterInvalid(raw);
        Assert.Contains("in time", response.BodyText);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(15));
    }
}
