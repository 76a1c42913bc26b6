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

    /// <summary>
    /// Runs one sign-in attempt: refused (whole seconds to wait, <paramref name="verify"/> not called) once the account or
    /// the address has used its failures, else <paramref name="verify"/> checks the password, and a failure (null) is
    /// counted. The attempts at one account, and those from one address, run one at a time on this node, from the look at
    /// the counts to the failure recorded: a burst of wrong passwords sent at once otherwise all looked before any was
    /// counted, and got through beyond the limit (7 of 20 with 5 allowed for one account; 12 of 12 with 6 allowed for one
    /// address spraying twelve accounts).
    /// </summary>
    public async Task<(int? RetryAfter, T? Verified)> AttemptAsync<T>(
        string username, IPAddress? address, Func<Task<T?>> verify, CancellationToken cancellation) where T : class
    {
        var keys = Keys(username, address).ToList();
        // The account's turn, then the address's, always in that order: no two attempts can wait for each other.
        var accountTurn = Turn(accountTurns, keys[0].Key);
        await accountTurn.WaitAsync(cancellation);
        try
        {
            var addressTurn = Turn(addressTurns, keys[1].Key);
            await addressTurn.WaitAsync(cancellation);
            try
            {
                return await AttemptInTurnAsync(keys, verify);
            }
            finally
            {
                addressTurn.Release();
            }
        }
        finally
        {
            accountTurn.Release();
        }
    }

    private async Task<(int? RetryAfter, T? Verified)> AttemptInTurnAsync<T>(List<(string Key, int Failures)> keys, Func<Task<T?>> verify)
        where T : class
    {
        foreach (var (key, failures) in keys)
        {
            if (!(await buckets.TakeAsync(key, failures, Window, spend: false)).Granted)
                // The bucket refills continuously: one more attempt's worth comes back after window/failures.
                return (Math.Max(1, (int)Math.Ceiling(Window.TotalSeconds / failures)), null);
        }
        var verified = await verify();
        if (verified is null)
            foreach (var (key, failures) in keys)
                await buckets.TakeAsync(key, failures, Window, spend: true);
        return (null, verified);
    }

    // One turn per stripe of account names (and of addresses), not per account: bounded, and two accounts sharing a
    // stripe only wait for each other's password checks.
    private readonly SemaphoreSlim[] accountTurns = Stripes();
    private readonly SemaphoreSlim[] addressTurns = Stripes();

    private static SemaphoreSlim[] Stripes() => Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    private static SemaphoreSlim Turn(SemaphoreSlim[] stripes, string key) =>
        stripes[(int)((uint)StringComparer.Ordinal.GetHashCode(key) % (uint)stripes.Length)];

    private TimeSpan Window => TimeSpan.FromSeconds(Math.Max(1, settings.WindowSeconds));

    private IEnumerable<(string Key, int Failures)> Keys(string username, IPAddress? address)
    {
        yield return ($"signin:account:{username.Trim().ToLowerInvariant()}", Math.Max(1, settings.FailuresPerAccount)); // usernames are case-insensitive
        yield return ($"signin:address:{address?.ToString() ?? "unknown"}", Math.Max(1, settings.FailuresPerAddress));
    }
}
