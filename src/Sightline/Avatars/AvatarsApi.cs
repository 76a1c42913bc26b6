using Microsoft.AspNetCore.Http.HttpResults;
using Sightline.Access;
using Sightline.Community;
using Sightline.Contract;
using Sightline.Users;

namespace Sightline.Avatars;

/// <summary>
/// Profile pictures: <c>POST|PUT /v2/me/avatar</c> (ours, user:write), <c>GET /v2/u/{user}/profile.png</c> (302, spec §5 item 37)
/// and the files <c>GET /{id}/profile.png</c>, served without client_id like image files.
/// </summary>
public static class AvatarsApi
{
    public static void MapAvatars(this IEndpointRouteBuilder routes)
    {
        var me = routes.MapGroup("/v2/me").RequireScope(Scopes.UserWrite).WithTags("Avatars");
        const string description = "user:write. Body: the picture (Content-Type image/jpeg or image/png, at most 10 MiB); it is cropped " +
                                   "to its centre and scaled to 256×256 PNG. The avatar path changes with every new picture.";
        me.MapPost("/avatar", SetAvatar).WithName("SetAvatar").WithSummary("Set the token owner's profile picture").WithDescription(description);
        me.MapPut("/avatar", SetAvatar).WithName("PutAvatar").WithSummary("Set the token owner's profile picture").WithDescription(description);

        routes.MapGroup("/v2/u").RequireClient().WithTags("Avatars")
            .MapGet("/{user}/profile.png", RedirectToAvatar)
            .WithName("GetUserProfilePicture")
            .WithSummary("Redirect to a user's profile picture")
            .WithDescription("302 to /{id}/profile.png, or to /default/profile.png for a user without a picture.");

        routes.MapGet("/{id}/profile.png", GetAvatarFile)
            .AllowWithoutClient()
            .WithTags("Avatars")
            .Produces<Stream>(StatusCodes.Status200OK, "image/png")
            .WithName("GetProfilePictureFile")
            .WithSummary("A profile picture")
            .WithDescription("The 256×256 PNG; 'default' is the picture of users without one.");
    }

    public static async Task<Ok<ImageAccess.Acknowledgement>> SetAvatar(HttpRequest request, Caller caller, AvatarStore avatars, CancellationToken cancellation)
    {
        // No body at all is a missing picture, whatever the Content-Type says (CONTRACT.md §4: missing before invalid).
        if (RequestBody.IsAbsent(request))
            throw ApiException.Missing("body");
        var type = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (type is not ("image/jpeg" or "image/png"))
            throw ApiException.Invalid("body", "must be a picture sent with Content-Type image/jpeg or image/png");
        if (request.ContentLength > AvatarStore.MaxBytes)
            throw ApiException.Invalid("body", $"must be at most {AvatarStore.MaxBytes} bytes");
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellation);
        if (buffer.Length == 0)
            throw ApiException.Missing("body");
        if (buffer.Length > AvatarStore.MaxBytes)
            throw ApiException.Invalid("body", $"must be at most {AvatarStore.MaxBytes} bytes");
        if (AvatarStore.PixelsOf(buffer.ToArray()) > AvatarStore.MaxPixels)
            throw ApiException.Invalid("body", $"must be a picture of at most {AvatarStore.MaxPixels / 1_000_000} megapixels");
        var png = AvatarStore.Render(buffer.ToArray()) ?? throw ApiException.Invalid("body", "is not a whole JPEG or PNG picture that can be decoded");
        await avatars.SetAsync(caller.Token!.UserId, png);
        return TypedResults.Ok(new ImageAccess.Acknowledgement());
    }

    public static async Task<RedirectHttpResult> RedirectToAvatar(string user, IUserStore users)
    {
        if (!Usernames.IsValid(user))
            throw ApiException.Invalid("user", $"must be a username of {Usernames.Rule}");
        var found = await users.FindByUsernameAsync(user) is { DeletedAt: null } live ? live : throw ApiException.NotFound($"User '{user}'");
        var id = found.Avatar is { } avatar && AvatarStore.IsId(avatar) ? avatar : AvatarStore.DefaultId;
        return TypedResults.Redirect($"/{id}/profile.png");
    }

    public static async Task<IResult> GetAvatarFile(string id, HttpResponse response, AvatarStore avatars, CancellationToken cancellation)
    {
        if (id == AvatarStore.DefaultId)
        {
            response.Headers.CacheControl = "public, max-age=86400";
            return TypedResults.Bytes(avatars.DefaultPicture, "image/png");
        }
        var picture = (AvatarStore.IsId(id) ? await avatars.OpenAsync(id, cancellation) : null)
            ?? throw ApiException.NotFound("Profile picture");
        // An id names one picture forever: a new picture gets a new id.
        response.Headers.CacheControl = "public, max-age=31536000, immutable";
        // A stream without ETag or Last-Modified: the framework then never answers 304 or 206, which the contract lacks.
        response.ContentLength = picture.Length;
        return TypedResults.File(picture.Content, "image/png");
    }
}
