using System.Threading.RateLimiting;

namespace Sightline.RateLimiting;

/// <summary>
/// Token buckets in this process, on System.Threading.RateLimiting: the default without Redis, so budgets and sign-in
/// throttles are per node then.
/// </summary>
public sealed class LocalTokenBuckets : ITokenBuckets, IDisposable
{
    private readonly record struct Bucket(string Key, int Capacity, TimeSpan Window);

    private readonly PartitionedRateLimiter<Bucket> limiter = PartitionedRateLimiter.Create<Bucket, Bucket>(bucket =>
        RateLimitPartition.GetTokenBucketLimiter(bucket, b => new TokenBucketRateLimiterOptions
        {
            TokenLimit = b.Capacity,
            TokensPerPeriod = b.Capacity,
            ReplenishmentPeriod = b.Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    public ValueTask<BucketAnswer> TakeAsync(string key, int capacity, TimeSpan window, bool spend)
    {
        var bucket = new Bucket(key, Math.Max(1, capacity), window);
        bool granted;
        if (spend)
        {
            using var lease = limiter.AttemptAcquire(bucket);
            granted = lease.IsAcquired;
        }
        else
        {
            granted = limiter.GetStatistics(bucket)?.CurrentAvailablePermits is not <= 0;
        }
        var remaining = Math.Max(0, limiter.GetStatistics(bucket)?.CurrentAvailablePermits ?? bucket.Capacity);
        return ValueTask.FromResult(new BucketAnswer(granted, remaining));
    }

    public void Dispose() => limiter.Dispose();
}
