namespace Sightline.Complaints;

/// <summary>Someone's objection to an image (their house number is readable, a face is missed), and its resolution.</summary>
public sealed record Complaint
{
    public long Id { get; init; }
    public string Key { get; init; } = "";
    public long ImageId { get; init; }
    public string ImageKey { get; init; } = "";
    public long? UserId { get; init; }
    public string? Username { get; init; }
    public string Text { get; init; } = "";
    public string State { get; init; } = "";
    public long CreatedAt { get; init; }
    public string? ResolvedBy { get; init; }
    public long? ResolvedAt { get; init; }
}

/// <summary>What a moderator decided: an upheld complaint hides its image everywhere.</summary>
public enum ComplaintDecision { Uphold, Dismiss }
