using System.Diagnostics;
using Sightline.Access;

namespace Sightline.Observability;

/// <summary>
/// The opt-in access log (<c>Logging:AccessLog=true</c>): one structured line per request at Information, with the
/// method, the route template (never the URL: a query may carry an access_token), status, duration, client_id, user and
/// bytes sent. Never a token, a secret or a form field.
/// </summary>
public sealed class AccessLogMiddleware(RequestDelegate next, ILoggerFactory loggers)
{
    private readonly ILogger logger = loggers.CreateLogger("Sightline.Access");

    public static bool IsEnabled(IConfiguration configuration) => configuration.GetValue<bool>("Logging:AccessLog");

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var counting = new CountingStream(context.Response.Body);
        context.Response.Body = counting;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = counting.Inner;
            // A group's own route ("/v2/status" mapped as "") reads "/v2/status/" in RawText: logged as it is called.
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText is { } pattern
                ? pattern.Length > 1 ? pattern.TrimEnd('/') : pattern
                : "(no route)";
            var caller = context.Features.Get<Caller>();
            logger.LogInformation(
                "{Method} {Route} {Status} {DurationMs:0.0} ms client_id={ClientId} user={UserId} bytes={Bytes}",
                context.Request.Method, route, Contract.ContractMiddleware.StatusThatLeaves(context.Response.StatusCode), Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                caller?.Application?.ClientId ?? "-", caller?.Token?.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                counting.Written);
        }
    }

    private sealed class CountingStream(Stream inner) : Stream
    {
        public Stream Inner => inner;
        public long Written { get; private set; }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Write(buffer, offset, count);
            Written += count;
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            Written += buffer.Length;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
