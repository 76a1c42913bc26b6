namespace Sightline.Client.Models;

/// <summary>One username found by <c>GET /v2/search/u</c>, with its relative avatar path when it has one.</summary>
public sealed record UserMatch(string Username, string? Avatar);
