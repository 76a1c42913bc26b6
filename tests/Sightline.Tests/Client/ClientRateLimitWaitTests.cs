using System.Net;
using Sightline.Client;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Client;

/// <summary>
/// A 429 waited out for the real server's Retry-After (a whole budget window, about a minute),
/// then retried to success. Slow by nature, so it has a class of its own and runs beside the others.
/// </summary>
public sealed class ClientRateLimitWaitTests : IAsyncLifetime
{
    private TestServer server = null!;

    public async Task InitializeAsync() =>
        server = await TestServer.StartAsync(new Dictionary<string, string?> { ["RateLimit:ApplicationPerMinute"] = "1" });

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task RateLimitedCallWaitsRetryAfterThenSucceeds()
    {
        var (clientId, _) = await server.AddClientAsync();
        var handler = new RecordingHandler();
        var time = new RecordingTimeProvider();
        using var http = new HttpClient(handler);
        var client = new SightlineClient(http, new SightlineClientOptions
        {
            BaseAddress = server.BaseAddress,
            ClientId = clientId,
            MaxRetryAttempts = 3,
            MaxRetryDelay = TimeSpan.FromMinutes(2),
            TimeProvider = time,
        });
        await client.GetStatusAsync();
        // Space the spent budget's refill away from the retry, so the retry lands clearly after it.
        await Task.Delay(TimeSpan.FromSeconds(1));

        var status = await client.GetStatusAsync();

        Assert.Equal("ok", status.Code);
        var exchanges = handler.Exchanges;
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.OK], exchanges.Select(e => e.Status));
        var retryAfter = Assert.IsType<TimeSpan>(exchanges[1].RetryAfter);
        Assert.True(retryAfter > TimeSpan.Zero);
        RecordingTimeProvider.AssertRetryAfterWait(retryAfter, Assert.Single(time.Delays));
        var waited = exchanges[2].SentAt - exchanges[1].AnsweredAt;
        Assert.True(waited >= retryAfter * 0.95, $"waited {waited} for Retry-After {retryAfter}");
    }
}
