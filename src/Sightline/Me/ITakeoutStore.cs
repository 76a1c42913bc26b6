namespace Sightline.Me;

/// <summary>Everything one person uploaded and wrote, for <c>GET /v2/me/takeout</c> (issue 13).</summary>
public interface ITakeoutStore
{
    public sealed record Photo
    {
        public string Key { get; init; } = "";
        public string? SequenceKey { get; init; }
        public string ContentHash { get; init; } = "";
        public double Lat { get; init; }
        public double Lon { get; init; }
        /// <summary>The photo's own angle, or its direction of travel, or 0 (north) when it has no sequence yet (spec §1.4: a number).</summary>
        public double Ca { get; init; }
        public long CapturedAt { get; init; }
        public int Width { get; init; }
        public int Height { get; init; }
        public string State { get; init; } = "";
        public bool IsPrivate { get; init; }
        public long CreatedAt { get; init; }
    }

    public sealed record WrittenComment
    {
        public string Key { get; init; } = "";
        public string ImageKey { get; init; } = "";
        public string Body { get; init; } = "";
        public long CreatedAt { get; init; }
    }

    /// <summary>The user's photos, private ones only when asked for, by sequence and capture time.</summary>
    Task<IReadOnlyList<Photo>> PhotosAsync(long userId, bool includePrivate, CancellationToken cancellation);

    /// <summary>The user's comments; those on private images only when asked for.</summary>
    Task<IReadOnlyList<WrittenComment>> CommentsAsync(long userId, bool includePrivate, CancellationToken cancellation);
}
