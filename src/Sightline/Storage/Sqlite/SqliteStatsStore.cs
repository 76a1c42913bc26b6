using System.Globalization;
using Dapper;
using Sightline.Search.Index;
using Sightline.Sequences;
using Sightline.Stats;

using Toplist = Sightline.Stats.IStatsStore.Toplist;
using Week = Sightline.Stats.IStatsStore.Week;
using Ranked = Sightline.Stats.IStatsStore.Ranked;

namespace Sightline.Storage.Sqlite;

/// <summary>System totals and contributor rankings over public, processed, not hidden images.</summary>
public sealed class SqliteStatsStore(Database database) : IStatsStore
{
    private const string Public = "i.state = 'done' AND i.hidden_at IS NULL AND i.project_id IS NULL";

    /// <summary>Public images, and metres mapped: each sequence's path, in capture order, added up.</summary>
    public async Task<(long Images, long DistanceMeters)> TotalsAsync()
    {
        await using var connection = await database.OpenAsync();
        var images = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM images i WHERE {Public}");
        var points = await connection.QueryAsync<(long SequenceId, double Lat, double Lon)>(
            $"SELECT i.sequence_id, i.lat, i.lon FROM images i WHERE {Public} AND i.sequence_id IS NOT NULL ORDER BY i.sequence_id, i.captured_at, i.id");
        double distance = 0;
        (long SequenceId, double Lat, double Lon)? previous = null;
        foreach (var point in points)
        {
            if (previous is { } p && p.SequenceId == point.SequenceId)
                distance += Geodesy.DistanceMeters(p.Lat, p.Lon, point.Lat, point.Lon);
            previous = point;
        }
        return (images, (long)Math.Round(distance));
    }

    /// <summary>
    /// Images per user per ISO week of capture (newest week first) and over all time, the top <paramref name="limit"/>
    /// each, optionally only those taken inside <paramref name="country"/>.
    /// </summary>
    public async Task<Toplist> ToplistAsync(Countries.Country? country, int limit)
    {
        await using var connection = await database.OpenAsync();
        var box = country is null ? "" : " AND i.lat BETWEEN @MinLat AND @MaxLat AND i.lon BETWEEN @MinLon AND @MaxLon";
        var rows = await connection.QueryAsync<(string Username, double Lat, double Lon, long CapturedAt)>(
            $"SELECT u.username, i.lat, i.lon, i.captured_at FROM images i JOIN users u ON u.id = i.user_id WHERE {Public}{box}",
            country is null ? null : new { country.MinLat, country.MaxLat, country.MinLon, country.MaxLon });
        var images = rows.Where(r => country is null || country.Contains(r.Lat, r.Lon))
            .Select(r => (r.Username, Week: IsoWeek(r.CapturedAt))).ToList();

        static List<Ranked> Rank(IEnumerable<string> usernames, int limit) =>
            usernames.GroupBy(u => u, StringComparer.Ordinal)
                .Select(g => new Ranked(g.Key, g.LongCount()))
                .OrderByDescending(r => r.Count).ThenBy(r => r.Username, StringComparer.Ordinal)
                .Take(limit).ToList();

        var weeks = images.GroupBy(i => i.Week)
            .OrderByDescending(g => g.Key)
            .Take(IStatsStore.Weeks)
            .Select(g => new Week(g.Key.Week.ToString(CultureInfo.InvariantCulture), Rank(g.Select(i => i.Username), limit)))
            .ToList();
        return new Toplist(weeks, Rank(images.Select(i => i.Username), limit), images.Count);
    }

    private static (int Year, int Week) IsoWeek(long epochMilliseconds)
    {
        var day = DateTimeOffset.FromUnixTimeMilliseconds(epochMilliseconds).UtcDateTime;
        return (ISOWeek.GetYear(day), ISOWeek.GetWeekOfYear(day));
    }
}
