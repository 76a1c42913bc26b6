using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Sightline.Access;

namespace Sightline.RateLimiting;

/// <summary>
/// Token buckets per application, per user token and per source address. Each key has its own
/// bucket, so one caller over its limit never slows another. The server's own web app is the exception: see
/// <see cref="Spend"/>.
/// </summary>
public sealed class Budgets : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly PartitionedRateLimiter<BudgetKey> limiter;
    private readonly RateLimitOptions options;

    private readonly WebApp.WebAppClient webApp;

    public Budgets(IOptions<RateLimitOptions> options, WebApp.WebAppClient webApp)
    {
        this.webApp = webApp;
        this.options = options.Value;
        limiter = PartitionedRateLimiter.Create<BudgetKey, BudgetKey>(key =>
            RateLimitPartition.GetTokenBucketLimiter(key, k => new TokenBucketRateLimiterOptions
            {
                TokenLimit = QuotaOf(k.Kind),
                TokensPerPeriod = QuotaOf(k.Kind),
                ReplenishmentPeriod = Window,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    public enum Kind { Application, Token, Address }

    public readonly record struct BudgetKey(Kind Kind, string Id);

    /// <summary>What spending one request left: whether it was granted, and the application's standing for the headers.</summary>
    public readonly record struct Verdict(bool Granted, int RetryAfterSeconds, Standing? Application, Kind? RefusedBy = null);

    /// <summary>A budget's quota, what remains of it, and the seconds until it is full again.</summary>
    public readonly record struct Standing(int Quota, int WindowSeconds, long Remaining, int ResetSeconds);

    public Verdict Spend(Caller caller, IPAddress? address)
    {
        // The server's own web app is every visitor's client: one application budget would let a busy public server's
        // visitors starve each other. Its calls draw on each visitor's own budgets instead: the address's without a
        // token (as its tiles and thumbnails do), the token's for a signed-in person.
        var firstParty = caller.Application is { } application && webApp.IsWebApp(application.ClientId);
        if (caller.Application is null || firstParty && caller.Token is null)
            return Acquire(new BudgetKey(Kind.Address, address?.ToString() ?? "unknown")) is { } wait
                ? new Verdict(false, wait, null, Kind.Address)
                : new Verdict(true, 0, null);
        if (firstParty)
            return Acquire(new BudgetKey(Kind.Token, caller.Token!.Id.ToString())) is { } waitForToken
                ? new Verdict(false, waitForToken, null, Kind.Token)
                : new Verdict(true, 0, null);

        var applicationKey = new BudgetKey(Kind.Application, caller.Application.ClientId);
        var refused = Acquire(applicationKey);
        var refusedBy = refused is null ? (Kind?)null : Kind.Application;
        if (refused is null && caller.Token is not null)
        {
            refused = Acquire(new BudgetKey(Kind.Token, caller.Token.Id.ToString()));
            refusedBy = refused is null ? null : Kind.Token;
        }
        return new Verdict(refused is null, refused ?? 0, StandingOf(applicationKey), refusedBy);
    }

    // Null when granted, else whole seconds to wait.
    private int? Acquire(BudgetKey key)
    {
        using var lease = limiter.AttemptAcquire(key);
        if (lease.IsAcquired)
            return null;
        // The bucket refills continuously at quota/window, so one request's worth comes back after
        // window/quota; the lease's own RetryAfter metadata reports a whole window instead.
        return Math.Max(1, (int)Math.Ceiling(Window.TotalSeconds / QuotaOf(key.Kind)));
    }

    private Standing StandingOf(BudgetKey key)
    {
        var quota = QuotaOf(key.Kind);
        var remaining = Math.Max(0, limiter.GetStatistics(key)?.CurrentAvailablePermits ?? quota);
        var reset = (int)Math.Ceiling(Window.TotalSeconds * (quota - remaining) / quota);
        return new Standing(quota, (int)Window.TotalSeconds, remaining, reset);
    }

    private int QuotaOf(Kind kind) => Math.Max(1, kind switch
    {
        Kind.Application => options.ApplicationPerMinute,
        Kind.Token => options.TokenPerMinute,
        _ => options.AnonymousPerMinute,
    });

    public void Dispose() => limiter.Dispose();
}
