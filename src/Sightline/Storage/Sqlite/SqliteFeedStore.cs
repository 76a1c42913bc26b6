using Dapper;
using Sightline.Images;
using Sightline.Feeds;

using Event = Sightline.Feeds.IFeedStore.Event;

namespace Sightline.Storage.Sqlite;

/// <summary>
/// Reads the activity feed: the events a user took part in (as actor or as the other person) or that happened to
/// their images, newest first,
/// only those about images the viewer may see. Events are written where they happen (comments, blurs,
/// complaints) and, for uploads, by a database trigger when an image becomes visible.
/// </summary>
public sealed class SqliteFeedStore(Database database) : IFeedStore
{
    /// <param name="ownFeed">
    /// True for <c>/v2/me/feed</c>: the owner also sees how complaints they filed or decided were resolved, which
    /// stays out of public feeds (it would point at hidden images and at who complained).
    /// </param>
    public async Task<IReadOnlyList<Event>> ForUserAsync(long userId, Viewer viewer, bool ownFeed, long? maxVersion, int limit, int offset)
    {
        await using var connection = await database.OpenAsync();
        var parameters = Visibility.Parameters(viewer);
        parameters.AddDynamicParams(new { userId, maxVersion, limit, offset, ownFeed });
        var rows = await connection.QueryAsync<Event>(
            $"""
            SELECT e.id AS Version, e.action, e.object, e.object_key AS ObjectKey, e.created_at AS CreatedAt,
                   CASE WHEN actor.deleted_at IS NULL THEN actor.username ELSE 'deleted user' END AS Actor,
                   CASE WHEN other.deleted_at IS NULL THEN other.username ELSE 'deleted user' END AS OtherUser, i.key AS ImageKey, i.hidden_at IS NOT NULL AS ImageHidden, i.lat AS ImageLat, i.lon AS ImageLon,
                   e.main_description AS MainDescription, e.detail_description AS DetailDescription
            FROM events e
            JOIN users actor ON actor.id = e.user_id
            LEFT JOIN users other ON other.id = e.other_user_id
            JOIN images i ON i.id = e.image_id
            WHERE (e.user_id = @userId OR e.other_user_id = @userId OR i.user_id = @userId)
              AND (@maxVersion IS NULL OR e.id <= @maxVersion)
              AND i.state = 'done'
              AND CASE WHEN e.action = 'complaint_resolved' THEN @ownFeed ELSE i.hidden_at IS NULL END
              AND {Visibility.VisibleCondition("i.project_id")}
            ORDER BY e.id DESC LIMIT @limit OFFSET @offset
            """, parameters);
        return rows.AsList();
    }
}
