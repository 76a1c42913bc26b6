using Dapper;
using Sightline.Tokens;

using IssuedToken = Sightline.Tokens.ITokenStore.IssuedToken;
using Grant = Sightline.Tokens.ITokenStore.Grant;

namespace Sightline.Storage.Postgres;

/// <summary>Issues, finds and revokes access tokens.</summary>
public sealed class PostgresTokenStore(PostgresDatabase database) : ITokenStore
{
    /// <summary>Issues a token; the returned string is shown once and only its hash is stored.</summary>
    public async Task<string> IssueAsync(long userId, long applicationId, IEnumerable<string> scopes, DateTimeOffset? expiresAt = null) =>
        (await IssueWithIdAsync(userId, applicationId, scopes, expiresAt)).Value;

    public async Task<IssuedToken> IssueWithIdAsync(long userId, long applicationId, IEnumerable<string> scopes, DateTimeOffset? expiresAt = null)
    {
        var token = RandomKey.NewSecret();
        await using var connection = await database.OpenAsync();
        var id = await connection.ExecuteScalarAsync<long>(
            """
            INSERT INTO access_tokens (token_hash, user_id, application_id, scopes, created_at, expires_at)
            VALUES (@hash, @userId, @applicationId, @scopes, @now, @expires) RETURNING id
            """,
            new
            {
                hash = RandomKey.Hash(token), userId, applicationId, scopes = string.Join(' ', scopes),
                now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), expires = expiresAt?.ToUnixTimeMilliseconds(),
            });
        return new IssuedToken(id, token);
    }

    /// <summary>The token if it exists, is not revoked or expired, and its application is enabled.</summary>
    public Task<AccessToken?> FindActiveAsync(string token) => FindActiveByHashAsync(RandomKey.Hash(token));

    /// <summary>As <see cref="FindActiveAsync"/>, given the token's hash.</summary>
    public async Task<AccessToken?> FindActiveByHashAsync(string hash)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<AccessToken>(
            """
            SELECT t.id, t.user_id AS UserId, t.application_id AS ApplicationId, a.client_id AS ClientId, t.scopes,
                   t.expires_at AS ExpiresAt
            FROM access_tokens t JOIN applications a ON a.id = t.application_id JOIN users u ON u.id = t.user_id
            WHERE t.token_hash = @hash AND t.revoked_at IS NULL AND a.enabled = 1 AND u.disabled_at IS NULL
              AND (t.expires_at IS NULL OR t.expires_at > @now)
            """,
            new { hash, now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() });
    }

    public async Task<bool> RevokeAsync(string token)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync(
            "UPDATE access_tokens SET revoked_at = @now WHERE token_hash = @hash AND revoked_at IS NULL",
            new { hash = RandomKey.Hash(token), now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }) > 0;
    }

    /// <summary>Revokes a token only if it was issued to <paramref name="applicationId"/> (RFC 7009 §2.1: a client revokes its own tokens).</summary>
    public async Task<bool> RevokeForApplicationAsync(string token, long applicationId)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync(
            """
            UPDATE access_tokens SET revoked_at = @now
            WHERE token_hash = @hash AND application_id = @applicationId AND revoked_at IS NULL
            """,
            new { hash = RandomKey.Hash(token), applicationId, now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }) > 0;
    }

    public async Task RevokeByIdAsync(long tokenId)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            "UPDATE access_tokens SET revoked_at = @now WHERE id = @tokenId AND revoked_at IS NULL",
            new { tokenId, now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() });
    }

    /// <summary>The applications holding live tokens of <paramref name="userId"/>, by name.</summary>
    public async Task<IReadOnlyList<Grant>> GrantsOfUserAsync(long userId)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<(long ApplicationId, string ClientId, string Name, string Scopes)>(
            """
            SELECT a.id, a.client_id, a.name, t.scopes
            FROM access_tokens t JOIN applications a ON a.id = t.application_id
            WHERE t.user_id = @userId AND t.revoked_at IS NULL AND a.enabled = 1
              AND (t.expires_at IS NULL OR t.expires_at > @now)
            """,
            new { userId, now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() });
        return rows.GroupBy(r => (r.ApplicationId, r.ClientId, r.Name))
            .Select(g => new Grant(g.Key.ApplicationId, g.Key.ClientId, g.Key.Name,
                g.SelectMany(r => r.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList()))
            .OrderBy(g => g.ApplicationName, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    /// <summary>Every token of <paramref name="userId"/>, newest first, revoked and expired ones included.</summary>
    public async Task<IReadOnlyList<ITokenStore.TokenListing>> ListOfUserAsync(long userId)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<ITokenStore.TokenListing>(
            """
            SELECT t.id, a.client_id AS ClientId, a.name AS ApplicationName, t.scopes, t.created_at AS CreatedAt,
                   t.expires_at AS ExpiresAt, t.revoked_at AS RevokedAt
            FROM access_tokens t JOIN applications a ON a.id = t.application_id
            WHERE t.user_id = @userId ORDER BY t.id DESC
            """, new { userId });
        return rows.AsList();
    }

    /// <summary>Revokes every live token of one user for one application; returns how many.</summary>
    public async Task<int> RevokeGrantAsync(long userId, long applicationId)
    {
        var parameters = new { userId, applicationId, now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() };
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var revoked = await connection.ExecuteAsync(
            "UPDATE access_tokens SET revoked_at = @now WHERE user_id = @userId AND application_id = @applicationId AND revoked_at IS NULL",
            parameters, transaction);
        await connection.ExecuteAsync(
            """
            INSERT INTO oauth_grant_revocations (user_id, application_id, revoked_at) VALUES (@userId, @applicationId, @now)
            ON CONFLICT (user_id, application_id) DO UPDATE SET revoked_at = excluded.revoked_at
            """, parameters, transaction);
        await transaction.CommitAsync();
        return revoked;
    }

    public async Task<long?> GrantRevokedAtAsync(long userId, long applicationId)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<long?>(
            "SELECT revoked_at FROM oauth_grant_revocations WHERE user_id = @userId AND application_id = @applicationId",
            new { userId, applicationId });
    }
}
