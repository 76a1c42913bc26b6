using System.Net;
using Polly;
using Polly.Retry;

namespace Sightline.Client;

/// <summary>
/// Builds the Polly pipeline that retries 429 (after <c>Retry-After</c>) and, for calls safe to repeat, 500 and network
/// failures (with backoff), and nothing else.
/// </summary>
internal static class RetryPolicy
{
    /// <param name="options">The client's limits and clock.</param>
    /// <param name="repeatable">Whether the call may run twice on the server: a comment posted again after a 500 would be two comments.</param>
    public static ResiliencePipeline<HttpResponseMessage> Build(SightlineClientOptions options, bool repeatable)
    {
        if (options.MaxRetryAttempts < 0)
            throw new ArgumentOutOfRangeException(nameof(options), "MaxRetryAttempts must not be negative.");
        if (options.MaxRetryDelay <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), "MaxRetryDelay must be positive.");

        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = options.TimeProvider };
        // Polly's retry strategy insists on at least one attempt, so "no retries" is simply no strategy.
        if (options.MaxRetryAttempts == 0)
            return builder.Build();

        return builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
        {
            MaxRetryAttempts = options.MaxRetryAttempts,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.BaseDelay,
            MaxDelay = options.MaxRetryDelay,
            ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, options, repeatable)),
            DelayGenerator = args => ValueTask.FromResult(DelayOf(args.Outcome, options)),
        }).Build();
    }

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, SightlineClientOptions options, bool repeatable)
    {
        // A cancelled call must stay cancelled; a network failure may have reached the server, so only repeatable calls retry it.
        if (outcome.Exception is not null)
            return repeatable && outcome.Exception is HttpRequestException;
        var response = outcome.Result!;
        return response.StatusCode switch
        {
            // A server asking for more patience than we are allowed to give gets its 429 back at once,
            // instead of a wait the caller did not sign up for.
            HttpStatusCode.TooManyRequests => !(RetryAfterOf(response, options.TimeProvider) > options.MaxRetryDelay),
            // The rate limit is checked before anything else, so a 429 never did any work: any call may retry it.
            HttpStatusCode.InternalServerError => repeatable,
            _ => false,
        };
    }

    // Null falls back to Polly's exponential backoff with jitter, capped at MaxDelay. A 429's wait gets a random spread of
    // up to a quarter of it (at most a second) on top: the many calls of a burst, refused together, would otherwise all
    // come back at the same moment and be refused together again.
    private static TimeSpan? DelayOf(Outcome<HttpResponseMessage> outcome, SightlineClientOptions options)
    {
        if (outcome.Result is not { StatusCode: HttpStatusCode.TooManyRequests } response || RetryAfterOf(response, options.TimeProvider) is not { } wait)
            return null;
        var spread = Math.Min(wait.TotalMilliseconds / 4, 1000);
        var delay = wait + TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * spread);
        return delay > options.MaxRetryDelay ? options.MaxRetryDelay : delay;
    }

    /// <summary>The wait a response asks for in <c>Retry-After</c>, as whole seconds or an HTTP date; null when it asks none.</summary>
    public static TimeSpan? RetryAfterOf(HttpResponseMessage response, TimeProvider time)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
    }
}
