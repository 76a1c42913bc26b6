using System.Collections.Concurrent;
using Sightline.Storage;

namespace Sightline.Stats;

/// <summary>
/// The stats as of the last commit, made once per change: totals and toplists read every public image (11-20 s at 10M
/// images), so an answer is kept until the change feed's epoch moves, and only one is made at a time: a caller waits
/// for the one being made, and takes it if that began after the caller asked, instead of starting another beside it.
/// </summary>
/// <remarks>
/// A toplist is made at <see cref="StatsApi.MaxLimit"/> users and cut to the limit asked: its lists are ordered by
/// count and then username, so the first ten of a hundred are the ten, and cycling limits costs nothing.
/// </remarks>
public sealed class StatsCache(IStatsStore store, IChangeFeed changes)
{
    private readonly SemaphoreSlim making = new(1, 1);
    private readonly ConcurrentDictionary<string, (long Epoch, object Answer)> kept = new(StringComparer.Ordinal);

    public Task<(long Images, long DistanceMeters)> TotalsAsync() => KeptAsync("totals", store.TotalsAsync);

    public async Task<IStatsStore.Toplist> ToplistAsync(Countries.Country? country, int limit)
    {
        var full = await KeptAsync("toplist:" + country?.Name, () => store.ToplistAsync(country, StatsApi.MaxLimit));
        return new IStatsStore.Toplist(
            full.Weeks.Select(w => w with { List = w.List.Take(limit).ToList() }).ToList(), full.Total.Take(limit).ToList(), full.TotalCount);
    }

    private async Task<T> KeptAsync<T>(string key, Func<Task<T>> make) where T : notnull
    {
        // Read after the caller's own writes committed: an answer made from a read that began at this epoch or later
        // holds them, whoever made it.
        var asked = changes.Epoch();
        if (Find<T>(key, asked) is { } answer)
            return answer.Value;
        await making.WaitAsync();
        try
        {
            if (Find<T>(key, asked) is { } madeMeanwhile) // by the caller ahead, after this one asked
                return madeMeanwhile.Value;
            var epoch = changes.Epoch(); // before reading, so a commit during the read outdates the answer
            var made = await make();
            kept[key] = (epoch, made);
            return made;
        }
        finally
        {
            making.Release();
        }
    }

    private Found<T>? Find<T>(string key, long asked) =>
        kept.TryGetValue(key, out var entry) && entry.Epoch >= asked ? new Found<T>((T)entry.Answer) : null;

    private sealed record Found<T>(T Value);
}
