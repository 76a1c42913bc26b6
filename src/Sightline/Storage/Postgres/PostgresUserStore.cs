using Dapper;
using Microsoft.AspNetCore.Identity;
using Npgsql;
using Sightline.Users;

namespace Sightline.Storage.Postgres;

/// <summary>Reads and writes user accounts.</summary>
public sealed class PostgresUserStore(PostgresDatabase database) : IUserStore
{
    private static readonly PasswordHasher<User> Hasher = new();

    // Verified when the username is unknown, so a sign-in takes as long either way and does not reveal
    // which usernames exist (the sign-in page is open to anyone).
    private static readonly Lazy<string> DecoyHash = new(() => Hasher.HashPassword(null!, RandomKey.NewSecret()));

    private const string Columns = "id, uuid, username, email, about, avatar, created_at AS CreatedAt, is_admin AS IsAdmin, disabled_at AS DisabledAt, deleted_at AS DeletedAt, session_stamp AS SessionStamp";

    public async Task<User> AddAsync(string username, string email, string password, bool isAdmin = false)
    {
        if (!Usernames.IsValid(username))
            throw new ArgumentException($"username must be {Usernames.Rule}");
        if (string.IsNullOrWhiteSpace(email) || !email.Contains('@'))
            throw new ArgumentException("email must be an email address");
        if (string.IsNullOrEmpty(password))
            throw new ArgumentException("password must not be empty");

        var uuid = RandomKey.New();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var hash = Hasher.HashPassword(null!, password);
        await using var connection = await database.OpenAsync();
        try
        {
            var id = await connection.ExecuteScalarAsync<long>(
                """
                INSERT INTO users (uuid, username, email, password_hash, created_at, is_admin)
                VALUES (@uuid, @username, @email, @hash, @now, @isAdmin) RETURNING id
                """, new { uuid, username, email, hash, now, isAdmin = isAdmin ? 1 : 0 });
            return new User { Id = id, Uuid = uuid, Username = username, Email = email, CreatedAt = now, IsAdmin = isAdmin };
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new ArgumentException($"username '{username}' is taken");
        }
    }

    public async Task<User?> FindByIdAsync(long id)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<User>($"SELECT {Columns} FROM users WHERE id = @id", new { id });
    }

    /// <summary>The user with this public uuid (the STAC API's user id); null when none.</summary>
    public async Task<User?> FindByUuidAsync(string uuid)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<User>($"SELECT {Columns} FROM users WHERE uuid = @uuid", new { uuid });
    }

    public async Task<User?> FindByUsernameAsync(string username)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<User>($"SELECT {Columns} FROM users WHERE lower(username) = lower(@username)", new { username });
    }

    /// <summary>Case-insensitive prefix match on usernames, alphabetical.</summary>
    public async Task<IReadOnlyList<User>> SearchByPrefixAsync(string prefix, int limit)
    {
        var pattern = prefix.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_") + "%";
        await using var connection = await database.OpenAsync();
        var users = await connection.QueryAsync<User>(
            $@"SELECT {Columns} FROM users WHERE lower(username) LIKE lower(@pattern) ESCAPE '\' AND deleted_at IS NULL ORDER BY lower(username), username LIMIT @limit",
            new { pattern, limit });
        return users.AsList();
    }

    public async Task<bool> VerifyPasswordAsync(string username, string password)
    {
        await using var connection = await database.OpenAsync();
        var hash = await connection.QuerySingleOrDefaultAsync<string>(
            "SELECT password_hash FROM users WHERE lower(username) = lower(@username) AND disabled_at IS NULL", new { username });
        var verified = Hasher.VerifyHashedPassword(null!, hash ?? DecoyHash.Value, password) != PasswordVerificationResult.Failed;
        return hash is not null && verified;
    }

    /// <summary>Every account, by username (the admin CLI).</summary>
    public async Task<IReadOnlyList<User>> ListAsync()
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<User>($"SELECT {Columns} FROM users ORDER BY lower(username), username")).AsList();
    }

    /// <summary>Disables or re-enables an account; false when no such user. Disabling stops its tokens at once (TokenStore joins on it).</summary>
    public async Task<bool> SetDisabledAsync(long userId, bool disabled)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync(
            disabled
                ? "UPDATE users SET disabled_at = coalesce(disabled_at, @now), session_stamp = session_stamp + 1 WHERE id = @userId"
                : "UPDATE users SET disabled_at = NULL WHERE id = @userId AND deleted_at IS NULL",
            new { userId, now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }) > 0;
    }

    public async Task<IUserStore.Erasure> EraseAsync(long userId)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        // The row lock waits for an upload being recorded (it holds the row FOR SHARE) and makes the next one see the
        // account deleted, so the count below is final.
        var avatar = await connection.ExecuteScalarAsync<string?>("SELECT avatar FROM users WHERE id = @userId FOR UPDATE", new { userId }, transaction);
        var photos = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM uploads WHERE user_id = @userId", new { userId }, transaction);
        if (photos > 0)
            return new IUserStore.Erasure(photos, null);
        await connection.ExecuteAsync(
            """
            UPDATE users SET username = 'deleted-' || uuid, email = '', password_hash = '', about = '', avatar = NULL,
                             disabled_at = coalesce(disabled_at, @now), deleted_at = @now, session_stamp = session_stamp + 1
            WHERE id = @userId
            """, new { userId, now }, transaction);
        await connection.ExecuteAsync("UPDATE access_tokens SET revoked_at = @now WHERE user_id = @userId AND revoked_at IS NULL",
            new { userId, now }, transaction);
        await transaction.CommitAsync();
        return new IUserStore.Erasure(0, avatar);
    }

    /// <summary>Replaces the password; false when no such user.</summary>
    public async Task<bool> SetPasswordAsync(string username, string password)
    {
        if (string.IsNullOrEmpty(password))
            throw new ArgumentException("password must not be empty");
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync("UPDATE users SET password_hash = @hash, session_stamp = session_stamp + 1 WHERE lower(username) = lower(@username)",
            new { username, hash = Hasher.HashPassword(null!, password) }) > 0;
    }

    /// <summary>Ends every sign-in session of the account by moving its session stamp.</summary>
    public async Task EndSessionsAsync(long userId)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("UPDATE users SET session_stamp = session_stamp + 1 WHERE id = @userId", new { userId });
    }

    public async Task<long> CountAsync()
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM users");
    }

    public async Task<string?> SetAvatarAsync(long userId, string avatarId)
    {
        await using var connection = await database.OpenAsync();
        var previous = await connection.ExecuteScalarAsync<string?>("SELECT avatar FROM users WHERE id = @userId", new { userId });
        await connection.ExecuteAsync("UPDATE users SET avatar = @avatarId WHERE id = @userId", new { avatarId, userId });
        return previous;
    }
}
