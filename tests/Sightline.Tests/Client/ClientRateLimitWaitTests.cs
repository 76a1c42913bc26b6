using System.Net;
using Sightline.Client;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Client;

/// <summary>
/// A 429 waited out for the real server's Retry-After (a sixth of the budget's minute: ten seconds),
/// then retried to success. Slow by nature (it waits), so it has a class of its own and runs beside the others.
/// </summary>
public sealed class ClientRateLimitWaitTests : IAsyncLifetime
{
    // Six a minute: the bucket gives one request back every ten seconds, so the Retry-After waited out is ten seconds.
    private const int Quota = 6;

    private TestServer server = null!;

    public async Task InitializeAsync() =>
        server = await TestServer.StartAsync(new Dictionary<string, string?> { ["RateLimit:ApplicationPerMinute"] = $"{Quota}" });

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
        for (var i = 1; i < Quota; i++) // the rest of the budget, spent by another caller of the application
        {
            using var spent = await server.Http.GetAsync($"/v2/status?client_id={clientId}");
            Assert.Equal(HttpStatusCode.OK, spent.StatusCode);
        }
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
