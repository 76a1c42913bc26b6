using System.Net;
using Microsoft.Extensions.Options;
using Sightline.Access;

namespace Sightline.RateLimiting;

/// <summary>
/// Token buckets per application, per user token and per source address. Each key has its own bucket, so one caller
/// over its limit never slows another. The buckets are this node's, or with <c>Storage:Redis</c> shared by every node.
/// The server's own web app is the exception: see <see cref="SpendAsync"/>.
/// </summary>
public sealed class Budgets(IOptions<RateLimitOptions> options, ITokenBuckets buckets, WebApp.WebAppClient webApp)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly RateLimitOptions options = options.Value;

    public enum Kind { Application, Token, Address }

    /// <summary>What spending one request left: whether it was granted, and the application's standing for the headers.</summary>
    public readonly record struct Verdict(bool Granted, int RetryAfterSeconds, Standing? Application, Kind? RefusedBy = null);

    /// <summary>A budget's quota, what remains of it, and the seconds until it is full again.</summary>
    public readonly record struct Standing(int Quota, int WindowSeconds, long Remaining, int ResetSeconds);

    public async ValueTask<Verdict> SpendAsync(Caller caller, IPAddress? address)
    {
        // The server's own web app is every visitor's client: one application budget would let a busy public server's
        // visitors starve each other. Its calls draw on each visitor's own budgets instead: the address's without a
        // token (as its tiles and thumbnails do), the token's for a signed-in person.
        var firstParty = caller.Application is { } client && webApp.IsWebApp(client.ClientId);
        if (caller.Application is null || firstParty && caller.Token is null)
        {
            var anonymous = await TakeAsync(Kind.Address, address?.ToString() ?? "unknown");
            return anonymous.Granted ? new Verdict(true, 0, null) : new Verdict(false, RetryAfter(Kind.Address), null, Kind.Address);
        }
        if (firstParty)
        {
            var own = await TakeAsync(Kind.Token, caller.Token!.Id.ToString());
            return own.Granted ? new Verdict(true, 0, null) : new Verdict(false, RetryAfter(Kind.Token), null, Kind.Token);
        }

        if (caller.Token is not null)
        {
            // A refused request spends neither budget: the application's is looked at first, so an application over its
            // budget takes nothing from the token's, and the token's is spent before the application's, so one person
            // retrying past their own budget cannot drain a shared application's for everyone else.
            var open = await buckets.TakeAsync(KeyPrefix(Kind.Application) + caller.Application.ClientId, QuotaOf(Kind.Application), Window, spend: false);
            if (!open.Granted)
                return new Verdict(false, RetryAfter(Kind.Application), StandingOf(Kind.Application, open.Remaining), Kind.Application);
            if (!(await TakeAsync(Kind.Token, caller.Token.Id.ToString())).Granted)
                return new Verdict(false, RetryAfter(Kind.Token), StandingOf(Kind.Application, open.Remaining), Kind.Token);
        }
        var application = await TakeAsync(Kind.Application, caller.Application.ClientId);
        var standing = StandingOf(Kind.Application, application.Remaining);
        return application.Granted ? new Verdict(true, 0, standing) : new Verdict(false, RetryAfter(Kind.Application), standing, Kind.Application);
    }

    /// <summary>
    /// The application's standing without spending from it (a CORS preflight's headers); null for callers whose requests
    /// draw on no application budget (no client_id, or the server's own web app).
    /// </summary>
    public async ValueTask<Standing?> PeekAsync(Caller caller)
    {
        if (caller.Application is not { } client || webApp.IsWebApp(client.ClientId))
            return null;
        var open = await buckets.TakeAsync(KeyPrefix(Kind.Application) + client.ClientId, QuotaOf(Kind.Application), Window, spend: false);
        return StandingOf(Kind.Application, open.Remaining);
    }

    private ValueTask<BucketAnswer> TakeAsync(Kind kind, string id) =>
        buckets.TakeAsync(KeyPrefix(kind) + id, QuotaOf(kind), Window, spend: true);

    // The buckets' names: budget:application:<client_id>, budget:token:<id>, budget:address:<ip>.
    private static string KeyPrefix(Kind kind) => kind switch
    {
        Kind.Application => "budget:application:",
        Kind.Token => "budget:token:",
        _ => "budget:address:",
    };

    // The bucket refills continuously at quota/window, so one request's worth comes back after window/quota.
    private int RetryAfter(Kind kind) => Math.Max(1, (int)Math.Ceiling(Window.TotalSeconds / QuotaOf(kind)));

    private Standing StandingOf(Kind kind, long remaining)
    {
        var quota = QuotaOf(kind);
        remaining = Math.Clamp(remaining, 0, quota);
        var reset = (int)Math.Ceiling(Window.TotalSeconds * (quota - remaining) / quota);
        return new Standing(quota, (int)Window.TotalSeconds, remaining, reset);
    }

    private int QuotaOf(Kind kind) => Math.Max(1, kind switch
    {
        Kind.Application => options.ApplicationPerMinute,
        Kind.Token => options.TokenPerMinute,
        _ => options.AnonymousPerMinute,
    });
}
