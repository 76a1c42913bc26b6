namespace Sightline.Comments;

/// <summary>A person's remark on an image: plain text, kept exactly as written.</summary>
public sealed record Comment
{
    public long Id { get; init; }
    public string Key { get; init; } = "";
    public long ImageId { get; init; }
    public string ImageKey { get; init; } = "";
    public long? ImageProjectId { get; init; }
    public long ImageOwnerId { get; init; }
    public long UserId { get; init; }
    public string Username { get; init; } = "";
    public string? UserAvatar { get; init; }
    public string Text { get; init; } = "";
    public long CreatedAt { get; init; }
}
