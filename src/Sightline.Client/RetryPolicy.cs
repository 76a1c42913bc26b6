using System.Net;
using Polly;
using Polly.Retry;

namespace Sightline.Client;

/// <summary>Builds the Polly pipeline that retries 429 (after <c>Retry-After</c>) and 500 (with backoff), and nothing else.</summary>
internal static class RetryPolicy
{
    public static ResiliencePipeline<HttpResponseMessage> Build(SightlineClientOptions options)
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
            ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, options)),
            DelayGenerator = args => ValueTask.FromResult(DelayOf(args.Outcome, options)),
        }).Build();
    }

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, SightlineClientOptions options)
    {
        if (outcome.Exception is not null)
            return outcome.Exception is HttpRequestException; // a cancelled call must stay cancelled
        var response = outcome.Result!;
        return response.StatusCode switch
        {
            // A server asking for more patience than we are allowed to give gets its 429 back at once,
            // instead of a wait the caller did not sign up for.
            HttpStatusCode.TooManyRequests => !(RetryAfterOf(response, options.TimeProvider) > options.MaxRetryDelay),
            HttpStatusCode.InternalServerError => true,
            _ => false,
        };
    }

    // Null falls back to Polly's exponential backoff with jitter, capped at MaxDelay.
    private static TimeSpan? DelayOf(Outcome<HttpResponseMessage> outcome, SightlineClientOptions options) =>
        outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests } response ? RetryAfterOf(response, options.TimeProvider) : null;

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
