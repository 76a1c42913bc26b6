using System.Net;
using Microsoft.Extensions.Options;
using Sightline.RateLimiting;

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
/// Throttles password guessing: after too many failures for an account, or from an address, further attempts are
/// refused with 429 until the window refills, whether the password is right or not. The counts are this node's, or with
/// <c>Storage:Redis</c> shared by every node (a guesser gains nothing by spreading attempts over nodes).
/// </summary>
public sealed class SignInThrottle(IOptions<SignInOptions> options, ITokenBuckets buckets)
{
    private readonly SignInOptions settings = options.Value;

    /// <summary>Whole seconds to wait when this attempt must be refused; null when it may go ahead.</summary>
    public async ValueTask<int?> RetryAfterAsync(string username, IPAddress? address)
    {
        foreach (var (key, failures) in Keys(username, address))
        {
            if (!(await buckets.TakeAsync(key, failures, Window, spend: false)).Granted)
                // The bucket refills continuously: one more attempt's worth comes back after window/failures.
                return Math.Max(1, (int)Math.Ceiling(Window.TotalSeconds / failures));
        }
        return null;
    }

    public async ValueTask RecordFailureAsync(string username, IPAddress? address)
    {
        foreach (var (key, failures) in Keys(username, address))
            await buckets.TakeAsync(key, failures, Window, spend: true);
    }

    private TimeSpan Window => TimeSpan.FromSeconds(Math.Max(1, settings.WindowSeconds));

    private IEnumerable<(string Key, int Failures)> Keys(string username, IPAddress? address)
    {
        yield return ($"signin:account:{username.Trim().ToLowerInvariant()}", Math.Max(1, settings.FailuresPerAccount)); // usernames are case-insensitive
        yield return ($"signin:address:{address?.ToString() ?? "unknown"}", Math.Max(1, settings.FailuresPerAddress));
    }
}
