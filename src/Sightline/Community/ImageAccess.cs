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

    public static bool IsAdmin(Caller caller) => caller.Token?.HasScope(Scopes.MapillaryAdmin) == true;

    public static string ImageKey(string key) => RandomKey.IsKeyShaped(key)
        ? key
        : throw ApiException.Invalid("key", "must be a key of 22 characters of A-Z, a-z, 0-9, '_' and '-'");

    /// <summary>The acknowledgement of every successful write (spec §1.6).</summary>
    public sealed record Acknowledgement(string Code = "ok", string Message = "request performed", int Status = 200);
}
