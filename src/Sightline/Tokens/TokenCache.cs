using System.Collections.Concurrent;
using Sightline.Storage;

namespace Sightline.Tokens;

/// <summary>
/// Bearer tokens for the per-request check, without a query per request: an entry (keyed by the token's hash, as the
/// table is) is used only while nothing at all has been committed since it was read (<see cref="IChangeFeed"/>) and
/// the token has not expired meanwhile, so a revoked token or a disabled application fails on the very next request.
/// </summary>
public sealed class TokenCache(ITokenStore tokens, IChangeFeed commits, TimeProvider clock)
{
    // Unknown tokens are remembered too (as null); the cap keeps guessing from growing it without bound.
    private const int MaxEntries = 10_000;
    private readonly ConcurrentDictionary<string, (long Epoch, AccessToken? Token)> entries = new(StringComparer.Ordinal);

    /// <summary>As <see cref="ITokenStore.FindActiveAsync"/>.</summary>
    public async Task<AccessToken?> FindActiveAsync(string token)
    {
        var hash = RandomKey.Hash(token);
        var epoch = commits.Epoch(); // before the read, so a commit during it outdates the entry
        if (entries.TryGetValue(hash, out var entry) && entry.Epoch == epoch && !Expired(entry.Token))
            return entry.Token;
        var found = await tokens.FindActiveByHashAsync(hash);
        if (entries.Count >= MaxEntries)
            entries.Clear();
        entries[hash] = (epoch, found);
        return found;
    }

    private bool Expired(AccessToken? token) =>
        token?.ExpiresAt is { } expires && expires <= clock.GetUtcNow().ToUnixTimeMilliseconds();
}
