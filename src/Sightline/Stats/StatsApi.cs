using Microsoft.AspNetCore.Http.HttpResults;
using Sightline.Access;
using Sightline.Contract;

namespace Sightline.Stats;

/// <summary><c>/v2/stats</c>: system totals and contributor rankings (spec §3.8, §5 item 50); no scope.</summary>
public static class StatsApi
{
    public const int MaxLimit = 100;

    public sealed record Totals(long Images, long Distance);

    public sealed record RankedDto(string Username, long Count);

    public sealed record WeekDto(string Week, IReadOnlyList<RankedDto> List);

    public sealed record ToplistDto(IReadOnlyList<WeekDto> Toplist, IReadOnlyList<RankedDto> Total, long TotalCount);

    public static void MapStats(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v2/stats").RequireClient().WithTags("Stats");
        group.MapGet("/im", GetTotals)
            .WithName("GetImageStats")
            .WithSummary("System totals")
            .WithDescription("images: public processed images; distance: metres mapped (sequence paths added up).");
        const string toplist = "toplist[]: one ranking per ISO week of capture (week number as a string, newest first, at most 12 weeks); " +
                               "total[]: over all time; total_count: images in the selection. limit: users per list (1-100, default 10). " +
                               "cname: lower-case English country name (coarse borders); absent = the whole world.";
        group.MapGet("/toplist", GetToplist).WithName("GetToplist").WithSummary("Contributor rankings").WithDescription(toplist);
        // The original's heading names this path; both are served (spec §5 item 50).
        group.MapGet("/im/toplist", GetToplist).WithName("GetImageToplist").WithSummary("Contributor rankings (alias)").WithDescription(toplist);
    }

    public static async Task<Ok<Totals>> GetTotals(ArchiveStats stats)
    {
        var (images, distance) = await stats.TotalsAsync();
        return TypedResults.Ok(new Totals(images, distance));
    }

    public static async Task<Ok<ToplistDto>> GetToplist(HttpRequest request, ArchiveStats stats, Countries countries)
    {
        Countries.Country? country = null;
        if (request.Query["cname"].FirstOrDefault() is { Length: > 0 } cname)
            country = countries.Find(cname.Trim().ToLowerInvariant())
                ?? throw ApiException.Invalid("cname", "must be a country's English name in lower case, e.g. belgium or united states");
        var limit = Parameters.Limit(request.Query["limit"], MaxLimit, 10);
        var result = await stats.ToplistAsync(country, limit);
        static List<RankedDto> Dtos(IEnumerable<ArchiveStats.Ranked> list) => list.Select(r => new RankedDto(r.Username, r.Count)).ToList();
        return TypedResults.Ok(new ToplistDto(result.Weeks.Select(w => new WeekDto(w.Number, Dtos(w.List))).ToList(), Dtos(result.Total), result.TotalCount));
    }
}
