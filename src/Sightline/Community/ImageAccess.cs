using Sightline.Access;
using Sightline.Contract;
using Sightline.Images;
using Sightline.Storage;

namespace Sightline.Community;

/// <summary>
/// The scope rules of the community writes (spec §3.1, §3.4): <c>public:write</c> on a public image,
/// <c>private:write</c> on a private one, which only a member of its project can reach at all.
/// </summary>
public static class ImageAccess
{
    /// <summary>Step 4 of the order of checks, as far as it can go before the image is known: some write scope.</summary>
    public static long RequireWriter(Caller caller)
    {
        if (caller.Token is not { } token || !(token.HasScope(Scopes.PublicWrite) || token.HasScope(Scopes.PrivateWrite)))
            throw ApiException.NeedsScope(Scopes.PublicWrite, hasToken: caller.Token is not null);
        return token.UserId;
    }

    /// <summary>Whom a writer may reach: members see their projects' images with either private scope.</summary>
    public static Viewer WriterViewer(Caller caller) => caller.Token is { } token
        ? new Viewer(token.UserId, token.HasScope(Scopes.PrivateRead) || token.HasScope(Scopes.PrivateWrite), token.HasScope(Scopes.MapillaryAdmin))
        : Viewer.Anonymous;

    /// <summary>After the image is found: the write scope its visibility needs.</summary>
    public static void RequireWriteScopeFor(Image image, Caller caller)
    {
        var scope = image.ProjectId is null ? Scopes.PublicWrite : Scopes.PrivateWrite;
        if (caller.Token is not { } token || !token.HasScope(scope))
            throw ApiException.NeedsScope(scope, hasToken: caller.Token is not null);
    }

    /// <summary>
    /// Step 4 of a write to an image, completed before its body is judged (CONTRACT.md §4: scope before parameters): the
    /// image the caller reaches, with the write scope its visibility needs demanded at once (a member writing to a private
    /// image without <c>private:write</c> hears so whatever the body). An image the caller cannot reach is no answer yet:
    /// null, and <see cref="WritableImageAsync"/> refuses it after the parameters (step 6).
    /// </summary>
    public static async Task<Image?> ScopeForImageAsync(string key, Caller caller, IImageStore images)
    {
        if (!RandomKey.IsKeyShaped(key))
            return null;
        Image image;
        try
        {
            image = await ImagesApi.FindAsync(key, WriterViewer(caller), images, Scopes.PrivateWrite);
        }
        catch (ApiException e) when (e.Code == ErrorCode.NotFound)
        {
            return null;
        }
        RequireWriteScopeFor(image, caller);
        return image;
    }

    /// <summary>After the parameters: the image <see cref="ScopeForImageAsync"/> found, or its look again (404 when unreachable).</summary>
    public static async Task<Image> WritableImageAsync(Image? scoped, string key, Caller caller, IImageStore images)
    {
        if (scoped is not null)
            return scoped;
        var image = await ImagesApi.FindAsync(key, WriterViewer(caller), images, Scopes.PrivateWrite);
        RequireWriteScopeFor(image, caller);
        return image;
    }

    public static bool IsAdmin(Caller caller) => caller.Token?.HasScope(Scopes.MapillaryAdmin) == true;

    public static string ImageKey(string key) => RandomKey.IsKeyShaped(key)
        ? key
        : throw ApiException.Invalid("key", "must be a key of 22 characters of A-Z, a-z, 0-9, '_' and '-'");

    /// <summary>The acknowledgement of every successful write (spec §1.6).</summary>
    public sealed record Acknowledgement(string Code = "ok", string Message = "request performed", int Status = 200);
}
