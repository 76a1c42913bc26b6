using System.Net;
using Sightline.Client;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Client;

/// <summary>
/// A 429 that is still a 429 after the Retry-After wait, because another caller of the same
/// application takes the refilled budget first: the client gives up with TooManyRequests.
/// About a minute long, so it has a class of its own and runs beside the others.
/// </summary>
public sealed class ClientRateLimitExhaustionTests : IAsyncLifetime
{
    private TestServer server = null!;

    public async Task InitializeAsync() =>
        server = await TestServer.StartAsync(new Dictionary<string, string?> { ["RateLimit:ApplicationPerMinute"] = "1" });

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
        await Task.Delay(TimeSpan.FromSeconds(1));

        using var stop = new CancellationTokenSource();
        var rival = Task.CompletedTask;
        handler.Answered = e =>
        {
            if (e.Status == HttpStatusCode.TooManyRequests && rival.IsCompleted)
                rival = Task.Run(() => TakeEveryRefillAsync(clientId, stop.Token));
        };
        SightlineApiException error;
        try
        {
            error = await Assert.ThrowsAsync<SightlineApiException>(() => client.GetStatusAsync());
        }
        finally
        {
            stop.Cancel();
            await rival;
        }

        Assert.Equal(429, error.Status);
        Assert.Equal(SightlineErrorCode.TooManyRequests, error.Code);
        Assert.NotNull(error.RetryAfter);
        var exchanges = handler.Exchanges;
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], exchanges.Select(e => e.Status));
        var retryAfter = Assert.IsType<TimeSpan>(exchanges[1].RetryAfter);
        Assert.Equal(retryAfter, Assert.Single(time.Delays));
        var waited = exchanges[2].SentAt - exchanges[1].AnsweredAt;
        Assert.True(waited >= retryAfter * 0.95, $"waited {waited} for Retry-After {retryAfter}");
    }

    // Another caller of the same application, polling so it wins the budget the moment it refills.
    private async Task TakeEveryRefillAsync(string clientId, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                using var _ = await server.Http.GetAsync($"/v2/status?client_id={clientId}", stop);
                await Task.Delay(TimeSpan.FromMilliseconds(20), stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }
}
