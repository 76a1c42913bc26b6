using Microsoft.AspNetCore.Http.HttpResults;
using Sightline.Access;
using Sightline.Contract;
using Sightline.Users;

namespace Sightline.Search;

/// <summary><c>GET /v2/search/u</c>: username search.</summary>
public static class UserSearchApi
{
    public const int DefaultLimit = 10;
    public const int MaxLimit = 100;

    public static RouteGroupBuilder MapUserSearch(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v2/search/u").RequireClient().WithTags("Search");
        group.MapGet("", SearchUsers)
            .WithName("SearchUsers")
            .WithSummary("Search usernames")
            .WithDescription($"Case-insensitive prefix match of 'match' (1-64 characters) against usernames, alphabetical; 'limit' 1-{MaxLimit}, default {DefaultLimit}.");
        return group;
    }

    public static async Task<Ok<UserDtos.MatchList>> SearchUsers(string? match, string? limit, IUserStore users)
    {
        var prefix = Parameters.RequiredText("match", match, maxLength: 64);
        var count = Parameters.Limit(limit, MaxLimit, DefaultLimit);
        var found = await users.SearchByPrefixAsync(prefix, count);
        return TypedResults.Ok(new UserDtos.MatchList(
            found.Select(u => new UserDtos.Match(u.Username, UserDtos.RelativeAvatar(u))).ToList()));
    }
}
