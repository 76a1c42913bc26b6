using Microsoft.Extensions.Options;
using Sightline.Access;
using Sightline.Contract;
using Sightline.Projects;
using Sightline.Search.Index;
using Sightline.Users;

namespace Sightline.Search;

/// <summary>A box search as asked: which images, and which page of them.</summary>
public sealed record BoxSearch(ImageFilter Filter, int Offset, int Limit)
{
    /// <summary>The deepest result a page is served from (Search:MaxOffset); see <see cref="PageDepth"/>.</summary>
    public int MaxOffset { get; init; } = int.MaxValue;
}

/// <summary>A close search as asked: a circle, which images in it, and which page of them.</summary>
public sealed record CloseSearch(ImageFilter Filter, double Lat, double Lon, double RadiusMeters, int Offset, int Limit)
{
    /// <summary>The deepest result a page is served from (Search:MaxOffset); see <see cref="PageDepth"/>.</summary>
    public int MaxOffset { get; init; } = int.MaxValue;
}

/// <summary>
/// Turns the search parameter groups of spec §3.7 (F, B, C, P) into searches, judging them in the
/// contract's order: what needs a user, then what is missing, then what is invalid, then objects.
/// </summary>
public sealed class SearchParameters(IOptions<SearchOptions> options, IUserStore users, IProjectStore projects)
{
    private const long LatestTime = 253_402_300_799_999; // 9999-12-31, the last millisecond a client can mean
    // Arrays made once (issue 14: a close search is the API's hottest call, and each of these was an allocation a call).
    private static readonly string[] BoxNames = ["min_lat", "max_lat", "min_lon", "max_lon"];
    private static readonly string[] PointNames = ["lat", "lon"];
    private static readonly string[] AngleNames = ["min_ca", "max_ca"];
    private static readonly string[] UserFlags = ["me", "hidden"];

    private SearchOptions Limits => options.Value;

    /// <summary>Groups F, B and (when <paramref name="paged"/>) P.</summary>
    public async ValueTask<BoxSearch> BoxAsync(IQueryCollection query, Caller caller, bool paged = true) =>
        (await BoxAsync(query, caller, () => 0, paged)).Search;

    /// <summary>
    /// Groups F, B, P and the endpoint's own parameters (<paramref name="more"/>, such as O), all judged before the objects
    /// they name are looked up: the contract's order puts every parameter refusal before any not_found.
    /// </summary>
    public async ValueTask<(BoxSearch Search, T More)> BoxAsync<T>(IQueryCollection query, Caller caller, Func<T> more, bool paged = true)
    {
        CheckUserNeeds(query, caller);
        var boxGiven = AnyGiven(query, BoxNames);
        if (boxGiven)
            RequireAll(query, BoxNames);
        RequirePairs(query);
        var filter = ParseFilter(query, caller, null); // the box is judged after the filter (the contract's order)
        if (boxGiven)
            filter = filter with { Areas = ParseBox(query) };
        var (offset, limit) = paged ? ParsePage(query) : (0, 1);
        var parsed = more();
        return (new BoxSearch(await ResolveAsync(query, caller, filter), offset, limit) { MaxOffset = Limits.MaxOffset }, parsed);
    }

    /// <summary>Groups F, C and P.</summary>
    public async ValueTask<CloseSearch> CloseAsync(IQueryCollection query, Caller caller)
    {
        CheckUserNeeds(query, caller);
        RequireAll(query, PointNames);
        RequirePairs(query);
        var lat = Parameters.Double("lat", Text(query, "lat"), -90, 90)!.Value;
        var lon = Parameters.Double("lon", Text(query, "lon"), -180, 180)!.Value;
        // The spec names no largest radius: one above the cap is served at it, as a limit is (nearest first, so the answer
        // is the same wherever the nearest images lie within the cap). Negative or not a number stays parameter_invalid.
        var radius = Math.Min(Parameters.Double("distance", Text(query, "distance"), 0, double.PositiveInfinity) ?? Limits.DefaultRadiusMeters, Limits.MaxRadiusMeters);
        var filter = ParseFilter(query, caller, GeoBox.AroundPoint(lat, lon, radius));
        var (offset, limit) = ParsePage(query);
        return new CloseSearch(await ResolveAsync(query, caller, filter), lat, lon, radius, offset, limit) { MaxOffset = Limits.MaxOffset };
    }

    /// <summary>An optional point (both or neither of lat and lon).</summary>
    public static (double Lat, double Lon)? OptionalPoint(IQueryCollection query)
    {
        if (!Given(query, "lat") && !Given(query, "lon"))
            return null;
        RequireAll(query, PointNames);
        return (Parameters.Double("lat", Text(query, "lat"), -90, 90)!.Value, Parameters.Double("lon", Text(query, "lon"), -180, 180)!.Value);
    }

    // Step 4 of the contract: me and hidden need a user (spec §5 item 47), project needs private:read.
    private static void CheckUserNeeds(IQueryCollection query, Caller caller)
    {
        if (Given(query, "project"))
        {
            if (caller.Token?.HasScope(Scopes.PrivateRead) != true)
                throw ApiException.NeedsScope(Scopes.PrivateRead, hasToken: caller.Token is not null);
        }
        foreach (var name in UserFlags)
            if (Given(query, name) && !Parameters.IsFalse(Text(query, name)) && caller.Token is null)
                throw new ApiException(ErrorCode.UserNotAuthenticated, $"{name} needs a user token: send 'Authorization: Bearer <token>'.");
    }

    private ImageFilter ParseFilter(IQueryCollection query, Caller caller, IReadOnlyList<GeoBox>? areas)
    {
        var from = Parameters.Long("start_time", Text(query, "start_time"), 0, LatestTime);
        var to = Parameters.Long("end_time", Text(query, "end_time"), 0, LatestTime);
        if (from > to)
            throw ApiException.Invalid("start_time", "must not be after end_time");
        var minCa = Parameters.Double("min_ca", Text(query, "min_ca"), 0, 360);
        var maxCa = Parameters.Double("max_ca", Text(query, "max_ca"), 0, 360);
        var me = Parameters.Boolean("me", Text(query, "me")) ?? false;
        var hidden = Parameters.Boolean("hidden", Text(query, "hidden")) ?? false;
        if (Given(query, "user") && !Usernames.IsValid(Text(query, "user")))
            throw ApiException.Invalid("user", $"must be a username of {Usernames.Rule}");
        if (Given(query, "project") && !IProjectStore.IsKeyShaped(Text(query, "project")))
            throw ApiException.Invalid("project", $"must be a project key of {IProjectStore.KeyRule}");
        return new ImageFilter
        {
            Areas = areas,
            CapturedFrom = from,
            CapturedTo = to,
            Angles = minCa is { } min && maxCa is { } max ? (min, max) : null,
            UserId = me ? (int)caller.Token!.UserId : null,
            HiddenOwnerId = hidden ? (int)caller.Token!.UserId : null, // spec §5 item 46: the caller's own hidden images
        };
    }

    private IReadOnlyList<GeoBox> ParseBox(IQueryCollection query)
    {
        var minLat = Parameters.Double("min_lat", Text(query, "min_lat"), -90, 90)!.Value;
        var maxLat = Parameters.Double("max_lat", Text(query, "max_lat"), -90, 90)!.Value;
        var minLon = Parameters.Double("min_lon", Text(query, "min_lon"), -180, 180)!.Value;
        var maxLon = Parameters.Double("max_lon", Text(query, "max_lon"), -180, 180)!.Value;
        // CONTRACT.md §3: min > max is parameter_invalid, for longitude too (a box across the antimeridian is two searches).
        if (minLat > maxLat)
            throw ApiException.Invalid("min_lat", "must not be above max_lat");
        if (minLon > maxLon)
            throw ApiException.Invalid("min_lon", "must not be above max_lon");
        // No cap by default: a search without a box already spans the world, so a world box must be served too.
        // The width counts as degrees at the equator, measured where the box is widest.
        var cap = Limits.MaxBoxDegrees;
        if (maxLat - minLat > cap)
            throw ApiException.Invalid("max_lat", $"must be at most {cap} degrees north of min_lat");
        var widestLatitude = minLat <= 0 && maxLat >= 0 ? 0 : Math.Min(Math.Abs(minLat), Math.Abs(maxLat));
        if ((maxLon - minLon) * Math.Cos(widestLatitude * Math.PI / 180) > cap)
            throw ApiException.Invalid("max_lon", $"must be at most {cap} degrees (as measured at the equator) east of min_lon");
        return GeoBox.Covering(minLat, minLon, maxLat, maxLon);
    }

    private (int Offset, int Limit) ParsePage(IQueryCollection query)
    {
        var limit = Parameters.Limit(Text(query, "limit"), Limits.MaxLimit, Limits.DefaultLimit);
        var page = Parameters.Integer("page", Text(query, "page"), 0, int.MaxValue, 0);
        // A page deeper than Search:MaxOffset is judged by the search itself (PageDepth): empty when past the last result.
        return ((int)Math.Min((long)page * limit, int.MaxValue), limit);
    }

    // Step 6: the objects the parameters name.
    private async Task<ImageFilter> ResolveAsync(IQueryCollection query, Caller caller, ImageFilter filter)
    {
        if (Text(query, "user") is { Length: > 0 } username)
        {
            var user = await users.FindByUsernameAsync(username);
            var id = user is null ? ImageFilter.Nobody : (int)user.Id;
            // With me=true too, both must hold: another user's name matches nothing.
            filter = filter with { UserId = filter.UserId is { } me && me != id ? ImageFilter.Nobody : id };
        }
        if (Text(query, "project") is { Length: > 0 } key)
        {
            var project = await projects.FindAsync(key);
            if (project is null || !await projects.IsMemberAsync(project.Id, caller.Token!.UserId))
                throw ApiException.NotFound($"Project '{key}'");
            filter = filter with { ProjectId = (int)project.Id };
        }
        return filter;
    }

    // An angle range needs both ends; checked with the other missing parameters, before any value is judged.
    private static void RequirePairs(IQueryCollection query)
    {
        if (Given(query, "min_ca") || Given(query, "max_ca"))
            RequireAll(query, AngleNames);
    }

    private static void RequireAll(IQueryCollection query, params string[] names)
    {
        foreach (var name in names)
            if (!Given(query, name))
                throw ApiException.Missing(name);
    }

    private static bool AnyGiven(IQueryCollection query, string[] names)
    {
        foreach (var name in names)
            if (Given(query, name))
                return true;
        return false;
    }

    private static bool Given(IQueryCollection query, string name) => !string.IsNullOrEmpty(Text(query, name));

    private static string? Text(IQueryCollection query, string name) => query.TryGetValue(name, out var values) ? values[0] : null;
}
