using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.WebUtilities;
using Sightline.Contract;

namespace Sightline.Hosting;

/// <summary>
/// Gives the contract's form (CONTRACT.md §1-2) to the answers Kestrel writes on its own, before
/// any middleware runs, when it cannot parse a request: a malformed request line, bad header names,
/// a bad or missing <c>Host</c>, an unsupported HTTP version (505), a request line or header block
/// over its transport limits (414, 431), an unparsable <c>Content-Length</c>, a headers timeout (408).
/// Kestrel answers those with a bare <c>HTTP/1.1 4xx ...\r\nContent-Length: 0\r\nConnection: close</c>
/// and closes the connection; this turns that into 400 <c>parameter_invalid</c> with a JSON body.
/// </summary>
/// <remarks>
/// How: a connection middleware wraps the connection's output <see cref="PipeWriter"/>. A tiny app
/// middleware (<see cref="MarkRequestInApp"/>) flags the connection while a request is inside the app,
/// from its first middleware until the response has been fully written (<c>OnCompleted</c> runs after
/// Kestrel's final flush). While the flag is up, every write goes straight to the socket's pipe: app
/// responses (streamed, chunked, large, HEAD, pipelined) are never copied, parsed or delayed.
/// While it is down nothing the app produced can be written, so any bytes are Kestrel's own answer
/// to a request it refused; those few bytes are held until Kestrel flushes them and, if they are
/// exactly a bodiless 4xx/5xx with <c>Connection: close</c>, replaced whole. Anything else that shows
/// up while the flag is down is passed on unchanged, so a misjudgement costs a copy, never a corruption.
/// </remarks>
public static class TransportRejections
{
    /// <summary>Installs the output wrapper on an endpoint (from <c>ConfigureEndpointDefaults</c>).</summary>
    public static ListenOptions UseContractRejections(this ListenOptions listen)
    {
        ILogger? logger = null;
        listen.Use(next => connection =>
        {
            logger ??= listen.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TransportRejections).FullName!);
            var state = new ConnectionState();
            connection.Features.Set(state);
            var transport = connection.Transport;
            connection.Transport = new Pipe(transport.Input, new RewritingWriter(transport.Output, state, logger));
            return next(connection);
        });
        return listen;
    }

    /// <summary>
    /// App middleware, first in the pipeline: marks the connection busy with an app request until
    /// its response has been completely written. Kestrel falls back to the connection's features
    /// when an HTTP/1 request's features lack one, so the connection middleware's state is found here.
    /// </summary>
    public static Task MarkRequestInApp(HttpContext context, RequestDelegate next)
    {
        var state = context.Features.Get<ConnectionState>();
        if (state is null)
            return next(context); // not behind our connection middleware (e.g. an in-memory test host)
        state.InApp = true;
        context.Response.OnCompleted(static s =>
        {
            ((ConnectionState)s).InApp = false;
            return Task.CompletedTask;
        }, state);
        return next(context);
    }

    /// <summary>Per connection: is a request of this connection currently owned by the app?</summary>
    public sealed class ConnectionState
    {
        // HTTP/1.1 handles one request at a time per connection, and the flag is set and cleared on
        // that request's own flow, before and after its writes; volatile for the thread hops between awaits.
        private volatile bool inApp;

        public bool InApp
        {
            get => inApp;
            set => inApp = value;
        }
    }

    private sealed class Pipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }

    /// <summary>
    /// Passes writes through while the app owns a request; otherwise holds them until the next flush
    /// (or completion) and rewrites Kestrel's rejection. See <see cref="TransportRejections"/>.
    /// </summary>
    internal sealed class RewritingWriter(PipeWriter inner, ConnectionState state, ILogger logger) : PipeWriter
    {
        // Non-null from the first buffer handed out while no request is in the app until the next
        // flush: that run of bytes is one answer Kestrel wrote by itself.
        private ArrayBufferWriter<byte>? held;

        public override Memory<byte> GetMemory(int sizeHint = 0) =>
            held is null && state.InApp ? inner.GetMemory(sizeHint) : (held ??= new ArrayBufferWriter<byte>(256)).GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) =>
            held is null && state.InApp ? inner.GetSpan(sizeHint) : (held ??= new ArrayBufferWriter<byte>(256)).GetSpan(sizeHint);

        public override void Advance(int bytes)
        {
            if (held is not null)
                held.Advance(bytes);
            else
                inner.Advance(bytes);
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            Release();
            return inner.FlushAsync(cancellationToken);
        }

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null)
        {
            Release();
            inner.Complete(exception);
        }

        public override ValueTask CompleteAsync(Exception? exception = null)
        {
            Release();
            return inner.CompleteAsync(exception);
        }

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes + (held?.WrittenCount ?? 0);

        // Moves the held bytes to the socket's pipe, as Kestrel wrote them or in the contract's form.
        private void Release()
        {
            if (held is null)
                return;
            var bytes = held.WrittenSpan;
            held = null;
            if (bytes.IsEmpty)
                return;
            if (Rejection.TryParse(bytes, out var rejection))
                inner.Write(ContractAnswer(rejection));
            else
                inner.Write(bytes);
        }

        private byte[] ContractAnswer(Rejection rejection)
        {
            // 505 is "cannot parse" as far as the contract goes; any other 5xx is the server's fault.
            var (code, message) = rejection.Status switch
            {
                >= 500 and not 505 => (ErrorCode.InternalServerError, Incident(rejection)),
                _ => (ErrorCode.ParameterInvalid, Describe(rejection.Status)),
            };
            var entry = ErrorCatalogue.Of(code);
            var body = ErrorResponse.Body(code, message);
            var head = new StringBuilder()
                .Append("HTTP/1.1 ").Append(entry.Status).Append(' ').Append(ReasonPhrases.GetReasonPhrase(entry.Status)).Append("\r\n")
                .Append("Content-Type: ").Append(ErrorResponse.JsonContentType).Append("\r\n")
                .Append("Content-Length: ").Append(body.Length).Append("\r\n")
                .Append("Connection: close\r\n");
            if (rejection.Date is { } date)
                head.Append("Date: ").Append(date).Append("\r\n");
            head.Append("Cache-Control: no-store\r\n\r\n");
            var headBytes = Encoding.ASCII.GetBytes(head.ToString());
            return [.. headBytes, .. body];
        }

        private string Incident(Rejection rejection)
        {
            var incident = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
            logger.LogError("Incident {Incident}: Kestrel refused a request on its own with status {Status}", incident, rejection.Status);
            return $"Internal Error: {incident}";
        }

        private static string Describe(int status) => status switch
        {
            408 => "The request headers did not arrive in time.",
            413 => "The request body is larger than this server accepts.",
            414 => "The request line is longer than this server accepts.",
            431 => "The request has more or larger headers than this server accepts.",
            505 => "The HTTP version is not supported: send the request as HTTP/1.1.",
            _ => "The request could not be parsed as HTTP/1.1.",
        };
    }

    /// <summary>Kestrel's bare rejection: <c>HTTP/1.x NNN ...</c> (4xx/5xx), <c>Content-Length: 0</c>,
    /// <c>Connection: close</c>, and nothing after the blank line.</summary>
    internal readonly record struct Rejection(int Status, string? Date)
    {
        public static bool TryParse(ReadOnlySpan<byte> bytes, out Rejection rejection)
        {
            rejection = default;
            // Kestrel's rejections are ~120 bytes; anything big is not one.
            if (bytes.Length > 1024 || !bytes.EndsWith("\r\n\r\n"u8) || !bytes.StartsWith("HTTP/1."u8))
                return false;
            var text = Encoding.ASCII.GetString(bytes[..^4]);
            var lines = text.Split("\r\n");
            var statusLine = lines[0].Split(' ', 3);
            if (statusLine.Length < 2 || statusLine[1].Length != 3 || !int.TryParse(statusLine[1], out var status) || status is < 400 or > 599)
                return false;
            bool emptyBody = false, closing = false;
            string? date = null;
            foreach (var line in lines.AsSpan(1))
            {
                var colon = line.IndexOf(':');
                if (colon <= 0)
                    return false;
                var name = line[..colon].Trim();
                var value = line[(colon + 1)..].Trim();
                if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                    emptyBody = value == "0";
                else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
                    closing = value.Equals("close", StringComparison.OrdinalIgnoreCase);
                else if (name.Equals("Date", StringComparison.OrdinalIgnoreCase))
                    date = value;
                else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                    return false;
            }
            if (!emptyBody || !closing)
                return false;
            rejection = new Rejection(status, date);
            return true;
        }
    }
}
