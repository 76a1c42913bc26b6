using Microsoft.AspNetCore.Identity;

namespace Sightline.Users;

/// <summary>Reads and writes user accounts.</summary>
public interface IUserStore
{
    Task<User> AddAsync(string username, string email, string password, bool isAdmin = false);

    Task<User?> FindByIdAsync(long id);

    Task<User?> FindByUsernameAsync(string username);

    /// <summary>By the public uuid that the STAC API names users by.</summary>
    Task<User?> FindByUuidAsync(string uuid);

    /// <summary>Case-insensitive prefix match on the usernames of accounts not deleted, alphabetical.</summary>
    Task<IReadOnlyList<User>> SearchByPrefixAsync(string prefix, int limit);

    Task<bool> VerifyPasswordAsync(string username, string password);

    Task<long> CountAsync();

    /// <summary>Makes <paramref name="avatarId"/> the user's profile picture; returns the previous one's id, if any.</summary>
    Task<string?> SetAvatarAsync(long userId, string avatarId);

    /// <summary>Every account, by username (the admin CLI).</summary>
    Task<IReadOnlyList<User>> ListAsync();

    /// <summary>Disables or re-enables an account; false when no such user. Disabling stops its tokens and sign-in sessions at once.</summary>
    /// <remarks>By id: a username can pass to another account once its own is deleted.</remarks>
    Task<bool> SetDisabledAsync(long userId, bool disabled);

    /// <summary>Replaces the password and ends the account's sign-in sessions; false when no such user.</summary>
    Task<bool> SetPasswordAsync(string username, string password);

    /// <summary>Ends every sign-in session of the account (<see cref="User.SessionStamp"/> moves on).</summary>
    Task EndSessionsAsync(long userId);

    /// <summary>
    /// What <see cref="EraseAsync"/> did: nothing while the account still has photos (<see cref="PhotosLeft"/> of them),
    /// else erased it; <see cref="Avatar"/> is the picture id it had, so its file can be removed too.
    /// </summary>
    public sealed record Erasure(long PhotosLeft, string? Avatar);

    /// <summary>
    /// Empties a deleted account, only once it has no photo left (they are removed before, by <c>AccountDeletion</c>;
    /// counted in the same transaction, so an upload recorded meanwhile is counted): the row stays for the rows that refer
    /// to it, without name, email, password or picture, and its tokens are revoked. Comments then show "deleted user".
    /// </summary>
    Task<Erasure> EraseAsync(long userId);
}
