using Sightline.Access;

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
}
