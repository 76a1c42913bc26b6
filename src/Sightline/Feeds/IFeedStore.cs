using Sightline.Images;

namespace Sightline.Feeds;

/// <summary>
/// Reads the activity feed: the events a user took part in (as actor or as the other person) or that happened to
/// their images, newest first,
/// only those about images the viewer may see. Events are written where they happen (comments, blurs,
/// complaints) and, for uploads, by a database trigger when an image becomes visible.
/// </summary>
public interface IFeedStore
{
    public sealed record Event
    {
        public long Version { get; init; }
        public string Action { get; init; } = "";
        public string Object { get; init; } = "";
        public string ObjectKey { get; init; } = "";
        public long CreatedAt { get; init; }
        public string Actor { get; init; } = "";
        public string? OtherUser { get; init; }
        public string ImageKey { get; init; } = "";
        public bool ImageHidden { get; init; }
        public double ImageLat { get; init; }
        public double ImageLon { get; init; }
        public string MainDescription { get; init; } = "";
        public string DetailDescription { get; init; } = "";
    }

    /// <param name="ownFeed">
    /// True for <c>/v2/me/feed</c>: the owner also sees how complaints they filed or decided were resolved, which
    /// stays out of public feeds (it would point at hidden images and at who complained).
    /// </param>
    Task<IReadOnlyList<Event>> ForUserAsync(long userId, Viewer viewer, bool ownFeed, long? maxVersion, int limit, int offset);
}
