using Sightline.Access;

namespace Sightline.Images;

/// <summary>Who is looking: private images are visible only to a member of their project whose token has private:read.</summary>
public sealed record Viewer(long? UserId, bool CanReadPrivate)
{
    public static readonly Viewer Anonymous = new(null, false);

    public static Viewer Of(Caller caller) =>
        caller.Token is { } token ? new Viewer(token.UserId, token.HasScope(Scopes.PrivateRead)) : Anonymous;

    /// <summary>The SQL condition that an object whose project column is <paramref name="projectColumn"/> is visible; binds @ViewerId and @ViewerReadsPrivate.</summary>
    public static string VisibleCondition(string projectColumn) =>
        $"({projectColumn} IS NULL OR (@ViewerReadsPrivate AND EXISTS (SELECT 1 FROM project_members m WHERE m.project_id = {projectColumn} AND m.user_id = @ViewerId)))";

    public object Parameters => new { ViewerId = UserId ?? -1, ViewerReadsPrivate = CanReadPrivate };
}
