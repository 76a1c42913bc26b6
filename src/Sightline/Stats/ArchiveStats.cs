using System.Globalization;
using System.Runtime.InteropServices;
using Sightline.Search;
using Sightline.Search.Index;
using Sightline.Tiles;

namespace Sightline.Stats;

/// <summary>
/// System totals and contributor rankings over the public, processed, not hidden images, read from memory: the search
/// index holds every such image's user, place and capture time, and the map's sequences each line in capture order
/// (its length kept with its shape, so only the sequences a write changed are measured again). The image count and the
/// world's weekly counts per user are kept in step with the index's changes (<see cref="IndexTally"/>); a country's
/// are counted over its areas when asked. Every write committed before a call is in its answer.
/// </summary>
/// <remarks>
/// Reading every public image through SQL took 11-20 s at 10M images, after every commit. An answer is kept for the
/// version of the index it was made from, one is made at a time (a caller waits for the one being made and takes it
/// when it is as new as the version it found), and a toplist is made at <see cref="StatsApi.MaxLimit"/> users per list
/// and cut to the limit asked: its lists are ordered by count and then username, so the first ten of a hundred are the
/// ten, and cycling limits costs nothing.
/// </remarks>
public sealed class ArchiveStats(ImageSearch search, SequenceGeometry sequences)
{
    /// <summary>How many weekly lists the toplist holds at most: the most recent weeks that have images.</summary>
    public const int Weeks = 12;

    public sealed record Ranked(string Username, long Count);

    public sealed record Week(string Number, IReadOnlyList<Ranked> List);

    public sealed record Toplist(IReadOnlyList<Week> Weeks, IReadOnlyList<Ranked> Total, long TotalCount);

    // The world's toplist counted once, then in step with the index's changes.
    private readonly IndexTally byWeekAndUser = new(search.Index, image => image.ProjectId == 0 ? WeekAndUser(image) : null);
    private readonly SemaphoreSlim making = new(1, 1);
    // By kind of answer: the index's last applied change it was made at (not the version itself, which would keep a
    // replaced index's arrays alive), and the answer.
    private readonly Dictionary<string, (long Change, object Answer)> kept = new(StringComparer.Ordinal);

    /// <summary>Public images, and metres mapped: each sequence's line, its visible images in capture order, added up.</summary>
    public Task<(long Images, long DistanceMeters)> TotalsAsync() =>
        KeptAsync("totals", () => (search.PublicCounts().Images, sequences.Current().LineMeters()));

    /// <summary>
    /// Images per user per ISO week of capture (newest week first, at most <see cref="Weeks"/>) and over all time, the
    /// top <paramref name="limit"/> of each list, optionally only those taken inside <paramref name="country"/>.
    /// </summary>
    public async Task<Toplist> ToplistAsync(Countries.Country? country, int limit)
    {
        var full = await KeptAsync("toplist:" + country?.Name, () => Rank(country, StatsApi.MaxLimit));
        return new Toplist(full.Weeks.Select(w => w with { List = w.List.Take(limit).ToList() }).ToList(), full.Total.Take(limit).ToList(), full.TotalCount);
    }

    private Toplist Rank(Countries.Country? country, int limit)
    {
        IReadOnlyDictionary<long, long> counts;
        if (country is null)
            counts = byWeekAndUser.Read((_, counted) => new Dictionary<long, long>(counted));
        else
        {
            // A country is scanned area by area through the index's tree (public images only: a filter's project 0,
            // no hidden owner), each image counted in the first of its areas that holds it, as the country's lookup finds it.
            var state = search.Index.Current();
            var scanned = new Dictionary<long, long>();
            for (var area = 0; area < country.Areas.Count; area++)
            {
                var counting = new AreaCounts(scanned, country, area);
                state.Scan(new ImageFilter { Areas = [country.Areas[area].Bounds] }, ref counting);
            }
            counts = scanned;
        }

        var byWeek = new Dictionary<int, Dictionary<int, long>>();
        var total = new Dictionary<int, long>();
        long totalCount = 0;
        foreach (var (weekAndUser, count) in counts)
        {
            var (week, userId) = ((int)(weekAndUser >> 32), (int)weekAndUser);
            if (!byWeek.TryGetValue(week, out var users))
                byWeek[week] = users = [];
            users[userId] = count;
            CollectionsMarshal.GetValueRefOrAddDefault(total, userId, out _) += count;
            totalCount += count;
        }
        var weeks = byWeek.OrderByDescending(w => w.Key).Take(Weeks)
            .Select(w => new Week(IsoWeekNumber(w.Key), Top(w.Value, limit))).ToList();
        return new Toplist(weeks, Top(total, limit), totalCount);
    }

    private List<Ranked> Top(Dictionary<int, long> counts, int limit) =>
        counts.Select(c => new Ranked(search.Index.Username(c.Key), c.Value))
            .OrderByDescending(r => r.Count).ThenBy(r => r.Username, StringComparer.Ordinal)
            .Take(limit).ToList();

    private const long MillisecondsPerDay = 86_400_000;

    /// <summary>
    /// The Monday-to-Sunday week a capture time falls in (UTC), counted from the one holding 1 January 1970, a Thursday:
    /// the ISO weeks, numbered without looking up a calendar for each of millions of images.
    /// </summary>
    private static int WeekOf(long capturedAt) => (int)FloorDivision(FloorDivision(capturedAt, MillisecondsPerDay) + 3, 7);

    private static long FloorDivision(long dividend, long divisor)
    {
        var (quotient, remainder) = Math.DivRem(dividend, divisor);
        return remainder < 0 ? quotient - 1 : quotient;
    }

    private static string IsoWeekNumber(int week)
    {
        var monday = DateTime.UnixEpoch.AddDays(7.0 * week - 3);
        return ISOWeek.GetWeekOfYear(monday).ToString(CultureInfo.InvariantCulture);
    }

    // The key the toplist counts by: the week of capture and the user, as one number.
    private static long WeekAndUser(IndexedImage image) => ((long)WeekOf(image.CapturedAt) << 32) | (uint)image.UserId;

    private readonly struct AreaCounts(Dictionary<long, long> counts, Countries.Country country, int area) : IndexState.IMatchVisitor
    {
        public void Visit(in IndexedImage image)
        {
            if (country.AreaOf(image.Lat, image.Lon) == area)
                CollectionsMarshal.GetValueRefOrAddDefault(counts, WeekAndUser(image), out _)++;
        }
    }

    private async Task<T> KeptAsync<T>(string key, Func<T> make) where T : notnull
    {
        // Catching up first: an answer made at this change or later holds every write committed before this call.
        var asked = search.Index.Current().LastChange;
        if (Find<T>(key, asked) is { } answer)
            return answer.Value;
        await making.WaitAsync();
        try
        {
            if (Find<T>(key, asked) is { } madeMeanwhile) // by the caller ahead, after this one asked
                return madeMeanwhile.Value;
            var change = search.Index.Current().LastChange; // before reading: a later write outdates the answer
            var made = make();
            lock (kept)
                kept[key] = (change, made);
            return made;
        }
        finally
        {
            making.Release();
        }
    }

    private Found<T>? Find<T>(string key, long asked)
    {
        lock (kept)
            return kept.TryGetValue(key, out var entry) && entry.Change >= asked ? new Found<T>((T)entry.Answer) : null;
    }

    private sealed record Found<T>(T Value);
}
