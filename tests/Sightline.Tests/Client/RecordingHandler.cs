using System.Diagnostics;
using System.Net;

namespace Sightline.Tests.Client;

/// <summary>Counts and times every request the client really sends, so tests can see its retries on the wire.</summary>
public sealed class RecordingHandler : DelegatingHandler
{
    private readonly Lock gate = new();
    private readonly List<Exchange> exchanges = [];

    public RecordingHandler() : base(new SocketsHttpHandler()) { }

    /// <summary>One request and its answer, with times from a monotonic clock.</summary>
    public sealed record Exchange(Uri Uri, string? Authorization, TimeSpan SentAt, TimeSpan AnsweredAt, HttpStatusCode Status, TimeSpan? RetryAfter);

    /// <summary>Lets a test change a request before it leaves, e.g. to drop what the client always sends.</summary>
    public Func<HttpRequestMessage, HttpRequestMessage>? Rewrite { get; set; }

    /// <summary>Awaited before each request leaves (after the client's own waiting), so a test can act just in time.</summary>
    public Func<CancellationToken, Task>? BeforeSend { get; set; }

    /// <summary>Called after each answer, so a test can react to the first 429.</summary>
    public Action<Exchange>? Answered { get; set; }

    public IReadOnlyList<Exchange> Exchanges
    {
        get { lock (gate) return exchanges.ToList(); }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Rewrite is { } rewrite)
            request = rewrite(request);
        if (BeforeSend is { } beforeSend)
            await beforeSend(cancellationToken);
        var sent = Stopwatch.GetElapsedTime(0);
        var response = await base.SendAsync(request, cancellationToken);
        var exchange = new Exchange(request.RequestUri!, request.Headers.Authorization?.ToString(), sent, Stopwatch.GetElapsedTime(0),
            response.StatusCode, response.Headers.RetryAfter?.Delta);
        lock (gate) exchanges.Add(exchange);
        Answered?.Invoke(exchange);
        return response;
    }
}
