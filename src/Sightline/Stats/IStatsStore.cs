using System.Globalization;
using Sightline.Sequences;

namespace Sightline.Stats;

/// <summary>System totals and contributor rankings over public, processed, not hidden images.</summary>
public interface IStatsStore
{
    /// <summary>How many weekly lists the toplist holds at most: the most recent weeks that have images.</summary>
    public const int Weeks = 12;

    public sealed record Ranked(string Username, long Count);

    public sealed record Week(string Number, IReadOnlyList<Ranked> List);

    public sealed record Toplist(IReadOnlyList<Week> Weeks, IReadOnlyList<Ranked> Total, long TotalCount);

    /// <summary>Public images, and metres mapped: each sequence's path, in capture order, added up.</summary>
    Task<(long Images, long DistanceMeters)> TotalsAsync();

    /// <summary>
    /// Images per user per ISO week of capture (newest week first) and over all time, the top <paramref name="limit"/>
    /// each, optionally only those taken inside <paramref name="country"/>.
    /// </summary>
    Task<Toplist> ToplistAsync(Countries.Country? country, int limit);
}
