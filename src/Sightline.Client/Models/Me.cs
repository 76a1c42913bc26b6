namespace Sightline.Client.Models;

/// <summary>The token owner's own account from <c>GET /v2/me</c>; <see cref="Email"/> is null unless the token has <c>user:email</c>.</summary>
public sealed record Me(string About, string? Avatar, long MemberSince, string Username, string UserUuid, string? Email);
