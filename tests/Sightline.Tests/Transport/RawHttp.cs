using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Transport;

/// <summary>One HTTP/1.1 response as it came off the socket.</summary>
public sealed record RawResponse(int Status, IReadOnlyList<(string Name, string Value)> Headers, byte[] Body, byte[] Raw)
{
    public string? Header(string name) =>
        Headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).SingleOrDefault();

    public string BodyText => Encoding.UTF8.GetString(Body);

    public override string ToString() => Encoding.Latin1.GetString(Raw);
}

/// <summary>Talks HTTP/1.1 over a bare TCP socket, so a test can send what no HTTP client would.</summary>
public static class RawHttp
{
    /// <summary>Sends <paramref name="request"/> and returns every byte the server sends until it closes.</summary>
    public static async Task<byte[]> ExchangeAsync(Uri server, byte[] request, TimeSpan? timeout = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        client.NoDelay = true;
        var stream = client.GetStream();
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        // Read while writing: the server may answer and close before it has read an oversized request.
        var reading = ReadUntilCloseAsync(stream, deadline.Token);
        try
        {
            await stream.WriteAsync(request, deadline.Token);
        }
        catch (IOException)
        {
        }
        return await reading;
    }

    public static async Task<byte[]> ExchangeAsync(Uri server, string request, TimeSpan? timeout = null) =>
        await ExchangeAsync(server, Encoding.Latin1.GetBytes(request), timeout);

    private static async Task<byte[]> ReadUntilCloseAsync(NetworkStream stream, CancellationToken token)
    {
        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer, token);
                if (read == 0)
                    break;
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException)
        {
            // reset after the answer: keep what arrived
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the server did not close the connection; received so far:\n{Encoding.Latin1.GetString(received.ToArray())}");
        }
        return received.ToArray();
    }

    /// <summary>
    /// Splits the bytes into responses by their framing (Content-Length, chunked, or until close),
    /// failing on anything that is not well-formed HTTP/1.1. <paramref name="bodiless"/> holds the
    /// indexes of responses to HEAD requests.
    /// </summary>
    public static List<RawResponse> Parse(byte[] raw, params int[] bodiless)
    {
        var responses = new List<RawResponse>();
        var at = 0;
        while (at < raw.Length)
        {
            var start = at;
            var end = raw.AsSpan(at).IndexOf("\r\n\r\n"u8);
            Assert.True(end >= 0, $"incomplete header block at byte {at}: {Encoding.Latin1.GetString(raw, at, raw.Length - at)}");
            var lines = Encoding.Latin1.GetString(raw, at, end).Split("\r\n");
            at += end + 4;
            Assert.Matches(@"^HTTP/1\.1 \d{3} [^\r\n]*$", lines[0]);
            var status = int.Parse(lines[0].AsSpan(9, 3));
            var headers = lines.Skip(1).Select(line =>
            {
                var colon = line.IndexOf(':');
                Assert.True(colon > 0, $"malformed header line '{line}'");
                return (line[..colon], line[(colon + 1)..].Trim());
            }).ToList();
            var response = new RawResponse(status, headers, [], []);
            byte[] body;
            if (bodiless.Contains(responses.Count))
                body = [];
            else if (response.Header("Transfer-Encoding") is { } encoding)
            {
                Assert.Equal("chunked", encoding);
                var chunks = new MemoryStream();
                while (true)
                {
                    var lineEnd = raw.AsSpan(at).IndexOf("\r\n"u8);
                    Assert.True(lineEnd > 0, "incomplete chunk size line");
                    var size = Convert.ToInt32(Encoding.ASCII.GetString(raw, at, lineEnd), 16);
                    at += lineEnd + 2;
                    Assert.True(raw.Length >= at + size + 2, "incomplete chunk");
                    chunks.Write(raw, at, size);
                    at += size;
                    Assert.Equal("\r\n", Encoding.ASCII.GetString(raw, at, 2));
                    at += 2;
                    if (size == 0)
                        break;
                }
                body = chunks.ToArray();
            }
            else if (response.Header("Content-Length") is { } length)
            {
                var size = int.Parse(length);
                Assert.True(raw.Length >= at + size, $"body shorter than Content-Length {size}");
                body = raw[at..(at + size)];
                at += size;
            }
            else
            {
                body = raw[at..];
                at = raw.Length;
            }
            responses.Add(response with { Body = body, Raw = raw[start..at] });
        }
        return responses;
    }

    /// <summary>The single answer on the connection is the contract's 400 <c>parameter_invalid</c> and the server closed.</summary>
    public static RawResponse AssertParameterInvalid(byte[] raw)
    {
        var responses = Parse(raw);
        var response = Assert.Single(responses);
        AssertParameterInvalid(response);
        return response;
    }

    public static void AssertParameterInvalid(RawResponse response)
    {
        Assert.Equal("parameter_invalid", AssertContractError(response));
        Assert.Equal(400, response.Status);
        Assert.EndsWith(".", JsonDocument.Parse(response.Body).RootElement.GetProperty("message").GetString());
        Assert.Equal("close", response.Header("Connection"));
    }

    /// <summary>Whitelisted status, the contract's content type and exact JSON body; returns the code.</summary>
    public static string AssertContractError(RawResponse response)
    {
        Assert.Contains(response.Status, ContractAssert.AllowedStatuses);
        Assert.Equal("application/json; charset=utf-8", response.Header("Content-Type"));
        Assert.Equal(response.Body.Length.ToString(), response.Header("Content-Length"));
        using var json = JsonDocument.Parse(response.Body);
        var root = json.RootElement;
        Assert.Equal(["code", "message"], root.EnumerateObject().Select(p => p.Name).OrderBy(n => n).ToArray());
        var code = root.GetProperty("code").GetString()!;
        var message = root.GetProperty("message").GetString()!;
        Assert.True(ContractAssert.Catalogue.TryGetValue(code, out var status), $"code '{code}' is not in the catalogue");
        Assert.Equal(status, response.Status);
        Assert.False(string.IsNullOrWhiteSpace(message));
        ContractAssert.AssertNothingLeaks(message);
        return code;
    }
}
