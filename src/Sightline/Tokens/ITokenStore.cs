namespace Sightline.Tokens;

/// <summary>Issues, finds and revokes access tokens.</summary>
public interface ITokenStore
{
    /// <summary>Issues a token; the returned string is shown once and only its hash is stored.</summary>
    Task<string> IssueAsync(long userId, long applicationId, IEnumerable<string> scopes, DateTimeOffset? expiresAt = null);

    /// <summary>A token just issued: its row id (to revoke it later without the value) and its value, shown once.</summary>
    public sealed record IssuedToken(long Id, string Value);

    Task<IssuedToken> IssueWithIdAsync(long userId, long applicationId, IEnumerable<string> scopes, DateTimeOffset? expiresAt = null);

    /// <summary>The token if it exists, is not revoked or expired, and its application is enabled.</summary>
    Task<AccessToken?> FindActiveAsync(string token);

    /// <summary>As <see cref="FindActiveAsync"/>, given the token's hash.</summary>
    Task<AccessToken?> FindActiveByHashAsync(string hash);

    Task<bool> RevokeAsync(string token);

    /// <summary>Revokes a token only if it was issued to <paramref name="applicationId"/> (RFC 7009 §2.1: a client revokes its own tokens).</summary>
    Task<bool> RevokeForApplicationAsync(string token, long applicationId);

    Task RevokeByIdAsync(long tokenId);

    /// <summary>One application a user has granted access to, with the union of the scopes of its live tokens.</summary>
    public sealed record Grant(long ApplicationId, string ClientId, string ApplicationName, IReadOnlyList<string> Scopes);

    /// <summary>The applications holding live tokens of <paramref name="userId"/>, by name.</summary>
    Task<IReadOnlyList<Grant>> GrantsOfUserAsync(long userId);

    /// <summary>
    /// The person revokes an application's access: every live token of one user for one application, and the moment is
    /// recorded (<see cref="GrantRevokedAtAsync"/>); returns how many tokens.
    /// </summary>
    Task<int> RevokeGrantAsync(long userId, long applicationId);

    /// <summary>When <paramref name="userId"/> last revoked <paramref name="applicationId"/>'s access (epoch ms); null if never.</summary>
    Task<long?> GrantRevokedAtAsync(long userId, long applicationId);

    /// <summary>A token as the admin CLI lists it: never its value, which is not stored.</summary>
    public sealed record TokenListing(long Id, string ClientId, string ApplicationName, string Scopes, long CreatedAt, long? ExpiresAt, long? RevokedAt);

    /// <summary>Every token of <paramref name="userId"/>, newest first, revoked and expired ones included.</summary>
    Task<IReadOnlyList<TokenListing>> ListOfUserAsync(long userId);
}
