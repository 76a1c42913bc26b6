namespace Sightline.RateLimiting;

/// <summary>
/// Named token buckets that refill continuously at capacity per window: in this process (<see cref="LocalTokenBuckets"/>),
/// or in Redis, shared by every node (<c>Storage:Redis</c>). The request budgets and the sign-in throttle both count here.
/// </summary>
public interface ITokenBuckets
{
    /// <summary>
    /// Looks at the bucket <paramref name="key"/> (full when new): granted when at least one token is there, and with
    /// <paramref name="spend"/> one is then taken. Remaining is what is left afterwards, in whole tokens.
    /// </summary>
    ValueTask<BucketAnswer> TakeAsync(string key, int capacity, TimeSpan window, bool spend);
}

/// <summary>One bucket's answer: whether a token was there, and the whole tokens left.</summary>
public readonly record struct BucketAnswer(bool Granted, long Remaining);
