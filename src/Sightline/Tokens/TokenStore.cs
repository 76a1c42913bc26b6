using Dapper;
using Sightline.Storage;

namespace Sightline.Tokens;

/// <summary>Issues, finds and revokes access tokens.</summary>
public sealed class TokenStore(Database database)
{
    /// <summary>Issues a token; the returned string is shown once and only its hash is stored.</summary>
    public async Task<string> IssueAsync(long userId, long applicationId, IEnumerable<string> scopes, DateTimeOffset? expiresAt = null)
    {
        var token = RandomKey.NewSecret();
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO access_tokens (token_hash, user_id, application_id, scopes, created_at, expires_at)
            VALUES (@hash, @userId, @applicationId, @scopes, @now, @expires)
            """,
            new
            {
                hash = RandomKey.Hash(token), userId, applicationId, scopes = string.Join(' ', scopes),
                now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), expires = expiresAt?.ToUnixTimeMilliseconds(),
            });
        return token;
    }

    /// <summary>The token if it exists, is not revoked or expired, and its application is enabled.</summary>
    public async Task<AccessToken?> FindActiveAsync(string token)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<AccessToken>(
            """
            SELECT t.id, t.user_id AS UserId, t.application_id AS ApplicationId, a.client_id AS ClientId, t.scopes
            FROM access_tokens t JOIN applications a ON a.id = t.application_id
            WHERE t.token_hash = @hash AND t.revoked_at IS NULL AND a.enabled = 1
              AND (t.expires_at IS NULL OR t.expires_at > @now)
            """,
            new { hash = RandomKey.Hash(token), now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() });
    }

    public async Task<bool> RevokeAsync(string token)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync(
            "UPDATE access_tokens SET revoked_at = @now WHERE token_hash = @hash AND revoked_at IS NULL",
            new { hash = RandomKey.Hash(token), now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }) > 0;
    }
}
