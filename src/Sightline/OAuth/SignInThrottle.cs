using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Sightline.OAuth;

/// <summary>Failed sign-ins allowed per window (configuration section <c>SignIn</c>).</summary>
public sealed class SignInOptions
{
    /// <summary>Failures allowed for one username, from any address, per window.</summary>
    public int FailuresPerAccount { get; set; } = 5;

    /// <summary>Failures allowed from one source address, for any username, per window.</summary>
    public int FailuresPerAddress { get; set; } = 20;

    public int WindowSeconds { get; set; } = 900;
}

/// <summary>
/// Throttles password guessing: after too many failures for an account, or from an address, further
/// attempts are refused with 429 until the window refills, whether the password is right or not.
/// </summary>
public sealed class SignInThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> accounts;
    private readonly PartitionedRateLimiter<string> addresses;

    public SignInThrottle(IOptions<SignInOptions> options)
    {
        var settings = options.Value;
        accounts = Limiter(settings.FailuresPerAccount, settings.WindowSeconds);
        addresses = Limiter(settings.FailuresPerAddress, settings.WindowSeconds);
    }

    private static PartitionedRateLimiter<string> Limiter(int failures, int windowSeconds) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, failures),
            TokensPerPeriod = Math.Max(1, failures),
            ReplenishmentPeriod = TimeSpan.FromSeconds(Math.Max(1, windowSeconds)),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>Whole seconds to wait when this attempt must be refused; null when it may go ahead.</summary>
    public int? RetryAfter(string username, IPAddress? address)
    {
        foreach (var (limiter, key) in Keys(username, address))
        {
            if (limiter.GetStatistics(key)?.CurrentAvailablePermits is not <= 0)
                continue;
            // With the bucket empty this acquisition fails without spending anything, and says how long to wait.
            using var lease = limiter.AttemptAcquire(key);
            if (!lease.IsAcquired)
                return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 60;
        }
        return null;
    }

    public void RecordFailure(string username, IPAddress? address)
    {
        foreach (var (limiter, key) in Keys(username, address))
            limiter.AttemptAcquire(key).Dispose();
    }

    private IEnumerable<(PartitionedRateLimiter<string>, string)> Keys(string username, IPAddress? address)
    {
        yield return (accounts, username.Trim().ToLowerInvariant()); // usernames are case-insensitive
        yield return (addresses, address?.ToString() ?? "unknown");
    }

    public void Dispose()
    {
        accounts.Dispose();
        addresses.Dispose();
    }
}
