using Microsoft.AspNetCore.Http.HttpResults;
using Sightline.Access;
using Sightline.Contract;
using Sightline.Users;

namespace Sightline.Me;

/// <summary><c>/v2/me</c>: the token owner's own account.</summary>
public static class MeApi
{
    public static RouteGroupBuilder MapMe(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v2/me").RequireClient().WithTags("Me");
        group.MapGet("", GetMe)
            .RequireScope(Scopes.UserRead)
            .WithName("GetMe")
            .WithSummary("The token owner's profile")
            .WithDescription("Needs a token with user:read; the email is included only when the token also has user:email.");
        group.MapTakeout();
        return group;
    }

    public static async Task<Ok<UserDtos.Me>> GetMe(Caller caller, IUserStore users)
    {
        var token = caller.Token!;
        var user = await users.FindByIdAsync(token.UserId) ?? throw ApiException.NotFound("User");
        return TypedResults.Ok(new UserDtos.Me(
            user.About, UserDtos.AvatarPath(user.Avatar), user.CreatedAt, user.Username, user.Uuid,
            token.HasScope(Scopes.UserEmail) ? user.Email : null));
    }
}
