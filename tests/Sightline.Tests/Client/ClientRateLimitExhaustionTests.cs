using System.Net;
using Sightline.Client;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Client;

/// <summary>
/// A 429 that is still a 429 after the Retry-After wait, because another caller of the same
/// application takes the refilled budget first (just before the client's retry leaves, once the
/// client has waited): the client gives up with TooManyRequests.
/// It waits ten seconds, so it has a class of its own and runs beside the others.
/// </summary>
public sealed class ClientRateLimitExhaustionTests : IAsyncLifetime
{
    // Six a minute: the bucket gives one request back every ten seconds, so the Retry-After waited out is ten seconds.
    private const int Quota = 6;

    private TestServer server = null!;

    public async Task InitializeAsync() =>
        server = await TestServer.StartAsync(new Dictionary<string, string?> { ["RateLimit:ApplicationPerMinute"] = $"{Quota}" });

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task RateLimitStillSpentAfterRetriesThrowsTooManyRequests()
    {
        var (clientId, _) = await server.AddClientAsync();
        var handler = new RecordingHandler();
        var time = new RecordingTimeProvider();
        using var http = new HttpClient(handler);
        var client = new SightlineClient(http, new SightlineClientOptions
        {
            BaseAddress = server.BaseAddress,
            ClientId = clientId,
            MaxRetryAttempts = 1,
            MaxRetryDelay = TimeSpan.FromMinutes(2),
            TimeProvider = time,
        });
        await client.GetStatusAsync();
        for (var i = 1; i < Quota; i++) // the rest of the budget, spent by another caller of the application
        {
            using var spent = await server.Http.GetAsync($"/v2/status?client_id={clientId}");
            Assert.Equal(HttpStatusCode.OK, spent.StatusCode);
        }
        await Task.Delay(TimeSpan.FromSeconds(1));

        handler.BeforeSend = async cancellation =>
        {
            if (handler.Exchanges.Any(e => e.Status == HttpStatusCode.TooManyRequests))
                await TakeTheRefillAsync(clientId, cancellation);
        };
        var error = await Assert.ThrowsAsync<SightlineApiException>(() => client.GetStatusAsync());

        Assert.Equal(429, error.Status);
        Assert.Equal(SightlineErrorCode.TooManyRequests, error.Code);
        Assert.NotNull(error.RetryAfter);
        var exchanges = handler.Exchanges;
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], exchanges.Select(e => e.Status));
        var retryAfter = Assert.IsType<TimeSpan>(exchanges[1].RetryAfter);
        RecordingTimeProvider.AssertRetryAfterWait(retryAfter, Assert.Single(time.Delays));
        var waited = exchanges[2].SentAt - exchanges[1].AnsweredAt;
        Assert.True(waited >= retryAfter * 0.95, $"waited {waited} for Retry-After {retryAfter}");
    }

    // Another caller of the same application takes the refilled request's worth (the refill is due by the time the
    // client has waited out Retry-After; a few more seconds allow for the limiter's timer on a busy machine).
    private async Task TakeTheRefillAsync(string clientId, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            using var response = await server.Http.GetAsync($"/v2/status?client_id={clientId}", cancellation);
            if (response.StatusCode == HttpStatusCode.OK)
                return;
            Assert.True(DateTime.UtcNow < deadline, "the budget did not refill within Retry-After and 10 s more");
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellation);
        }
    }
}
