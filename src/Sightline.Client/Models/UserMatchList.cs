namespace Sightline.Client.Models;

/// <summary>The wire envelope of <c>GET /v2/search/u</c>; callers get the list itself.</summary>
internal sealed record UserMatchList(IReadOnlyList<UserMatch> Matches);
