using Microsoft.AspNetCore.Http.HttpResults;
using Sightline.Access;
using Sightline.Contract;
using Sightline.Images;

namespace Sightline.Users;

/// <summary><c>/v2/u</c>: public profiles.</summary>
public static class UsersApi
{
    public static RouteGroupBuilder MapUsers(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v2/u").RequireClient().WithTags("Users");
        group.MapGet("/{user}", GetProfile)
            .WithName("GetUser")
            .WithSummary("A user's public profile")
            .WithDescription("Public profile and statistics of the user with this username; not_found when there is none.");
        return group;
    }

    public static async Task<Ok<UserDtos.Profile>> GetProfile(string user, HttpRequest request, IUserStore users, IImageStatistics statistics, UserTotals totals)
    {
        if (!Usernames.IsValid(user))
            throw ApiException.Invalid("user", $"must be a username of {Usernames.Rule}");
        // A deleted account is no one's profile: its name stays only so its comments can say "deleted user".
        var found = await users.FindByUsernameAsync(user) is { DeletedAt: null } live ? live : throw ApiException.NotFound($"User '{user}'");
        var avatar = $"{request.Scheme}://{request.Host}/{UserDtos.AvatarPath(found.Avatar)}";
        var counts = await statistics.ForUserAsync(found.Id);
        var processed = totals.For(found.Id);
        return TypedResults.Ok(new UserDtos.Profile(
            found.About, avatar, processed.DistanceMeters, counts.Histogram.Select(d => new UserDtos.HistogramDay(d.Day, d.Count)).ToList(),
            counts.ImagesNoneProcessed, processed.Hidden, processed.Images, found.Username, found.Uuid));
    }
}
