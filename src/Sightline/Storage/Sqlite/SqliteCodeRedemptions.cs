using Dapper;
using Microsoft.Data.Sqlite;
using Sightline.OAuth;

namespace Sightline.Storage.Sqlite;

/// <summary>
/// Remembers which authorization codes were redeemed and which token each one produced, so a code
/// works once and a replay revokes what the first redemption issued (RFC 6749 §4.1.2, RFC 9700 §4.5).
/// </summary>
public sealed class SqliteCodeRedemptions(Database database) : ICodeRedemptions
{
    // Codes live 10 minutes; a record kept somewhat longer still covers every code that could validate.
    private static readonly TimeSpan Retention = TimeSpan.FromMinutes(30);

    /// <summary>Claims the code for this redemption; false when it was redeemed before, and then the replay is recorded.</summary>
    public async Task<(bool First, long? EarlierTokenId)> ClaimAsync(string code)
    {
        var now = DateTimeOffset.UtcNow;
        var hash = RandomKey.Hash(code);
        await using var connection = await database.OpenWriterAsync();
        await connection.ExecuteAsync("DELETE FROM oauth_code_redemptions WHERE redeemed_at < @cutoff",
            new { cutoff = (now - Retention).ToUnixTimeMilliseconds() });
        try
        {
            // The primary key makes the claim atomic: of two concurrent redemptions only one inserts.
            await connection.ExecuteAsync("INSERT INTO oauth_code_redemptions (code_hash, redeemed_at) VALUES (@hash, @now)",
                new { hash, now = now.ToUnixTimeMilliseconds() });
            return (true, null);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19 /* SQLITE_CONSTRAINT */)
        {
            var tokenId = await connection.ExecuteScalarAsync<long?>(
                "UPDATE oauth_code_redemptions SET replayed_at = @now WHERE code_hash = @hash RETURNING token_id",
                new { hash, now = now.ToUnixTimeMilliseconds() });
            return (false, tokenId);
        }
    }

    /// <summary>Records the token the first redemption issued; false when a replay arrived in between, so the caller revokes it.</summary>
    public async Task<bool> AttachTokenAsync(string code, long tokenId)
    {
        await using var connection = await database.OpenWriterAsync();
        var replayedAt = await connection.ExecuteScalarAsync<long?>(
            "UPDATE oauth_code_redemptions SET token_id = @tokenId WHERE code_hash = @hash RETURNING replayed_at",
            new { hash = RandomKey.Hash(code), tokenId });
        return replayedAt is null;
    }
}
