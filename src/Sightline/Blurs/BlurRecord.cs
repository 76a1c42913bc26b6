namespace Sightline.Blurs;

/// <summary>The blurs in effect on an image and the request under review, with the people involved.</summary>
public sealed record BlurRecord(
    IReadOnlyList<Blur> Current, string? DecidedBy, bool Applied,
    IReadOnlyList<Blur> Pending, string? RequestedBy, long? RequesterId);
