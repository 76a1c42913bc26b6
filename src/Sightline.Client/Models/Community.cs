using System.Text.Json.Serialization;

namespace Sightline.Client.Models;

/// <summary>A blur (spec §1.7 BL): a rectangle of an image to blur, and why.</summary>
public sealed record Blur
{
    /// <summary>A face the server found.</summary>
    public const string Face = "face";

    /// <summary>A licence plate the server found.</summary>
    public const string License = "license";

    /// <summary>A rectangle a user drew (the server also accepts <c>user</c>).</summary>
    public const string UserEdit = "useredit";

    /// <summary><see cref="Face"/>, <see cref="License"/> or <see cref="UserEdit"/>.</summary>
    public string Type { get; init; } = "";

    /// <summary><c>[x_min, y_min, x_max, y_max]</c>, normalized to the image (0-1), origin at the top left.</summary>
    public double[] Rect { get; init; } = [];

    /// <summary>A blur of <paramref name="type"/> over a rectangle.</summary>
    /// <param name="type">The blur type, e.g. <see cref="UserEdit"/>.</param>
    /// <param name="xMin">Left edge, 0-1.</param>
    /// <param name="yMin">Top edge, 0-1.</param>
    /// <param name="xMax">Right edge, 0-1.</param>
    /// <param name="yMax">Bottom edge, 0-1.</param>
    public static Blur Of(string type, double xMin, double yMin, double xMax, double yMax) => new() { Type = type, Rect = [xMin, yMin, xMax, yMax] };
}

/// <summary>An image's blurs from <c>GET /v2/im/{key}/b</c>: those in effect and the pending request.</summary>
public sealed record ImageBlurs
{
    /// <summary>The blurs in effect now.</summary>
    public IReadOnlyList<Blur> Bs { get; init; } = [];

    /// <summary>The pending request's blurs (empty when none is pending).</summary>
    public IReadOnlyList<Blur> Pbs { get; init; } = [];

    /// <summary>Who decided the blurs in effect; null means the automatic default.</summary>
    public string? User { get; init; }

    /// <summary>Who filed the pending request; null when none is pending.</summary>
    public string? RequestingUser { get; init; }
}

/// <summary>An image's blur record from <c>GET /v2/b/{key}</c>: the request under review if any, else the blurs in effect.</summary>
public sealed record BlurRecord
{
    /// <summary>The blurs.</summary>
    public IReadOnlyList<Blur> Bs { get; init; } = [];

    /// <summary>Who filed the request under review, or who decided the blurs in effect; null means the automatic default.</summary>
    public string? User { get; init; }

    /// <summary>Whether the thumbnails show these blurs yet.</summary>
    public bool Applied { get; init; }
}

/// <summary>An image with its blurs in effect, from <c>/v2/search/im/b</c>.</summary>
public sealed record BlurredImage : ImageSummary
{
    /// <summary>The blurs in effect.</summary>
    public IReadOnlyList<Blur> Blur { get; init; } = [];
}

/// <summary>A comment as listed under its image (<c>GET /v2/im/{key}/cm</c>), with its author as an object.</summary>
public sealed record ImageComment
{
    /// <summary>The comment text, exactly as posted.</summary>
    [JsonPropertyName("comment")]
    public string Text { get; init; } = "";

    /// <summary>When it was posted, milliseconds since the Unix epoch.</summary>
    public long CreatedAt { get; init; }

    /// <summary>The comment key (for <see cref="SightlineClient.DeleteCommentAsync"/>).</summary>
    public string Key { get; init; } = "";

    /// <summary>The author.</summary>
    public CommentAuthor User { get; init; } = new();
}

/// <summary>A comment's author: username and relative avatar path (<c>&lt;hex&gt;/profile.png</c>).</summary>
public sealed record CommentAuthor
{
    /// <summary>The author's username.</summary>
    public string Username { get; init; } = "";

    /// <summary>The avatar as a path relative to the server root (<see cref="SightlineClient.GetProfilePictureFileAsync"/> fetches it).</summary>
    public string Avatar { get; init; } = "";
}

/// <summary>A comment with its author as a username, as in <c>/v2/search/im/cm</c>.</summary>
public record CommentSummary
{
    /// <summary>The comment text.</summary>
    [JsonPropertyName("comment")]
    public string Text { get; init; } = "";

    /// <summary>When it was posted, milliseconds since the Unix epoch.</summary>
    public long CreatedAt { get; init; }

    /// <summary>The comment key.</summary>
    public string Key { get; init; } = "";

    /// <summary>The author's username.</summary>
    public string User { get; init; } = "";
}

/// <summary>One comment from <c>GET /v2/cm/{key}</c>: a <see cref="CommentSummary"/> plus the image it is on.</summary>
public sealed record Comment : CommentSummary
{
    /// <summary>The key of the image the comment is on.</summary>
    public string Mkey { get; init; } = "";
}

/// <summary>A commented image with its comments, from <c>/v2/search/im/cm</c>.</summary>
public sealed record CommentedImage : ImageSummary
{
    /// <summary>The image's comments, oldest first.</summary>
    public IReadOnlyList<CommentSummary> Comments { get; init; } = [];
}

/// <summary>A complaint in the moderators' queue (<c>GET /v2/complaints</c>).</summary>
public sealed record Complaint
{
    /// <summary>The complaint's key.</summary>
    public string Key { get; init; } = "";

    /// <summary>The key of the image complained about.</summary>
    public string Mkey { get; init; } = "";

    /// <summary>What the complaint says.</summary>
    [JsonPropertyName("cm")]
    public string Text { get; init; } = "";

    /// <summary>Who filed it; null when it was filed without a user token.</summary>
    public string? User { get; init; }

    /// <summary><c>open</c>, <c>upheld</c> or <c>dismissed</c>.</summary>
    public string State { get; init; } = "";

    /// <summary>When it was filed, milliseconds since the Unix epoch.</summary>
    public long CreatedAt { get; init; }

    /// <summary>The moderator who resolved it, or null while open.</summary>
    public string? ResolvedBy { get; init; }

    /// <summary>When it was resolved, or null while open.</summary>
    public long? ResolvedAt { get; init; }
}

/// <summary>Which complaints <see cref="SightlineClient.ListComplaintsAsync"/> lists.</summary>
public enum ComplaintState
{
    /// <summary>Those awaiting a decision (the server's default).</summary>
    Open,

    /// <summary>Those upheld (their image is hidden).</summary>
    Upheld,

    /// <summary>Those dismissed.</summary>
    Dismissed,

    /// <summary>Every complaint.</summary>
    All,
}

/// <summary>A moderator's decision on a complaint.</summary>
public enum ComplaintDecision
{
    /// <summary>Hide the image everywhere.</summary>
    Uphold,

    /// <summary>Leave the image as it is.</summary>
    Dismiss,
}

internal sealed record CommentsEnvelope(IReadOnlyList<ImageComment>? Cms);

internal sealed record ComplaintsEnvelope(IReadOnlyList<Complaint>? Complaints, bool More);
