namespace Sightline.Client.Models;

/// <summary>A user's public profile and statistics from <c>GET /v2/u/{user}</c>.</summary>
public sealed record UserProfile(
    string About, string? Avatar, long DistanceAll, IReadOnlyList<HistogramDay> Histogram,
    long ImagesNoneProcessed, long ImagesHidden, long ImagesAll, string User, string UserUuid);
