using Sightline.Access;
using Sightline.Contract;

namespace Sightline.Images;

/// <summary>
/// Who is looking: private images are visible only to a member of their project whose token has private:read,
/// and to a moderator (a token with mapillary:admin, which only administrators get), who must review them too.
/// </summary>
public sealed record Viewer(long? UserId, bool CanReadPrivate, bool Moderates = false)
{
    public static readonly Viewer Anonymous = new(null, false);

    public static Viewer Of(Caller caller) =>
        caller.Token is { } token ? new Viewer(token.UserId, token.HasScope(Scopes.PrivateRead), token.HasScope(Scopes.MapillaryAdmin)) : Anonymous;

    /// <summary>
    /// Finds a private-aware object, or says why not (CONTRACT.md §4): to a member of its project whose token lacks
    /// <paramref name="scope"/>, the object is there and the call needs that scope (step 4, 401
    /// <c>user_not_authenticated</c> naming it), as the project's searches tell the same member; to anyone else it is
    /// <c>not_found</c> (step 6), so a stranger learns nothing of a private object.
    /// </summary>
    public async Task<T> FindOrRefuseAsync<T>(Func<Viewer, Task<T?>> find, string notFound, string scope = Scopes.PrivateRead)
        where T : class
    {
        if (await find(this) is { } found)
            return found;
        if (UserId is not null && !CanReadPrivate && await find(this with { CanReadPrivate = true }) is not null)
        {
            // Found only with the scope: private, unless it became visible between the two looks (an upload whose
            // processing finished just then), which a third look tells apart.
            if (await find(this) is { } appeared)
                return appeared;
            throw ApiException.NeedsScope(scope, hasToken: true);
        }
        throw ApiException.NotFound(notFound);
    }
}
