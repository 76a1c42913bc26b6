namespace Sightline.Client.Models;

/// <summary>The answer of <c>GET /v2/status</c>: the acknowledgement plus the server's version and public counts.</summary>
public sealed record ServerStatus : WriteAcknowledgement
{
    /// <summary>The server's version.</summary>
    public string Version { get; init; } = "";

    /// <summary>Registered users.</summary>
    public long Users { get; init; }

    /// <summary>Public processed images.</summary>
    public long Images { get; init; }

    /// <summary>Public sequences.</summary>
    public long Sequences { get; init; }
}

/// <summary>The token owner's own account from <c>GET /v2/me</c>.</summary>
public sealed record Me
{
    /// <summary>The user's own description.</summary>
    public string About { get; init; } = "";

    /// <summary>The avatar as a path relative to the server root, <c>&lt;hex&gt;/profile.png</c>.</summary>
    public string? Avatar { get; init; }

    /// <summary>When the account was created, milliseconds since the Unix epoch.</summary>
    public long MemberSince { get; init; }

    /// <summary>The username.</summary>
    public string Username { get; init; } = "";

    /// <summary>The user's permanent unique id.</summary>
    public string UserUuid { get; init; } = "";

    /// <summary>The email address; null unless the token has <c>user:email</c>.</summary>
    public string? Email { get; init; }
}

/// <summary>A user's public profile and statistics from <c>GET /v2/u/{user}</c>.</summary>
public sealed record UserProfile
{
    /// <summary>The user's own description.</summary>
    public string About { get; init; } = "";

    /// <summary>The avatar as an absolute URL.</summary>
    public string? Avatar { get; init; }

    /// <summary>Distance mapped, metres.</summary>
    public long DistanceAll { get; init; }

    /// <summary>Uploads per day over the past year.</summary>
    public IReadOnlyList<HistogramDay> Histogram { get; init; } = [];

    /// <summary>Public images received but not yet fully processed.</summary>
    public long ImagesNoneProcessed { get; init; }

    /// <summary>Public images the user has hidden.</summary>
    public long ImagesHidden { get; init; }

    /// <summary>All public images the user uploaded.</summary>
    public long ImagesAll { get; init; }

    /// <summary>The username.</summary>
    public string User { get; init; } = "";

    /// <summary>The user's unique id.</summary>
    public string UserUuid { get; init; } = "";
}

/// <summary>One day of a user's upload histogram.</summary>
public sealed record HistogramDay
{
    /// <summary>The day, milliseconds since the Unix epoch at UTC midnight.</summary>
    public long Day { get; init; }

    /// <summary>Images uploaded that day.</summary>
    public long Count { get; init; }
}

/// <summary>One username found by <c>GET /v2/search/u</c>.</summary>
public sealed record UserMatch
{
    /// <summary>The username.</summary>
    public string Username { get; init; } = "";

    /// <summary>The relative avatar path, only when the user has a picture.</summary>
    public string? Avatar { get; init; }
}

/// <summary>A feed event (spec §1.7 FE): something that happened, who did it and to what.</summary>
public sealed record FeedEvent
{
    /// <summary>What happened: <c>uploaded</c>, <c>commented</c>, <c>blur_requested</c>, <c>blur_applied</c>, <c>complaint_resolved</c>.</summary>
    public string Action { get; init; } = "";

    /// <summary>When it happened, milliseconds since the Unix epoch.</summary>
    public long Timestamp { get; init; }

    /// <summary>The type of object acted on: <c>image</c>, <c>comment</c>, <c>blur</c>, <c>complaint</c>.</summary>
    public string Object { get; init; } = "";

    /// <summary>That object's key.</summary>
    public string Key { get; init; } = "";

    /// <summary>The actor's username.</summary>
    public string User { get; init; } = "";

    /// <summary>The other user involved, if any.</summary>
    public string? OtherUser { get; init; }

    /// <summary>A <c>thumb-320.jpg</c> path illustrating the event; empty when the image is hidden.</summary>
    public string ImageUrl { get; init; } = "";

    /// <summary>Headline text.</summary>
    public string MainDescription { get; init; } = "";

    /// <summary>Longer text, may be empty.</summary>
    public string DetailDescription { get; init; } = "";

    /// <summary>Where it happened.</summary>
    public string Location { get; init; } = "";

    /// <summary>The event's version: it only grows, so it bounds a page (the <c>version</c> filter).</summary>
    public long Version { get; init; }
}

/// <summary>System totals from <c>GET /v2/stats/im</c>.</summary>
public sealed record ImageStats
{
    /// <summary>Public processed images.</summary>
    public long Images { get; init; }

    /// <summary>Metres mapped.</summary>
    public long Distance { get; init; }
}

/// <summary>Contributor rankings from <c>GET /v2/stats/toplist</c>.</summary>
public sealed record Toplist
{
    /// <summary>One ranking per ISO week of capture, newest first.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("toplist")]
    public IReadOnlyList<WeekRanking> Weeks { get; init; } = [];

    /// <summary>The ranking over all weeks.</summary>
    public IReadOnlyList<RankedUser> Total { get; init; } = [];

    /// <summary>All images in the selection.</summary>
    public long TotalCount { get; init; }
}

/// <summary>One week's ranking.</summary>
public sealed record WeekRanking
{
    /// <summary>The ISO week number, as a string (e.g. <c>"37"</c>).</summary>
    public string Week { get; init; } = "";

    /// <summary>The users, most images first.</summary>
    public IReadOnlyList<RankedUser> List { get; init; } = [];
}

/// <summary>A user and how many images they count in a ranking.</summary>
public sealed record RankedUser
{
    /// <summary>The username.</summary>
    public string Username { get; init; } = "";

    /// <summary>Images in the ranking's period.</summary>
    public long Count { get; init; }
}

internal sealed record MatchesEnvelope(IReadOnlyList<UserMatch>? Matches);

internal sealed record FeedEnvelope(IReadOnlyList<FeedEvent>? Feed, bool More);
