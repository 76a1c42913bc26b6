using Microsoft.AspNetCore.Http.HttpResults;
using Sightline.Access;
using Sightline.Community;
using Sightline.Contract;
using Sightline.Images;

namespace Sightline.Comments;

/// <summary>Comments: <c>/v2/im/{key}/cm</c> (list, post) and <c>/v2/cm/{key}</c> (get, delete), spec §3.1 and §3.4.</summary>
public static class CommentsApi
{
    public const int MaxLength = 2000;

    public static void MapComments(this IEndpointRouteBuilder routes)
    {
        var images = routes.MapGroup("/v2/im").RequireClient().WithTags("Comments");
        images.MapGet("/{key}/cm", ListComments)
            .WithName("ListImageComments")
            .WithSummary("An image's comments")
            .WithDescription("cms[]: comment, created_at, key, user {username, avatar}; oldest first. private:read on a private image.");
        images.MapPost("/{key}/cm", PostComment)
            .RequireOneOfScopes(Scopes.PublicWrite, Scopes.PrivateWrite)
            .WithName("PostImageComment")
            .WithSummary("Comment on an image")
            .WithDescription("Body {\"cm\":\"...\"} (JSON) or cm=... (form): 1 to 2000 characters of plain text, stored exactly. " +
                             "public:write on a public image, private:write on a private one.");

        var comments = routes.MapGroup("/v2/cm").RequireClient().WithTags("Comments");
        comments.MapGet("/{key}", GetComment)
            .WithName("GetComment")
            .WithSummary("One comment")
            .WithDescription("comment, created_at, key, mkey (the image), user (username). private:read for a comment on a private image.");
        comments.MapDelete("/{key}", DeleteComment)
            .RequireOneOfScopes(Scopes.PublicWrite, Scopes.PrivateWrite, Scopes.MapillaryAdmin)
            .WithName("DeleteComment")
            .WithSummary("Remove a comment")
            .WithDescription("By its author or the image's owner with the write scope matching the image's visibility, or by an administrator (mapillary:admin).");
    }

    public static async Task<Ok<CommentDtos.ImageComments>> ListComments(string key, Caller caller, IImageStore images, ICommentStore comments)
    {
        var image = await ImagesApi.FindAsync(key, Viewer.Of(caller), images);
        var list = await comments.ForImageAsync(image.Id);
        return TypedResults.Ok(new CommentDtos.ImageComments(list.Select(CommentDtos.ToImageComment).ToList()));
    }

    public static async Task<Ok<ImageAccess.Acknowledgement>> PostComment(
        string key, HttpRequest request, Caller caller, IImageStore images, ICommentStore comments, CancellationToken cancellation)
    {
        var userId = ImageAccess.RequireWriter(caller);
        var scoped = await ImageAccess.ScopeForImageAsync(key, caller, images);
        // A missing parameter is judged before an invalid one (CONTRACT.md §4), the key's shape included.
        var text = await RequestBody.TextFieldAsync(request, "cm", cancellation) ?? throw ApiException.Missing("cm");
        ImageAccess.ImageKey(key);
        if (text.EnumerateRunes().Count() > MaxLength)
            throw ApiException.Invalid("cm", $"must be 1 to {MaxLength} characters long");
        if (string.IsNullOrWhiteSpace(text))
            throw ApiException.Invalid("cm", "must hold some text, not only spaces");
        var image = await ImageAccess.WritableImageAsync(scoped, key, caller, images);
        await comments.AddAsync(image, userId, text);
        return TypedResults.Ok(new ImageAccess.Acknowledgement());
    }

    public static async Task<Ok<CommentDtos.Single>> GetComment(string key, Caller caller, ICommentStore comments)
    {
        var comment = await Viewer.Of(caller).FindOrRefuseAsync(v => comments.FindVisibleAsync(CommentKey(key), v), $"Comment '{key}'");
        return TypedResults.Ok(CommentDtos.ToSingle(comment));
    }

    public static async Task<Ok<ImageAccess.Acknowledgement>> DeleteComment(string key, Caller caller, ICommentStore comments)
    {
        var admin = ImageAccess.IsAdmin(caller);
        var userId = admin ? caller.Token!.UserId : ImageAccess.RequireWriter(caller);
        CommentKey(key);
        var comment = await ImageAccess.WriterViewer(caller).FindOrRefuseAsync(
            v => comments.FindVisibleAsync(key, v), $"Comment '{key}'", Scopes.PrivateWrite);
        if (!admin)
        {
            var scope = comment.ImageProjectId is null ? Scopes.PublicWrite : Scopes.PrivateWrite;
            if (!caller.Token!.HasScope(scope))
                throw ApiException.NeedsScope(scope, hasToken: true);
            // Someone else's comment on someone else's image: as if it were not there for this caller to remove.
            if (comment.UserId != userId && comment.ImageOwnerId != userId)
                throw ApiException.NotFound($"Comment '{key}'");
        }
        // Of calls racing to remove one comment, one is acknowledged; for the others it was already gone.
        if (!await comments.DeleteAsync(comment))
            throw ApiException.NotFound($"Comment '{key}'");
        return TypedResults.Ok(new ImageAccess.Acknowledgement());
    }

    private static string CommentKey(string key) => Storage.RandomKey.IsKeyShaped(key)
        ? key
        : throw ApiException.Invalid("key", "must be a comment key of 22 characters of A-Z, a-z, 0-9, '_' and '-'");
}
