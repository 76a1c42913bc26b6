using Dapper;
using Sightline.Images;

namespace Sightline.Storage.Postgres;

/// <summary>The SQL form of <see cref="Viewer"/>: which rows of private projects a viewer may see.</summary>
public static class Visibility
{
    /// <summary>The SQL condition that an object whose project column is <paramref name="projectColumn"/> is visible; binds @ViewerId, @ViewerReadsPrivate and @ViewerModerates.</summary>
    public static string VisibleCondition(string projectColumn) =>
        $"({projectColumn} IS NULL OR @ViewerModerates OR (@ViewerReadsPrivate AND EXISTS (SELECT 1 FROM project_members m WHERE m.project_id = {projectColumn} AND m.user_id = @ViewerId)))";

    /// <summary>The parameters of <see cref="VisibleCondition"/> for <paramref name="viewer"/>.</summary>
    public static DynamicParameters Parameters(Viewer viewer) =>
        new(new { ViewerId = viewer.UserId ?? -1, ViewerReadsPrivate = viewer.CanReadPrivate, ViewerModerates = viewer.Moderates });
}
