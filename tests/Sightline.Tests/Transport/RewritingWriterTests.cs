using System.IO.Pipelines;
using System.Text;
using Microsoft.Extensions.Logging;
using Sightline.Hosting;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Transport;

/// <summary>
/// The output wrapper on its own, for the cases a real Kestrel cannot be made to produce on demand
/// (a bare 5xx of its own) and for the rule that nothing written while the app owns a request is touched.
/// </summary>
public sealed class RewritingWriterTests
{
    private const string BareRejection = "HTTP/1.1 {0}\r\nContent-Length: 0\r\nConnection: close\r\nDate: Tue, 01 Jan 2030 00:00:00 GMT\r\n\r\n";

    private static async Task<(byte[] Output, CapturedLogs Logs)> WriteAsync(bool inApp, params string[] flushes)
    {
        var pipe = new Pipe();
        var logs = new CapturedLogs();
        var state = new TransportRejections.ConnectionState { InApp = inApp };
        var writer = new TransportRejections.RewritingWriter(pipe.Writer, state, logs.CreateLogger("test"));
        foreach (var part in flushes)
        {
            // Kestrel writes a response in several GetSpan/Advance steps before flushing.
            var bytes = Encoding.Latin1.GetBytes(part);
            var half = bytes.Length / 2;
            bytes.AsSpan(0, half).CopyTo(writer.GetSpan(half));
            writer.Advance(half);
            bytes.AsSpan(half).CopyTo(writer.GetMemory(bytes.Length - half).Span);
            writer.Advance(bytes.Length - half);
            await writer.FlushAsync();
        }
        await writer.CompleteAsync();
        var output = new MemoryStream();
        await pipe.Reader.CopyToAsync(output);
        return (output.ToArray(), logs);
    }

    [Fact]
    public async Task BareServerErrorOutsideTheAppBecomesAnIncident500()
    {
        var (output, logs) = await WriteAsync(inApp: false, string.Format(BareRejection, "503 Service Unavailable"));
        var response = Assert.Single(RawHttp.Parse(output));
        Assert.Equal(500, response.Status);
        Assert.Equal("mapillary_internal_server_error", RawHttp.AssertContractError(response));
        var incident = System.Text.RegularExpressions.Regex.Match(response.BodyText, "Internal Error: ([0-9a-f]{16})").Groups[1].Value;
        Assert.NotEmpty(incident);
        Assert.Contains(logs.Entries, entry => entry.Message.Contains(incident) && entry.Message.Contains("503"));
        Assert.Equal("Tue, 01 Jan 2030 00:00:00 GMT", response.Header("Date"));
    }

    [Fact]
    public async Task BareRejectionOutsideTheAppBecomesParameterInvalid()
    {
        var (output, _) = await WriteAsync(inApp: false, string.Format(BareRejection, "431 Request Header Fields Too Large"));
        RawHttp.AssertParameterInvalid(output);
    }

    [Fact]
    public async Task WritesWhileTheAppOwnsTheRequestPassUnchanged()
    {
        var bare = string.Format(BareRejection, "400 Bad Request");
        var (output, _) = await WriteAsync(inApp: true, bare);
        Assert.Equal(bare, Encoding.Latin1.GetString(output));
    }

    [Fact]
    public async Task AnythingButABareFailureOutsideTheAppPassesUnchanged()
    {
        string[] parts =
        [
            "HTTP/1.1 400 Bad Request\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
            "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            "not HTTP at all\r\n\r\n",
        ];
        var (output, _) = await WriteAsync(inApp: false, parts);
        Assert.Equal(string.Concat(parts), Encoding.Latin1.GetString(output));
    }

    [Fact]
    public async Task HeldBytesAreReleasedOnCompleteWithoutFlush()
    {
        var pipe = new Pipe();
        var writer = new TransportRejections.RewritingWriter(pipe.Writer, new TransportRejections.ConnectionState(), new CapturedLogs().CreateLogger("test"));
        var bytes = Encoding.Latin1.GetBytes(string.Format(BareRejection, "400 Bad Request"));
        bytes.CopyTo(writer.GetSpan(bytes.Length));
        writer.Advance(bytes.Length);
        Assert.Equal(bytes.Length, writer.UnflushedBytes);
        writer.Complete();
        var output = new MemoryStream();
        await pipe.Reader.CopyToAsync(output);
        RawHttp.AssertParameterInvalid(output.ToArray());
    }
}
